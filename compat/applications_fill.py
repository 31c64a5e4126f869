"""The deterministic weights both sides give an application model in the parity tests
(``generate_applications.py`` with tf_keras, ``test_applications.py`` with torchkeras):
layer by layer in the recorded order, each weight drawn from one ``np.random.RandomState``.
NumPy only: no TensorFlow, no torchkeras.
"""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

# weight names (the part after the last "/", without ":0") that must stay positive
_SCALES = ("gamma", "moving_variance", "variance")


def fill(class_names: Sequence[str], weights: Sequence[Sequence[np.ndarray]],
         names: Sequence[Sequence[str]], seed: int = 0) -> List[List[np.ndarray]]:
    """New values for ``weights[i]`` (the arrays of layer ``i``, of class ``class_names[i]``,
    named ``names[i]``): kernels ~ N(0, 1/fan_in), scales and variances 1 + 0.1|N|, other
    vectors 0.1 N; integer weights (Normalization's ``count``) are kept."""
    rs = np.random.RandomState(seed)
    filled = []
    for class_name, arrays, layer_names in zip(class_names, weights, names):
        layer = []
        for w, name in zip(arrays, layer_names):
            w = np.asarray(w)
            if not np.issubdtype(w.dtype, np.floating):
                layer.append(w)
                continue
            n = rs.standard_normal(w.shape)
            if w.ndim >= 2:
                fan_in = (np.prod(w.shape[:2]) if class_name == "DepthwiseConv2D"
                          else np.prod(w.shape[:-1]))
                value = n / np.sqrt(fan_in)
            elif name.rsplit("/", 1)[-1].split(":")[0] in _SCALES:
                value = 1.0 + 0.1 * np.abs(n)
            else:
                value = 0.1 * n
            layer.append(value.astype(w.dtype))
        filled.append(layer)
    return filled
