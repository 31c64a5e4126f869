"""Functions and operators called on symbolic tensors, as layers of a functional graph.

Keras 2 records ``x * 2``, ``x[:, 0]`` and ``tf.concat([x, y], 1)`` on a ``KerasTensor`` as
``TFOpLambda`` layers (``SlicingOpLambda`` for ``[...]``) named ``tf.math.multiply``,
``tf.__operators__.getitem``, ``tf.concat``, whose config holds the function's NAME
(``'math.multiply'``); Keras 3 records ``keras.ops`` calls as operation nodes
(:class:`OpNode` rebuilds those of a ``.keras`` file). Both run a function of a fixed
table: the operators below, the ``keras.ops`` functions and the ``tf`` functions the tf
namespace registers when it is built (:func:`register_function`). A name outside the table
is an error, never an import.
"""
from __future__ import annotations

import inspect
import operator
import re
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

from torchkeras import ops
from torchkeras.backend import naming, nest, symbolic
from torchkeras.graph.convert import to_tensor
from torchkeras.graph.node import Node, probe_spec
from torchkeras.layers.base import Layer

__all__ = ["TFOpLambda", "SlicingOpLambda"]


# ---------------------------------------------------------------------- the function table
def _binary(op: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def function(x: Any, y: Any, name: Optional[str] = None) -> Any:
        if not isinstance(x, torch.Tensor):
            x = _constant(x, y)
        elif not isinstance(y, torch.Tensor):
            y = _constant(y, x)
        return op(x, y)
    return function


def _constant(value: Any, like: Any) -> Any:
    """An array constant (``np.ones(3) * x``; a list once loaded) as a tensor beside ``like``."""
    if isinstance(value, (list, np.ndarray)) and isinstance(like, torch.Tensor):
        dtype = like.dtype if like.is_floating_point() else None
        return torch.as_tensor(np.asarray(value), device=like.device).to(dtype or like.dtype)
    return value


def _unary(op: Callable[[Any], Any]) -> Callable[..., Any]:
    def function(x: Any, name: Optional[str] = None) -> Any:
        return op(x)
    return function


def _getitem(tensor: Any, slice_spec: Any, var: Any = None) -> Any:
    """``tensor[slice_spec]`` for Keras 2's saved form of the index (slices as dicts)."""
    return tensor[_index_from_config(slice_spec)]


# the KerasTensor operators by Keras 2's names (graph/keras_tensor.py records them)
_FUNCTIONS: Dict[str, Callable[..., Any]] = {
    "__operators__.add": _binary(operator.add), "math.subtract": _binary(operator.sub),
    "math.multiply": _binary(operator.mul), "math.truediv": _binary(operator.truediv),
    "compat.v1.floor_div": _binary(operator.floordiv), "math.floormod": _binary(operator.mod),
    "math.pow": _binary(operator.pow), "linalg.matmul": _binary(operator.matmul),
    "math.less": _binary(operator.lt), "math.less_equal": _binary(operator.le),
    "math.greater": _binary(operator.gt), "math.greater_equal": _binary(operator.ge),
    "math.logical_and": _binary(operator.and_), "math.logical_or": _binary(operator.or_),
    "math.logical_xor": _binary(operator.xor), "math.negative": _unary(operator.neg),
    "math.abs": _unary(operator.abs), "math.logical_not": _unary(operator.invert),
    "__operators__.getitem": _getitem,
}


def register_function(name: str, function: Callable[..., Any]) -> None:
    """Make ``function`` loadable as the op layer function ``name`` (``'math.log'``)."""
    _FUNCTIONS[name] = getattr(function, "__wrapped_function__", function)


# registers the tf functions (the tf namespace sits above layers); torchkeras installs it
_LOADER: List[Callable[[], None]] = []


def set_function_loader(loader: Callable[[], None]) -> None:
    """Install what registers the ``tf`` functions when a name is not in the table yet."""
    _LOADER[:] = [loader]


def lookup_function(name: str, layer_name: str = "") -> Callable[..., Any]:
    """The function of the table called ``name``: an operator, ``'ops.<op>'`` or a
    registered ``tf`` function. An unknown name raises a ``ValueError``."""
    function = _FUNCTIONS.get(name)
    if function is None and _LOADER and not name.startswith("ops."):
        _LOADER.pop()()  # once: the tf namespace registers its functions
        function = _FUNCTIONS.get(name)
    if function is not None:
        return function
    if name.startswith("ops.") and name[4:] in ops.__all__:
        function = getattr(ops, name[4:])
        return getattr(function, "__wrapped_function__", function)
    raise ValueError(
        f"Op layer '{layer_name or name}': unknown function '{name}'. torchkeras runs only "
        f"the KerasTensor operators, the `keras.ops` functions and the `tf.*` functions of "
        f"its tf namespace (import tensorflow through torchkeras first for those); "
        f"known: {sorted(_FUNCTIONS)[:8]}...")


# ------------------------------------------------------------------------------- the layers
class TFOpLambda(Layer):
    """A ``tf``/``keras.ops`` function (or operator) applied in a functional graph.

    Args:
        function: the function's name in the table, e.g. ``'math.multiply'``, ``'concat'``,
            ``'ops.concatenate'``.
    """

    def __init__(self, function: str, name: Optional[str] = None, **kwargs: Any):
        if name is None:
            name = naming.unique_object_name(_default_layer_name(function))
        kwargs.pop("autocast", None)
        super().__init__(name=name, **kwargs)
        self.function = function
        self._function = lookup_function(function, name)
        self.built = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if symbolic.has_symbolic(args, kwargs):
            return self._record(args, kwargs)
        if args:  # NumPy data becomes tensors, as TensorFlow's functions convert it
            args = (nest.map_structure(_array_to_tensor, args[0]),) + tuple(args[1:])
        return self.call(*args, **kwargs)

    def _record(self, args: tuple, kwargs: Dict[str, Any]) -> Any:
        """A graph node for the call on symbolic tensors; the outputs' shapes and dtypes come
        from running the function on small tensors of ones."""
        args, kwargs = _keyword_arguments(self._function, args, kwargs)
        # tensor constants are kept as arrays: saved as lists, placed on the inputs' device
        args, kwargs = nest.map_structure(_array_constant, (list(args), kwargs))
        try:
            outputs = probe_spec(self.call, args, kwargs, fill=1.0)
        except Exception as error:
            raise TypeError(f"Could not apply `{_public_name(self.function)}` (layer "
                            f"'{self.name}') to the symbolic inputs {list(args)} "
                            f"{kwargs}: {error}") from error
        Node(self, tuple(args), dict(kwargs), outputs)
        return outputs

    def call(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("training", None)  # the graph passes it to a `call` taking **kwargs
        return self._function(*args, **kwargs)

    def get_config(self) -> Dict[str, Any]:
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                "function": self.function}


class SlicingOpLambda(TFOpLambda):
    """Keras 2's op layer for ``tensor[index]``: the index is a ``slice_spec`` argument."""


def _public_name(function: str) -> str:
    return "keras." + function if function.startswith("ops.") else "tf." + function


def _default_layer_name(function: str) -> str:
    """Keras 2: ``tf.math.multiply``; Keras 3 names an op node by the op: ``concatenate``."""
    return function[4:] if function.startswith("ops.") else "tf." + function


def _keyword_arguments(function: Callable[..., Any], args: tuple,
                       kwargs: Dict[str, Any]) -> tuple:
    """Keras 2 keeps the first argument positional and names the others
    (``multiply(x, 2)`` is saved as ``x`` with ``{'y': 2}``)."""
    if len(args) < 2:
        return args, kwargs
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return args, kwargs
    named = dict(kwargs)
    for parameter, value in zip(parameters[1:], args[1:]):
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            return args, kwargs
        named[parameter.name] = value
    return args[:1], named


def _array_to_tensor(value: Any) -> Any:
    return to_tensor(value) if isinstance(value, np.ndarray) else value


def _array_constant(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


# --------------------------------------------------------------------------- the index form
def index_to_config(index: Any) -> Any:
    """Keras 2's saved form of an index: slices as ``{'start', 'stop', 'step'}`` dicts,
    ``...`` as ``{'class_name': '__ellipsis__'}``, a tuple as a list."""
    if isinstance(index, tuple):
        return [_index_item_to_config(i) for i in index]
    return _index_item_to_config(index)


def _index_item_to_config(index: Any) -> Any:
    if isinstance(index, slice):
        return {"start": _plain(index.start), "stop": _plain(index.stop),
                "step": _plain(index.step)}
    if index is Ellipsis:
        return {"class_name": "__ellipsis__"}
    return _plain(index)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, torch.Tensor) and value.dim() == 0 else value


def _index_from_config(config: Any) -> Any:
    if isinstance(config, list):  # the tuple of `x[:, 0]` (a list inside: indices)
        return tuple(_index_item(c) for c in config)
    return _index_item(config)


def _index_item(config: Any) -> Any:
    if isinstance(config, dict):
        if config.get("class_name") == "__ellipsis__":
            return Ellipsis
        return slice(config.get("start"), config.get("stop"), config.get("step"))
    return config


# ------------------------------------------------------------- what KerasTensor calls record
def _symbolic_call(name: str, function: Callable[..., Any], args: tuple,
                   kwargs: Dict[str, Any]) -> Any:
    if name == "__operators__.getitem":
        layer: TFOpLambda = SlicingOpLambda(name)
        return layer(args[0], slice_spec=index_to_config(args[1]))
    return TFOpLambda(name)(*args, **kwargs)


symbolic.set_symbolic_handler(_symbolic_call)


# ------------------------------------------------------------ Keras 3 ops of a .keras file
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class OpNode(Layer):
    """A ``keras.ops`` call inside a graph loaded from a Keras 3 file: ``call(*args)`` is
    ``fn(*args, **op_config)``."""

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

    def call_arguments(self, inputs: Any) -> List[Any]:
        """The op's positional arguments: the tensors of ``inputs`` with the constants."""
        tensors = iter(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        count = len(self._constants) + (len(inputs) if isinstance(inputs, (list, tuple))
                                        else 1)
        return [self._constants[i] if i in self._constants else next(tensors)
                for i in range(count)]

    def call(self, inputs: Any) -> Any:
        arguments = self.call_arguments(inputs)
        if self.op_class == "GetItem" and isinstance(arguments[1], list):
            arguments[1] = tuple(arguments[1])  # the JSON list of a `x[:, 1:5]` index
        return self._function(*arguments, **self.op_config)

    def get_config(self) -> Dict[str, Any]:
        return {"name": self.name, **self.op_config}

    def keras3_entry(self) -> Dict[str, Any]:
        return {"module": self.op_module, "class_name": self.op_class,
                "config": self.get_config(), "registered_name": self.op_class}


def _is_tensor_like(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")
