# In the style of tensorflow/docs "Data augmentation" and keras.io "Image classification from
# scratch" (generated images instead of the downloaded data set).
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

IMG_SIZE = 24
resize_and_rescale = tf.keras.Sequential([
    layers.Resizing(IMG_SIZE, IMG_SIZE),
    layers.Rescaling(1. / 255),
])
data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal_and_vertical"),
    layers.RandomRotation(0.2),
    layers.RandomZoom(0.1),
    layers.RandomTranslation(0.1, 0.1),
    layers.RandomContrast(0.2),
])

rng = np.random.RandomState(1)
images = rng.uniform(0, 255, size=(64, 32, 32, 3)).astype("float32")
labels = (images[:, :16].mean(axis=(1, 2, 3)) > images[:, 16:].mean(axis=(1, 2, 3))).astype("int32")

image = images[:1]
augmented = [data_augmentation(resize_and_rescale(image)) for _ in range(3)]
print("augmented_shape", tuple(augmented[0].shape))
print("augmented_differs", not np.allclose(augmented[0], augmented[1]))

inputs = keras.Input(shape=(32, 32, 3))
x = resize_and_rescale(inputs)
x = data_augmentation(x)
x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(images, labels, epochs=2, batch_size=16, verbose=0)
print("final_loss", history.history["loss"][-1])
pred_a = model.predict(images[:4], verbose=0)
pred_b = model.predict(images[:4], verbose=0)
print("predict_deterministic", bool(np.allclose(pred_a, pred_b)))
