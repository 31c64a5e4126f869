"""Transfer learning and fine-tuning, the keras.io guide's pattern, on the bundled digits.

A ConvNeXtTiny base is frozen and a new head trained on it; then the last stage of the base
is unfrozen and the model fine-tuned at a low learning rate. Offline, the base starts from
``weights=None`` (random features: LayerNormalization keeps them informative, where a random
BatchNormalization net's untrained moving statistics would flatten them);
``weights="imagenet"`` reads Keras's own file from ~/.keras/models the same way. The 8x8
digits are upscaled to 32x32 RGB (the smallest input the applications take).
Run: python examples/transfer_learning.py [epochs]
"""
import sys

import numpy as np

import torchkeras as keras
from torchkeras import layers

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
keras.utils.set_random_seed(42)

(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()


def to_rgb32(images):
    """(n, 8, 8) in [0, 16] -> (n, 32, 32, 3) in [0, 255], each pixel repeated 4x4."""
    images = np.repeat(np.repeat(images.reshape(-1, 8, 8), 4, axis=1), 4, axis=2)
    return np.repeat(images[..., None] * (255.0 / 16.0), 3, axis=-1).astype("float32")


# ConvNeXt normalizes its inputs itself (preprocess_input is the identity, kept for the API)
x_train = keras.applications.convnext.preprocess_input(to_rgb32(x_train))
x_test = keras.applications.convnext.preprocess_input(to_rgb32(x_test))

base_model = keras.applications.ConvNeXtTiny(weights=None, include_top=False,
                                             input_shape=(32, 32, 3))
base_model.trainable = False  # freeze the base

inputs = keras.Input(shape=(32, 32, 3))
x = base_model(inputs, training=False)  # inference mode, also once unfrozen
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
model.summary()

loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"])
print("Training the new head on the frozen base")
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, validation_split=0.1)
_, head_accuracy = model.evaluate(x_test, y_test, verbose=0)

# Fine-tune: unfreeze the last stage of the base, recompile (the change takes effect at
# compile), train at a low learning rate.
base_model.trainable = True
for layer in base_model.layers:
    layer.trainable = layer.name.startswith("convnext_tiny_stage_3")
print("trainable weights while fine-tuning:", len(model.trainable_weights))
model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=loss, metrics=["accuracy"])
print("Fine-tuning the last stage of the base")
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, validation_split=0.1)
_, tuned_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"head accuracy={head_accuracy:.4f} fine-tuned accuracy={tuned_accuracy:.4f}")
