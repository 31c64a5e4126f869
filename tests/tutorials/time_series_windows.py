"""TensorFlow's "Time series forecasting" tutorial (tutorials/structured_data/time_series), its
data windowing part, run unchanged through ``python -m torchkeras run``: the WindowGenerator
(``split_window`` with ``tf.stack`` and ``set_shape`` inside ``Dataset.map``,
``tf.keras.utils.timeseries_dataset_from_array``), the ``Baseline`` model and a linear model.
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
history = linear.fit(single_step_window.train, epochs=2,
                     validation_data=single_step_window.val, verbose=0)
print('history keys:', sorted(history.history))
# (The tutorial then calls `linear` on wide_window batches, (32, 24, 4) after (None, 1, 4):
# tf.keras 2 rebuilds a Sequential without an Input for the relaxed shape (None, None, 4);
# torchkeras's Sequential keeps its first input spec and raises: not done here.)
