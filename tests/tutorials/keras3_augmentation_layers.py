"""Keras 3 augmentation and audio layers in the style of the keras.io examples (cutmix /
mixup / randaugment, the audio classification examples): RandAugment and RandomFlip in a
tf.data map, MixUp / CutMix on {"images", "labels"} batches, a Pipeline inside the model,
and a MelSpectrogram front end. Generated data instead of the CIFAR-10 / audio downloads."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(0)
rs = np.random.RandomState(0)
x_train = rs.randint(0, 256, (96, 32, 32, 3)).astype("float32")
y_train = keras.utils.to_categorical(rs.randint(0, 10, 96), num_classes=10)

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 32

rand_augment = layers.RandAugment(value_range=(0, 255), num_ops=2, factor=0.5)
cut_mix = layers.CutMix()
mix_up = layers.MixUp(alpha=0.2)


def augment(images, labels):
    images = rand_augment(images, training=True)
    outputs = cut_mix({"images": images, "labels": labels}, training=True)
    outputs = mix_up(outputs, training=True)
    return outputs["images"], outputs["labels"]


train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(96).batch(BATCH_SIZE).map(augment, num_parallel_calls=AUTO)
            .prefetch(AUTO))
images, labels = next(iter(train_ds))
print("augmented_batch", tuple(images.shape), tuple(labels.shape))
print("labels_sum_to_one", bool(np.allclose(np.asarray(labels).sum(axis=1), 1.0, atol=1e-5)))

model = keras.Sequential([
    keras.Input((32, 32, 3)),
    layers.Pipeline([layers.RandomGrayscale(factor=0.2), layers.RandomHue(factor=0.1),
                     layers.RandomSharpness(factor=0.2)]),
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(train_ds, epochs=2, verbose=0)
print("final_loss", history.history["loss"][-1], history.history["loss"][0])
first = model.predict(x_train[:8], verbose=0)
print("predict_deterministic", bool(np.allclose(first, model.predict(x_train[:8], verbose=0))))

# Audio: a MelSpectrogram front end on raw waveforms.
waves = rs.uniform(-1, 1, (16, 4000)).astype("float32")
audio_model = keras.Sequential([
    keras.Input((4000,)),
    layers.MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=32,
                          sampling_rate=8000),
    layers.Reshape((32, 32, 1)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2, activation="softmax"),
])
audio_model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
audio_model.fit(waves, rs.randint(0, 2, 16), epochs=1, verbose=0)
print("mel_shape", tuple(audio_model.layers[0].compute_output_shape((None, 4000))))
