"""The "Simple audio recognition" drop-in (simple_audio_spectrogram.py: audio_dataset_from_directory,
squeeze/shard, ``tf.signal.stft`` spectrograms in ``map``, Resizing + Normalization CNN) through
``python -m torchkeras run``, unchanged. TF_LINES is what real TensorFlow 2.21 with tf_keras
(``TF_USE_LEGACY_KERAS=1``) prints for the same program (its whole output matched)."""
from __future__ import annotations

from tutorials.runner import run_program

TF_LINES = """Commands: ['down', 'go', 'left', 'yes']
Found 24 files belonging to 4 classes.
Using 18 files for training.
Using 6 files for validation.
label names: ['down' 'go' 'left' 'yes']
label spec: TensorSpec(shape=(None,), dtype=tf.int32, name=None)
audio batch: (2, 16000)
labels batch: (2,)
indexed names: ['go' 'go' 'yes' 'down']
Spectrogram shape: (124, 129, 1)
Spectrogram peak bin: 4
Spectrogram sum: 16122.04
Spectrogram max: 63.279
spectrogram batch: (2, 124, 129, 1)
spectrogram batches: 9 1 2
Input shape: (124, 129, 1)
history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']
predictions: (4, 4)
true labels: (4,)"""


def test_simple_audio_program_prints_what_tensorflow_prints(tmp_path):
    out = run_program("simple_audio_spectrogram", tmp_path).stdout
    assert [line for line in out.splitlines() if line.strip()] == TF_LINES.splitlines()
