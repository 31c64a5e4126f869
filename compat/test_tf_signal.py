"""Replay of ``fixtures/tf_signal.npz`` (recorded by generate_tf_signal.py from real
TensorFlow): ``tf.signal.stft`` and its parts give TF's shapes, dtypes and values."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from compat_case import FIXTURES
from torchkeras.compat.finder import tensorflow_module
from torchkeras.data import Dataset

tf = tensorflow_module()
RECORD = np.load(FIXTURES / "tf_signal.npz")  # plain arrays: no allow_pickle
X = {key[3:]: torch.from_numpy(RECORD[key]) for key in RECORD.files if key.startswith("in_")}

CASES = {
    "hann_255": lambda: tf.signal.hann_window(255),
    "hann_256": lambda: tf.signal.hann_window(256),
    "hann_255_sym": lambda: tf.signal.hann_window(255, periodic=False),
    "hann_8_sym": lambda: tf.signal.hann_window(8, periodic=False),
    "hann_1": lambda: tf.signal.hann_window(1),
    "hamming_10": lambda: tf.signal.hamming_window(10),
    "hamming_7": lambda: tf.signal.hamming_window(7),
    "frame_short": lambda: tf.signal.frame(X["short"], 255, 128),
    "frame_short_pad": lambda: tf.signal.frame(X["short"], 255, 128, pad_end=True),
    "frame_short_padval": lambda: tf.signal.frame(X["short"], 300, 250, pad_end=True,
                                                  pad_value=2.0),
    "frame_grid_axis0": lambda: tf.signal.frame(X["grid"], 3, 2, axis=0),
    "frame_too_short": lambda: tf.signal.frame(X["short"][:100], 255, 128),
    "rfft_frames": lambda: tf.signal.rfft(X["frames"]),
    "rfft_frames_32": lambda: tf.signal.rfft(X["frames"], [32]),
    "rfft_frames_16": lambda: tf.signal.rfft(X["frames"], [16]),
    "stft_wave2": lambda: tf.signal.stft(X["wave2"], frame_length=255, frame_step=128),
    "stft_wave2_abs": lambda: tf.abs(tf.signal.stft(X["wave2"], 255, 128)),
    "stft_mono_512": lambda: tf.signal.stft(X["mono"], 400, 160, fft_length=512),
    "stft_short_pad": lambda: tf.signal.stft(X["short"], 256, 100, pad_end=True),
    "stft_short_nowin": lambda: tf.signal.stft(X["short"], 200, 150, window_fn=None),
    "stft_short_hamming": lambda: tf.signal.stft(X["short"], 200, 150,
                                                 window_fn=tf.signal.hamming_window),
}


def test_every_recorded_case_is_replayed():
    recorded = {key for key in RECORD.files if not key.startswith("in_")}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf_signal_matches_tensorflow(name):
    want = RECORD[name]
    got = CASES[name]().numpy()
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape)
    # windows and frames are exact; FFTs agree to float32 rounding of a 256-point sum
    atol = 0 if name.startswith("frame") else (1e-6 if name.startswith(("hann", "hamm")) else 2e-5)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol)


def test_stft_inside_dataset_map_as_in_simple_audio():
    # the tutorial's get_spectrogram, mapped over a batched (waveform, label) dataset
    ds = Dataset.from_tensor_slices((X["wave2"], torch.tensor([0, 1]))).batch(2)
    spec = ds.map(lambda w, y: (tf.abs(tf.signal.stft(w, 255, 128))[..., tf.newaxis], y))
    got, labels = next(iter(spec))
    assert tuple(got.shape) == (2, 30, 129, 1) and labels.tolist() == [0, 1]
    np.testing.assert_allclose(got[..., 0].numpy(), RECORD["stft_wave2_abs"], rtol=1e-5,
                               atol=2e-5)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match=r"`tf.signal.stft` expects a float tensor, received "
                                        r"dtype torch.int64"):
        tf.signal.stft(torch.arange(300), 255, 128)
    with pytest.raises(ValueError, match="`tf.signal.frame`: frame_length and frame_step must "
                                         "be positive, received frame_length=0"):
        tf.signal.frame(X["short"], 0, 128)
    with pytest.raises(ValueError, match="`tf.signal.hann_window`: window_length must be "
                                         "non-negative, received -1"):
        tf.signal.hann_window(-1)
