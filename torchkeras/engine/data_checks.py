"""Checks run once at the start of ``fit``/``evaluate`` on in-memory data.

* :func:`warn_non_finite`: NaN or inf in float arrays (one float64 sum per array as a
  screen, one host read for all of them; an element-wise scan only for a suspicious array). Keras has no such check; it is on by default and
  costs one pass over the data per ``fit`` call. Turn it off with
  ``torchkeras.engine.data_checks.CHECK_FINITE = False``.
* :func:`check_sparse_labels`: labels outside ``[0, classes)`` (or NaN) for
  ``sparse_categorical_crossentropy`` give a ``ValueError`` naming the label and the class
  count, instead of an index error inside the loss (a device-side assert on CUDA).

Neither adds work to the training step.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import torch

from torchkeras import losses as losses_module
from torchkeras.losses.base import wrapped_fn_kwargs
from torchkeras.backend import nest

CHECK_FINITE = True  # set to False to skip the NaN/inf scan at fit start


def _named_leaves(structure: Any, argument: str) -> List[Tuple[str, torch.Tensor]]:
    leaves = [leaf for leaf in nest.flatten(structure) if isinstance(leaf, torch.Tensor)]
    if len(leaves) == 1:
        return [(argument, leaves[0])]
    return [(f"{argument}[{i}]", leaf) for i, leaf in enumerate(leaves)]


def warn_non_finite(arrays: Sequence[Tuple[str, Any]]) -> None:
    """Warn once per array holding NaN or inf, naming the argument and the first bad
    sample. ``arrays`` holds ``(argument_name, structure_of_tensors)`` pairs."""
    if not CHECK_FINITE:
        return
    leaves = [(name, t) for argument, structure in arrays if structure is not None
              for name, t in _named_leaves(structure, argument)
              if t.is_floating_point() and t.numel() and t.ndim]
    if not leaves:
        return
    # Fast screen: a sum is finite when every element is (one read of the data, no
    # temporary the size of the data). Only a non-finite sum (NaN/inf, or an overflow)
    # pays for the element-wise scan that finds the first bad sample.
    sums = torch.stack([t.sum().reshape(()).float()
                        for _, t in leaves])
    suspicious = (~torch.isfinite(sums)).cpu().tolist()  # the one host read
    for (name, tensor), maybe_bad in zip(leaves, suspicious):
        if not maybe_bad:
            continue
        rows = (~torch.isfinite(tensor)).reshape(tensor.shape[0], -1).any(dim=1)
        if not bool(rows.any()):
            continue  # the sum overflowed; every value is finite
        index = int(torch.nonzero(rows)[0, 0])
        sample = tensor[index].reshape(-1)
        kind = "NaN" if bool(torch.isnan(sample).any()) else "inf"
        count = int(rows.sum())
        warnings.warn(f"`{name}` contains {kind} values: {count} sample(s) hold NaN or inf, "
                      f"the first at index {index}. The loss will likely become NaN. "
                      "(Set torchkeras.engine.data_checks.CHECK_FINITE = False to skip this "
                      "check.)", RuntimeWarning, stacklevel=4)


def _is_sparse_cce(loss_obj: Any) -> Tuple[bool, Optional[int]]:
    fn = getattr(loss_obj, "fn", loss_obj)
    if fn is not losses_module.sparse_categorical_crossentropy:
        return False, None
    return True, wrapped_fn_kwargs(loss_obj).get("ignore_class")


def _output_classes(model: Any, index: int) -> Optional[int]:
    outputs = getattr(model, "outputs", None)
    if not outputs or index >= len(outputs):
        return None
    shape = getattr(outputs[index], "shape", None)
    if not shape or shape[-1] is None:
        return None
    return int(shape[-1])


def check_sparse_labels(model: Any, targets: List[Any], argument: str = "y") -> None:
    """``ValueError`` for a sparse-CCE label outside ``[0, classes)`` or NaN (one host
    read)."""
    losses = getattr(model.compiled, "losses", None)
    if losses is None:
        return
    checks = []
    for index, loss_obj in enumerate(losses.losses):
        sparse, ignore_class = _is_sparse_cce(loss_obj)
        target = targets[index] if index < len(targets) else None
        classes = _output_classes(model, index) if sparse else None
        if classes is None or not isinstance(target, torch.Tensor) or not target.numel():
            continue
        labels = target.reshape(-1)
        if ignore_class is not None:
            labels = labels[labels != ignore_class]
            if not labels.numel():
                continue
        checks.append((index, classes, labels.min(), labels.max()))
    if not checks:
        return
    values = torch.stack([torch.stack([lo.double(), hi.double()])
                          for _, _, lo, hi in checks]).cpu().tolist()
    for (index, classes, _, _), (low, high) in zip(checks, values):
        if math.isnan(low) or math.isnan(high):  # min/max propagate NaN
            bad: Any = float("nan")
        else:
            bad = high if high >= classes else (low if low < 0 else None)
        if bad is None:
            continue
        name = argument if len(losses.losses) == 1 else \
            f"{argument} for output '{losses.output_names[index]}'"
        label = int(bad) if float(bad).is_integer() else bad
        raise ValueError(f"Received a label value of {label} which is outside the valid range "
                         f"of [0, {classes}) in `{name}`: sparse_categorical_crossentropy "
                         f"expects integer labels from 0 to {classes - 1}, one per class of "
                         f"the model's output (which has {classes} units).")
