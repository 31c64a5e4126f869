"""TensorFlow's "Simple audio recognition" tutorial (tutorials/audio/simple_audio), its data
and spectrogram parts, run unchanged through ``python -m torchkeras run``: generated WAV files
in a mini_speech_commands-like folder (instead of the download), ``tf.io.gfile.listdir``,
``audio_dataset_from_directory(subset='both')``, squeeze/shard, ``get_spectrogram`` with
``tf.signal.stft``, the spectrogram datasets and a small CNN with Resizing + Normalization."""
import os
import pathlib
import tempfile
import wave

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras import models

seed = 42
tf.random.set_seed(seed)
np.random.seed(seed)

# --- generated stand-in for mini_speech_commands.zip: 4 commands x 6 clips, some short
root = tempfile.mkdtemp()
DATASET_PATH = os.path.join(root, 'data', 'mini_speech_commands')
rng = np.random.RandomState(0)
for c, command in enumerate(['down', 'go', 'left', 'yes']):
    os.makedirs(os.path.join(DATASET_PATH, command))
    for i in range(6):
        n = 16000 if i % 3 else 12000
        t = np.arange(n) / 16000.0
        x = 0.4 * np.sin(2 * np.pi * (200 + 150 * c + 20 * i) * t) + 0.05 * rng.randn(n)
        with wave.open(os.path.join(DATASET_PATH, command, f'{command}_{i}.wav'), 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(np.round(x * 32767).astype('<i2').tobytes())
with open(os.path.join(DATASET_PATH, 'README.md'), 'w') as f:
    f.write('readme\n')

data_dir = pathlib.Path(DATASET_PATH)
commands = np.array(tf.io.gfile.listdir(str(data_dir)))
commands = commands[(commands != 'README.md') & (commands != '.DS_Store')]
print('Commands:', sorted(commands.tolist()))

train_ds, val_ds = tf.keras.utils.audio_dataset_from_directory(
    directory=data_dir,
    batch_size=2,
    validation_split=0.25,
    seed=0,
    output_sequence_length=16000,
    subset='both')

label_names = np.array(train_ds.class_names)
print("label names:", label_names)
print("label spec:", train_ds.element_spec[1])


def squeeze(audio, labels):
    audio = tf.squeeze(audio, axis=-1)
    return audio, labels


train_ds = train_ds.map(squeeze, tf.data.AUTOTUNE)
val_ds = val_ds.map(squeeze, tf.data.AUTOTUNE)

test_ds = val_ds.shard(num_shards=2, index=0)
val_ds = val_ds.shard(num_shards=2, index=1)

for example_audio, example_labels in train_ds.take(1):
    print("audio batch:", tuple(example_audio.shape))
    print("labels batch:", tuple(example_labels.shape))

print("indexed names:", label_names[[1, 1, 3, 0]])


def get_spectrogram(waveform):
    # Convert the waveform to a spectrogram via a STFT.
    spectrogram = tf.signal.stft(
        waveform, frame_length=255, frame_step=128)
    # Obtain the magnitude of the STFT.
    spectrogram = tf.abs(spectrogram)
    spectrogram = spectrogram[..., tf.newaxis]
    return spectrogram


one = tf.constant(np.sin(np.arange(16000) * 0.1).astype('float32'))
spectrogram = get_spectrogram(one)
print('Spectrogram shape:', tuple(spectrogram.shape))
print('Spectrogram peak bin:', int(tf.argmax(tf.reduce_sum(spectrogram[..., 0], axis=0))))
print('Spectrogram sum: %.2f' % float(tf.reduce_sum(spectrogram)))
print('Spectrogram max: %.3f' % float(tf.reduce_max(spectrogram)))


def make_spec_ds(ds):
    return ds.map(
        map_func=lambda audio, label: (get_spectrogram(audio), label),
        num_parallel_calls=tf.data.AUTOTUNE)


train_spectrogram_ds = make_spec_ds(train_ds)
val_spectrogram_ds = make_spec_ds(val_ds)
test_spectrogram_ds = make_spec_ds(test_ds)

for example_spectrograms, example_spect_labels in train_spectrogram_ds.take(1):
    break
print("spectrogram batch:", tuple(example_spectrograms.shape))
print("spectrogram batches:", len(list(train_spectrogram_ds)), len(list(val_spectrogram_ds)),
      len(list(test_spectrogram_ds)))

train_spectrogram_ds = train_spectrogram_ds.cache().shuffle(100).prefetch(tf.data.AUTOTUNE)
val_spectrogram_ds = val_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)

input_shape = example_spectrograms.shape[1:]
print('Input shape:', tuple(input_shape))
num_labels = len(label_names)

norm_layer = layers.Normalization()
norm_layer.adapt(data=train_spectrogram_ds.map(map_func=lambda spec, label: spec))

model = models.Sequential([
    layers.Input(shape=input_shape),
    layers.Resizing(16, 16),
    norm_layer,
    layers.Conv2D(8, 3, activation='relu'),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(16, activation='relu'),
    layers.Dense(num_labels),
])
model.compile(
    optimizer=tf.keras.optimizers.Adam(),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=['accuracy'],
)
history = model.fit(train_spectrogram_ds, validation_data=val_spectrogram_ds, epochs=2,
                    verbose=0)
print("history keys:", sorted(history.history))
y_pred = model.predict(test_spectrogram_ds, verbose=0)
print("predictions:", y_pred.shape)
y_true = tf.concat(list(test_spectrogram_ds.map(lambda s, lab: lab)), axis=0)
print("true labels:", tuple(y_true.shape))
