"""The import shim: ``keras``, ``tensorflow.keras``, ``tensorflow.python.keras``, ``tf_keras``
(and ``keras.src``) module paths resolved to torchkeras, ``tensorflow`` to the small
emulated namespace of :mod:`torchkeras.compat.tf_namespace`.

Each shimmed module is an :class:`AliasModule`: a fresh module object whose attributes are
looked up in one or more torchkeras modules. torchkeras's own modules are never renamed or
modified, so the shim can be removed again (:func:`uninstall`). Old Keras 2 paths map onto the
namespace that holds their names: ``keras.layers.convolutional`` -> ``torchkeras.layers``,
``keras.utils.np_utils`` -> ``torchkeras.backend.np_utils``, ``keras.engine.training`` -> the
classes ``Model``/``Sequential``/``Layer``/``Input``.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import types
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from torchkeras.compat.tf_namespace import NotProvidedError, TFNamespace, build_tensorflow

__all__ = ["AliasModule", "KerasFinder", "NotProvidedImportError", "explain_import_error",
           "resolve"]

# Spellings of the Keras package, longest first (``keras.src`` before ``keras``).
KERAS_PREFIXES = ("tensorflow.python.keras", "tensorflow.keras", "tf_keras.src", "tf_keras",
                  "keras.src", "keras.api", "keras")
ROOTS = ("keras", "tensorflow", "tf_keras")

# keras.<top> -> torchkeras module(s) holding its names.
TOP_LEVEL: Dict[str, Tuple[str, ...]] = {
    "layers": ("torchkeras.layers",),
    "models": ("torchkeras.models", "torchkeras.saving"),
    "optimizers": ("torchkeras.optimizers",),
    "optimizer_v2": ("torchkeras.optimizers",),
    "losses": ("torchkeras.losses",),
    "metrics": ("torchkeras.metrics",),
    "callbacks": ("torchkeras.callbacks",),
    "activations": ("torchkeras.activations",),
    "initializers": ("torchkeras.initializers",),
    "regularizers": ("torchkeras.regularizers",),
    "constraints": ("torchkeras.constraints",),
    "backend": ("torchkeras.backend",),
    "utils": ("torchkeras.utils",),
    "preprocessing": ("torchkeras.preprocessing", "torchkeras.utils.dataset_utils"),
    "datasets": ("torchkeras.datasets",),
    "saving": ("torchkeras.saving",),
    "config": ("torchkeras.config",),
    "ops": ("torchkeras.ops",),
    "random": ("torchkeras.random",),
    "applications": ("torchkeras.applications",),
    "engine": ("torchkeras.engine.model", "torchkeras.engine.sequential",
               "torchkeras.layers.input_layer", "torchkeras.layers"),
}
# Keras 2 utility modules whose names live elsewhere in torchkeras.
UTILS_ALIASES: Dict[str, Tuple[str, ...]] = {
    "generic_utils": ("torchkeras.utils", "torchkeras.saving"),
    "layer_utils": ("torchkeras.utils",),
    "image_dataset": ("torchkeras.utils.dataset_utils",),
    "text_dataset": ("torchkeras.utils.dataset_utils",),
    "timeseries_dataset": ("torchkeras.utils.dataset_utils",),
    "image_utils": ("torchkeras.preprocessing.image",),
}

# Modules that moved to a lower package (README "Layout"): their Keras paths keep resolving.
MOVED_MODULES: Dict[str, str] = {
    "torchkeras.utils.nest": "torchkeras.backend.nest",
    "torchkeras.utils.np_utils": "torchkeras.backend.np_utils",
    "torchkeras.utils.sequence": "torchkeras.data.sequence",
    "torchkeras.utils.data_utils": "torchkeras.data.data_utils",
    **{f"torchkeras.saving.{name}": f"torchkeras.registry.{name}" for name in (
        "object_registration", "serialization", "h5_utils", "atomic", "json_limits",
        "keras_layer_args", "function_lookup", "weight_check", "builtin_objects")},
}


class NotProvidedImportError(ModuleNotFoundError):
    """A Keras/TensorFlow module torchkeras does not provide."""


def explain_import_error(error: ImportError) -> Optional[ImportError]:
    """``from keras.utils import OrderedEnqueuer``: Python turns the module's "not provided by
    torchkeras" error into "cannot import name ... (unknown location)"; this gives that message
    back as an ImportError (None for any other ImportError)."""
    match = re.match(r"cannot import name '([^']+)' from '([^']+)'", str(error))
    if match is None:
        return None
    name, module_name = match.groups()
    module = sys.modules.get(module_name)
    if module is None:
        return None
    try:
        getattr(module, name)
    except NotProvidedError as missing:
        return ImportError(f"cannot import name '{name}' from '{module_name}': {missing}",
                           name=module_name)
    except Exception:  # noqa: BLE001 (any other failure: keep Python's own message)
        return None
    return None


def keras_subpath(fullname: str) -> Optional[str]:
    """``'layers.core'`` for ``'tensorflow.keras.layers.core'``; ``''`` for a Keras root;
    ``None`` when ``fullname`` is not a Keras path."""
    for prefix in KERAS_PREFIXES:
        if fullname == prefix:
            return ""
        if fullname.startswith(prefix + "."):
            return fullname[len(prefix) + 1:]
    return None


def _real_module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _not_provided(fullname: str) -> NotProvidedImportError:
    return NotProvidedImportError(
        f"`{fullname}` is not provided by torchkeras (it runs Keras code on PyTorch through an "
        "import shim that maps keras/tensorflow.keras paths to torchkeras).", name=fullname)


def resolve(fullname: str) -> Tuple[str, ...]:
    """The torchkeras module names whose attributes module ``fullname`` exposes, or
    ``('<tensorflow>', path)`` for the emulated TensorFlow namespaces.

    Raises :class:`NotProvidedImportError` for paths torchkeras does not provide.
    """
    rest = keras_subpath(fullname)
    if rest is None:
        if fullname == "tensorflow":
            return ("<tensorflow>",)
        if fullname == "tensorflow.python":
            return ("<tensorflow>", "python")
        if fullname.startswith("tensorflow."):
            return ("<tensorflow>",) + tuple(fullname.split(".")[1:])
        raise _not_provided(fullname)
    if rest == "":
        return ("torchkeras",)
    parts = rest.split(".")
    top = parts[0]
    if top not in TOP_LEVEL or any(part != part.lower() for part in parts):
        raise _not_provided(fullname)  # module names are lower case; `Dense` is not a module
    if len(parts) == 1 or top in ("layers", "engine", "optimizer_v2"):
        return TOP_LEVEL[top]
    if top == "utils" and parts[1] in UTILS_ALIASES:
        return UTILS_ALIASES[parts[1]]
    real = MOVED_MODULES.get("torchkeras." + rest, "torchkeras." + rest)
    if top not in ("models",) and _real_module_exists(real):
        return (real,)
    return TOP_LEVEL[top]


class AliasModule(types.ModuleType):
    """A Keras module path whose names come from torchkeras modules."""

    def __init__(self, name: str, targets: Sequence[str]) -> None:
        super().__init__(name)
        self.__dict__["_torchkeras_targets"] = tuple(targets)
        self.__dict__["__path__"] = []  # a package: ``import keras.layers.core`` goes on
        first = importlib.import_module(targets[0])
        self.__dict__["__doc__"] = first.__doc__

    def _modules(self) -> List[types.ModuleType]:
        return [importlib.import_module(t) for t in self._torchkeras_targets]

    def __getattr__(self, attr: str) -> Any:
        if attr == "__all__":
            names: List[str] = []
            for module in self._modules():
                names += [n for n in getattr(module, "__all__", [n for n in dir(module)
                                                                 if not n.startswith("_")])
                          if n not in names]
            return names
        if attr == "__version__":  # `keras.__version__`: the Keras version followed
            for module in self._modules():
                if hasattr(module, "__version__"):
                    return module.__version__
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        child = f"{self.__name__}.{attr}"
        for module in self._modules():
            if hasattr(module, attr):
                value = getattr(module, attr)
                if isinstance(value, types.ModuleType) and value.__name__.startswith(
                        "torchkeras."):
                    return self._child(child, attr)
                return value
        try:  # a Keras 2 module path reached as an attribute (keras.utils.generic_utils)
            if resolve(child) != self._torchkeras_targets:
                return self._child(child, attr)
        except NotProvidedImportError:
            pass
        raise NotProvidedError(f"`{self.__name__}.{attr}` is not provided by torchkeras.")

    def _child(self, child: str, attr: str) -> Any:
        """A submodule reached as an attribute (``keras.utils.np_utils``) is a shim module too."""
        module = sys.modules.get(child) or make_module(child)
        self.__dict__[attr] = module
        return module

    def __dir__(self) -> List[str]:
        names = set(self.__dict__)
        for module in self._modules():
            names |= {n for n in dir(module) if not n.startswith("_")}
        return sorted(names)

    def __repr__(self) -> str:
        return f"<module '{self.__name__}' (torchkeras: {', '.join(self._torchkeras_targets)})>"


_TENSORFLOW: Dict[str, TFNamespace] = {}


def tensorflow_module() -> TFNamespace:
    """The emulated ``tensorflow`` module (one per process)."""
    if "tf" not in _TENSORFLOW:
        _TENSORFLOW["tf"] = build_tensorflow(make_module("tensorflow.keras"))
    return _TENSORFLOW["tf"]


def make_module(fullname: str) -> types.ModuleType:
    """A new module object for ``fullname`` (see :func:`resolve`)."""
    if fullname == "tensorflow.python":  # the parent of tensorflow.python.keras
        return TFNamespace(fullname, "tf.python", {"keras": make_module("tensorflow.python.keras")})
    targets = resolve(fullname)
    if targets[0] == "<tensorflow>":
        module: Any = tensorflow_module()
        for part in targets[1:]:
            value = module.__dict__.get(part)
            if not isinstance(value, types.ModuleType):
                raise _not_provided(fullname)
            module = value
        return module
    return AliasModule(fullname, targets)


class KerasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A ``sys.meta_path`` entry serving the shimmed roots (``keras``, ``tensorflow``, ...)."""

    def __init__(self, roots: Iterable[str]) -> None:
        self.roots = frozenset(roots)

    def _serves(self, fullname: str) -> bool:
        return fullname.split(".")[0] in self.roots

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        if not self._serves(fullname):
            return None
        resolve(fullname)  # raises the clear error for paths that are not provided
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return make_module(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None

    def is_shim_module(self, module: Any) -> bool:
        return isinstance(module, (AliasModule, TFNamespace))
