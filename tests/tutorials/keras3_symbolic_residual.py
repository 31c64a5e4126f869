"""In the style of the keras.io Keras 3 examples that do arithmetic on symbolic tensors in a
functional model (``x = x + residual``, ``ops.concatenate``, ``inputs[:, :, 0]``, e.g. the
timeseries and image-classification-from-scratch examples): a small residual 1D-conv
classifier on generated sequences; fit, evaluate, save/load, predict."""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(1)
n, steps = 256, 16
x_train = np.random.normal(size=(n, steps, 2)).astype("float32")
y_train = (x_train[:, :, 0].mean(axis=1) > 0).astype("int32")


def make_model(input_shape):
    inputs = keras.Input(shape=input_shape)
    channel = inputs[:, :, 0]                              # (batch, steps)
    x = layers.Conv1D(8, 3, padding="same", activation="relu")(inputs)
    residual = x
    x = layers.Conv1D(8, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = x + residual                                       # a residual connection
    x = ops.relu(x)
    pooled = layers.GlobalAveragePooling1D()(x)
    summary = ops.concatenate([pooled, ops.mean(channel, axis=1, keepdims=True) * 4.0], axis=-1)
    outputs = layers.Dense(2, activation="softmax")(summary)
    return keras.Model(inputs, outputs)


model = make_model((steps, 2))
print("op_layers", " ".join(layer.name for layer in model.layers
                              if type(layer).__name__ == "TFOpLambda"))
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
print("first_last_loss", history.history["loss"][0], history.history["loss"][-1])
print("accuracy", model.evaluate(x_train, y_train, verbose=0)[1])
model.save("residual.keras")
reloaded = keras.models.load_model("residual.keras")
same = np.allclose(model.predict(x_train[:4], verbose=0), reloaded.predict(x_train[:4], verbose=0),
                   atol=1e-5)
print("reload_same", same)
