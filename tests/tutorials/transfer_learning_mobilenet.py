"""Drop-in program in the style of TensorFlow's "Transfer learning and fine-tuning" tutorial
(tensorflow/docs site/en/tutorials/images/transfer_learning.ipynb): a MobileNetV2 base via
``tf.keras.applications``, its ``preprocess_input``, data augmentation layers, frozen base,
new head, fine-tuning from layer ``fine_tune_at``. Offline: generated images instead of the
cats-vs-dogs download, ``weights=None`` instead of ``'imagenet'``, 96x96 and few steps.
"""
import numpy as np
import tensorflow as tf

IMG_SIZE = (96, 96)
BATCH_SIZE = 16

rng = np.random.RandomState(0)
labels = rng.randint(0, 2, size=64)
images = rng.uniform(0, 255, size=(64,) + IMG_SIZE + (3,)).astype("float32")
images[labels == 1, :, :, 0] *= 0.3  # a colour cue to learn
train_dataset = tf.data.Dataset.from_tensor_slices((images[:48], labels[:48])).batch(BATCH_SIZE)
validation_dataset = tf.data.Dataset.from_tensor_slices(
    (images[48:], labels[48:])).batch(BATCH_SIZE)
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)

data_augmentation = tf.keras.Sequential([
    tf.keras.layers.RandomFlip('horizontal'),
    tf.keras.layers.RandomRotation(0.2),
])
preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input

IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(input_shape=IMG_SHAPE, include_top=False,
                                               weights=None)
image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
print("feature batch shape:", tuple(feature_batch.shape))

base_model.trainable = False
base_model.summary()

global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
prediction_layer = tf.keras.layers.Dense(1)
inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = preprocess_input(x)
x = base_model(x, training=False)
x = global_average_layer(x)
x = tf.keras.layers.Dropout(0.2)(x)
outputs = prediction_layer(x)
model = tf.keras.Model(inputs, outputs)

base_learning_rate = 0.0001
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=base_learning_rate),
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name='accuracy')])
print("trainable variables:", len(model.trainable_variables))
initial_epochs = 2
history = model.fit(train_dataset, epochs=initial_epochs, validation_data=validation_dataset)

base_model.trainable = True
print("Number of layers in the base model: ", len(base_model.layers))
fine_tune_at = 100
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.RMSprop(learning_rate=base_learning_rate / 10),
              metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name='accuracy')])
print("trainable variables after unfreezing:", len(model.trainable_variables))
history_fine = model.fit(train_dataset, epochs=initial_epochs + 1,
                         initial_epoch=history.epoch[-1], validation_data=validation_dataset)
loss, accuracy = model.evaluate(validation_dataset)
print('Test accuracy :', accuracy)
predictions = tf.nn.sigmoid(model.predict_on_batch(image_batch).flatten())
predictions = tf.where(predictions < 0.5, 0, 1)
print('Predictions shape:', tuple(predictions.numpy().shape))
