"""The ``tf.image`` / ``tf.strings`` / ``tf.io`` / ``tf.audio`` / ``tf.lookup`` / ``tf.signal``
functions tutorials call inside ``Dataset.map``, on torch tensors (numbers) and NumPy arrays of ``str``/``bytes`` (strings).

Reached as ``tf.image.*``, ``tf.strings.*``, ``tf.io.*`` through the compat runner
(torchkeras/compat/tf_namespace.py) and importable directly (``torchkeras.tfops.image``).
Numbers equal TensorFlow's (compat/test_tf_functions.py replays TF-recorded results).
"""
from __future__ import annotations

from torchkeras.tfops import (audio, example, example_dataset, image, io, lookup, lookup_dataset,
                              signal, strings)

__all__ = ["audio", "example", "example_dataset", "image", "io", "lookup", "lookup_dataset",
           "signal", "strings"]
