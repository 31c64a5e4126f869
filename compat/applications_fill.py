"""The deterministic weights both sides give an application model in the parity tests
(``generate_applications.py`` with tf_keras, ``test_applications.py`` with torchkeras):
layer by layer in the recorded order, each weight drawn from one ``np.random.RandomState``.
NumPy only: no TensorFlow, no torchkeras.
"""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

# class name -> indices of its 1-D weights that must stay positive-ish (scales, variances)
_SCALES = {"BatchNormalization": (0, 3), "LayerNormalization": (0,), "Normalization": (1,)}


def fill(class_names: Sequence[str], weights: Sequence[Sequence[np.ndarray]],
         seed: int = 0) -> List[List[np.ndarray]]:
    """New values for ``weights[i]`` (the arrays of layer ``i``, of class ``class_names[i]``):
    kernels ~ N(0, 1/fan_in), scales/variances 1 + 0.1|N|, other vectors 0.1 N; integer
    weights (Normalization's ``count``) are kept."""
    rs = np.random.RandomState(seed)
    filled = []
    for class_name, arrays in zip(class_names, weights):
        layer = []
        for j, w in enumerate(arrays):
            w = np.asarray(w)
            if not np.issubdtype(w.dtype, np.floating):
                layer.append(w)
                continue
            n = rs.standard_normal(w.shape)
            if w.ndim >= 2:
                fan_in = (np.prod(w.shape[:2]) if class_name == "DepthwiseConv2D"
                          else np.prod(w.shape[:-1]))
                value = n / np.sqrt(fan_in)
            elif j in _SCALES.get(class_name, ()):
                value = 1.0 + 0.1 * np.abs(n)
            else:
                value = 0.1 * n
            layer.append(value.astype(w.dtype))
        filled.append(layer)
    return filled
