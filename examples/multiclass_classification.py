"""10-class classification of the bundled 8x8 digits (MLP, rmsprop, one-hot labels).

Run: python examples/multiclass_classification.py
"""
import torchkeras as keras
from torchkeras import layers
from torchkeras.utils import to_categorical

keras.utils.set_random_seed(7)

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
y_train = to_categorical(y_train, 10)
y_test = to_categorical(y_test, 10)

model = keras.Sequential([
    layers.Dense(64, activation="relu", input_shape=(64,)),
    layers.Dropout(0.2),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=15, batch_size=32,
                    validation_data=(x_test, y_test))
loss, accuracy = model.evaluate(x_test, y_test)
print(f"test loss={loss:.4f} accuracy={accuracy:.4f}")
print("first predictions:", model.predict(x_test[:8]).argmax(axis=1))
