"""Keras 3 operations saved as nodes of a functional config.

Keras 3 records the ``keras.ops`` calls of a functional graph as config entries of their own
(``{'module': 'keras.src.ops.numpy', 'class_name': 'NotEqual', ...}``): for example the mask
arithmetic of ``Embedding(mask_zero=True)`` followed by a merge layer, whose result is then
passed as ``mask=`` to a pooling layer. ``layers.op_layer.OpNode`` rebuilds such an entry as
a layer calling the ``torchkeras.ops`` function of the same (snake_case) name, and writes it
back in Keras 3's form.
"""
from __future__ import annotations

from typing import Any, Dict

from torchkeras.layers.op_layer import OpNode

__all__ = ["OpNode", "is_op_entry", "op_from_entry"]


def is_op_entry(entry: Any) -> bool:
    """Whether a functional-config layer entry is a Keras 3 operation node."""
    return isinstance(entry, dict) and str(entry.get("module") or "").startswith(
        "keras.src.ops.")


def op_from_entry(entry: Dict[str, Any]) -> OpNode:
    config = dict(entry.get("config") or {})
    name = config.pop("name", None)
    config.pop("dtype", None)
    return OpNode(entry["class_name"], entry["module"], config, name=name)
