"""In the style of tensorflow/docs "Load NumPy data" (tutorials/load_data/numpy) and keras.io
examples that feed tf.data: arrays -> from_tensor_slices -> map/shuffle/batch/prefetch -> fit.
(Generated data instead of the mnist.npz download.)"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
train_examples = rng.randint(0, 255, size=(600, 28, 28)).astype("uint8")
train_labels = (train_examples.reshape(600, -1).mean(axis=1) > 127).astype("int64")
test_examples, test_labels = train_examples[:200], train_labels[:200]

train_dataset = tf.data.Dataset.from_tensor_slices((train_examples, train_labels))
test_dataset = tf.data.Dataset.from_tensor_slices((test_examples, test_labels))

BATCH_SIZE = 64
SHUFFLE_BUFFER_SIZE = 100


def normalize(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


train_dataset = (train_dataset.map(normalize, num_parallel_calls=tf.data.AUTOTUNE)
                 .cache().shuffle(SHUFFLE_BUFFER_SIZE).batch(BATCH_SIZE)
                 .prefetch(tf.data.AUTOTUNE))
test_dataset = test_dataset.map(normalize).batch(BATCH_SIZE)
print("element_spec:", train_dataset.element_spec)
print("cardinality:", int(tf.data.experimental.cardinality(train_dataset)))

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(2),
])
model.compile(optimizer=tf.keras.optimizers.RMSprop(),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["sparse_categorical_accuracy"])
history = model.fit(train_dataset, epochs=3, validation_data=test_dataset, verbose=2)
print("history keys:", sorted(history.history))
loss, acc = model.evaluate(test_dataset, verbose=0)
print(f"test accuracy {acc:.3f}")

# Infinite repeat + steps_per_epoch, (x, y, sample_weight) elements, dict inputs.
inputs = {"pixels": tf.keras.Input(shape=(28, 28), name="pixels")}
flat = tf.keras.layers.Flatten()(inputs["pixels"])
outputs = tf.keras.layers.Dense(2)(flat)
named = tf.keras.Model(inputs, outputs)
named.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
weights = np.where(train_labels == 1, 2.0, 1.0).astype("float32")
weighted = (tf.data.Dataset.from_tensor_slices(
    ({"pixels": train_examples.astype("float32") / 255.0}, train_labels, weights))
    .batch(BATCH_SIZE).repeat())
named.fit(weighted, epochs=2, steps_per_epoch=5, verbose=0)
predictions = named.predict(test_dataset.map(lambda x, y: {"pixels": x}), verbose=0)
print("predict shape:", tuple(predictions.shape))
