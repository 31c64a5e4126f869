# Callbacks: a custom Callback, EarlyStopping, ModelCheckpoint and a learning-rate callback
# that uses keras.backend.set_value.
import os
import sys
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

tf.random.set_seed(5)
np.random.seed(5)
x = np.random.uniform(-1, 1, size=(256, 3)).astype("float32")
y = (x @ np.array([[1.5], [-2.0], [0.5]], dtype="float32")) + 0.3


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.losses = []

    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(logs["loss"])


class HalveLearningRate(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 4:
            lr = float(K.get_value(self.model.optimizer.learning_rate))
            K.set_value(self.model.optimizer.learning_rate, lr / 2)


model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(3,)),
                          keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
checkpoint_path = os.path.join(out_dir, "best.h5")
history_cb = LossHistory()
callbacks = [
    history_cb,
    HalveLearningRate(),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, min_delta=1e-4,
                                  restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True),
]
history = model.fit(x, y, epochs=40, batch_size=32, validation_split=0.25, verbose=0,
                    callbacks=callbacks)
print("epochs run:", len(history.history["loss"]))
print("custom callback saw", len(history_cb.losses), "epochs")
print("final learning rate: %.4f" % float(K.get_value(model.optimizer.learning_rate)))
print("checkpoint exists:", os.path.exists(checkpoint_path))
print("best val_loss: %.5f" % min(history.history["val_loss"]))
