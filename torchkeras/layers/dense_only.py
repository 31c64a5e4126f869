"""Keras-style refusals of TensorFlow-only output kinds (``sparse=True``, ``ragged=True``).

torch has no ``tf.SparseTensor``/``tf.RaggedTensor``; as Keras 3 on its torch backend, the
preprocessing layers refuse these arguments with a ``ValueError`` naming the layer.
"""
from __future__ import annotations

from typing import Any, List

__all__: List[str] = []

_REMEDY = {
    "sparse": "torchkeras returns dense tensors (the same values as Keras's dense output); "
              "pass `sparse=False` (the default)",
    "ragged": "torchkeras has no ragged tensors; pass `ragged=False` (the default) and "
              "`output_sequence_length`, or let the batch pad to its longest sequence",
}


def refuse_tensor_kind(layer_class: str, layer_name: Any, argument: str) -> None:
    """Raise for ``argument=True`` (``"sparse"`` or ``"ragged"``) of ``layer_class``."""
    raise ValueError(f"Layer '{layer_name}' ({layer_class}): `{argument}=True` can only be "
                     f"used with the TensorFlow backend; {_REMEDY[argument]}. "
                     f"Received: {argument}=True")
