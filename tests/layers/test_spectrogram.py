"""STFTSpectrogram and MelSpectrogram: layer contract, shapes, errors (values: compat
parity against Keras 3)."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from tests.layer_test import layer_test

SIGNAL = np.random.RandomState(0).uniform(-1, 1, (2, 40, 2)).astype("float32")
AUDIO = np.random.RandomState(1).uniform(-1, 1, (2, 200)).astype("float32")


@pytest.mark.parametrize("kwargs,shape", [
    ({"frame_length": 8, "frame_step": 4}, (None, 9, 10)),
    ({"mode": "stft", "frame_length": 8, "padding": "same", "expand_dims": True},
     (None, 10, 10, 2)),
    ({"mode": "real", "frame_length": 8, "fft_length": 16}, (None, 9, 18)),
])
def test_stft_layer_contract(kwargs, shape):
    layer_test(keras.layers.STFTSpectrogram, kwargs, input_data=SIGNAL,
               expected_output_shape=shape,
               expected_num_trainable_weights=1 if kwargs.get("mode") == "real" else 2)


def test_mel_layer_contract():
    layer_test(keras.layers.MelSpectrogram,
               {"fft_length": 32, "sequence_stride": 10, "num_mel_bins": 8,
                "sampling_rate": 8000}, input_data=AUDIO, expected_output_shape=(None, 8, 21),
               expected_num_trainable_weights=0, run_training=False)


def test_spectrogram_argument_errors():
    with pytest.raises(ValueError, match="Output mode is invalid"):
        keras.layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="`frame_step` should be a positive integer"):
        keras.layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="`fft_length` must be greater than or equal"):
        keras.layers.MelSpectrogram(fft_length=16, sequence_length=32)
    with pytest.raises(ValueError, match="Padding is invalid"):
        keras.layers.STFTSpectrogram(padding="causal")
