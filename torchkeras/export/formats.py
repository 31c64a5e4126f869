"""The export formats: one function per format, each writing ``filepath``."""
from __future__ import annotations

import importlib.util
import warnings
from typing import Any, List

import torch

ONNX_PACKAGES = "onnx and onnxscript"


def export_torch_export(module: torch.nn.Module, inputs: List[torch.Tensor],
                        dynamic: List[bool], filepath: str) -> None:
    """``torch.export.export`` + ``torch.export.save`` (load: ``torch.export.load(path)
    .module()(x)``). The batch dimension stays dynamic where it was ``None``."""
    program = torch.export.export(module, tuple(inputs),
                                  dynamic_shapes=_dynamic_shapes(inputs, dynamic))
    torch.export.save(program, filepath)


def export_torchscript(module: torch.nn.Module, inputs: List[torch.Tensor],
                       dynamic: List[bool], filepath: str) -> None:
    """``torch.jit.trace`` of the inference forward (load: ``torch.jit.load(path)``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript's deprecation and tracer notes
        traced = torch.jit.trace(module, tuple(inputs), check_trace=False, strict=False)
        torch.jit.save(traced, filepath)


def export_onnx(module: torch.nn.Module, inputs: List[torch.Tensor], dynamic: List[bool],
                filepath: str, opset_version: Any = None) -> None:
    """``torch.onnx.export`` (torch's dynamo-based exporter, which needs the ``onnx`` and
    ``onnxscript`` packages). Inputs are named ``input_0, ...``, outputs ``output_0, ...``."""
    missing = [name for name in ("onnx", "onnxscript") if not _importable(name)]
    if missing:
        raise ImportError(f"Exporting to ONNX needs the {ONNX_PACKAGES} packages, and "
                          f"{' and '.join(missing)} could not be imported. Install them with "
                          "`pip install onnx onnxscript` (or `pip install "
                          "keras-on-torch[export]`).")
    names = [f"input_{i}" for i in range(len(inputs))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(module, tuple(inputs), dynamo=True, input_names=names,
                                    dynamic_shapes=_dynamic_shapes(inputs, dynamic),
                                    opset_version=opset_version, verbose=False)
    program.save(filepath)


def _dynamic_shapes(inputs: List[torch.Tensor], dynamic: List[bool]) -> Any:
    if not any(dynamic):
        return None
    batch = torch.export.Dim("batch")
    # InferenceModule.forward(*inputs): the specs go under its varargs' name.
    return {"inputs": tuple({0: batch} if flag else None for flag in dynamic)}


def _importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
