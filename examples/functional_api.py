"""The functional API: Input -> Dense -> Dense, trained on the bundled digits.

Run: python examples/functional_api.py
"""
import torchkeras as keras
from torchkeras import layers

keras.utils.set_random_seed(3)

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

inputs = keras.Input(shape=(64,), name="pixels")
hidden = layers.Dense(64, activation="relu", name="hidden")(inputs)
outputs = layers.Dense(10, activation="softmax", name="digit")(hidden)
model = keras.Model(inputs=inputs, outputs=outputs, name="digits_mlp")
model.summary()

model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=10, validation_split=0.2)
results = model.evaluate(x_test, y_test, return_dict=True)
print("test:", {k: round(v, 4) for k, v in results.items()})
