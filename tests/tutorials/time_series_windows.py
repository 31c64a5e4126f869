"""TensorFlow's "Time series forecasting" tutorial (tutorials/structured_data/time_series), its
data windowing part, run unchanged through ``python -m torchkeras run``: the WindowGenerator
(``split_window`` with ``tf.stack`` and ``set_shape`` inside ``Dataset.map``,
``tf.keras.utils.timeseries_dataset_from_array``), the ``Baseline`` model, and the model cells
(Linear, Dense, multi_step_dense, conv and LSTM models, the multi-output and multi-step models,
FeedBack) with MAX_EPOCHS = 2 and quiet fits.
A small synthetic weather-like table (NumPy columns instead of the CSV download and pandas)."""
import numpy as np
import tensorflow as tf

# --- synthetic hourly "weather": 4 columns, normalized with the training statistics
rng = np.random.RandomState(0)
hours = np.arange(1200)
columns = ['p (mbar)', 'T (degC)', 'rh (%)', 'wv (m/s)']
raw = np.stack([990 + 0.01 * hours + rng.randn(1200),
                5 + 8 * np.sin(2 * np.pi * hours / 24) + rng.randn(1200),
                80 + 5 * np.cos(2 * np.pi * hours / 24) + rng.randn(1200),
                np.abs(2 + rng.randn(1200))], axis=-1).astype('float32')

n = len(raw)
train_df = raw[0:int(n * 0.7)]
val_df = raw[int(n * 0.7):int(n * 0.9)]
test_df = raw[int(n * 0.9):]
num_features = raw.shape[1]

train_mean = train_df.mean(axis=0)
train_std = train_df.std(axis=0)
train_df = (train_df - train_mean) / train_std
val_df = (val_df - train_mean) / train_std
test_df = (test_df - train_mean) / train_std


class WindowGenerator():
    def __init__(self, input_width, label_width, shift,
                 train_df=train_df, val_df=val_df, test_df=test_df,
                 label_columns=None):
        # Store the raw data.
        self.train_df = train_df
        self.val_df = val_df
        self.test_df = test_df

        # Work out the label column indices.
        self.label_columns = label_columns
        if label_columns is not None:
            self.label_columns_indices = {name: i for i, name in
                                          enumerate(label_columns)}
        self.column_indices = {name: i for i, name in enumerate(columns)}

        # Work out the window parameters.
        self.input_width = input_width
        self.label_width = label_width
        self.shift = shift

        self.total_window_size = input_width + shift

        self.input_slice = slice(0, input_width)
        self.input_indices = np.arange(self.total_window_size)[self.input_slice]

        self.label_start = self.total_window_size - self.label_width
        self.labels_slice = slice(self.label_start, None)
        self.label_indices = np.arange(self.total_window_size)[self.labels_slice]

    def __repr__(self):
        return '\n'.join([
            f'Total window size: {self.total_window_size}',
            f'Input indices: {self.input_indices}',
            f'Label indices: {self.label_indices}',
            f'Label column name(s): {self.label_columns}'])


def split_window(self, features):
    inputs = features[:, self.input_slice, :]
    labels = features[:, self.labels_slice, :]
    if self.label_columns is not None:
        labels = tf.stack(
            [labels[:, :, self.column_indices[name]] for name in self.label_columns],
            axis=-1)

    # Slicing doesn't preserve static shape information, so set the shapes
    # manually. This way the `tf.data.Datasets` are easier to inspect.
    inputs.set_shape([None, self.input_width, None])
    labels.set_shape([None, self.label_width, None])

    return inputs, labels


WindowGenerator.split_window = split_window


def make_dataset(self, data):
    data = np.array(data, dtype=np.float32)
    ds = tf.keras.utils.timeseries_dataset_from_array(
        data=data,
        targets=None,
        sequence_length=self.total_window_size,
        sequence_stride=1,
        shuffle=True,
        batch_size=32,)

    ds = ds.map(self.split_window)

    return ds


WindowGenerator.make_dataset = make_dataset


@property
def train(self):
    return self.make_dataset(self.train_df)


@property
def val(self):
    return self.make_dataset(self.val_df)


