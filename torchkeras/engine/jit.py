"""``compile(jit_compile=True)``: the train step's forward through ``torch.compile``.

tf-keras computes cross-entropies from the logits a sigmoid/softmax output carries
(``_keras_logits``); a tensor attribute cannot leave a compiled graph. So the compiled
region stops at the logits: an output layer whose activation is ``sigmoid``/``softmax``
(and whose output feeds nothing else) runs with that activation deferred, and the trainer
applies it eagerly afterwards, which attaches ``_keras_logits`` as in eager mode. The loss,
backward and optimizer update run eagerly (the optimizer's host-side counters would make a
compiled graph recompile every step).

If compilation fails, the first step warns once and training continues eagerly.
``jit_compile`` may also name a ``torch.compile`` backend (``'aot_eager'``, ``'inductor'``);
the environment variable ``TORCHKERAS_JIT_BACKEND`` overrides the backend of
``jit_compile=True``.
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Callable, List, Optional, Tuple

import torch

from torchkeras import activations
from torchkeras.utils import nest

_DEFERRABLE = (activations.sigmoid, activations.softmax)


def jit_backend(jit_compile: Any) -> Any:
    """The ``torch.compile`` backend for a ``jit_compile`` argument (``None``: eager)."""
    if jit_compile is None or jit_compile is False or jit_compile == "auto":
        return None
    if isinstance(jit_compile, str) or callable(jit_compile):
        return jit_compile
    return os.environ.get("TORCHKERAS_JIT_BACKEND", "inductor")


def _deferred_outputs(model: Any) -> List[Tuple[int, Any, Callable]]:
    """``(flat output index, layer, activation)`` for each output whose sigmoid/softmax can
    run outside the compiled region."""
    graph = getattr(model, "_graph", None)
    if graph is not None:
        return _deferred_graph_outputs(graph)
    stack = getattr(model, "_stack", None)
    if stack and not getattr(model, "_slow_plan", True):
        last = stack[-1]
        if getattr(last, "activation", None) in _DEFERRABLE and \
                sum(layer is last for layer in stack) == 1:
            return [(0, last, last.activation)]
    return []


def _deferred_graph_outputs(graph: Any) -> List[Tuple[int, Any, Callable]]:
    from torchkeras.engine.functional import _Slot
    consumed = set()
    for step in graph.steps:
        for value in nest.flatten([step.args, list(step.kwargs.values())]):
            if isinstance(value, _Slot):
                consumed.add(value.index)
    found = []
    for index, slot in enumerate(graph.output_slots):
        steps = [s for s in graph.steps if slot in s.outputs]
        if len(steps) != 1 or steps[0].multi_output or slot in consumed or \
                graph.output_slots.count(slot) != 1:
            continue
        layer = steps[0].layer
        if getattr(layer, "activation", None) in _DEFERRABLE and \
                sum(s.layer is layer for s in graph.steps) == 1:
            found.append((index, layer, layer.activation))
    return found


class JitForward:
    """The model's training forward, compiled on first use (eager after a failure)."""

    def __init__(self, model: Any, backend: Any, eager_forward: Callable[[Any, bool], Any]):
        self.model = model
        self.backend = backend
        self.eager_forward = eager_forward
        self.deferred = _deferred_outputs(model)
        self.failed = False
        self._compiled: Optional[Callable] = None

    def _compile(self) -> Callable:
        from torchkeras.layers.base import _call_parameters
        model = self.model
        if _call_parameters(type(model))[0]:  # looked up here: lru_cache breaks the graph
            def forward(x: Any, training: bool) -> Any:
                return model.call(x, training=training)
        else:
            def forward(x: Any, training: bool) -> Any:
                return model.call(x)
        return torch.compile(forward, backend=self.backend)

    def __call__(self, x: Any, training: bool) -> Any:
        if self.failed:
            return self.eager_forward(x, training)
        if self._compiled is None:
            self._compiled = self._compile()
        for _, layer, _ in self.deferred:
            layer.activation = activations.linear
        try:
            outputs = self._compiled(x, training)
        except Exception as error:  # noqa: BLE001 - any compiler failure: fall back, once
            self.failed = True
            warnings.warn(f"jit_compile: torch.compile (backend={self.backend!r}) failed; "
                          f"training continues eagerly. {type(error).__name__}: {error}",
                          RuntimeWarning, stacklevel=4)
            outputs = None
        finally:
            for _, layer, activation in self.deferred:
                layer.activation = activation
        if self.failed:
            return self.eager_forward(x, training)
        if not self.deferred:
            return outputs
        flat = nest.flatten(outputs)
        for index, _, activation in self.deferred:
            flat[index] = activation(flat[index])  # attaches _keras_logits, eagerly
        return nest.pack_sequence_as(outputs, flat)
