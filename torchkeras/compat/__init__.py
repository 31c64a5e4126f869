"""Drop-in: run unchanged Keras/TensorFlow scripts on torchkeras.

``python -m torchkeras run script.py`` (or the ``torchkeras run`` command) runs a script
with ``keras``, ``keras.*``, ``tensorflow``, ``tensorflow.keras.*``,
``tensorflow.python.keras.*`` and ``tf_keras`` resolved to torchkeras. From Python (a
notebook)::

    import torchkeras
    torchkeras.compat.install()      # before `import tensorflow` / `import keras`
    import tensorflow as tf          # the emulated namespace; tf.keras is torchkeras

Importing torchkeras alone changes nothing. ``install()`` serves ``tensorflow``, ``keras``
and ``tf_keras`` even where the real packages are installed (Colab); if one of them is
already imported it raises, as the shim must come first. ``install(override=False)`` leaves
really installed packages to themselves instead (with a warning).
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from typing import Any, List, Optional

import torch

from torchkeras.compat.finder import ROOTS, AliasModule, KerasFinder, NotProvidedImportError
from torchkeras.compat.gradient_tape import GradientTape
from torchkeras.compat.numpy_reductions import numpy_reductions_take_tensors
from torchkeras.compat.tf_namespace import NotProvidedError, TFNamespace

__all__ = ["GradientTape", "NotProvidedError", "NotProvidedImportError", "eager_tensor_numpy",
           "eager_tensor_set_shape", "install", "installed_roots", "is_installed",
           "numpy_reductions_take_tensors", "uninstall"]

_FINDER: Optional[KerasFinder] = None


def _really_installed(root: str) -> bool:
    """Whether another finder (site-packages, ...) provides ``root``."""
    try:
        return importlib.util.find_spec(root) is not None
    except (ImportError, ValueError):
        return True


def install(override: bool = True) -> List[str]:
    """Resolve Keras/TensorFlow imports to torchkeras from now on; returns the roots served.

    ``override=True`` (the default): every root (``tensorflow``, ``keras``, ``tf_keras``) is
    served, also where the real package is installed; a real one already imported raises a
    ``RuntimeError`` (call ``install()`` before importing it, or restart the kernel).
    ``override=False``: a root that is really installed is left to it, with a warning.
    """
    global _FINDER
    if _FINDER is not None:
        uninstall()
    roots = []
    for root in ROOTS:
        loaded = sys.modules.get(root)
        if loaded is not None and not isinstance(loaded, (AliasModule, TFNamespace)):
            if override:
                raise RuntimeError(
                    f"torchkeras.compat.install() must run before `import {root}`: the real "
                    f"`{root}` is already imported in this process (from "
                    f"{getattr(loaded, '__file__', None)!r}). Restart the interpreter or "
                    f"notebook kernel and call install() first, or pass override=False to "
                    f"keep the real `{root}`.")
            continue
        if not override and _really_installed(root):
            warnings.warn(f"`{root}` is installed: torchkeras.compat.install(override=False) "
                          "leaves it in place (the default, override=True, runs it on "
                          "torchkeras instead).")
            continue
        roots.append(root)
    _FINDER = KerasFinder(roots)
    sys.meta_path.insert(0, _FINDER)
    return list(roots)


def uninstall() -> None:
    """Remove the shim and the shim modules it created (``sys.modules`` entries)."""
    global _FINDER
    if _FINDER is None:
        return
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in _FINDER.roots and _FINDER.is_shim_module(module):
            del sys.modules[name]
    _FINDER = None


def is_installed() -> bool:
    return _FINDER is not None


def installed_roots() -> List[str]:
    return sorted(_FINDER.roots) if _FINDER is not None else []


def eager_tensor_numpy() -> None:
    """Make ``tensor.numpy()`` behave like TensorFlow's eager tensors for the rest of the process:
    it also works on tensors that require grad or live on a GPU (``numpy(force=True)``), and
    ``float(loss)`` on a recorded loss no longer warns. The runner turns this on; a notebook
    may call it explicitly. It changes ``torch.Tensor.numpy`` globally, hence opt-in."""
    if getattr(torch.Tensor.numpy, "_torchkeras_eager", False):
        return
    original = torch.Tensor.numpy

    def numpy(self, *, force: bool = True):
        return original(self, force=force)

    numpy._torchkeras_eager = True
    numpy.__doc__ = original.__doc__
    torch.Tensor.numpy = numpy
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad=True to a "
                            "scalar may lead to unexpected behavior")


def eager_tensor_set_shape() -> None:
    """Give torch tensors TF's eager ``tensor.set_shape(shape)``: it checks that ``shape``
    (``None`` dims match anything; ``None`` itself matches every shape) is compatible and
    changes nothing, or raises TF's ``ValueError``. The runner turns this on (tf.data ``map``
    functions such as time_series's ``split_window`` call it); it is opt-in for the same
    reason as :func:`eager_tensor_numpy`."""
    if hasattr(torch.Tensor, "set_shape"):
        return

    def set_shape(self: torch.Tensor, shape: Any) -> None:
        if shape is None:
            return
        wanted = tuple(None if d is None or d == -1 else int(d) for d in shape)
        actual = tuple(self.shape)
        if len(wanted) != len(actual) or any(w is not None and w != a
                                             for w, a in zip(wanted, actual)):
            raise ValueError(f"Tensor's shape {actual} is not compatible with supplied shape "
                             f"{wanted}.")

    torch.Tensor.set_shape = set_shape