@property
def test(self):
    return self.make_dataset(self.test_df)


WindowGenerator.train = train
WindowGenerator.val = val
WindowGenerator.test = test

w2 = WindowGenerator(input_width=6, label_width=1, shift=1, label_columns=['T (degC)'])
print(w2)

# Stack three slices, the length of the total window.
example_window = tf.stack([np.array(train_df[:w2.total_window_size]),
                           np.array(train_df[100:100 + w2.total_window_size]),
                           np.array(train_df[200:200 + w2.total_window_size])])
example_inputs, example_labels = w2.split_window(example_window)
print('All shapes are: (batch, time, features)')
print(f'Window shape: {tuple(example_window.shape)}')
print(f'Inputs shape: {tuple(example_inputs.shape)}')
print(f'Labels shape: {tuple(example_labels.shape)}')
print('Labels: %s' % np.round(example_labels.numpy()[:, 0, 0], 4).tolist())

for example_inputs, example_labels in w2.train.take(1):
    print(f'Inputs shape (batch, time, features): {tuple(example_inputs.shape)}')
    print(f'Labels shape (batch, time, features): {tuple(example_labels.shape)}')
print('batches:', len(list(w2.train)), len(list(w2.val)), len(list(w2.test)))

single_step_window = WindowGenerator(input_width=1, label_width=1, shift=1,
                                     label_columns=['T (degC)'])
column_indices = single_step_window.column_indices


class Baseline(tf.keras.Model):
    def __init__(self, label_index=None):
        super().__init__()
        self.label_index = label_index

    def call(self, inputs):
        if self.label_index is None:
            return inputs
        result = inputs[:, :, self.label_index]
        return result[:, :, tf.newaxis]


baseline = Baseline(label_index=column_indices['T (degC)'])
baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                 metrics=[tf.keras.metrics.MeanAbsoluteError()])
val_loss, val_mae = baseline.evaluate(single_step_window.val, verbose=0)
print('Baseline val: loss %.4f mae %.4f' % (val_loss, val_mae))

wide_window = WindowGenerator(input_width=24, label_width=24, shift=1,
                              label_columns=['T (degC)'])
print('Input shape:', tuple(next(iter(wide_window.train))[0].shape))
print('Output shape:', tuple(baseline(next(iter(wide_window.train))[0]).shape))
wide_loss, wide_mae = baseline.evaluate(wide_window.val, verbose=0)
print('Baseline wide val: loss %.4f mae %.4f' % (wide_loss, wide_mae))

linear = tf.keras.Sequential([tf.keras.layers.Dense(units=1)])
linear.compile(loss=tf.keras.losses.MeanSquaredError(),
               optimizer=tf.keras.optimizers.Adam(),
               metrics=[tf.keras.metrics.MeanAbsoluteError()])
print('metrics before fit:', linear.metrics_names)
history = linear.fit(single_step_window.train, epochs=2,
                     validation_data=single_step_window.val, verbose=0)
print('history keys:', sorted(history.history))


# --- the model cells (epochs shortened; fit and evaluate quiet; values are not printed
# where they depend on the random initialization; shapes as tuples: a torch tensor's
# `.shape` prints as torch.Size)
@property
def example(self):
    """Get and cache an example batch of `inputs, labels` for plotting."""
    result = getattr(self, '_example', None)
    if result is None:
        # No example batch was found, so get one from the `.train` dataset
        result = next(iter(self.train))
        # And cache it for next time
        self._example = result
    return result


WindowGenerator.example = example

MAX_EPOCHS = 2


def compile_and_fit(model, window, patience=2):
    early_stopping = tf.keras.callbacks.EarlyStopping(monitor='val_loss',
                                                      patience=patience,
                                                      mode='min')

    model.compile(loss=tf.keras.losses.MeanSquaredError(),
                  optimizer=tf.keras.optimizers.Adam(),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])

    history = model.fit(window.train, epochs=MAX_EPOCHS,
                        validation_data=window.val,
                        callbacks=[early_stopping], verbose=0)
    return history


