"""The less-used ``tf.data`` / ``tf.image`` / ``tf.audio`` calls recorded by generate_data_more.py
(real TensorFlow, tf_keras = Keras 2 and Keras 3) and replayed by test_data_more.py
(torchkeras): ``tf.image.resize`` with TF's ScaleAndTranslate kernels (lanczos3/5, gaussian,
mitchellcubic), the Keras ``Resizing`` layers with them, ragged batches, WAV decode/encode.
Each case takes a ``tf`` module, a ``keras`` module (Keras 2 names) and the recorded ``inputs``
and returns a value, a tuple of values, or a list (the elements of a dataset)."""
from __future__ import annotations

import io
import wave
from typing import Any, Callable, Dict

import numpy as np

from tf_function_cases import image

IMG = image(7, 9)
BATCH = np.stack([image(6, 8, seed=2), image(6, 8, seed=3)]).astype("float32")
METHODS = ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def pcm_wav(channels: int, rate: int, frames: int, seed: int) -> bytes:
    """A 16-bit PCM WAV (standard library ``wave``), full-scale values included."""
    rng = np.random.RandomState(seed)
    samples = rng.randint(-32768, 32768, size=(frames, channels)).astype("<i2")
    samples[0, 0], samples[1, 0] = -32768, 32767
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.tobytes())
    return buffer.getvalue()


def inputs() -> dict:
    return {"wav_mono": pcm_wav(1, 8000, 10, seed=1), "wav_stereo": pcm_wav(2, 16000, 6, seed=2)}


def elements(dataset: Any) -> list:
    """A dataset's elements (a list), ragged ones as ``to_list()``."""
    out = []
    for element in dataset:
        parts = element if isinstance(element, tuple) else (element,)
        out.append(tuple(p.to_list() if hasattr(p, "to_list") and hasattr(p, "row_lengths")
                         else p for p in parts))
    return out


RESIZES = {
    f"resize_{method}_{tag}{'_aa' if aa else ''}": (
        lambda tf, keras, i, m=method, s=size, a=aa: tf.image.resize(IMG, s, method=m,
                                                                      antialias=a))
    for method in METHODS
    for tag, size in (("down", (4, 5)), ("up", (11, 13)), ("mixed", (3, 14)))
    for aa in (False, True)
}

LAYERS = {
    f"resizing_layer_{method}": (
        lambda tf, keras, i, m=method: keras.layers.Resizing(4, 11, interpolation=m)(BATCH))
    for method in METHODS
}
LAYERS.update({
    "resizing_layer_crop_lanczos5": lambda tf, keras, i: keras.layers.Resizing(
        5, 5, interpolation="lanczos5", crop_to_aspect_ratio=True)(BATCH),
    "resize_batch_gaussian_float": lambda tf, keras, i: tf.image.resize(
        BATCH / 255.0, (3, 5), method=tf.image.ResizeMethod.GAUSSIAN),
    "resize_with_pad_lanczos3": lambda tf, keras, i: tf.image.resize_with_pad(
        IMG, 8, 6, method="lanczos3"),
})


def _ragged_numbers(tf: Any) -> Any:
    return tf.data.Dataset.range(1, 6).map(lambda n: tf.range(n))


