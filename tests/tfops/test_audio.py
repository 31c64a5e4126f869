import numpy as np
import pytest
import torch

from torchkeras.tfops import audio


def test_encode_then_decode_keeps_rate_shape_and_scale():
    wav = audio.encode_wav(torch.tensor([[0.5, -0.25], [-1.0, 2.0]]), 16000)
    decoded, rate = audio.decode_wav(wav)
    assert int(rate) == 16000 and rate.dtype == torch.int32
    assert decoded.dtype == torch.float32
    assert decoded.tolist() == [[0.5, -0.25], [-1.0, 32767 / 32768]]  # clipped to int16
    mono, _ = audio.decode_wav(np.array(wav, dtype=object), desired_channels=1,
                               desired_samples=3)
    assert mono.tolist() == [[0.5], [-1.0], [0.0]]


def test_bad_input_names_the_function():
    with pytest.raises(ValueError, match="decode_wav.*not a WAV file"):
        audio.decode_wav(b"RIFF....not a wav")
    with pytest.raises(TypeError, match="decode_wav.*bytes of a WAV file.*tensor"):
        audio.decode_wav(torch.zeros(3))
    with pytest.raises(ValueError, match="encode_wav.*2-D.*\\(3,\\)"):
        audio.encode_wav(np.zeros(3, "float32"), 8000)
