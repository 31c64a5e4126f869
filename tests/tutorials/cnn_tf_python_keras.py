# A small CNN written against the old `tensorflow.python.keras` paths.
import numpy as np
import tensorflow as tf
from tensorflow.python.keras.models import Sequential
from tensorflow.python.keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Dropout
from tensorflow.python.keras.utils.np_utils import to_categorical

tf.random.set_seed(0)
np.random.seed(0)


def make_images(n):
    # 12x12 images with one bright horizontal (class 0) or vertical (class 1) bar.
    images = np.random.uniform(0, 0.2, size=(n, 12, 12, 1)).astype("float32")
    labels = np.random.randint(0, 2, size=n)
    for image, label in zip(images, labels):
        k = np.random.randint(2, 10)
        if label == 0:
            image[k, 2:10, 0] = 1.0
        else:
            image[2:10, k, 0] = 1.0
    return images, labels


x_train, y_train = make_images(256)
x_test, y_test = make_images(64)
y_train = to_categorical(y_train, 2)
y_test = to_categorical(y_test, 2)

model = Sequential()
model.add(Conv2D(8, kernel_size=(3, 3), activation="relu", input_shape=(12, 12, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dropout(0.25))
model.add(Dense(16, activation="relu"))
model.add(Dense(2, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=8, verbose=0, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
