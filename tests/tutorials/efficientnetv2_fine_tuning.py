"""Drop-in program in the style of keras-io's "Image classification via fine-tuning with
EfficientNet" (examples/vision/image_classification_efficientnet_fine_tuning.py), on
EfficientNetV2B0 through ``tensorflow.keras.applications``: augmentation in front of the
base via ``input_tensor``, frozen base, new top, then unfreezing the top 20 layers except
BatchNormalization. Offline: generated images instead of Stanford Dogs, ``weights=None``
instead of ``'imagenet'``, 64x64 and one epoch per phase. Also a RegNetX002 and a
NASNetMobile feature extractor as keras.io's applications page uses them.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.applications import EfficientNetV2B0, NASNetMobile, RegNetX002

IMG_SIZE = 64
NUM_CLASSES = 3
rng = np.random.RandomState(0)
labels = rng.randint(0, NUM_CLASSES, size=48)
images = rng.uniform(0, 255, size=(48, IMG_SIZE, IMG_SIZE, 3)).astype("float32")
one_hot = tf.one_hot(labels, NUM_CLASSES)
ds_train = tf.data.Dataset.from_tensor_slices((images[:32], one_hot[:32])).batch(16)
ds_test = tf.data.Dataset.from_tensor_slices((images[32:], one_hot[32:])).batch(16)

img_augmentation_layers = [layers.RandomRotation(factor=0.15),
                           layers.RandomTranslation(height_factor=0.1, width_factor=0.1),
                           layers.RandomFlip(), layers.RandomContrast(factor=0.1)]


def img_augmentation(images):
    for layer in img_augmentation_layers:
        images = layer(images)
    return images


def build_model(num_classes):
    inputs = layers.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
    x = img_augmentation(inputs)
    model = EfficientNetV2B0(include_top=False, input_tensor=x, weights=None)
    model.trainable = False  # freeze the pretrained weights
    x = layers.GlobalAveragePooling2D(name="avg_pool")(model.output)
    x = layers.BatchNormalization()(x)
    x = layers.Dropout(0.2, name="top_dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="pred")(x)
    model = keras.Model(inputs, outputs, name="EfficientNet")
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


model = build_model(num_classes=NUM_CLASSES)
print("trainable weights (frozen base):", len(model.trainable_weights))
hist = model.fit(ds_train, epochs=1, validation_data=ds_test)


def unfreeze_model(model):
    # We unfreeze the top 20 layers while leaving BatchNorm layers frozen
    for layer in model.layers[-20:]:
        if not isinstance(layer, layers.BatchNormalization):
            layer.trainable = True
    optimizer = keras.optimizers.Adam(learning_rate=1e-5)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])


unfreeze_model(model)
print("trainable weights (top 20 unfrozen):", len(model.trainable_weights))
hist = model.fit(ds_train, epochs=1, validation_data=ds_test)
print("fine-tuned predictions:", model.predict(images[:4], verbose=0).shape)

for application, preprocess in ((RegNetX002, tf.keras.applications.regnet.preprocess_input),
                                 (NASNetMobile, tf.keras.applications.nasnet.preprocess_input)):
    base = application(weights=None, include_top=False, pooling="avg",
                       input_shape=(IMG_SIZE, IMG_SIZE, 3))
    features = base.predict(preprocess(images[:4].copy()), verbose=0)
    print(base.name, "features:", features.shape)
