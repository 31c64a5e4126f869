"""Train from an image folder, as the Keras tutorials do: image_dataset_from_directory + map +
prefetch (torchkeras.data runs the map in threads and the prefetch in the background).

The example first writes the bundled 8x8 digits as PNG files into <tmp>/digits/<class>/,
upscaled to 16x16, then reads them back with a validation split.
Run: python examples/image_folder_classifier.py [epochs]
"""
import os
import sys
import tempfile

import numpy as np

import torchkeras as keras
from torchkeras import data, layers

keras.utils.set_random_seed(42)
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 6

# 1. An image folder: one sub-folder per class (needs Pillow to write and read PNG).
(x_train, y_train), _ = keras.datasets.digits.load_data()
root = os.path.join(tempfile.mkdtemp(), "digits")
for index, (image, label) in enumerate(zip(x_train, y_train)):
    folder = os.path.join(root, str(label))
    os.makedirs(folder, exist_ok=True)
    pixels = np.kron(image.reshape(8, 8, 1) * 15.0, np.ones((2, 2, 1)))  # (16, 16, 1), 0..240
    keras.utils.save_img(os.path.join(folder, f"{index}.png"), pixels, scale=False)

# 2. Datasets from the folder (Keras's file order, split and seed).
train_ds, val_ds = keras.utils.image_dataset_from_directory(
    root, validation_split=0.2, subset="both", seed=1337, image_size=(16, 16),
    color_mode="grayscale", batch_size=32)
print("classes:", train_ds.class_names)

# 3. Preprocess in the pipeline: rescale in parallel, keep in memory, prefetch.
rescale = layers.Rescaling(1.0 / 255)
train_ds = train_ds.map(lambda x, y: (rescale(x), y), num_parallel_calls=data.AUTOTUNE)
val_ds = val_ds.map(lambda x, y: (rescale(x), y), num_parallel_calls=data.AUTOTUNE)
train_ds = train_ds.cache().prefetch(data.AUTOTUNE)
val_ds = val_ds.cache().prefetch(data.AUTOTUNE)

# 4. A small CNN, trained on the datasets.
model = keras.Sequential([
    keras.Input(shape=(16, 16, 1)),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=epochs)
loss, accuracy = model.evaluate(val_ds, verbose=0)
print(f"validation loss={loss:.4f} accuracy={accuracy:.4f}")
