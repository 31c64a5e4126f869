"""Binary classification with rmsprop and a custom metric: is the handwritten digit >= 5?

Uses the 8x8 digits bundled with torchkeras. Run: python examples/binary_classification.py
"""
import torchkeras as keras
from torchkeras import backend as K
from torchkeras import layers

keras.utils.set_random_seed(42)

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
y_train = (y_train >= 5).astype("float32")
y_test = (y_test >= 5).astype("float32")


def mean_pred(y_true, y_pred):
    """A custom metric, written as in Keras tutorials."""
    return y_pred.mean(dim=-1)


model = keras.Sequential([
    layers.Dense(32, activation="relu", input_shape=(64,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy", mean_pred])
model.summary()
model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1)
loss, accuracy, mean = model.evaluate(x_test, y_test)
print(f"test loss={loss:.4f} accuracy={accuracy:.4f} mean_pred={mean:.4f}")
