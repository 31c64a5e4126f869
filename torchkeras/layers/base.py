"""The Keras ``Layer``: a ``torch.nn.Module`` with Keras's contract.

``__init__(**config)`` stores config · ``build(input_shape)`` creates weights (lazily, on the
first call or from ``input_shape=``) · ``call(inputs, training=None)`` computes ·
``compute_output_shape`` · ``get_config``. Keras's view of the weights (names, layout, order)
is in :mod:`torchkeras.layers.weights`; symbolic tensors in :mod:`torchkeras.graph`.

Example::

    class Linear(Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight("kernel", (input_shape[-1], self.units))
            super().build(input_shape)

        def call(self, inputs):
            return inputs @ self.w
"""
from __future__ import annotations

import weakref
import functools
import inspect
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras import backend, constraints, initializers, regularizers
from torchkeras.backend.messages import did_you_mean
from torchkeras.backend import phase
from torchkeras.backend import variable as backend_variable
from torchkeras.data.ragged import RaggedTensor
from torchkeras.data.structure import with_numpy
from torchkeras.graph.convert import to_tensor_structure
from torchkeras.graph.node import symbolic_call
from torchkeras.graph.probe import probe_input
from torchkeras.graph.shapes import _flatten_shapes, _is_shape, _pack_shapes
from torchkeras.layers import added_losses
from torchkeras.layers.input_spec import assert_input_compatibility
from torchkeras.backend import dtype_policy as policy_module
from torchkeras.layers.autocast import Float32Call, autocast_for
from torchkeras.layers.weights import KERAS_LAYOUT, KerasVariable, WeightLayout, WeightSpec, \
    is_model
from torchkeras.backend import nest
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.backend.masking import get_keras_mask, set_keras_mask

Shape = Tuple[Optional[int], ...]

# Keyword arguments every Keras layer accepts besides its own.
_BASE_LAYER_KWARGS = {"input_dim", "input_shape", "batch_input_shape", "batch_size", "weights",
                      "activity_regularizer", "autocast", "implementation", "dynamic"}


def unknown_argument_error(owner: str, argument: str, valid: Sequence[str]) -> TypeError:
    """TypeError for an unknown keyword, with the near name when there is one."""
    return TypeError(f"{owner}: Keyword argument not understood: '{argument}'"
                     + did_you_mean(argument, valid, lead=". "))


def _dtype_policy(dtype: Any) -> "policy_module.Policy":
    """The policy for a layer's ``dtype`` argument (``None``: the global policy)."""
    if dtype is None:
        return policy_module.global_policy()
    if isinstance(dtype, (str, dict, policy_module.Policy)):
        return policy_module.get(dtype)
    return policy_module.Policy(backend.standardize_dtype(dtype))


@functools.lru_cache(maxsize=None)
def _call_parameters(cls: type) -> Tuple[bool, bool]:
    """Whether ``cls.call`` (or, for a torch-style layer, ``cls.forward``) accepts
    ``training`` and ``mask``."""
    method = cls.forward if _is_torch_style(cls) else cls.call
    params = inspect.signature(method).parameters
    has_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
    return ("training" in params or has_kwargs, "mask" in params)


@functools.lru_cache(maxsize=None)
def default_training(cls: type) -> Optional[bool]:
    """The ``training`` a layer runs with when neither the caller, an enclosing call nor the
    learning phase decides it (Keras's last rule: the default of ``call``'s argument). A bool
    default is used as written (augmentation layers: True); otherwise inference (False),
    except for models, which pass ``None`` on so each inner layer applies its own default."""
    if is_model(cls):
        return None
    method = cls.forward if _is_torch_style(cls) else cls.call
    param = inspect.signature(method).parameters.get("training")
    default = None if param is None else param.default
    return default if isinstance(default, bool) else False


# One re-entrant lock for every lazy build (layers and models): threads calling an unbuilt
# model build it once, the others wait. One lock rather than one per layer: a layer stays
# picklable/deep-copyable (a lock is neither), and nested builds (a model building its
# layers, an RNN its cell) cannot deadlock on lock order. Built layers never take it.
BUILD_LOCK = threading.RLock()


