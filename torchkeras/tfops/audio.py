"""``tf.audio``: 16-bit PCM WAV bytes <-> float32 ``(samples, channels)`` in ``[-1, 1)``, with
TensorFlow's scaling (``sample / 32768`` to decode, ``round(x * 32768)`` clipped to int16 to
encode), read and written with the standard library's ``wave`` module."""
from __future__ import annotations

import io as _io
import wave
from typing import Any, Optional, Tuple

import numpy as np
import torch

__all__ = ["decode_wav", "encode_wav"]


def _contents(contents: Any) -> bytes:
    if isinstance(contents, torch.Tensor):
        raise TypeError("`tf.audio.decode_wav` expects the bytes of a WAV file (a scalar "
                        f"string), received a tensor of dtype {contents.dtype}.")
    if isinstance(contents, np.ndarray):
        contents = contents[()]
    if isinstance(contents, str):
        contents = contents.encode("latin-1")
    if not isinstance(contents, (bytes, np.bytes_)):
        raise TypeError("`tf.audio.decode_wav` expects the bytes of a WAV file (a scalar "
                        f"string), received {type(contents).__name__}.")
    return bytes(contents)


def decode_wav(contents: Any, desired_channels: int = -1, desired_samples: int = -1,
               name: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(audio, sample_rate)``: float32 ``(samples, channels)`` and an int32 scalar. A wanted
    channel past the file's repeats its last one; samples past the end are zeros (TF's rules)."""
    try:
        with wave.open(_io.BytesIO(_contents(contents)), "rb") as handle:
            width, channels = handle.getsampwidth(), handle.getnchannels()
            rate, frames = handle.getframerate(), handle.readframes(handle.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"`tf.audio.decode_wav`: the contents are not a WAV file "
                         f"({error}).") from None
    if width != 2:
        raise ValueError("`tf.audio.decode_wav`: can only read 16-bit WAV files, received "
                         f"{8 * width}-bit samples.")
    pcm = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)  # (samples, channels)
    wanted = channels if desired_channels is None or desired_channels < 0 \
        else int(desired_channels)
    samples = pcm.shape[0] if desired_samples is None or desired_samples < 0 \
        else int(desired_samples)
    source = np.minimum(np.arange(wanted), channels - 1)
    audio = np.zeros((samples, wanted), dtype=np.float32)
    kept = min(samples, pcm.shape[0])
    audio[:kept] = pcm[:kept][:, source].astype(np.float32) * np.float32(1.0 / 32768)
    return torch.from_numpy(audio), torch.tensor(rate, dtype=torch.int32)


def encode_wav(audio: Any, sample_rate: Any, name: Optional[str] = None) -> bytes:
    """float32 ``(samples, channels)`` -> the bytes of a 16-bit PCM WAV file (``bytes``)."""
    values = audio.detach().cpu().numpy() if isinstance(audio, torch.Tensor) \
        else np.asarray(audio)
    if values.ndim != 2:
        raise ValueError("`tf.audio.encode_wav`: 'audio' must be 2-D (samples, channels), "
                         f"received shape {values.shape}.")
    rate = int(sample_rate.item() if hasattr(sample_rate, "item") else sample_rate)
    scaled = np.round(values.astype(np.float32) * np.float32(32768))
    pcm = np.clip(scaled, -32768, 32767).astype("<i2")
    buffer = _io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(values.shape[1])
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())
    return buffer.getvalue()
