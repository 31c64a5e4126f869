"""What every application function shares: argument checks, the input tensor, the
pooling/classifier top and loading weights (Keras 2's application boilerplate)."""
from __future__ import annotations

import os
from typing import Any, List, Optional, Sequence

from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.applications import imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import GlobalAveragePooling2D, GlobalMaxPooling2D, Input

__all__ = ["is_keras_tensor", "check_weights", "image_input", "get_source_inputs", "pool", "finish",
           "load_weights"]




def check_weights(weights: Any, include_top: bool, classes: int) -> None:
    """``weights`` is ``None``, ``'imagenet'`` or an existing file; a pretrained top has 1000
    classes."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike))
                                                and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded.  Received `weights={weights}`")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         f"`classes` should be 1000. Received `classes={classes}`")


def image_input(input_shape: Optional[Sequence[Optional[int]]], input_tensor: Any,
                default_size: int, min_size: int, include_top: bool, weights: Any) -> Any:
    """The model's image input: ``input_tensor`` if given (a Keras tensor), else a new
    ``Input`` of the validated shape."""
    if input_tensor is not None and not is_keras_tensor(input_tensor):
        raise ValueError("input_tensor must be a valid Keras tensor type (the output of "
                         f"`keras.Input()` or of a layer); Received {input_tensor} of type "
                         f"{type(input_tensor)}")
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape)[1:]
    shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=backend_config.image_data_format(), require_flatten=include_top,
        weights=weights)
    return Input(shape=shape) if input_tensor is None else input_tensor


def get_source_inputs(tensor: Any) -> List[Any]:
    """The ``Input`` tensors ``tensor`` was computed from (Keras's ``get_source_inputs``)."""
    sources: List[Any] = []
    seen = set()
    stack = [tensor.node]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_input:
            sources.extend(t for t in node.flat_outputs if all(t is not s for s in sources))
        else:
            stack.extend(reversed(node.parent_nodes))
    return sources


def pool(x: Any, pooling: Optional[str], avg_name: Optional[str] = None,
         max_name: Optional[str] = None) -> Any:
    """The ``pooling`` of a headless model: ``None``, ``'avg'`` or ``'max'``."""
    if pooling == "avg":
        return GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name=max_name)(x)
    return x  # Keras 2 ignores any other value


def finish(img_input: Any, input_tensor: Any, outputs: Any, name: str) -> Model:
    """The functional model from the source inputs of ``input_tensor`` (or ``img_input``)."""
    if input_tensor is not None:
        sources = get_source_inputs(input_tensor)
        inputs = sources[0] if len(sources) == 1 else sources
    else:
        inputs = img_input
    return Model(inputs, outputs, name=name)


def load_weights(model: Model, weights: Any, file_name: str, origin: str,
                 file_hash: Optional[str] = None) -> Model:
    """Load ``weights``: Keras's published ``file_name`` (from the Keras cache, else
    ``origin``) for ``'imagenet'``, or a local file path."""
    if weights == "imagenet":
        model.load_weights(imagenet_utils.fetch_cached(file_name, origin, file_hash))
    elif weights is not None:
        model.load_weights(weights)
    return model
