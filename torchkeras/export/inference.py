"""What every export format traces: the model's inference forward on example inputs."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras import backend
from torchkeras.layers.base import _call_parameters, build_input_shape
from torchkeras.backend import nest

_EXAMPLE_BATCH = 2  # batch size of the zeros traced when no sample input is given


class InferenceModule(torch.nn.Module):
    """``model.call(inputs, training=False)`` with positional tensor inputs and a flat
    output (one tensor, or a tuple in ``nest.flatten`` order), as exporters want."""

    def __init__(self, model: Any, num_inputs: int, input_structure: Any = None):
        super().__init__()
        self.model = model
        self.num_inputs = num_inputs
        self.input_structure = input_structure
        self.call_kwargs = {"training": False} if _call_parameters(type(model))[0] else {}

    def forward(self, *inputs: torch.Tensor) -> Any:
        if self.input_structure is not None:
            x: Any = nest.pack_sequence_as(self.input_structure, list(inputs))
        else:
            x = inputs[0] if self.num_inputs == 1 else list(inputs)
        outputs = nest.flatten(self.model.call(x, **self.call_kwargs))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _shape_and_dtype(spec: Any) -> Tuple[Tuple[Optional[int], ...], str]:
    """``(shape, dtype)`` of an input spec: a KerasTensor, an ``InputSpec``, or a shape."""
    if hasattr(spec, "shape") and not isinstance(spec, (tuple, list)):
        return tuple(spec.shape), str(getattr(spec, "dtype", None) or backend.floatx())
    return tuple(spec), backend.floatx()


def _zeros(shape: Sequence[Optional[int]], dtype: str, device: torch.device) -> torch.Tensor:
    concrete = [_EXAMPLE_BATCH if d is None and i == 0 else (1 if d is None else d)
                for i, d in enumerate(shape)]
    return torch.zeros(concrete, dtype=backend.torch_dtype(dtype), device=device)


def _model_input_specs(model: Any) -> List[Any]:
    if getattr(model, "inputs", None):
        return list(model.inputs)
    shape = build_input_shape(model)
    if shape is None:
        raise ValueError(f"Model {model.name} has no known input shape to export with: build "
                         "it (call it on data, or give `Input(...)`) or pass "
                         "`input_signature=`, e.g. `model.export(path, format='torch_export', "
                         "input_signature=[(None, 4)])`.")
    if isinstance(shape, (tuple, list)) and all(isinstance(d, (int, type(None))) for d in shape):
        return [tuple(shape)]
    return list(shape)


def example_inputs(model: Any, input_signature: Any = None) -> Tuple[List[torch.Tensor],
                                                                      List[bool]]:
    """Tensors to trace with, and for each whether its batch dimension is dynamic.

    ``input_signature``: sample data (arrays or tensors: traced as given, batch dynamic), or
    shapes / ``InputSpec``s / KerasTensors (``None`` dims become zeros' sizes); by default the
    model's own inputs.
    """
    device = model._input_device()
    specs = _model_input_specs(model) if input_signature is None else (
        [input_signature] if _is_single(input_signature) else list(input_signature))
    tensors, dynamic = [], []
    for spec in specs:
        if isinstance(spec, (np.ndarray, torch.Tensor)):
            tensor = torch.as_tensor(np.asarray(spec) if isinstance(spec, np.ndarray) else spec)
            if tensor.dtype == torch.float64:
                tensor = tensor.to(backend.torch_dtype(backend.floatx()))
            tensors.append(tensor.to(device))
            dynamic.append(True)
            continue
        shape, dtype = _shape_and_dtype(spec)
        tensors.append(_zeros(shape, dtype, device))
        dynamic.append(len(shape) > 0 and shape[0] is None)
    return tensors, dynamic


def _is_single(signature: Any) -> bool:
    if isinstance(signature, (np.ndarray, torch.Tensor)):
        return True
    if hasattr(signature, "shape") and not isinstance(signature, (tuple, list)):
        return True
    return isinstance(signature, tuple) and all(isinstance(d, (int, type(None)))
                                                for d in signature)


def inference_module(model: Any, num_inputs: int) -> InferenceModule:
    structure = None
    graph = getattr(model, "functional_graph", None)
    if graph is not None and isinstance(graph.input_structure, dict):
        structure = graph.input_structure
    return InferenceModule(model, num_inputs, structure)
