"""An optimizer's state as Keras files hold it: Keras names, Keras layout, Keras order.

torchkeras optimizers keep slots in the parameters' torch storage layout (a Conv2D kernel's
momentum is OIHW like the kernel). Files hold Keras's layout, so every slot goes through its
parameter's :class:`~torchkeras.layers.weights.WeightLayout`.

Orders: tf-keras ``[iteration, (ema averages), slots...]`` with slots interleaved per variable
within a block (Adam: ``m0, v0, m1, v1, ...``); Keras 3 adds ``learning_rate`` second.

A ``LossScaleOptimizer``: tf-keras files hold only the inner optimizer's state (the loss scale
starts afresh on loading); Keras 3 puts the wrapper's own ``[iteration, learning_rate,
step_counter, dynamic_scale]`` before the inner optimizer's variables.
"""
from __future__ import annotations

import warnings
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer

def _entries(optimizer: Any, model: Any) -> List[Tuple[str, Optional[torch.Tensor], Any]]:
    """``(name, tensor, layout)`` for each optimizer variable (iteration first: tensor None)."""
    variables = {id(v.tensor): v for v in model.trainable_weights}
    prefix = optimizer.name
    entries: List[Tuple[str, Optional[torch.Tensor], Any]] = [("iteration", None, None)]
    if not optimizer.built:
        return entries
    params = [p for group in optimizer.param_groups for p in group["params"]]

    def describe(p: torch.Tensor) -> Tuple[str, Any]:
        variable = variables.get(id(p))
        if variable is None:
            return f"variable_{optimizer._index_dict.get(id(p), 0)}", None
        return variable.path, variable.spec.layout

    if optimizer.use_ema:
        for p in params:
            path, layout = describe(p)
            entries.append((f"{prefix}/average/{path}", optimizer.state[p]["average"], layout))
    for block in optimizer._slot_blocks():
        for p in params:
            path, layout = describe(p)
            for slot in block:
                tensor = optimizer.state[p][slot]
                entries.append((f"{prefix}/{slot}/{path}", tensor,
                                layout if tensor.shape == p.shape else None))
    for index, tensor in enumerate(optimizer._custom_variables):
        entries.append((f"{prefix}/custom_{index}", tensor, None))
    return entries


def _loss_scale_wrapper(optimizer: Any) -> Any:
    return optimizer if isinstance(optimizer, LossScaleOptimizer) else None


def get_optimizer_weights(optimizer: Any, model: Any, keras3: bool = False
                          ) -> Tuple[List[str], List[np.ndarray]]:
    """Names (tf-keras style, ``':0'`` suffixed) and Keras-layout values of the state."""
    wrapper = _loss_scale_wrapper(optimizer)
    if wrapper is not None:
        optimizer = wrapper.inner_optimizer
    names, values = [], []
    if wrapper is not None and keras3:
        counter, scale = wrapper.scale_state()
        names += ["iteration:0", "learning_rate:0", "step_counter:0", "dynamic_scale:0"]
        values += [np.asarray(0, dtype=np.int64), np.asarray(0.0, dtype=np.float32),
                   np.asarray(counter, dtype=np.int64), np.asarray(scale, dtype=np.float32)]
    for name, tensor, layout in _entries(optimizer, model):
        if tensor is None:
            names.append("iteration:0")
            values.append(np.asarray(int(optimizer._iterations), dtype=np.int64))
            if keras3:
                names.append("learning_rate:0")
                values.append(np.asarray(float(optimizer.learning_rate), dtype=np.float32))
            continue
        value = layout.to_keras(tensor) if layout is not None else tensor
        names.append(name + ":0")
        values.append(value.detach().cpu().numpy())
    return names, values


def set_optimizer_weights(optimizer: Any, model: Any, values: Sequence[Any],
                          source: str = "the file") -> bool:
    """Set the state from Keras-layout arrays (tf-keras or Keras 3 order). Builds the
    optimizer on the model's trainable weights first. Returns False (with Keras's warning)
    when the saved state does not fit this optimizer."""
    wrapper = _loss_scale_wrapper(optimizer)
    if wrapper is not None:
        optimizer = wrapper.inner_optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_weights)
    entries = _entries(optimizer, model)
    values = [np.asarray(v) for v in values]
    scale_state = None
    if wrapper is not None and len(values) == len(entries) + 5 \
            and all(v.shape == () for v in values[:4]):
        scale_state = (int(values[2]), float(values[3]))  # Keras 3: the wrapper's own four
        values = values[4:]
    if len(values) == len(entries) + 1 and len(values) > 1 and values[1].shape == () \
            and values[1].dtype.kind == "f":
        values = [values[0]] + values[2:]  # Keras 3: iteration, learning_rate, slots...
    problem = None
    if len(values) != len(entries):
        problem = (f"the optimizer expects {len(entries)} variables, {source} holds "
                   f"{len(values)}")
    else:
        for (name, tensor, layout), value in zip(entries[1:], values[1:]):
            expected = tuple(layout.to_keras(tensor).shape) if layout is not None \
                else tuple(tensor.shape)
            if tuple(value.shape) != expected:
                problem = (f"variable {name} has shape {expected}, {source} holds "
                           f"{tuple(value.shape)}")
                break
    if problem is not None:
        warnings.warn("Error in loading the saved optimizer state. As a result, your model is "
                      f"starting with a freshly initialized optimizer ({problem}).",
                      stacklevel=3)
        return False
    with torch.no_grad():
        for (name, tensor, layout), value in zip(entries[1:], values[1:]):
            new = torch.as_tensor(value, dtype=tensor.dtype, device=tensor.device)
            tensor.copy_(layout.from_keras(new) if layout is not None else new)
    optimizer._iterations = int(values[0])
    optimizer._after_set_iterations()
    optimizer._cache = None
    if scale_state is not None:
        wrapper.set_scale_state(*scale_state)
    return True
