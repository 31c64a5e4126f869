"""Keras 3 operations saved as nodes of a functional config.

Keras 3 records the ``keras.ops`` calls of a functional graph as config entries of their own
(``{'module': 'keras.src.ops.numpy', 'class_name': 'NotEqual', ...}``): for example the mask
arithmetic of ``Embedding(mask_zero=True)`` followed by a merge layer, whose result is then
passed as ``mask=`` to a pooling layer. :class:`OpNode` rebuilds such an entry as a layer
calling the ``torchkeras.ops`` function of the same (snake_case) name, and writes it back in
Keras 3's form.
"""
from __future__ import annotations

import re
from typing import Any, Dict

from torchkeras import ops
from torchkeras.layers.base import Layer

__all__ = ["OpNode", "is_op_entry", "op_from_entry"]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def is_op_entry(entry: Any) -> bool:
    """Whether a functional-config layer entry is a Keras 3 operation node."""
    return isinstance(entry, dict) and str(entry.get("module") or "").startswith(
        "keras.src.ops.")


class OpNode(Layer):
    """A ``keras.ops`` call inside a graph: ``call(*args)`` is ``fn(*args, **op_config)``."""

    def __init__(self, op_class: str, module: str, op_config: Dict[str, Any],
                 name: Any = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        function = getattr(ops, _snake(op_class), None)
        if function is None:
            raise ValueError(f"Cannot load the Keras 3 operation '{op_class}' ({module}) of "
                             "this model's config: torchkeras.ops has no "
                             f"'{_snake(op_class)}'.")
        self.op_class, self.op_module = op_class, module
        self.op_config = dict(op_config)
        self._function = function
        self._constants: Dict[int, Any] = {}  # non-tensor positional arguments by position

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Keras 3 saves one node per op call: its constant arguments (``not_equal(x, 0)``)
        # are kept here, the tensors go through the layer call as one list.
        self._constants = {i: a for i, a in enumerate(args) if not _is_tensor_like(a)}
        tensors = [a for a in args if _is_tensor_like(a)]
        return super().__call__(tensors, **kwargs)

    def call_arguments(self, inputs: Any) -> list:
        """The op's positional arguments: the tensors of ``inputs`` with the constants."""
        tensors = iter(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        count = len(self._constants) + (len(inputs) if isinstance(inputs, (list, tuple))
                                        else 1)
        return [self._constants[i] if i in self._constants else next(tensors)
                for i in range(count)]

    def call(self, inputs: Any) -> Any:
        return self._function(*self.call_arguments(inputs), **self.op_config)

    def get_config(self) -> Dict[str, Any]:
        return {"name": self.name, **self.op_config}

    def keras3_entry(self) -> Dict[str, Any]:
        return {"module": self.op_module, "class_name": self.op_class,
                "config": self.get_config(), "registered_name": self.op_class}


def _is_tensor_like(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def op_from_entry(entry: Dict[str, Any]) -> OpNode:
    config = dict(entry.get("config") or {})
    name = config.pop("name", None)
    config.pop("dtype", None)
    return OpNode(entry["class_name"], entry["module"], config, name=name)
