# The functional API: two inputs, a shared trunk, two outputs.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(3)
n = 512
numbers = np.random.normal(size=(n, 6)).astype("float32")
flags = np.random.randint(0, 2, size=(n, 2)).astype("float32")
target_class = (numbers[:, 0] + numbers[:, 1] > 0).astype("int32")
target_value = (numbers[:, 2] * 2 + flags[:, 0]).astype("float32")

numbers_input = keras.Input(shape=(6,), name="numbers")
flags_input = keras.Input(shape=(2,), name="flags")
x = layers.Dense(32, activation="relu")(numbers_input)
x = layers.concatenate([x, flags_input])
x = layers.Dense(16, activation="relu")(x)
class_output = layers.Dense(2, activation="softmax", name="cls")(x)
value_output = layers.Dense(1, name="value")(x)

model = keras.Model(inputs=[numbers_input, flags_input], outputs=[class_output, value_output])
model.summary()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss={"cls": "sparse_categorical_crossentropy", "value": "mse"},
              metrics={"cls": "accuracy"})
history = model.fit({"numbers": numbers, "flags": flags},
                    {"cls": target_class, "value": target_value},
                    epochs=12, batch_size=32, verbose=0)
results = model.evaluate([numbers, flags], [target_class, target_value], verbose=0,
                         return_dict=True)
print("history keys:", sorted(history.history))
print("cls_accuracy: %.4f value_loss: %.4f" % (results["cls_accuracy"], results["value_loss"]))
