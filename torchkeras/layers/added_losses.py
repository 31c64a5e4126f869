"""Losses added with ``Layer.add_loss`` inside ``call`` (Keras 3 semantics).

A value added during a forward pass belongs to that pass: the outermost layer call (or the
trainer's forward) opens a new *generation*; ``layer.losses`` lists the values added in the
current one, and ``fit``/``compute_loss`` add them to the loss. Zero-argument callables
(Keras 2's ``add_loss(lambda: ...)``) are kept and re-evaluated on each read.

Nothing here runs until the first ``add_loss``: models that never call it pay one global
read per layer call.
"""
from __future__ import annotations

from typing import Any, Callable, List

import torch

_STATE = {"used": False, "generation": 0, "depth": 0}


def in_use() -> bool:
    return _STATE["used"]


def new_generation() -> None:
    """Forget the losses added so far (a new forward pass starts)."""
    _STATE["generation"] += 1


def enter_call() -> bool:
    """A layer call starts; the outermost one opens a new generation. Returns whether this
    call was counted (pass it to :func:`exit_call`)."""
    if not _STATE["used"]:
        return False
    if _STATE["depth"] == 0:
        _STATE["generation"] += 1
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
    generation = _STATE["generation"]
    entry = store.get("_added_losses")
    if entry is None or entry[0] != generation:
        store["_added_losses"] = (generation, [value])
    else:
        entry[1].append(value)


def of_layer(layer: Any) -> List[Any]:
    """The values ``layer`` (itself, not its sublayers) added in the current generation."""
    store = layer.__dict__
    values: List[Any] = [fn() for fn in store.get("_added_loss_fns", ())]
    entry = store.get("_added_losses")
    if entry is not None and entry[0] == _STATE["generation"]:
        values.extend(entry[1])
    return values


def collect(layers: List[Any]) -> List[Any]:
    """The added losses of ``layers`` (a model's flattened layers)."""
    out: List[Any] = []
    for layer in layers:
        if "_added_losses" in layer.__dict__ or "_added_loss_fns" in layer.__dict__:
            out.extend(of_layer(layer))
    return out
