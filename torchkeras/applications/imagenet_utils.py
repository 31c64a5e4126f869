"""ImageNet helpers shared by the applications: ``preprocess_input`` modes, class-index
decoding, input-shape validation and stride-2 padding (Keras 2's ``imagenet_utils``)."""
from __future__ import annotations

import json
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras import activations
from torchkeras.backend import config as backend_config
from torchkeras.layers.base import Layer
from torchkeras.registry.object_registration import register_keras_serializable
from torchkeras.data import data_utils

__all__ = ["preprocess_input", "decode_predictions", "obtain_input_shape", "correct_pad",
           "validate_activation"]

CLASS_INDEX: Optional[dict] = None
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = [103.939, 116.779, 123.68]
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_STD = [0.229, 0.224, 0.225]


def preprocess_input(x: Any, data_format: Optional[str] = None, mode: str = "caffe") -> Any:
    """Scale a batch of RGB images in [0, 255] the way a pretrained model expects.

    ``mode``: ``'caffe'`` (RGB->BGR, minus the ImageNet mean), ``'tf'`` (to [-1, 1]) or
    ``'torch'`` (to [0, 1], then per-channel ImageNet mean/std). A float NumPy array is
    changed in place, as in Keras; a torch tensor gives a new tensor.
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    if data_format is None:
        data_format = backend_config.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    if is_keras_tensor(x):  # in a functional model: a layer does it
        return PreprocessInput(mode=mode, data_format=data_format)(x)
    if isinstance(x, np.ndarray):
        if not issubclass(x.dtype.type, np.floating):
            x = x.astype(backend_config.floatx(), copy=False)
        return _preprocess(x, data_format, mode, np.asarray)
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(np.asarray(x, dtype=backend_config.floatx()))
    if not x.is_floating_point():
        x = x.to(torch.float32)
    return _preprocess(x.clone(), data_format, mode,
                       lambda v: torch.as_tensor(v, dtype=x.dtype, device=x.device))


def _preprocess(x: Any, data_format: str, mode: str, constant: Any) -> Any:
    """The arithmetic of :func:`preprocess_input` on an array or tensor ``x`` (in place);
    ``constant`` turns a NumPy array into the kind of ``x``."""
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = (-3 if data_format == "channels_first" else -1)
        x = x.flip(axis) if isinstance(x, torch.Tensor) else np.flip(x, axis)
        mean, std = _CAFFE_MEAN, None
    shape = (3, 1, 1) if data_format == "channels_first" else (3,)
    dtype = str(x.dtype).replace("torch.", "")
    x -= constant(np.reshape(mean, shape).astype(dtype))
    if std is not None:
        x /= constant(np.reshape(std, shape).astype(dtype))
    return x


@register_keras_serializable(package="applications")  # saved models reload
class PreprocessInput(Layer):
    """``preprocess_input`` applied to a symbolic tensor (Keras 2 records its arithmetic as
    ``tf.math`` op layers; here it is one layer, with no weights)."""

    def __init__(self, mode: str = "caffe", data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.mode = mode
        self.data_format = data_format

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return preprocess_input(inputs, data_format=self.data_format, mode=self.mode)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"mode": self.mode, "data_format": self.data_format})
        return config


def decode_predictions(preds: Any, top: int = 5) -> List[List[Tuple[str, str, float]]]:
    """Top ``top`` ``(class_name, class_description, score)`` per sample of ImageNet
    predictions of shape ``(samples, 1000)``; the class index file comes from the Keras
    cache (``~/.keras/models/imagenet_class_index.json``)."""
    global CLASS_INDEX
    preds = np.asarray(preds.detach().cpu() if isinstance(preds, torch.Tensor) else preds)
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         "array of shape (samples, 1000)). Found array with shape: "
                         + str(preds.shape))
    if CLASS_INDEX is None:
        fpath = fetch_cached("imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_HASH)
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda item: item[2], reverse=True)
        results.append(result)
    return results


def fetch_cached(file_name: str, origin: str, file_hash: Optional[str] = None) -> str:
    """``file_name`` from the Keras cache (``$KERAS_HOME`` or ``~/.keras``, subfolder
    ``models``), downloaded from ``origin`` if missing; without network, an error that says
    which file to put where."""
    try:
        return data_utils.get_file(file_name, origin, cache_subdir="models",
                                   file_hash=file_hash)
    except Exception as error:  # no network, a refused download, a hash mismatch
        target = f"{data_utils.cache_base()}/models/{file_name}"
        raise OSError(
            f"Could not get the Keras file {file_name!r}: it is not in the Keras cache and "
            f"downloading it from {origin} failed ({_first_line(error)}). "
            f"Download it elsewhere and put it at {target} (the folder is $KERAS_HOME/models "
            "or ~/.keras/models), or pass its path as `weights=`.") from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def obtain_input_shape(input_shape: Optional[Sequence[Optional[int]]], default_size: int,
                       min_size: int, data_format: str, require_flatten: bool,
                       weights: Any = None) -> Tuple[Optional[int], ...]:
    """Validate ``input_shape`` (or derive the default) for an application (Keras's rules)."""
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.",
                          stacklevel=3)
        default_shape = ((channels, default_size, default_size)
                         if data_format == "channels_first"
                         else (default_size, default_size, channels))
    else:
        default_shape = ((3, default_size, default_size) if data_format == "channels_first"
                         else (default_size, default_size, 3))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None:
            if tuple(input_shape) != default_shape:
                raise ValueError("When setting `include_top=True` and loading `imagenet` "
                                 f"weights, `input_shape` should be {default_shape}.  "
                                 f"Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        spatial = input_shape[1:] if data_format == "channels_first" else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError("The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if any(s is not None and s < min_size for s in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return tuple(input_shape)


def correct_pad(inputs: Any, kernel_size: Any) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """The ``ZeroPadding2D`` padding before a stride-2 ``'valid'`` convolution that matches
    TensorFlow's ``'same'`` padding."""
    img_dim = 2 if backend_config.image_data_format() == "channels_first" else 1
    input_size = tuple(inputs.shape)[img_dim:img_dim + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if input_size[0] is None else (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Pretrained tops allow only ``None`` and ``'softmax'``."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         "with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")