val_performance = {}
performance = {}
history = compile_and_fit(linear, single_step_window)
val_performance['Linear'] = linear.evaluate(single_step_window.val, return_dict=True, verbose=0)
performance['Linear'] = linear.evaluate(single_step_window.test, verbose=0, return_dict=True)
print('Linear keys:', sorted(val_performance['Linear']))
print('Input shape:', tuple(wide_window.example[0].shape))
print('Output shape:', tuple(linear(wide_window.example[0]).shape))
print('kernel shape:', linear.layers[0].kernel[:, 0].numpy().shape)

dense = tf.keras.Sequential([
    tf.keras.layers.Dense(units=64, activation='relu'),
    tf.keras.layers.Dense(units=64, activation='relu'),
    tf.keras.layers.Dense(units=1)
])
history = compile_and_fit(dense, single_step_window)
val_performance['Dense'] = dense.evaluate(single_step_window.val, return_dict=True, verbose=0)
print('Dense on wide window:', tuple(dense(wide_window.example[0]).shape))

CONV_WIDTH = 3
conv_window = WindowGenerator(input_width=CONV_WIDTH, label_width=1, shift=1,
                              label_columns=['T (degC)'])
multi_step_dense = tf.keras.Sequential([
    # Shape: (time, features) => (time*features)
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(units=32, activation='relu'),
    tf.keras.layers.Dense(units=32, activation='relu'),
    tf.keras.layers.Dense(units=1),
    # Add back the time dimension.
    # Shape: (outputs) => (1, outputs)
    tf.keras.layers.Reshape([1, -1]),
])
print('Input shape:', tuple(conv_window.example[0].shape))
print('Output shape:', tuple(multi_step_dense(conv_window.example[0]).shape))
history = compile_and_fit(multi_step_dense, conv_window)
val_performance['Multi step dense'] = multi_step_dense.evaluate(conv_window.val,
                                                                return_dict=True, verbose=0)
print('Input shape:', tuple(wide_window.example[0].shape))
try:
    print('Output shape:', tuple(multi_step_dense(wide_window.example[0]).shape))
except Exception as e:
    # (tf-keras wraps this line in "Exception encountered when calling layer ...")
    print(type(e).__name__ + ':', [line for line in str(e).splitlines()
                                   if line.startswith('Input 0')][0])

conv_model = tf.keras.Sequential([
    tf.keras.layers.Conv1D(filters=32, kernel_size=(CONV_WIDTH,), activation='relu'),
    tf.keras.layers.Dense(units=32, activation='relu'),
    tf.keras.layers.Dense(units=1),
])
print('Conv model on `conv_window`')
print('Output shape:', tuple(conv_model(conv_window.example[0]).shape))
history = compile_and_fit(conv_model, conv_window)
val_performance['Conv'] = conv_model.evaluate(conv_window.val, return_dict=True, verbose=0)
print('Wide window')
print('Labels shape:', tuple(wide_window.example[1].shape))
print('Output shape:', tuple(conv_model(wide_window.example[0]).shape))
LABEL_WIDTH = 24
INPUT_WIDTH = LABEL_WIDTH + (CONV_WIDTH - 1)
wide_conv_window = WindowGenerator(input_width=INPUT_WIDTH, label_width=LABEL_WIDTH, shift=1,
                                   label_columns=['T (degC)'])
print('Wide conv window')
print('Input shape:', tuple(wide_conv_window.example[0].shape))
print('Labels shape:', tuple(wide_conv_window.example[1].shape))
print('Output shape:', tuple(conv_model(wide_conv_window.example[0]).shape))

lstm_model = tf.keras.models.Sequential([
    # Shape [batch, time, features] => [batch, time, lstm_units]
    tf.keras.layers.LSTM(32, return_sequences=True),
    # Shape => [batch, time, features]
    tf.keras.layers.Dense(units=1)
])
print('Output shape:', tuple(lstm_model(wide_window.example[0]).shape))
history = compile_and_fit(lstm_model, wide_window)
val_performance['LSTM'] = lstm_model.evaluate(wide_window.val, return_dict=True, verbose=0)
performance['LSTM'] = lstm_model.evaluate(wide_window.test, verbose=0, return_dict=True)
cm = lstm_model.metrics[1]
print('lstm_model.metrics[1]:', type(cm).__name__, cm.name)
print('metrics_names:', lstm_model.metrics_names)
print('val_performance:', list(val_performance))
print('mae keys:', all('mean_absolute_error' in v for v in val_performance.values()))

