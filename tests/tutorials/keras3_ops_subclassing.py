# Keras 3 custom layers, a VAE-style sampling layer, a custom loss and a custom metric written
# with `keras.ops` / `keras.random`, as the keras.io guides "Making new layers and models via
# subclassing" and "Training & evaluation with the built-in methods" write them.
import numpy as np
import keras
from keras import layers, ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal",
                                 trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class Standardize(keras.layers.Layer):
    def call(self, inputs):
        mean, variance = ops.moments(inputs, axes=[-1], keepdims=True)
        return (inputs - mean) * ops.rsqrt(variance + 1e-6)


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def sharpened_crossentropy(y_true, y_pred):
    probs = ops.softmax(y_pred * 2.0)
    return ops.categorical_crossentropy(y_true, probs)


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


keras.utils.set_random_seed(1)
x = np.ones((2, 2))
linear_layer = Linear(4, 2)
y = linear_layer(x)
print("linear output shape:", tuple(ops.shape(y)))
print("linear weights:", len(linear_layer.weights))

z = Sampling()([ops.zeros((3, 2)), ops.zeros((3, 2))])
print("sampling shape:", tuple(ops.shape(z)))

rng = np.random.RandomState(0)
x_train = rng.normal(size=(256, 8)).astype("float32")
labels = (x_train[:, 0] + x_train[:, 1] > 0).astype("int32")

inputs = keras.Input(shape=(8,))
hidden = Linear(16, 8)(inputs)
hidden = layers.Activation("relu")(Standardize()(hidden))
outputs = layers.Dense(2)(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[CategoricalTruePositives()])
history = model.fit(x_train, labels, batch_size=32, epochs=8, verbose=0)
print("true positives last epoch:", float(history.history["categorical_true_positives"][-1]))
print("final loss:", float(history.history["loss"][-1]))

regressor = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
regressor.compile(optimizer="adam", loss=custom_mean_squared_error)
target = x_train @ np.linspace(-1, 1, 8).astype("float32")[:, None]
first = regressor.evaluate(x_train, target, verbose=0)
regressor.fit(x_train, target, batch_size=32, epochs=20, verbose=0)
print("mse improved:", regressor.evaluate(x_train, target, verbose=0) < first)

onehot = ops.one_hot(labels, 2)
print("sharpened loss finite:", bool(ops.all(ops.isfinite(
    sharpened_crossentropy(onehot, model.predict(x_train, verbose=0))))))