RAGGED = {
    "ragged_batch_range": lambda tf, keras, i: elements(_ragged_numbers(tf).ragged_batch(2)),
    "ragged_batch_drop_remainder": lambda tf, keras, i: elements(
        _ragged_numbers(tf).ragged_batch(2, drop_remainder=True)),
    "ragged_batch_to_tensor": lambda tf, keras, i: elements(
        _ragged_numbers(tf).ragged_batch(3).map(lambda r: r.to_tensor())),
    "ragged_batch_to_tensor_default": lambda tf, keras, i: elements(
        _ragged_numbers(tf).ragged_batch(3).map(lambda r: r.to_tensor(default_value=-1))),
    "ragged_batch_row_lengths": lambda tf, keras, i: elements(
        _ragged_numbers(tf).ragged_batch(3).map(lambda r: r.row_lengths())),
    "ragged_batch_pairs": lambda tf, keras, i: elements(
        _ragged_numbers(tf).map(lambda x: (x, tf.size(x))).ragged_batch(2)),
    "dense_to_ragged_batch": lambda tf, keras, i: elements(_ragged_numbers(tf).apply(
        tf.data.experimental.dense_to_ragged_batch(2))),
    "ragged_batch_fixed_shape": lambda tf, keras, i: elements(
        tf.data.Dataset.from_tensor_slices(np.arange(6, dtype="float32").reshape(3, 2))
        .ragged_batch(2)),
    "ragged_constant_slices": lambda tf, keras, i: elements(
        tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1, 2], [3], [4, 5, 6]]))),
    "ragged_constant_slices_batch": lambda tf, keras, i: elements(
        tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1, 2], [3], [4, 5, 6]]))
        .ragged_batch(2)),
    "ragged_constant_to_tensor": lambda tf, keras, i: tf.ragged.constant(
        [[1.5, 2.0], [], [3.0]]).to_tensor(),
    "ragged_constant_reads": lambda tf, keras, i: (
        tf.ragged.constant([[1, 2], [3], [4, 5, 6]]).row_lengths(),
        tf.ragged.constant([[1, 2], [3], [4, 5, 6]]).flat_values,
        tf.ragged.constant([[1, 2], [3], [4, 5, 6]]).bounding_shape()),
    "ragged_batch_strings": lambda tf, keras, i: elements(
        tf.data.Dataset.from_tensor_slices(["a b", "c", "d e f"])
        .map(lambda s: tf.strings.split(s)).ragged_batch(2).map(lambda r: r.to_tensor())),
}

WAVS = {
    "decode_wav_mono": lambda tf, keras, i: tf.audio.decode_wav(i["wav_mono"]),
    "decode_wav_stereo": lambda tf, keras, i: tf.audio.decode_wav(i["wav_stereo"]),
    "decode_wav_desired_channels_1": lambda tf, keras, i: tf.audio.decode_wav(
        i["wav_stereo"], desired_channels=1),
    "decode_wav_desired_channels_2": lambda tf, keras, i: tf.audio.decode_wav(
        i["wav_mono"], desired_channels=2),
    "decode_wav_desired_samples_pad": lambda tf, keras, i: tf.audio.decode_wav(
        i["wav_mono"], desired_samples=14),
    "decode_wav_desired_samples_cut": lambda tf, keras, i: tf.audio.decode_wav(
        i["wav_stereo"], desired_channels=1, desired_samples=4),
    "encode_wav_roundtrip": lambda tf, keras, i: tf.audio.decode_wav(tf.audio.encode_wav(
        np.array([[0.0, -1.0], [0.5, 0.25], [1.0, -0.3333], [1.5, -2.0]], "float32"), 22050)),
    "encode_wav_bytes": lambda tf, keras, i: tf.audio.encode_wav(
        np.array([[0.0], [-1.0], [0.5], [0.99998], [1.0], [-0.7]], "float32"), 8000),
    "decode_wav_in_map": lambda tf, keras, i: elements(
        tf.data.Dataset.from_tensor_slices([i["wav_mono"], i["wav_mono"]])
        .map(lambda b: tf.squeeze(tf.audio.decode_wav(b, desired_samples=5)[0], -1))
        .batch(2)),
}

CASES: Dict[str, Callable[[Any, Any, dict], Any]] = {**RESIZES, **LAYERS, **RAGGED, **WAVS}

# Keras 3 (its TF backend) on the same Resizing calls: the same numbers as Keras 2. Keras 3
# takes only lanczos3/lanczos5 of the four (gaussian/mitchellcubic raise at call time);
# torchkeras follows Keras 2 and takes all of them.
KERAS3_CASES = {name: case for name, case in LAYERS.items()
                if name.startswith("resizing") and "lanczos" in name}
