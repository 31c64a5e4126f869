"""Record ``tf.signal`` (stft and its parts: frame, hann/hamming windows, rfft) from real
TensorFlow into ``fixtures/tf_signal.npz`` (inputs and outputs; no pickled objects).

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_tf_signal.py

test_tf_signal.py replays every case on torchkeras. The stft cases follow TF's "Simple audio
recognition" tutorial (frame_length=255, frame_step=128 on 16 kHz waveforms in [-1, 1)).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "tf_signal.npz")


def inputs() -> dict:
    rng = np.random.default_rng(17)
    t = np.arange(4000) / 16000.0
    tone = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.1 * rng.standard_normal(4000)
    wave2 = np.stack([tone, 0.3 * np.sin(2 * np.pi * 1000 * t)]).astype("float32")  # (2, 4000)
    return {"wave2": wave2,
            "short": rng.uniform(-1, 1, 1000).astype("float32"),
            "mono": rng.uniform(-1, 1, 3000).astype("float32"),
            "grid": rng.uniform(-1, 1, (6, 5)).astype("float32"),
            "frames": rng.uniform(-1, 1, (3, 20)).astype("float32")}


def main() -> None:
    x = inputs()
    out = {f"in_{k}": v for k, v in x.items()}
    out.update({
        "hann_255": tf.signal.hann_window(255).numpy(),
        "hann_256": tf.signal.hann_window(256).numpy(),
        "hann_255_sym": tf.signal.hann_window(255, periodic=False).numpy(),
        "hann_8_sym": tf.signal.hann_window(8, periodic=False).numpy(),
        "hann_1": tf.signal.hann_window(1).numpy(),
        "hamming_10": tf.signal.hamming_window(10).numpy(),
        "hamming_7": tf.signal.hamming_window(7).numpy(),
        "frame_short": tf.signal.frame(x["short"], 255, 128).numpy(),
        "frame_short_pad": tf.signal.frame(x["short"], 255, 128, pad_end=True).numpy(),
        "frame_short_padval": tf.signal.frame(x["short"], 300, 250, pad_end=True,
                                              pad_value=2.0).numpy(),
        "frame_grid_axis0": tf.signal.frame(x["grid"], 3, 2, axis=0).numpy(),
        "frame_too_short": tf.signal.frame(x["short"][:100], 255, 128).numpy(),
        "rfft_frames": tf.signal.rfft(x["frames"]).numpy(),
        "rfft_frames_32": tf.signal.rfft(x["frames"], [32]).numpy(),
        "rfft_frames_16": tf.signal.rfft(x["frames"], [16]).numpy(),
        "stft_wave2": tf.signal.stft(x["wave2"], frame_length=255, frame_step=128).numpy(),
        "stft_wave2_abs": tf.abs(tf.signal.stft(x["wave2"], 255, 128)).numpy(),
        "stft_mono_512": tf.signal.stft(x["mono"], 400, 160, fft_length=512).numpy(),
        "stft_short_pad": tf.signal.stft(x["short"], 256, 100, pad_end=True).numpy(),
        "stft_short_nowin": tf.signal.stft(x["short"], 200, 150, window_fn=None).numpy(),
        "stft_short_hamming": tf.signal.stft(x["short"], 200, 150,
                                             window_fn=tf.signal.hamming_window).numpy(),
    })
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays to {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
