# A custom training loop with tf.GradientTape and tf.data (the Keras guide's pattern).
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

tf.random.set_seed(1)
np.random.seed(1)
x = np.random.normal(size=(512, 10)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int64")

train_dataset = tf.data.Dataset.from_tensor_slices((x[:448], y[:448]))
train_dataset = train_dataset.shuffle(buffer_size=512, seed=1).batch(64)
val_dataset = tf.data.Dataset.from_tensor_slices((x[448:], y[448:])).batch(64)

inputs = keras.Input(shape=(10,), name="features")
hidden = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(2, name="predictions")(hidden)
model = keras.Model(inputs=inputs, outputs=outputs)

optimizer = keras.optimizers.Adam(learning_rate=1e-2)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x_batch, y_batch):
    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_acc_metric.update_state(y_batch, logits)
    return loss_value


for epoch in range(6):
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
    train_acc = train_acc_metric.result()
    train_acc_metric.reset_states()
    for x_batch_val, y_batch_val in val_dataset:
        val_logits = model(x_batch_val, training=False)
        val_acc_metric.update_state(y_batch_val, val_logits)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_states()
    print("epoch %d loss %.4f train acc %.4f val acc %.4f"
          % (epoch, float(loss_value), float(train_acc), float(val_acc)))

# Gradients of a plain function of a variable.
w = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = w * w + 2.0 * w
print("dz/dw:", tape.gradient(z, w).numpy())
print("reduce_mean:", tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy())
