"""``compile(jit_compile=True)``: the train step's forward and loss through ``torch.compile``.

One compiled region computes the model's training forward, the compiled losses (each
output's loss, ``loss_weights``, regularization and activity losses) and returns the total
loss with the flat predictions. Autograd runs the compiled backward; the optimizer update,
weight constraints and metric updates stay eager (the optimizer's host-side step counter
would make a compiled graph recompile every step). Cross-entropies still compute from the
logits a sigmoid/softmax output carries (``_keras_logits``): ``torch.compile`` keeps tensor
attributes set inside the region, on the outputs it returns as well.

If compilation fails, the first step warns once and training continues eagerly.
``jit_compile`` may also name a ``torch.compile`` backend (``'aot_eager'``, ``'inductor'``)
or be a backend callable; the environment variable ``TORCHKERAS_JIT_BACKEND`` overrides the
backend of ``jit_compile=True``.

    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Callable, List, Optional, Tuple

import torch

LossStep = Callable[[Any, List[Any], List[Any]], Tuple[torch.Tensor, List[Any], List[Any]]]


def jit_backend(jit_compile: Any) -> Any:
    """The ``torch.compile`` backend for a ``jit_compile`` argument (``None``: eager)."""
    if jit_compile is None or jit_compile is False or jit_compile == "auto":
        return None
    if isinstance(jit_compile, str) or callable(jit_compile):
        return jit_compile
    return os.environ.get("TORCHKERAS_JIT_BACKEND", "inductor")


class JitLossStep:
    """``loss_step(x, y_true, sample_weights) -> (total, per-output losses, y_pred)``
    compiled on first use; the same function runs eagerly after a compiler failure."""

    def __init__(self, model: Any, backend: Any, loss_step: LossStep):
        self.model = model
        self.backend = backend
        self.loss_step = loss_step
        self.failed = False
        self.compiled: Optional[LossStep] = None

    def __call__(self, x: Any, y_true: List[Any], sample_weights: List[Any]
                 ) -> Tuple[torch.Tensor, List[Any], List[Any]]:
        if self.failed:
            return self.loss_step(x, y_true, sample_weights)
        if self.compiled is None:
            self.compiled = torch.compile(self.loss_step, backend=self.backend)
        try:
            return self.compiled(x, y_true, sample_weights)
        except Exception as error:  # noqa: BLE001 - any compiler failure: fall back, once
            self.failed = True
            warnings.warn(f"jit_compile: torch.compile (backend={self.backend!r}) failed; "
                          f"training continues eagerly. {type(error).__name__}: {error}",
                          RuntimeWarning, stacklevel=4)
            return self.loss_step(x, y_true, sample_weights)