# --- multi-output models: every feature is a label
single_step_window = WindowGenerator(input_width=1, label_width=1, shift=1)
wide_window = WindowGenerator(input_width=24, label_width=24, shift=1)
for example_inputs, example_labels in wide_window.train.take(1):
    print(f'Inputs shape (batch, time, features): {tuple(example_inputs.shape)}')
    print(f'Labels shape (batch, time, features): {tuple(example_labels.shape)}')
baseline = Baseline()
baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                 metrics=[tf.keras.metrics.MeanAbsoluteError()])
loss, mae = baseline.evaluate(wide_window.val, verbose=0)
print('multi-output Baseline val: loss %.4f mae %.4f' % (loss, mae))
dense = tf.keras.Sequential([
    tf.keras.layers.Dense(units=64, activation='relu'),
    tf.keras.layers.Dense(units=64, activation='relu'),
    tf.keras.layers.Dense(units=num_features)
])
history = compile_and_fit(dense, single_step_window)
print('multi-output dense:', tuple(dense(wide_window.example[0]).shape))
lstm_model = tf.keras.models.Sequential([
    tf.keras.layers.LSTM(32, return_sequences=True),
    tf.keras.layers.Dense(units=num_features)
])
history = compile_and_fit(lstm_model, wide_window)
print('multi-output lstm:', tuple(lstm_model(wide_window.example[0]).shape))


class ResidualWrapper(tf.keras.Model):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def call(self, inputs, *args, **kwargs):
        delta = self.model(inputs, *args, **kwargs)

        # The prediction for each time step is the input
        # from the previous time step plus the delta
        # calculated by the model.
        return inputs + delta


residual_lstm = ResidualWrapper(
    tf.keras.Sequential([
        tf.keras.layers.LSTM(32, return_sequences=True),
        tf.keras.layers.Dense(
            num_features,
            # The predicted deltas should start small.
            # Therefore, initialize the output layer with zeros.
            kernel_initializer=tf.initializers.zeros())
    ]))
history = compile_and_fit(residual_lstm, wide_window)
print('residual lstm:', tuple(residual_lstm(wide_window.example[0]).shape),
      sorted(residual_lstm.evaluate(wide_window.val, verbose=0, return_dict=True)))

# --- multi-step models
OUT_STEPS = 24
multi_window = WindowGenerator(input_width=24, label_width=OUT_STEPS, shift=OUT_STEPS)
print(multi_window)


class MultiStepLastBaseline(tf.keras.Model):
    def call(self, inputs):
        return tf.tile(inputs[:, -1:, :], [1, OUT_STEPS, 1])


last_baseline = MultiStepLastBaseline()
last_baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                      metrics=[tf.keras.metrics.MeanAbsoluteError()])
result = last_baseline.evaluate(multi_window.val, return_dict=True, verbose=0)
print('Last: loss %.4f mae %.4f' % (result['loss'], result['mean_absolute_error']))


class RepeatBaseline(tf.keras.Model):
    def call(self, inputs):
        return inputs


repeat_baseline = RepeatBaseline()
repeat_baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                        metrics=[tf.keras.metrics.MeanAbsoluteError()])
result = repeat_baseline.evaluate(multi_window.val, return_dict=True, verbose=0)
print('Repeat: loss %.4f mae %.4f' % (result['loss'], result['mean_absolute_error']))