# Bumped whenever a forward hook is registered on a layer: model plans, which call built
# layers' `call` directly, then route hooked layers through `__call__` so the hooks run.
HOOK_VERSION = [0]


def has_forward_hooks(layer: Any) -> bool:
    return bool(layer._forward_hooks or layer._forward_pre_hooks)


def _is_torch_style(cls: type) -> bool:
    """A layer written torch-style: it overrides ``forward`` instead of ``call``."""
    return cls.call is Layer.call and cls.forward is not Layer.forward


_is_symbolic = is_keras_tensor


class Layer(torch.nn.Module):
    """Base class of all Keras layers (and models)."""

    _autocast_dtype: Optional[torch.dtype] = None  # set under a mixed dtype policy
    _building = False  # True (on the instance) while `_maybe_build` runs `build`
    _accepts_string_inputs = False  # True: NumPy strings reach `call` (text layers, models)
    # True: string inputs (NumPy str/bytes arrays, a RaggedTensor) reach `call` as they are,
    # numbers are converted as usual: a user's Layer subclass, whose `call` decides (tf_keras
    # lets any layer take string tensors). Set for every class defined outside torchkeras.
    _passes_string_inputs = False
    # True: a torch sparse COO tensor (a tf.SparseTensor input) reaches `call` as it is
    # (Dense, models); other layers get it densified (see `densify_sparse`).
    _accepts_sparse_inputs = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_passes_string_inputs" not in cls.__dict__ and \
                not cls.__module__.startswith("torchkeras."):
            cls._passes_string_inputs = True
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            setattr(cls, "build", _marking_built(build))

    def __init__(self, trainable: bool = True, name: Optional[str] = None,
                 dtype: Any = None, **kwargs: Any):
        torch.nn.Module.__init__(self)
        for key in kwargs:
            if key not in _BASE_LAYER_KWARGS:
                raise unknown_argument_error(type(self).__name__, key,
                                             self._accepted_argument_names())
        self._name = name or self._default_name()
        self._trainable = bool(trainable)
        self._dtype_policy = _dtype_policy(dtype)
        self._dtype = self._dtype_policy.variable_dtype  # weights stay float32 when mixed
        if self._dtype_policy.is_mixed:
            self._autocast_dtype = self._dtype_policy.autocast_dtype
        elif dtype is not None and policy_module.mixed_policy_in_use():
            self.call = Float32Call(self)  # e.g. the float32 output layer of a mixed model
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._weight_specs: List[WeightSpec] = []
        self._inbound_nodes: list = []
        self._build_input_shape = None
        self._initial_weights = kwargs.get("weights")
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._batch_input_shape = self._batch_input_shape_from_kwargs(kwargs)

    # ----------------------------------------------------------------- identity
    def _default_name(self) -> str:
        return backend.unique_object_name(backend.to_snake_case(type(self).__name__))

    def _accepted_argument_names(self) -> List[str]:
        names = set(_BASE_LAYER_KWARGS) | {"trainable", "name", "dtype"}
        for klass in type(self).__mro__:
            if "__init__" in vars(klass):
                names |= set(inspect.signature(klass.__init__).parameters) - {"self", "kwargs"}
        return sorted(names)

    @staticmethod
    def _batch_input_shape_from_kwargs(kwargs: Dict[str, Any]) -> Optional[Shape]:
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        if kwargs.get("input_shape") is not None:
            return (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        if kwargs.get("input_dim") is not None:
            return (kwargs.get("batch_size"), kwargs["input_dim"])
        return None

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights (Keras's variable dtype)."""
        return self._dtype

    @property
    def dtype_policy(self) -> "policy_module.Policy":
        """The layer's ``keras.mixed_precision.Policy``."""
        return self._dtype_policy

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in (``'float16'`` under ``'mixed_float16'``)."""
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype

    def __setattr__(self, name: str, value: Any) -> None:
        # A layer assigned to another (non-model) layer lives in its name scope, as in Keras 2
        # ('lstm/lstm_cell/kernel:0'); see layers.weights.name_scopes.
        if isinstance(value, Layer) and not is_model(self) and not is_model(value) and \
                "_parameters" in self.__dict__:
            value.__dict__["_parent_layer_ref"] = weakref.ref(self)
        super().__setattr__(name, value)
        modules = self.__dict__.get("_modules")
        if name[:1] != "_" and modules is not None and (  # module.train()'s flag: skipped
                not isinstance(value, (bool, int, float, str)) or name + "__layers" in modules):
            _track_layer_collection(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # torch keeps parameters, buffers and sub-modules out of __dict__ (as nn.Module does);
        # the AttributeError carries name/obj so Python prints its "Did you mean" hint.
        values = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in values and name in values[store]:
                return values[store][name]
        message = f"'{type(self).__name__}' object has no attribute '{name}'"
        if torch.compiler.is_compiling():  # torch.compile traces no exception keywords
            raise AttributeError(message)
        raise AttributeError(message, name=name, obj=self)

    # ---------------------------------------------------------------- trainable
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._flatten_layers(include_self=False):
            layer._trainable = bool(value)
        for layer in self._flatten_layers(include_self=True):
            layer._sync_requires_grad()

    def _sync_requires_grad(self) -> None:
        for spec in self._weight_specs:
            tensor = getattr(self, spec.attr_name)
            if isinstance(tensor, torch.nn.Parameter):
                tensor.requires_grad_(spec.trainable and self._trainable)

    # -------------------------------------------------------------- sub-layers
    def _sublayers(self) -> List["Layer"]:
        """Direct sub-layers, in the order they were assigned (looking inside plain
        torch containers such as ``ModuleList``)."""
        found: List[Layer] = []

        def collect(module: torch.nn.Module) -> None:
            for child in module.children():
                if isinstance(child, Layer):
                    found.append(child)
                else:
                    collect(child)

        collect(self)
        return found

    def _flatten_layers(self, include_self: bool = True) -> List["Layer"]:
        seen, ordered = set(), []

        def visit(layer: "Layer") -> None:
            if id(layer) in seen:
                return
            seen.add(id(layer))
            ordered.append(layer)
            for child in layer._sublayers():
                visit(child)

        visit(self)
        return ordered if include_self else ordered[1:]

    # ------------------------------------------------------------------ weights
    def add_weight(self, name: Optional[str] = None, shape: Sequence[int] = (),
                   dtype: Any = None, initializer: Any = None, regularizer: Any = None,
                   trainable: bool = True, constraint: Any = None,
                   layout: WeightLayout = KERAS_LAYOUT, **kwargs: Any) -> torch.Tensor:
        """Create a weight of Keras shape ``shape``; returns its torch storage, a Keras 3
        ``Variable`` (``assign``, ``value``, ``numpy()``, ``path``).

        Trainable weights are ``torch.nn.Parameter``s, non-trainable ones buffers.
        ``layout`` maps the stored tensor to Keras's layout (identity by default).
        """
        if isinstance(name, (tuple, list)):  # Keras 3 order: add_weight(shape, initializer,
            keras3_initializer = shape if shape != () else None  # dtype, trainable, ...)
            if isinstance(initializer, bool):
                trainable, initializer = initializer, None
            name, shape = kwargs.pop("name", None), name
            initializer = keras3_initializer if keras3_initializer is not None else initializer
        for legacy in ("use_resource", "synchronization", "aggregation", "partitioner",
                       "caching_device", "autocast", "experimental_autocast"):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(f"Unknown keyword argument(s) passed to `add_weight`: {list(kwargs)}")
        name = name or f"variable_{len(self._weight_specs)}"
        shape = tuple(int(d) for d in shape)
        dtype = backend.standardize_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.startswith("float") else "zeros"
        keras_value = initializers.get(initializer)(shape, dtype=dtype)
        if not isinstance(keras_value, torch.Tensor):
            keras_value = torch.as_tensor(np.asarray(keras_value))
        keras_value = keras_value.to(device=backend.get_device(),
                                     dtype=backend.torch_dtype(dtype))
        storage = layout.from_keras(keras_value).contiguous(memory_format=layout.memory_format)
        attr_name = self._free_attribute_name(name)
        layout_fns = {} if layout is KERAS_LAYOUT else dict(to_keras=layout.to_keras,
                                                            from_keras=layout.from_keras)
        variable = backend_variable.wrap(storage, name=name, trainable=bool(trainable),
                                         path=f"{self.name}/{name}", **layout_fns)
        if trainable:  # a Keras 3 Variable that is a torch.nn.Parameter
            variable.requires_grad_(self._trainable and variable.requires_grad)
            setattr(self, attr_name, variable)
        else:
            self.register_buffer(attr_name, variable)
        self._weight_specs.append(WeightSpec(
            attr_name=attr_name, name=name, keras_shape=shape, trainable=bool(trainable),
            layout=layout, regularizer=regularizers.get(regularizer),
            constraint=constraints.get(constraint)))
        return getattr(self, attr_name)

    def _free_attribute_name(self, name: str) -> str:
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "variable"
        if base[0].isdigit():
            base = "w_" + base
        candidate, index = base, 1
        while hasattr(self, candidate) and not (
                candidate in self._parameters and self._parameters[candidate] is None):
            candidate, index = f"{base}_{index}", index + 1
        return candidate

    def _own_variables(self, trainable: Optional[bool] = None) -> List[KerasVariable]:
        variables = []
        for spec in self._weight_specs:
            is_trainable = spec.trainable and self._trainable
            if trainable is None or trainable == is_trainable:
                variables.append(KerasVariable(self, spec))
        return variables

    @property
    def trainable_weights(self) -> List[KerasVariable]:
        return [v for layer in self._flatten_layers() for v in layer._own_variables(True)]

    @property
    def non_trainable_weights(self) -> List[KerasVariable]:
        return [v for layer in self._flatten_layers() for v in layer._own_variables(False)]

    @property
    def weights(self) -> List[KerasVariable]:
        """Trainable weights, then non-trainable ones (Keras's order)."""
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_build_config(self) -> Optional[Dict[str, Any]]:
        """Keras 3's ``build_config``: what :meth:`build_from_config` needs to rebuild the
        layer when a ``.keras`` file is loaded (default: the built input shape)."""
        shape = self._build_input_shape
        return {"input_shape": shape} if self.built and shape is not None else None

    def build_from_config(self, config: Dict[str, Any]) -> None:
        """Rebuild the layer from :meth:`get_build_config`'s dict (Keras 3)."""
        shape = (config or {}).get("input_shape")
        if shape is not None and not self.built:
            self._maybe_build(tuple(shape) if not isinstance(shape[0], (list, tuple))
                              else [tuple(s) for s in shape])

    def save_own_variables(self, store: Dict[str, Any]) -> None:
        """Keras 3's hook for ``.keras`` saving: add named entries to ``store``. The
        layer's numbered variables (``'0'``, ``'1'``, ...) are written by the saver, so an
        override calling ``super().save_own_variables(store)`` keeps them."""

    def load_own_variables(self, store: Dict[str, Any]) -> None:
        """Keras 3's hook for ``.keras`` loading: ``store`` holds this layer's saved entries
        (numbered variables included); the numbered variables are assigned by the loader."""

    def get_weights(self) -> List[np.ndarray]:
        """The weights as NumPy arrays in Keras's layout and order."""
        return [variable.numpy() for variable in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set the weights from NumPy arrays in Keras's layout and order."""
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(variables)} "
                f"weights. Provided weights: {str(weights)[:50]}...")
        for variable, value in zip(variables, weights):
            value_shape = tuple(np.shape(value))
            if value_shape != variable.shape:
                raise ValueError(f"Layer {self.name} weight shape {variable.shape} is not "
                                 f"compatible with provided weight shape {value_shape}.")
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    def _record_activity_loss(self, outputs: Any) -> None:
        """Keras's activity regularization: ``activity_regularizer(outputs) / batch_size``
        (summed over the outputs), kept from the latest call for the trainer and
        ``layer.losses``. The engine calls it after ``call`` for layers that have one."""
        flat = [t for t in nest.flatten(outputs) if isinstance(t, torch.Tensor)]
        if not flat:
            return
        value = None
        for tensor in flat:
            term = self.activity_regularizer(tensor) / tensor.shape[0]
            value = term if value is None else value + term
        self.__dict__["_activity_loss"] = value

    def add_loss(self, loss: Any, inputs: Any = None) -> None:
        """Add a loss term from inside ``call`` (Keras 3: it belongs to the current forward
        pass; ``layer.losses`` lists it and ``fit`` adds it to the loss). A zero-argument
        callable is re-evaluated on each read (Keras 2)."""
        added_losses.add(self, loss)

    def _collect_added_losses(self) -> List[Any]:
        """The ``add_loss`` values of this layer and its sublayers (current forward pass)."""
        if not (added_losses.in_use() or "_added_loss_fns" in self.__dict__):
            return []
        return added_losses.collect(list(self._flatten_layers()))

    @property
    def losses(self) -> List[torch.Tensor]:
        """Regularization losses of this layer's weights (recomputed on each access), the
        activity regularization loss of its latest call and what ``call`` gave ``add_loss``."""
        values = self._collect_added_losses()
        for layer in self._flatten_layers():
            activity = layer.__dict__.get("_activity_loss")
            if activity is not None and layer.activity_regularizer is not None:
                values.append(activity)
        for layer in self._flatten_layers():
            for spec in layer._weight_specs:
                if spec.regularizer is not None:
                    values.append(spec.regularizer(spec.layout.to_keras(
                        getattr(layer, spec.attr_name))))
        return values

    # -------------------------------------------------------------------- build
    def build(self, input_shape: Any) -> None:
        """Create the layer's weights; subclasses call ``super().build(input_shape)``."""
        self._build_input_shape = input_shape
        self.built = True

    def _maybe_build(self, input_shape: Any) -> None:
        """Build once, thread-safely: the first thread builds under :data:`BUILD_LOCK`,
        the others wait for it; a built layer returns at once, taking no lock."""
        if self.built and not self._building:
            return
        with BUILD_LOCK:
            if self.built:  # built by another thread (or by this one, re-entering)
                return
            self.__dict__["_building"] = True  # `build` may set `built` before it ends
            try:
                self._build_unlocked(input_shape)
            finally:
                self.__dict__["_building"] = False

    def _build_unlocked(self, input_shape: Any) -> None:
        """The lazy build itself (called by :meth:`_maybe_build` under the lock)."""
        self.build(input_shape)
        self.built = True
        if self._build_input_shape is None:
            self._build_input_shape = input_shape
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    # --------------------------------------------------------------------- call
    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_torch_style(type(self)):  # a torch-style layer computes in `forward`
            return self.forward(inputs, *args, **kwargs)
        return inputs

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(*args, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of the outputs: the input mask when the layer supports masking, else
        ``None``. Layers that create masks (``Embedding(mask_zero=True)``, ``Masking``)
        override this."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape: Any, input_dtypes: Any = None) -> Any:
        """Output shape for ``input_shape`` (``None`` for unknown dims).

        The default runs the layer on zeros (empty strings for a ``"string"`` entry of
        ``input_dtypes``, the inputs' Keras dtypes in the structure of ``input_shape``;
        floatx when not given) and reads the result's shape.
        """
        return probe_output_shape(self, input_shape, input_dtypes)

    compute_output_shape.takes_input_dtypes = True  # type: ignore[attr-defined]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            inputs, args = args[0], args[1:]
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        else:
            raise TypeError(f"Layer {self.name}.__call__() missing 1 required positional "
                            "argument: 'inputs'")
        flat = nest.flatten(inputs)
        if any(_is_symbolic(x) for x in flat + nest.flatten(list(kwargs.values()))):
            return symbolic_call(self, inputs, args, kwargs)
        return self._eager_call(inputs, args, kwargs)

    def _eager_call(self, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
        # NumPy data (or the EagerTensor a NumPy call returned) runs without autograd.
        has_numpy = any(not isinstance(x, torch.Tensor) or isinstance(x, EagerTensor)
                        for x in nest.flatten(inputs))
        keep_strings = self._accepts_string_inputs or self._passes_string_inputs
        ragged = keep_strings and isinstance(inputs, RaggedTensor)  # one input, as it is
        if ragged:
            flat_shapes = [tuple(inputs.shape)]  # (rows, None, ...)
        else:
            inputs = to_tensor_structure(inputs, self._input_device(), self._input_dtype(),
                                         keep_strings=keep_strings)
            if not self._accepts_sparse_inputs:
                inputs = densify_sparse(inputs)
            flat_shapes = [tuple(t.shape) for t in nest.flatten(inputs)]
        build_shapes = [(None,) + shape[1:] if shape else shape for shape in flat_shapes]
        self._maybe_build(build_shapes[0] if ragged else shape_structure(inputs, build_shapes))
        self._check_input_spec(flat_shapes)
        accepts_training, accepts_mask = _call_parameters(type(self))
        # Keras: `training` and `mask` reach `call` only if it accepts them; `training` is
        # the one passed, else the enclosing call's, else the learning phase, and it is
        # passed down to the layers this call calls.
        training = kwargs.pop("training", None)
        if training is None:
            training = phase.call_training()
        if accepts_training:
            if training is None:  # Keras: the learning phase if set, else call's default
                kwargs["training"] = (default_training(type(self)) if phase._LEARNING_PHASE
                                      is None else phase.learning_phase())
            else:
                kwargs["training"] = training
        mask = kwargs.get("mask") if accepts_mask else kwargs.pop("mask", None)
        if mask is None:
            mask = collect_masks(inputs)
            if mask is not None and accepts_mask:
                kwargs["mask"] = mask
        previous = phase.enter_call_training(training)
        counted = added_losses.enter_call()
        try:
            if self._autocast_dtype is not None:  # a mixed-precision layer called eagerly
                with autocast_for(self._autocast_dtype, self._input_device()):
                    outputs = self._module_call(inputs, args, kwargs, has_numpy)
            else:
                outputs = self._module_call(inputs, args, kwargs, has_numpy)
        finally:
            added_losses.exit_call(counted)
            phase.exit_call_training(previous)
        if self.activity_regularizer is not None:
            self._record_activity_loss(outputs)
        if mask is not None or creates_masks(self):
            attach_masks(outputs, self.compute_mask(inputs, mask))
        return outputs

    def _module_call(self, inputs: Any, args: tuple, kwargs: Dict[str, Any],
                     has_numpy: bool) -> Any:
        if has_numpy and not phase.is_recording():
            with torch.no_grad():
                outputs = torch.nn.Module.__call__(self, inputs, *args, **kwargs)
            return nest.map_structure(as_eager_tensor, outputs)
        return torch.nn.Module.__call__(self, inputs, *args, **kwargs)

    def _check_input_spec(self, flat_shapes: List[Shape]) -> None:
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, flat_shapes, self.name)

    def register_forward_hook(self, *args: Any, **kwargs: Any) -> Any:
        handle = super().register_forward_hook(*args, **kwargs)
        HOOK_VERSION[0] += 1
        return handle

    def register_forward_pre_hook(self, *args: Any, **kwargs: Any) -> Any:
        handle = super().register_forward_pre_hook(*args, **kwargs)
        HOOK_VERSION[0] += 1
        return handle

    def _input_dtype(self) -> Any:
        """The dtype inputs are cast to: the layer's, or its floating weights' after a torch
        ``.half()`` / ``.to(dtype)`` changed them."""
        for tensor in self.parameters():
            if tensor.is_floating_point():
                return tensor.dtype
        return self._dtype

    def _input_device(self) -> torch.device:
        for tensor in self.parameters():
            return tensor.device
        for tensor in self.buffers():
            return tensor.device
        return backend.get_device()

    # ------------------------------------------------------- functional helpers
    def _node_attribute(self, attribute: str, plural: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {plural} to return.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(f"Layer {self.name} has multiple inbound nodes, hence the "
                                 f"notion of \"layer {plural}\" is ill-defined. Use "
                                 f"`get_{plural}_at(node_index)` instead.")
        return getattr(self._inbound_nodes[0], attribute)

    @property
    def input(self) -> Any:
        return self._node_attribute("input_tensors", "input")

    @property
    def output(self) -> Any:
        return self._node_attribute("output_tensors", "output")

    @property
    def input_shape(self) -> Any:
        if self._inbound_nodes:
            return nest.map_structure(lambda t: t.shape, self.input)
        if self._batch_input_shape is not None:
            return self._batch_input_shape
        raise AttributeError(f'The layer "{self.name}" has never been called and thus has no '
                             "defined input shape.")

    @property
    def output_shape(self) -> Any:
        if self._inbound_nodes:
            return nest.map_structure(lambda t: t.shape, self.output)
        raise AttributeError(f'The layer "{self.name}" has never been called and thus has no '
                             "defined output shape.")

    # ------------------------------------------------------------------- config
    def get_config(self) -> Dict[str, Any]:
        config: Dict[str, Any] = {"name": self.name, "trainable": self.trainable,
                                  "dtype": policy_module.serialize(self._dtype_policy)}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Layer":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def extra_repr(self) -> str:
        return f"name={self.name}"


class EagerTensor(torch.Tensor):
    """What a layer called on NumPy returns: a plain torch tensor that also converts to
    NumPy from any device (``np.asarray(out)``, ``out.numpy()``), as a Keras eager tensor
    does. Operations on it give ordinary tensors."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    def numpy(self, *, force: bool = False) -> np.ndarray:  # type: ignore[override]
        return torch.Tensor.numpy(self.detach().cpu().as_subclass(torch.Tensor))

    def __repr__(self, *args: Any, **kwargs: Any) -> str:
        return repr(self.as_subclass(torch.Tensor))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array.astype(dtype, copy=False) if dtype is not None else array


def as_eager_tensor(value: Any) -> Any:
    if isinstance(value, torch.Tensor) and not isinstance(value, EagerTensor):
        return value.as_subclass(EagerTensor)
    if isinstance(value, np.ndarray) and value.dtype.kind in "USO":
        return with_numpy(value)  # a string output keeps TF's `.numpy()` (bytes)
    return value


def creates_masks(layer: Any) -> bool:
    """Whether ``layer`` may create a mask (it overrides ``compute_mask``)."""
    return isinstance(layer, Layer) and type(layer).compute_mask is not Layer.compute_mask


def collect_masks(inputs: Any) -> Any:
    """The ``_keras_mask`` of each input tensor (one mask, a list, or ``None`` if none)."""
    if isinstance(inputs, torch.Tensor):
        return get_keras_mask(inputs)
    masks = [get_keras_mask(t) for t in nest.flatten(inputs)]
    if all(m is None for m in masks):
        return None
    return masks


def build_input_shape(layer: Any) -> Any:
    """The input shape ``layer`` was built with (Keras 2's ``_build_input_shape``; what a
    saved ``build_config`` records), or ``None`` before it was built. A function, not a Layer
    attribute, so it cannot clash with an attribute a user's Layer subclass sets."""
    return getattr(layer, "_build_input_shape", None)


def attach_masks(outputs: Any, masks: Any) -> None:
    """Set ``_keras_mask`` on output tensors (as Keras does), for losses and later layers."""
    if masks is None:
        return
    if isinstance(outputs, torch.Tensor):
        set_keras_mask(outputs, masks if isinstance(masks, torch.Tensor) else None)
        return
    flat_masks = masks if isinstance(masks, (list, tuple)) else [masks] * len(
        nest.flatten(outputs))
    for tensor, mask in zip(nest.flatten(outputs), flat_masks):
        if isinstance(tensor, torch.Tensor):
            set_keras_mask(tensor, mask)


def shape_structure(inputs: Any, flat_shapes: List[Shape]) -> Any:
    """The shapes of ``inputs`` in the structure Keras's ``build`` receives: one tuple for a
    single tensor, else the inputs' list/dict structure with a shape tuple per tensor."""
    if not nest.is_nested(inputs):
        return flat_shapes[0]
    return nest.pack_sequence_as(inputs, list(flat_shapes))


def _track_layer_collection(owner: Layer, name: str, value: Any) -> None:
    """Keras tracks layers held in a list, tuple or dict attribute (``self.blocks =
    [Dense(8), Dense(4)]``): their weights are the owner's. They are registered, in order,
    in a hidden ``ModuleList`` ``<name>__layers``; the attribute stays the plain container."""
    key = f"{name}__layers"
    owner._modules.pop(key, None)
    if not isinstance(value, (list, tuple, dict)) or isinstance(value, torch.nn.Module):
        return
    found = [v for v in nest.flatten(value) if isinstance(v, torch.nn.Module)] \
        if value else []
    if any(isinstance(v, Layer) for v in found):
        owner._modules[key] = torch.nn.ModuleList(found)


# ---------------------------------------------------------------- output shapes by probing
_PROBE_BATCH = 2
_PROBE_SIZES = (3, 4)


def _marking_built(build: Callable) -> Callable:
    """``build`` that leaves the layer built: Keras 3 lets user code call
    ``layer.build(shape, ...)`` directly (with extra arguments) before using the layer."""
    @functools.wraps(build)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = build(self, *args, **kwargs)
        self.built = True
        return result

    wrapper._marks_built = True  # type: ignore[attr-defined]
    return wrapper


def probe_output_shape(layer: Any, input_shape: Any, dtypes: Any = None) -> Any:
    """Call ``layer`` on zeros of ``input_shape`` (``None`` dims filled in) and return the
    output shape(s), with ``None`` for the batch dim (unless every input gives it) and for
    dims that follow a ``None``."""
    flat_shapes = _flatten_shapes(input_shape)
    flat_dtypes = nest.flatten(dtypes) if dtypes is not None else [None] * len(flat_shapes)
    results = []
    for size in _PROBE_SIZES:
        zeros = []
        for shape, dtype in zip(flat_shapes, flat_dtypes):
            concrete = [(_PROBE_BATCH if i == 0 else size) if d is None else d
                        for i, d in enumerate(shape)]
            zeros.append(probe_input(concrete, dtype, layer._input_device()))
        inputs = zeros[0] if _is_shape(input_shape) else _pack_shapes(input_shape, zeros)
        with torch.no_grad():
            kwargs = {}
            if isinstance(layer, Layer):
                if _call_parameters(type(layer))[0]:
                    kwargs["training"] = False
            outputs = layer.call(inputs, **kwargs)
        results.append(outputs)
        if all(None not in s[1:] for s in flat_shapes):
            break
    first = nest.flatten(results[0])
    other = nest.flatten(results[-1])
    # a batch size given by every input (Input(batch_shape=...)) is kept, as in Keras
    batch_known = bool(flat_shapes) and all(s and s[0] is not None for s in flat_shapes)
    shapes = []
    for a, b in zip(first, other):
        dims = [None if i == 0 and not batch_known else (d if d == e else None)
                for i, (d, e) in enumerate(zip(a.shape, b.shape))]
        shapes.append(tuple(dims))
    if not nest.is_nested(results[0]):
        return shapes[0]
    return nest.pack_sequence_as(results[0], shapes)


def accepts_sparse_inputs(layer: Any) -> bool:
    """Whether a sparse tensor reaches ``layer``'s ``call`` as it is (``Dense``, models);
    any other layer is given the dense tensor."""
    return bool(getattr(layer, "_accepts_sparse_inputs", False))


def densify_sparse(structure: Any) -> Any:
    """``structure`` with each torch sparse tensor made dense (the input of a layer that does
    not take sparse tensors)."""
    if isinstance(structure, torch.Tensor):
        return structure.to_dense() if structure.is_sparse else structure
    return nest.map_structure(lambda t: t.to_dense() if isinstance(t, torch.Tensor) and
                              t.is_sparse else t, structure)


def passes_string_inputs(layer: Any) -> bool:
    """Whether string inputs reach ``layer``'s ``call`` unconverted: a string layer (see
    :func:`accepts_string_inputs`) or a user's Layer subclass, whose ``call`` decides."""
    return accepts_string_inputs(layer) or bool(getattr(layer, "_passes_string_inputs", False))


def is_string_data(value: Any) -> bool:
    """Whether ``value`` is one string input: a ``str``/``bytes``, a NumPy array of strings
    (``StringArray``, ``tf.constant`` of text), a RaggedTensor of strings, or a list of
    strings."""
    if isinstance(value, RaggedTensor):
        return not isinstance(value.dtype, torch.dtype)
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind in "OUS"
    if isinstance(value, (list, tuple)) and value:
        return all(is_string_data(v) for v in value)
    return False


def accepts_string_inputs(layer: Any) -> bool:
    """Whether NumPy strings reach ``layer``'s ``call`` unconverted (TextVectorization,
    StringLookup, a model with a string ``Input``): the trainer then keeps string data on the
    host instead of making tensors of it."""
    return bool(getattr(layer, "_accepts_string_inputs", False))
