"""In the style of TensorFlow's "Load and preprocess images" and keras-io's "Image
classification from scratch" (no download: a generated flower-like folder of JPEG files):
image_dataset_from_directory (subset="both"), Rescaling in map, cache/prefetch, then the
"finer control" part: list_files -> shuffle -> skip/take -> map(process_path) with
tf.strings.split / tf.argmax / tf.io.read_file / tf.io.decode_jpeg / tf.image.resize, and fit.
Run: python -m torchkeras run load_images_tfdata.py (needs Pillow)."""
import os
import pathlib

import numpy as np
import PIL.Image
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.RandomState(0)
data_dir = pathlib.Path("flower_photos")
for k, name in enumerate(("daisy", "dandelion", "roses", "sunflowers", "tulips")):
    (data_dir / name).mkdir(parents=True, exist_ok=True)
    for i in range(10):
        h, w = rng.randint(30, 50, 2)
        pixels = (rng.rand(h, w, 3) * 50 + k * 45).astype("uint8")
        PIL.Image.fromarray(pixels).save(data_dir / name / f"{i}.jpg")
(data_dir / "LICENSE.txt").write_text("license")

num_skipped = 0
for path in data_dir.glob("*/*.jpg"):
    with open(path, "rb") as fobj:
        num_skipped += tf.compat.as_bytes("JFIF") not in fobj.peek(10)
print("Deleted %d images" % num_skipped)

image_count = len(list(data_dir.glob("*/*.jpg")))
img_height, img_width, batch_size = 20, 20, 16
train_ds, val_ds = keras.utils.image_dataset_from_directory(
    data_dir, validation_split=0.2, subset="both", seed=123,
    image_size=(img_height, img_width), batch_size=batch_size)
class_names = train_ds.class_names
print("class_names:", class_names)
for image_batch, labels_batch in train_ds:
    print("batch:", image_batch.shape, labels_batch.shape)
    break
normalization_layer = layers.Rescaling(1.0 / 255)
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
image_batch, labels_batch = next(iter(normalized_ds))
print("range ok:", 0.0 <= float(tf.reduce_min(image_batch)) and
      float(tf.reduce_max(image_batch)) <= 1.0)
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

model = keras.Sequential([
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(len(class_names)),
])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=2)

list_ds = tf.data.Dataset.list_files(str(data_dir / "*/*"), shuffle=False)
list_ds = list_ds.shuffle(image_count, reshuffle_each_iteration=False)
for f in list_ds.take(1):
    print("first file is bytes:", isinstance(f.numpy(), bytes))
class_names = np.array(sorted(item.name for item in data_dir.glob("*")
                              if item.name != "LICENSE.txt"))
val_size = int(image_count * 0.2)
train_ds = list_ds.skip(val_size)
val_ds = list_ds.take(val_size)
print("cardinality:", tf.data.experimental.cardinality(train_ds).numpy(),
      tf.data.experimental.cardinality(val_ds).numpy())


def get_label(file_path):
    parts = tf.strings.split(file_path, os.path.sep)
    one_hot = parts[-2] == class_names
    return tf.argmax(one_hot)


def decode_img(img):
    img = tf.io.decode_jpeg(img, channels=3)
    return tf.image.resize(img, [img_height, img_width])


def process_path(file_path):
    label = get_label(file_path)
    img = tf.io.read_file(file_path)
    return decode_img(img), label


train_ds = train_ds.map(process_path, num_parallel_calls=AUTOTUNE)
val_ds = val_ds.map(process_path, num_parallel_calls=AUTOTUNE)
for image, label in train_ds.take(1):
    print("Image shape:", image.numpy().shape, "label in range:", 0 <= int(label) < 5)


def configure_for_performance(ds):
    ds = ds.cache()
    ds = ds.shuffle(buffer_size=1000)
    ds = ds.batch(batch_size)
    return ds.prefetch(buffer_size=AUTOTUNE)


train_ds = configure_for_performance(train_ds)
val_ds = configure_for_performance(val_ds)
image_batch, label_batch = next(iter(train_ds))
print("names:", [str(class_names[int(label_batch[i])]) in class_names for i in range(3)])
augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
train_ds = train_ds.map(lambda img, label: (augment(img), label), num_parallel_calls=AUTOTUNE)
history = model.fit(train_ds, validation_data=val_ds, epochs=2)
print("history keys:", sorted(history.history))
