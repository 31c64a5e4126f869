"""Losses added with ``Layer.add_loss`` inside ``call`` (Keras 3 semantics).

A value added during a forward pass belongs to that pass: the outermost layer call (or the
trainer's forward) forgets the values of the previous one; ``layer.losses`` lists the current
ones, and ``fit``/``compute_loss`` add them to the loss. Zero-argument callables
(Keras 2's ``add_loss(lambda: ...)``) are kept and re-evaluated on each read.

Nothing here runs until the first ``add_loss``: models that never call it pay one global
read per layer call.
"""
from __future__ import annotations

from typing import Any, Callable, List

import torch

_STATE = {"used": False, "depth": 0}
_HOLDERS: List[Any] = []  # layers holding values of the current forward pass


def in_use() -> bool:
    return _STATE["used"]


def new_generation() -> None:
    """Forget the losses added so far (a new forward pass starts). A no-op inside a
    ``torch.compile`` trace: the trainer calls it before entering the compiled step (a
    changing Python counter read in the trace would recompile it every step)."""
    if torch.compiler.is_compiling():
        return
    for layer in _HOLDERS:
        layer.__dict__.pop("_added_losses", None)
    _HOLDERS.clear()


def enter_call() -> bool:
    """A layer call starts; the outermost one opens a new generation. Returns whether this
    call was counted (pass it to :func:`exit_call`)."""
    if not _STATE["used"] or torch.compiler.is_compiling():
        return False
    if _STATE["depth"] == 0:
        new_generation()
    _STATE["depth"] += 1
    return True


def exit_call(counted: bool) -> None:
    if counted:
        _STATE["depth"] -= 1


def add(layer: Any, value: Any) -> None:
    """``layer.add_loss(value)``: a scalar tensor (or number) for this forward pass, or a
    zero-argument callable evaluated whenever the losses are read."""
    store = layer.__dict__
    if callable(value) and not isinstance(value, torch.Tensor):
        store.setdefault("_added_loss_fns", []).append(value)
        return
    _STATE["used"] = True
    values = store.get("_added_losses")
    if values is None:
        store["_added_losses"] = [value]
        _HOLDERS.append(layer)
    else:
        values.append(value)


def of_layer(layer: Any) -> List[Any]:
    """The values ``layer`` (itself, not its sublayers) added in the current generation."""
    store = layer.__dict__
    values: List[Any] = [fn() for fn in store.get("_added_loss_fns", ())]
    values.extend(store.get("_added_losses", ()))
    return values


def collect(layers: List[Any]) -> List[Any]:
    """The added losses of ``layers`` (a model's flattened layers)."""
    out: List[Any] = []
    for layer in layers:
        if "_added_losses" in layer.__dict__ or "_added_loss_fns" in layer.__dict__:
            out.extend(of_layer(layer))
    return out
