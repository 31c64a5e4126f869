"""What ``Model`` delegates to packages above engine.

``Model.save``/``save_weights``/``load_weights``/``to_json`` forward to the file formats in
:mod:`torchkeras.saving`, a functional model's ``get_config``/``from_config`` to
:mod:`torchkeras.saving.functional_config` (saving owns model configs), and
``Model.summary`` to :mod:`torchkeras.utils.summary`. Those
modules need ``Model`` themselves, so engine does not import them: each registers its
functions here when it is imported, and ``import torchkeras`` imports them all.
"""
from __future__ import annotations

from typing import Any, Callable, Dict

_PROVIDERS: Dict[str, Callable[..., Any]] = {}
_OWNERS = {"save_model": "torchkeras.saving", "save_weights": "torchkeras.saving",
           "load_weights": "torchkeras.saving", "model_to_json": "torchkeras.saving",
           "functional_config": "torchkeras.saving.functional_config",
           "functional_from_config": "torchkeras.saving.functional_config",
           "print_summary": "torchkeras.utils.summary"}


def provide(name: str, function: Callable[..., Any]) -> None:
    """Register ``function`` as the implementation of ``name``."""
    _PROVIDERS[name] = function


def provided(name: str) -> Callable[..., Any]:
    """The function registered as ``name``."""
    try:
        return _PROVIDERS[name]
    except KeyError:
        owner = _OWNERS.get(name, "a torchkeras package")
        raise RuntimeError(f"Model needs `{name}` from {owner}, which has not been imported: "
                           "`import torchkeras` imports it.") from None
