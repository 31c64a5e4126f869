"""``TorchModuleWrapper``: any ``torch.nn.Module`` as a Keras layer (Keras 3's name).

The module's parameters become the layer's trainable weights (named after their
``named_parameters()`` paths, ``'wrapper/linear1/weight:0'``; trained by ``fit``; in Keras's
weight list in parameter order) and its persistent buffers (BatchNorm statistics, ...) its
non-trainable weights, so ``get_weights()/set_weights()``, ``.h5`` and ``.keras`` files carry
the module's whole ``state_dict``. The output shape is found by running the module on zeros
(or given as ``output_shape=``). Lazy modules (``nn.LazyLinear``, ...) materialize when the
layer is built (on its first call, symbolic or eager).

Saving and loading. A file holds the layer's weights and a config naming how to rebuild the
module: ``{"module": {"class_name": NAME, "config": CONFIG}}``. ``NAME`` is the registered
name (``keras.utils.register_keras_serializable``) of the module's class, or of the factory
the wrapper was given, else the class's ``__name__``; ``CONFIG`` is the module's own
``get_config()`` when it has one, else ``{}``. ``load_model`` then needs that name::

    keras.models.load_model(path, custom_objects={"TransformerEncoderLayer": make_encoder})

where the value is a class or a zero-argument factory returning the module (called with
``**CONFIG``), or a module instance (deep-copied). A key equal to the *layer's* name takes
precedence, for two wrappers of one class built with different arguments. The weights then
come from the file. Keras 3 files, whose config holds the pickled module, load with
``safe_mode=False``.
"""
from __future__ import annotations

import base64
import copy
import io
from typing import Any, Dict, Optional, Union

import torch

from torchkeras import backend
from torchkeras.graph.shapes import _flatten_shapes, _is_shape, _pack_shapes
from torchkeras.layers.base import Layer, probe_output_shape
from torchkeras.layers.weights import WeightSpec
from torchkeras.registry.object_registration import get_registered_name, get_registered_object
from torchkeras.registry.serialization import in_safe_mode

__all__ = ["TorchModuleWrapper"]

ModuleSource = Union[torch.nn.Module, Any]  # a module, a factory/class, or a registered name


def _has_uninitialized_params(module: torch.nn.Module) -> bool:
    lazy = torch.nn.modules.lazy.LazyModuleMixin
    return any(isinstance(m, lazy) and m.has_uninitialized_params() for m in module.modules())


def _resolve_registered(name: str, custom_objects: Optional[Dict[str, Any]]) -> Any:
    return get_registered_object(name, custom_objects)


def _instantiate(source: Any, config: Optional[Dict[str, Any]] = None) -> torch.nn.Module:
    """A module from a module instance (deep-copied), a class or a factory."""
    if isinstance(source, torch.nn.Module):
        return copy.deepcopy(source)
    module = source(**(config or {}))
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"The factory {source!r} returned {type(module).__name__}, not a "
                        "torch.nn.Module.")
    return module


