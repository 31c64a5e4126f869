"""Core layers: Dense, Activation, Lambda."""
from __future__ import annotations

import codecs
import marshal
import types
from typing import Any, Callable, Dict, Optional

import torch

from torchkeras import activations, constraints, initializers, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.registry.function_lookup import resolve_function
from torchkeras.registry.serialization import in_safe_mode


__all__ = ["Activation", "Dense", "Lambda"]

class Dense(Layer):
    """``activation(inputs @ kernel + bias)``; kernel ``(input_dim, units)`` as in Keras.

    >>> layer = Dense(3, activation="relu")
    >>> layer(np.ones((2, 4))).shape
    torch.Size([2, 3])
    """

    _accepts_sparse_inputs = True  # a rank-2 sparse input: torch.addmm's sparse product

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        units = int(units) if not isinstance(units, int) else units
        if units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        last_dim = input_shape[-1]
        if last_dim is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: {input_shape}")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight("kernel", (last_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        super().build(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.is_sparse:  # a tf.SparseTensor input: the sparse-dense product
            self._check_input_spec([tuple(inputs.shape)])  # (the graph skips __call__)
            if inputs.dim() != 2:  # Keras 2 multiplies rank-2 sparse inputs only
                inputs = inputs.to_dense()
            elif inputs.dtype != self.kernel.dtype:
                inputs = inputs.to(self.kernel.dtype)
        if inputs.dim() == 2 and self.bias is not None:
            outputs = torch.addmm(self.bias, inputs, self.kernel)  # (batch, units)
        else:
            outputs = torch.matmul(inputs, self.kernel)  # (..., units)
            if self.bias is not None:
                outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class Activation(Layer):
    """Applies an activation: ``Activation('relu')``."""

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Lambda(Layer):
    """Wraps a function of tensors as a layer: ``Lambda(lambda x: x ** 2)``.

    The function receives torch tensors (strings as they are: its code decides, as in
    tf_keras). ``output_shape`` is optional: by default the shape is found by running the
    function.
    """

    _passes_string_inputs = True

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: Optional[Dict[str, Any]] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Argument `function` must be a callable. Received: {function}")
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self.mask = mask

    def call(self, inputs: Any, mask: Any = None, training: Optional[bool] = None) -> Any:
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape: Any, input_dtypes: Any = None) -> Any:
        if self._output_shape is None:
            return super().compute_output_shape(input_shape, input_dtypes)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        return (input_shape[0],) + tuple(self._output_shape)

    compute_output_shape.takes_input_dtypes = True  # type: ignore[attr-defined]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        function = self.function
        if isinstance(function, types.FunctionType):
            # As Keras 2: Python functions (lambdas included) are stored as bytecode.
            config["function"] = _dump_function(function)
            config["function_type"] = "lambda"
        else:  # a builtin or torch function: stored by name and module
            config["function"] = function.__name__
            config["function_type"] = "function"
            config["module"] = getattr(function, "__module__", None) or getattr(
                type(function), "__module__", None)
        config["output_shape"] = self._output_shape if not callable(self._output_shape) \
            else None
        config["output_shape_type"] = "raw"
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None,
                    safe_mode: Optional[bool] = None) -> "Lambda":
        """``safe_mode=None`` follows the loading call (safe outside one). A function named
        by the config resolves only from ``custom_objects``, registered objects, Keras's
        built-in activations/losses/metrics and pure torch ops: never from a module the
        config names."""
        safe_mode = (in_safe_mode() if safe_mode is None else safe_mode) is not False
        config = dict(config)
        function = config.pop("function")
        function_type = config.pop("function_type", "function")
        if config.pop("output_shape_type", None) == "lambda":
            config["output_shape"] = None  # stored bytecode: the shape is found by running
        module_name = config.pop("module", None)
        config.pop("output_shape_module", None)
        if isinstance(function, dict) and function.get("class_name") == "__lambda__":
            inner = function.get("config") or {}  # Keras 3's form
            function = [inner.get("code"), inner.get("defaults"), inner.get("closure")]
            function_type = "lambda"
        elif isinstance(function, dict):  # Keras 3: {'class_name': 'function', ...}
            module_name = function.get("module")
            function = function.get("registered_name") or function.get("config")
            function_type = "function"
        if function_type == "lambda":
            if safe_mode:
                raise ValueError(
                    "Requested the deserialization of a `Lambda` layer with a Python "
                    "`lambda` inside it. This carries a potential risk of arbitrary code "
                    "execution and thus it is disallowed by default. If you trust the source "
                    "of the saved model, you can pass `safe_mode=False` to the loading "
                    "function in order to allow `Lambda` layer loading.")
            function = _load_function(function)
        elif function_type == "function":
            function = resolve_function(function, module_name, custom_objects,
                                        owner=f"Lambda layer '{config.get('name')}'")
        else:
            raise TypeError("Unsupported value for `function_type` argument. Received: "
                            f"function_type={function_type}. Expected one of "
                            "['function', 'lambda']")
        if isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        return cls(function, **config)


def _dump_function(function: types.FunctionType) -> tuple:
    """Keras 2's ``func_dump``: (base64 bytecode, defaults, closure)."""
    raw = marshal.dumps(function.__code__)
    code = codecs.encode(raw, "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in function.__closure__) \
        if function.__closure__ else None
    return code, function.__defaults__, closure


def _load_function(dumped: Any) -> types.FunctionType:
    """Inverse of :func:`_dump_function` (runs stored code: only with safe_mode=False)."""
    code, defaults, closure = (list(dumped) + [None, None])[:3]
    raw = codecs.decode(code.encode("ascii"), "base64")
    code_object = marshal.loads(raw)
    cells = tuple(types.CellType(value) for value in closure) if closure else None
    return types.FunctionType(code_object, globals(), name=code_object.co_name,
                              argdefs=tuple(defaults) if defaults else None, closure=cells)
