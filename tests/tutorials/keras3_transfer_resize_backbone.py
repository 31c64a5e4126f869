"""Drop-in program in the style of keras.io's Keras 3 "Transfer learning & fine-tuning" guide
(guides/transfer_learning.py): images resized by a ``Resizing`` layer (here Keras 3's
``antialias=True`` downscale), a named ``keras.applications`` backbone (Keras 3's ``name=``),
a frozen base with a new head, ``fit``, and a ``.keras`` save/load round trip. Offline:
generated images instead of cats-vs-dogs, ``weights=None`` instead of ``'imagenet'``."""
import numpy as np
import keras

rng = np.random.RandomState(0)
labels = rng.randint(0, 2, size=(32, 1)).astype("float32")
images = rng.uniform(0, 255, size=(32, 96, 120, 3)).astype("float32")
images[labels[:, 0] == 1, :, :, 1] *= 0.2  # a colour cue to learn

base_model = keras.applications.MobileNetV3Small(weights=None, input_shape=(48, 48, 3),
                                                 include_top=False, name="backbone")
base_model.trainable = False
print("base model name:", base_model.name)

inputs = keras.Input(shape=(96, 120, 3))
x = keras.layers.Resizing(48, 48, antialias=True, crop_to_aspect_ratio=True)(inputs)
x = base_model(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
print("backbone found:", model.get_layer("backbone") is base_model)
print("resizing antialias:", model.layers[1].get_config()["antialias"])

model.compile(optimizer=keras.optimizers.Adam(),
              loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy()])
history = model.fit(images, labels, epochs=2, batch_size=16, verbose=2)
print("epochs run:", len(history.history["loss"]))

model.save("resize_backbone.keras")
restored = keras.models.load_model("resize_backbone.keras")
same = np.allclose(restored.predict(images[:4], verbose=0), model.predict(images[:4], verbose=0),
                   atol=1e-5)
print("restored antialias:", restored.layers[1].antialias, "same predictions:", same)