class TorchModuleWrapper(Layer):
    """Wrap a ``torch.nn.Module`` as a Keras layer.

    Args:
        module: a ``torch.nn.Module`` (lazy ones too), or a class / zero-argument factory
            returning one (or the registered name of such a factory): the factory's name is
            then what the saved config refers to.
        name: the layer's name.
        output_shape: the output shape, batch dimension included (``(None, 10)``), as
            Keras 3 takes it; when not given it is found by running the module on zeros.

    Example::

        block = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
        inputs = keras.Input((10, 16))
        x = keras.layers.TorchModuleWrapper(block)(inputs)          # (None, 10, 16)
        outputs = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x))
    """

    def __init__(self, module: ModuleSource, name: Optional[str] = None,
                 output_shape: Any = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        module, class_name, module_config = self._module_from_source(module)
        self.module = module.to(backend.get_device())
        self._module_class_name = class_name
        self._module_config = module_config
        self._declared_output_shape = None if output_shape is None else tuple(output_shape)
        self._weight_specs = []
        if not _has_uninitialized_params(self.module):
            self._track_module_state()
            self.built = True

    # ------------------------------------------------------------------ module
    @staticmethod
    def _module_from_source(source: ModuleSource):
        if isinstance(source, str):
            resolved = _resolve_registered(source, None)
            if resolved is None:
                raise ValueError(f"TorchModuleWrapper: no registered torch module factory named "
                                 f"'{source}'.")
            return _instantiate(resolved), source, {}
        if isinstance(source, torch.nn.Module):
            get_config = getattr(source, "get_config", None)
            config = dict(get_config()) if callable(get_config) else {}
            return source, get_registered_name(type(source)), config
        if callable(source):
            return _instantiate(source), get_registered_name(source), {}
        raise TypeError("TorchModuleWrapper expects a torch.nn.Module (or a factory returning "
                        f"one). Received: module={source!r} of type {type(source).__name__}")

    def _track_module_state(self) -> None:
        """One weight spec per parameter (in ``named_parameters()`` order) and per persistent
        buffer; the tensors stay where the module keeps them."""
        persistent = set(self.module.state_dict(keep_vars=True))
        specs = []
        for path, param in self.module.named_parameters():
            specs.append(WeightSpec(attr_name="module." + path, name=path.replace(".", "/"),
                                    keras_shape=tuple(param.shape),
                                    trainable=param.requires_grad))
        for path, buffer in self.module.named_buffers():
            if path in persistent:
                specs.append(WeightSpec(attr_name="module." + path,
                                        name=path.replace(".", "/"),
                                        keras_shape=tuple(buffer.shape), trainable=False))
        self._weight_specs = specs
        self._sync_requires_grad()

    def __getattr__(self, name: str) -> Any:
        # Weight specs address the module's tensors by dotted path ('module.linear1.weight').
        if "." in name:
            owner: Any = self
            *parents, leaf = name.split(".")
            for part in parents:
                owner = owner._modules[part] if part in owner._modules else None
                if owner is None:
                    break
            if owner is not None:
                for store in ("_parameters", "_buffers"):
                    if leaf in owner.__dict__.get(store, {}):
                        return owner.__dict__[store][leaf]
        return super().__getattr__(name)

    def _sublayers(self):
        return []  # the wrapper owns every tensor of its module (Keras layers inside too)

    # ------------------------------------------------------------------- build
    def build(self, input_shape: Any) -> None:
        if _has_uninitialized_params(self.module):
            self._materialize(input_shape)
        self._track_module_state()
        super().build(input_shape)

    def _materialize(self, input_shape: Any) -> None:
        """Run a lazy module once on zeros (in eval mode, without gradients) so its
        parameters get their shapes."""
        shapes = _flatten_shapes(input_shape)
        zeros = [torch.zeros([1 if d is None else d for d in shape],
                             device=backend.get_device()) for shape in shapes]
        inputs = zeros[0] if _is_shape(input_shape) else _pack_shapes(input_shape, zeros)
        was_training = self.module.training
        self.module.eval()
        try:
            with torch.no_grad():
                self.module(inputs)
        finally:
            self.module.train(was_training)

    # -------------------------------------------------------------------- call
    def call(self, *args: Any, training: Optional[bool] = None, **kwargs: Any) -> Any:
        """The module's forward. ``training`` (when given) sets the module's train/eval
        mode first, so dropout and batch norm inside it follow Keras's phase."""
        if training is not None and self.module.training != bool(training):
            self.module.train(bool(training))
        return self.module(*args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._declared_output_shape is not None:
            return self._declared_output_shape
        was_training = self.module.training
        try:
            try:
                return probe_output_shape(self, input_shape)
            except (RuntimeError, IndexError, TypeError):
                # Modules that take indices (nn.Embedding): probe with integer zeros.
                return probe_output_shape(self, input_shape, dtypes="int64")
        finally:
            self.module.train(was_training)

    # ------------------------------------------------------------------ config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["module"] = {"class_name": self._module_class_name,
                            "config": dict(self._module_config)}
        config["output_shape"] = self._declared_output_shape
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None,
                    safe_mode: Optional[bool] = None) -> "TorchModuleWrapper":
        config = dict(config)
        spec = config.pop("module", None)
        if isinstance(spec, str):  # Keras 3: the pickled module, base64-encoded
            module = cls._unpickle(spec, safe_mode)
            return cls(module, **config)
        class_name = (spec or {}).get("class_name")
        module_config = (spec or {}).get("config") or {}
        source = None
        for key in (config.get("name"), class_name):
            if key:
                source = _resolve_registered(key, custom_objects)
                if source is not None:
                    break
        if source is None:
            raise ValueError(
                f"Cannot rebuild the torch module of TorchModuleWrapper layer "
                f"'{config.get('name')}': '{class_name}' is not a known object. Pass it when "
                f"loading: `load_model(path, custom_objects={{'{class_name}': factory}})`, where "
                "`factory` is the module class, a function returning the module, or a module "
                "instance (its weights are then loaded from the file).")
        layer = cls(_instantiate(source, module_config), **config)
        layer._module_class_name = class_name
        layer._module_config = dict(module_config)
        return layer

    @staticmethod
    def _unpickle(encoded: str, safe_mode: Optional[bool]) -> torch.nn.Module:
        if (in_safe_mode() if safe_mode is None else safe_mode) is not False:
            raise ValueError(
                "Requested the deserialization of a `torch.nn.Module` object via "
                "`torch.load()`. This carries a potential risk of arbitrary code execution and "
                "thus it is disallowed by default. If you trust the source of the artifact, "
                "you can override this error by passing `safe_mode=False` to the loading "
                "function.")
        buffer = io.BytesIO(base64.b64decode(encoded.encode("ascii")))
        return torch.load(buffer, weights_only=False)
