"""Drop-in check in the style of keras.io "The Functional API" and "Training & evaluation with
the built-in methods" (Keras 3): Input(batch_shape=...) through a custom RNN layer, a Keras 3
metric with add_variable and `.value`, a custom Loss, an endpoint layer with add_loss, and
PyDataset / torch DataLoader input to fit."""
import numpy as np
import torch
import keras
from keras import layers
from keras import ops

units, timesteps, input_dim, batch_size = 32, 10, 5, 16


class CustomRNN(layers.Layer):
    def __init__(self):
        super().__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = layers.Dense(1)

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            h = self.projection_1(inputs[:, t, :])
            state = h + self.projection_2(state)
            outputs.append(state)
        return self.classifier(ops.stack(outputs, axis=1))


inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
x = layers.Conv1D(32, 3)(inputs)
outputs = CustomRNN()(x)
model = keras.Model(inputs, outputs)
print("batch_shape input:", tuple(inputs.shape), "output:", tuple(model.output.shape))


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


print("CustomMSE: %.6f" % float(CustomMSE()(np.eye(3, dtype="float32"),
                                            np.full((3, 3), 0.25, "float32"))))


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(ops.cast(y_true, "int32") == ops.cast(y_pred, "int32"), "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value

    def reset_state(self):
        self.true_positives.assign(0.0)


m = CategoricalTruePositives()
m.update_state(np.array([[1], [2], [0]]),
               np.array([[0.1, 0.9, 0], [0, 0.2, 0.8], [0.5, 0.4, 0.1]], "float32"),
               sample_weight=np.array([[1.0], [0.5], [1.0]]))
print("true positives:", float(m.result()))
m.reset_state()
print("after reset:", float(m.result()))


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        self.add_loss(self.loss_fn(targets, logits, sample_weights))
        return ops.softmax(logits)


inputs = keras.Input(shape=(3,), name="inputs")
targets = keras.Input(shape=(10,), name="targets")
logits = keras.layers.Dense(10)(inputs)
predictions = LogisticEndpoint(name="predictions")(targets, logits)
model = keras.Model(inputs=[inputs, targets], outputs=predictions)
model.compile(optimizer="adam")
history = model.fit({"inputs": np.random.random((3, 3)), "targets": np.random.random((3, 10))},
                    verbose=0)
print("endpoint keys:", sorted(history.history))


def get_compiled_model():
    inputs = keras.Input(shape=(8,))
    x = layers.Dense(16, activation="relu")(inputs)
    outputs = layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives()])
    return model


class ExamplePyDataset(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        sl = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[sl], self.y[sl]


x_train = np.random.random((64, 8)).astype("float32")
y_train = np.random.randint(0, 3, (64, 1)).astype("float32")
model = get_compiled_model()
history = model.fit(ExamplePyDataset(x_train, y_train, batch_size=16), epochs=2, verbose=0)
print("PyDataset keys:", sorted(history.history), len(history.history["loss"]))


class ExampleTorchDataset(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


loader = torch.utils.data.DataLoader(ExampleTorchDataset(x_train, y_train), batch_size=16)
result = model.evaluate(loader, verbose=0)
print("DataLoader evaluate:", len(result), 0.0 <= result[1] <= 64.0)