multi_linear_model = tf.keras.Sequential([
    # Take the last time-step.
    # Shape [batch, time, features] => [batch, 1, features]
    tf.keras.layers.Lambda(lambda x: x[:, -1:, :]),
    # Shape => [batch, 1, out_steps*features]
    tf.keras.layers.Dense(OUT_STEPS*num_features,
                          kernel_initializer=tf.initializers.zeros()),
    # Shape => [batch, out_steps, features]
    tf.keras.layers.Reshape([OUT_STEPS, num_features])
])
history = compile_and_fit(multi_linear_model, multi_window)
print('multi linear:', tuple(multi_linear_model(multi_window.example[0]).shape))
multi_dense_model = tf.keras.Sequential([
    tf.keras.layers.Lambda(lambda x: x[:, -1:, :]),
    tf.keras.layers.Dense(512, activation='relu'),
    tf.keras.layers.Dense(OUT_STEPS*num_features,
                          kernel_initializer=tf.initializers.zeros()),
    tf.keras.layers.Reshape([OUT_STEPS, num_features])
])
history = compile_and_fit(multi_dense_model, multi_window)
print('multi dense:', tuple(multi_dense_model(multi_window.example[0]).shape))
multi_conv_model = tf.keras.Sequential([
    # Shape [batch, time, features] => [batch, CONV_WIDTH, features]
    tf.keras.layers.Lambda(lambda x: x[:, -CONV_WIDTH:, :]),
    # Shape => [batch, 1, conv_units]
    tf.keras.layers.Conv1D(256, activation='relu', kernel_size=(CONV_WIDTH)),
    tf.keras.layers.Dense(OUT_STEPS*num_features,
                          kernel_initializer=tf.initializers.zeros()),
    tf.keras.layers.Reshape([OUT_STEPS, num_features])
])
history = compile_and_fit(multi_conv_model, multi_window)
print('multi conv:', tuple(multi_conv_model(multi_window.example[0]).shape))
multi_lstm_model = tf.keras.Sequential([
    # Shape [batch, time, features] => [batch, lstm_units].
    tf.keras.layers.LSTM(32, return_sequences=False),
    tf.keras.layers.Dense(OUT_STEPS*num_features,
                          kernel_initializer=tf.initializers.zeros()),
    tf.keras.layers.Reshape([OUT_STEPS, num_features])
])
history = compile_and_fit(multi_lstm_model, multi_window)
print('multi lstm:', tuple(multi_lstm_model(multi_window.example[0]).shape))


class FeedBack(tf.keras.Model):
    def __init__(self, units, out_steps):
        super().__init__()
        self.out_steps = out_steps
        self.units = units
        self.lstm_cell = tf.keras.layers.LSTMCell(units)
        # Also wrap the LSTMCell in an RNN to simplify the `warmup` method.
        self.lstm_rnn = tf.keras.layers.RNN(self.lstm_cell, return_state=True)
        self.dense = tf.keras.layers.Dense(num_features)


feedback_model = FeedBack(units=32, out_steps=OUT_STEPS)


def warmup(self, inputs):
    # inputs.shape => (batch, time, features)
    # x.shape => (batch, lstm_units)
    x, *state = self.lstm_rnn(inputs)

    # predictions.shape => (batch, features)
    prediction = self.dense(x)
    return prediction, state


FeedBack.warmup = warmup
prediction, state = feedback_model.warmup(multi_window.example[0])
print('warmup:', tuple(prediction.shape))


def call(self, inputs, training=None):
    # Use a TensorArray to capture dynamically unrolled outputs.
    predictions = []
    # Initialize the LSTM state.
    prediction, state = self.warmup(inputs)

    # Insert the first prediction.
    predictions.append(prediction)

    # Run the rest of the prediction steps.
    for n in range(1, self.out_steps):
        # Use the last prediction as input.
        x = prediction
        # Execute one lstm step.
        x, state = self.lstm_cell(x, states=state,
                                  training=training)
        # Convert the lstm output to a prediction.
        prediction = self.dense(x)
        # Add the prediction to the output.
        predictions.append(prediction)

    # predictions.shape => (time, batch, features)
    predictions = tf.stack(predictions)
    # predictions.shape => (batch, time, features)
    predictions = tf.transpose(predictions, [1, 0, 2])
    return predictions


FeedBack.call = call
print('Output shape (batch, time, features): ',
      tuple(feedback_model(multi_window.example[0]).shape))
history = compile_and_fit(feedback_model, multi_window)
print('AR LSTM keys:', sorted(feedback_model.evaluate(multi_window.val, verbose=0,
                                                      return_dict=True)))
