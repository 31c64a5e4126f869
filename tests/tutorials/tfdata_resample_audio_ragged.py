"""Input pipelines in the style of TensorFlow's guides, run unchanged through
``python -m torchkeras run``: the tf.data guide's class rebalancing with
``Dataset.rejection_resample`` (credit-card-like data generated here instead of the CSV
download), the Ragged Tensor guide's ragged datasets (``dense_to_ragged_batch``, batching
ragged rows, ``to_tensor`` in a map), and the "Simple audio recognition" tutorial's WAV
pipeline (``tf.audio.decode_wav`` in ``map`` with ``tf.strings.split`` labels, then
``audio_dataset_from_directory``), on generated WAV files (no network)."""
import os
import tempfile
import wave

import numpy as np
import tensorflow as tf

# --- tf.data guide: "Resampling" (imbalanced classes), data generated instead of the CSV
rng = np.random.RandomState(0)
features = {f"V{i}": rng.randn(6000).astype("float32") for i in range(1, 5)}
labels = (rng.rand(6000) < 0.05).astype("int32")
creditcard_ds = tf.data.Dataset.from_tensor_slices((features, labels)).batch(1024)


def count(counts, batch):
    features, labels = batch
    class_1 = labels == 1
    class_1 = tf.cast(class_1, tf.int32)
    class_0 = labels == 0
    class_0 = tf.cast(class_0, tf.int32)
    counts['class_0'] += tf.reduce_sum(class_0)
    counts['class_1'] += tf.reduce_sum(class_1)
    return counts


counts = creditcard_ds.take(10).reduce(
    initial_state={'class_0': 0, 'class_1': 0}, reduce_func=count)
counts = np.array([counts['class_0'].numpy(), counts['class_1'].numpy()]).astype(np.float32)
fractions = counts / counts.sum()
print("fractions:", fractions.round(3).tolist())


def class_func(features, label):
    return label


resample_ds = (
    creditcard_ds
    .unbatch()
    .rejection_resample(class_func, target_dist=[0.5, 0.5], initial_dist=fractions)
    .batch(10))
balanced_ds = resample_ds.map(lambda extra_label, features_and_label: features_and_label)
seen = np.concatenate([labels.numpy() for features, labels in balanced_ds.take(100)])
print("balanced positive share:", round(float(seen.mean()), 3))

# --- Ragged Tensor guide: "Datasets"
non_ragged_dataset = tf.data.Dataset.from_tensor_slices([1, 5, 3, 2, 8])
non_ragged_dataset = non_ragged_dataset.map(tf.range)
batched_non_ragged_dataset = non_ragged_dataset.apply(
    tf.data.experimental.dense_to_ragged_batch(2))
for element in batched_non_ragged_dataset:
    print("ragged batch:", element.to_list())
digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
dataset = tf.data.Dataset.from_tensor_slices({"digits": digits, "label": [1, 0, 1, 0, 0]})
for batch in dataset.batch(2).map(lambda x: (x["digits"].to_tensor(), x["label"])):
    print("padded digits:", batch[0].numpy().tolist(), batch[1].numpy().tolist())

# --- "Simple audio recognition": decode_wav in map, labels from the path
data_dir = tempfile.mkdtemp()
commands = ["no", "yes"]
for index, command in enumerate(commands):
    os.makedirs(os.path.join(data_dir, command))
    for i in range(12):
        frames = 400 + 50 * (i % 3)
        t = np.arange(frames) / 4000.0
        tone = 0.5 * np.sin(2 * np.pi * (300 + 500 * index) * t)
        with wave.open(os.path.join(data_dir, command, f"{i}.wav"), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(4000)
            handle.writeframes((tone * 32767).astype("<i2").tobytes())

filenames = tf.io.gfile.glob(str(data_dir) + '/*/*')
filenames = tf.random.shuffle(filenames)
print("number of files:", len(filenames))


def decode_audio(audio_binary):
    audio, _ = tf.audio.decode_wav(contents=audio_binary)
    return tf.squeeze(audio, axis=-1)


def get_label(file_path):
    parts = tf.strings.split(input=file_path, sep=os.path.sep)
    return parts[-2]


def get_waveform_and_label(file_path):
    label = get_label(file_path)
    audio_binary = tf.io.read_file(file_path)
    waveform = decode_audio(audio_binary)
    return waveform, label


AUTOTUNE = tf.data.AUTOTUNE
files_ds = tf.data.Dataset.from_tensor_slices(filenames)
waveform_ds = files_ds.map(map_func=get_waveform_and_label, num_parallel_calls=AUTOTUNE)
for waveform, label in waveform_ds.take(1):
    print("waveform:", waveform.shape, waveform.dtype.name if hasattr(waveform.dtype, "name")
          else waveform.dtype, float(tf.reduce_max(tf.abs(waveform))) <= 1.0)

train_ds, val_ds = tf.keras.utils.audio_dataset_from_directory(
    directory=data_dir, batch_size=8, validation_split=0.25, seed=0,
    output_sequence_length=500, subset='both')
label_names = np.array(train_ds.class_names)
print("label names:", label_names.tolist())


def squeeze(audio, labels):
    audio = tf.squeeze(audio, axis=-1)
    return audio, labels


train_ds = train_ds.map(squeeze, tf.data.AUTOTUNE)
val_ds = val_ds.map(squeeze, tf.data.AUTOTUNE)
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(500,)),
    tf.keras.layers.Reshape((500, 1)),
    tf.keras.layers.Conv1D(8, 9, activation='relu'),
    tf.keras.layers.GlobalMaxPooling1D(),
    tf.keras.layers.Dense(len(label_names)),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])
history = model.fit(train_ds, validation_data=val_ds, epochs=15, verbose=0)
print("final accuracy:", round(history.history['accuracy'][-1], 3))
