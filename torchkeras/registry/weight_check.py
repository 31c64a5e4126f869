"""The weight check on load, shared by every format (``hdf5_format``, ``keras_zip``).

Before a loader assigns anything it compares each layer's variables with the values read
from the file: the count, then each shape. A mismatch raises a ``ValueError`` naming the
layer, the weight, the expected and the received value and where in which file; with
``skip_mismatch=True`` it warns instead and that layer (count) or weight (shape) keeps its
value. Nothing is assigned here: the loaders assign only after every layer passed.
"""
from __future__ import annotations

import sys
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

Assignment = Tuple[Any, np.ndarray]


def mismatch(message: str, skip_mismatch: bool, warning: Optional[str] = None) -> None:
    """Raise ``ValueError(message)``, or warn (``warning``, default ``message``) when
    skipping mismatches."""
    if not skip_mismatch:
        raise ValueError(message)
    warnings.warn(message if warning is None else warning, stacklevel=_user_stacklevel())


def check_layer_weights(variables: Sequence[Any], values: Sequence[np.ndarray], *, layer: str,
                        where: str, count_error: str, skip_mismatch: bool,
                        count_warning: Optional[str] = None,
                        shape_warning_prefix: str = "") -> Optional[List[Assignment]]:
    """``(variable, value)`` pairs of one layer whose shapes match.

    ``layer`` names the layer in the shape message (``"'dense'"``, ``"#0 (named dense)"``),
    ``where`` says where its values came from (``"layer 'dense' in 'w.h5'"``). A count
    mismatch raises ``count_error``; with ``skip_mismatch`` and a ``count_warning`` it warns
    that and returns ``None`` (Keras 2 loading by position always raises: no warning given).
    A shape mismatch raises, or warns ``shape_warning_prefix`` + the message and skips that
    weight.
    """
    if len(values) != len(variables):
        mismatch(count_error, skip_mismatch and count_warning is not None, count_warning)
        return None
    pairs: List[Assignment] = []
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            message = (f"Shape mismatch in layer {layer} for weight {variable.name}. Weight "
                       f"expects shape {tuple(variable.shape)}. Received saved weight with "
                       f"shape {tuple(value.shape)} ({where})")
            mismatch(message, skip_mismatch, shape_warning_prefix + message)
            continue
        pairs.append((variable, value))
    return pairs


def assign(assignments: Sequence[Assignment]) -> None:
    """Set all values, once every check passed (a failed load changes nothing)."""
    for variable, value in assignments:
        variable.assign(value)


def _user_stacklevel() -> int:
    """``warnings.warn`` stacklevel of the first frame outside torchkeras (the user's
    ``load_weights``/``load_model`` call)."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("torchkeras"):
        frame, level = frame.f_back, level + 1
    return level
