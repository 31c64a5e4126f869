"""``tf.GradientTape`` on torch autograd, for the custom training loops of tutorials::

    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)      # NumPy in: recorded inside the tape
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)   # Keras layout
    optimizer.apply_gradients(zip(grads, model.trainable_weights))

Inside the tape, layers called on NumPy data record gradients (outside, they do not: see
``torchkeras.backend.phase``). Sources may be Keras weights (``model.trainable_weights``),
``tf.Variable``s, watched tensors, or nested lists/dicts of them; the gradients come back in
the same structure, in Keras layout, ``None`` where the target does not depend on a source.
"""
from __future__ import annotations

import contextlib
from typing import Any, List, Optional

import torch

from torchkeras.backend import phase
from torchkeras.layers.weights import KerasVariable
from torchkeras.backend import nest

__all__ = ["GradientTape", "UnconnectedGradients"]


class UnconnectedGradients:
    """What ``gradient`` returns for a source the target does not depend on."""
    NONE = "none"
    ZERO = "zero"


def _source_tensor(source: Any) -> torch.Tensor:
    if isinstance(source, KerasVariable):
        return source.tensor
    if isinstance(source, torch.Tensor):
        return source
    raise TypeError(f"`GradientTape.gradient` sources must be variables or tensors; received "
                    f"{type(source).__name__}.")


def _to_source_layout(source: Any, grad: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    if grad is None or not isinstance(source, KerasVariable):
        return grad
    return source.spec.layout.to_keras(grad).contiguous()


class GradientTape:
    """Records operations for automatic differentiation (torch autograd underneath)."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._stack: Optional[contextlib.ExitStack] = None
        self._used = False
        self._watched: List[torch.Tensor] = []

    def __enter__(self) -> "GradientTape":
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(torch.enable_grad())
        self._stack.enter_context(phase.recording_scope())
        return self

    def __exit__(self, *exc_info: Any) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    @contextlib.contextmanager
    def stop_recording(self):
        """Operations in this block are not recorded."""
        with torch.no_grad():
            yield

    def reset(self) -> None:
        self._used = False
        self._watched = []

    def watch(self, tensor: Any) -> None:
        """Record operations on ``tensor`` (a constant) from now on, so it can be a source."""
        for leaf in nest.flatten(tensor):
            value = _source_tensor(leaf)
            if not value.requires_grad:
                if not value.is_leaf:
                    raise ValueError("`watch` needs a tensor computed outside the tape (a leaf); "
                                     "received the result of a recorded operation.")
                if not (value.is_floating_point() or value.is_complex()):
                    continue  # TF ignores integer tensors
                value.requires_grad_(True)
            self._watched.append(value)

    def watched_variables(self) -> List[torch.Tensor]:
        return list(self._watched)

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = UnconnectedGradients.NONE) -> Any:
        """d(sum of ``target``)/d``sources``, in the structure of ``sources``."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one "
                               "set of gradients (or jacobians)")
        self._used = True
        targets = [t for t in nest.flatten(target) if t is not None]
        flat_sources = nest.flatten(sources)
        tensors = [_source_tensor(s) for s in flat_sources]
        outputs, grad_outputs = [], []
        seeds = nest.flatten(output_gradients) if output_gradients is not None else \
            [None] * len(targets)
        for value, seed in zip(targets, seeds):
            value = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
            if not value.requires_grad:
                continue
            outputs.append(value)
            grad_outputs.append(torch.ones_like(value) if seed is None else
                                torch.as_tensor(seed, dtype=value.dtype, device=value.device))
        differentiable = [i for i, t in enumerate(tensors) if t.requires_grad]
        grads: List[Optional[torch.Tensor]] = [None] * len(tensors)
        if outputs and differentiable:
            # retain_graph: several tapes (GAN loops) or a persistent tape may share the graph;
            # it is freed with the loss tensor.
            found = torch.autograd.grad(outputs, [tensors[i] for i in differentiable],
                                        grad_outputs=grad_outputs, retain_graph=True,
                                        allow_unused=True)
            for i, grad in zip(differentiable, found):
                grads[i] = grad
        if unconnected_gradients == UnconnectedGradients.ZERO:
            grads = [torch.zeros_like(t) if g is None else g for g, t in zip(grads, tensors)]
        result = [_to_source_layout(s, g) for s, g in zip(flat_sources, grads)]
        if not nest.is_nested(sources):
            return result[0]
        return nest.pack_sequence_as(sources, result)

    def jacobian(self, *args: Any, **kwargs: Any) -> Any:
        from torchkeras.compat.tf_namespace import NotProvidedError  # late: tf_namespace imports this module
        raise NotProvidedError("`tf.GradientTape.jacobian` is not provided by torchkeras; use "
                               "`torch.autograd.functional.jacobian`.")
