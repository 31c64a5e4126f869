"""Exporting a model for inference outside torchkeras: ``model.export(path, format=...)``.

Formats (all trace ``model.call(x, training=False)`` on example inputs, the batch dimension
left dynamic where the model's input has ``None``):

* ``'torch_export'``: ``torch.export`` program (``.pt2``); load with
  ``torch.export.load(path).module()``;
* ``'torchscript'``: ``torch.jit.trace`` module; load with ``torch.jit.load(path)``;
* ``'onnx'``: ONNX graph via ``torch.onnx.export`` (needs the ``onnx`` and ``onnxscript``
  packages; run it with ``onnxruntime``). Inputs are named ``input_0, ...``.

The exported forward takes the model's inputs as positional tensors and returns one tensor,
or a tuple of the flattened outputs for multi-output models.
"""
from __future__ import annotations

import os
from typing import Any

from torchkeras.export.formats import export_onnx, export_torch_export, export_torchscript
from torchkeras.export.inference import InferenceModule, example_inputs, inference_module

__all__ = ["export_model", "InferenceModule", "FORMATS"]

FORMATS = {"torch_export": export_torch_export, "torchscript": export_torchscript,
           "onnx": export_onnx}
_ALIASES = {"torch.export": "torch_export", "export": "torch_export", "pt2": "torch_export",
            "jit": "torchscript", "torch_script": "torchscript"}


def export_model(model: Any, filepath: Any, format: str = "torch_export",
                 input_signature: Any = None, verbose: bool = False, **kwargs: Any) -> None:
    """Write ``model``'s inference forward to ``filepath`` in ``format``.

    Args:
        model: a built torchkeras model.
        filepath: the file to write.
        format: ``'torch_export'``, ``'torchscript'`` or ``'onnx'``.
        input_signature: example inputs (arrays/tensors) or shapes (``(None, 4)``; a list for
            several inputs) to trace with; by default the model's ``Input`` shapes.
        verbose: print where the model was written.
        **kwargs: ``opset_version`` for ONNX.
    """
    name = _ALIASES.get(str(format).lower(), str(format).lower())
    if name not in FORMATS:
        raise ValueError("Unrecognized format=" + repr(format) + ". Supported formats are: "
                         + ", ".join(repr(f) for f in FORMATS) + " ('tf_saved_model' needs "
                         "TensorFlow and is not available in torchkeras).")
    unknown = [k for k in kwargs if not (name == "onnx" and k == "opset_version")]
    if unknown:
        raise TypeError(f"export() got an unexpected keyword argument '{unknown[0]}' for "
                        f"format={name!r}")
    if not model.built:
        raise ValueError(f"Model {model.name} must be built before it is exported: call it "
                         "on data or build it with an input shape.")
    filepath = os.fspath(filepath)
    inputs, dynamic = example_inputs(model, input_signature)
    module = inference_module(model, len(inputs))
    was_training = model.training
    model.eval()
    try:
        FORMATS[name](module, inputs, dynamic, filepath, **kwargs)
    finally:
        model.train(was_training)
    if verbose:
        print(f"Saved artifact at '{filepath}' (format={name}).")
