# MLP classification with custom F1/precision/recall metrics written with keras.backend.
import numpy as np
import keras
from keras import backend as K
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.utils.np_utils import to_categorical


def recall_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
    recall = true_positives / (possible_positives + K.epsilon())
    return recall


def precision_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    predicted_positives = K.sum(K.round(K.clip(y_pred, 0, 1)))
    precision = true_positives / (predicted_positives + K.epsilon())
    return precision


def f1_m(y_true, y_pred):
    precision = precision_m(y_true, y_pred)
    recall = recall_m(y_true, y_pred)
    return 2 * ((precision * recall) / (precision + recall + K.epsilon()))


keras.utils.set_random_seed(42)
num_classes = 3
centers = np.array([[0, 0, 0, 0], [3, 3, 0, 0], [0, 0, 3, 3]], dtype="float32")
labels = np.random.randint(0, num_classes, size=600)
features = centers[labels] + np.random.normal(scale=0.6, size=(600, 4)).astype("float32")
x_train, x_test = features[:480], features[480:]
y_train = to_categorical(labels[:480], num_classes)
y_test = to_categorical(labels[480:], num_classes)

model = Sequential()
model.add(Dense(32, activation="relu", input_shape=(4,)))
model.add(Dropout(0.1))
model.add(Dense(num_classes, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam",
              metrics=["acc", f1_m, precision_m, recall_m])
history = model.fit(x_train, y_train, batch_size=32, epochs=15, verbose=0,
                    validation_split=0.1)

loss, accuracy, f1_score, precision, recall = model.evaluate(x_test, y_test, verbose=0)
print("history keys:", list(history.history.keys()))
print("test loss %.4f accuracy %.4f f1 %.4f precision %.4f recall %.4f"
      % (loss, accuracy, f1_score, precision, recall))
