"""Image preprocessing layers: Rescaling, Resizing, CenterCrop (channels_last, as Keras)."""
from __future__ import annotations

from typing import Any, Dict

import torch

from torchkeras.layers import image_ops
from torchkeras.layers.base import Layer

__all__ = ["CenterCrop", "Rescaling", "Resizing"]


def _check_image_rank(layer: Layer, inputs: torch.Tensor) -> torch.Tensor:
    """A batch (batch, height, width, channels); a single image (h, w, c) gets a batch axis."""
    if inputs.dim() not in (3, 4):
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}) expected images of rank "
                         f"3 (height, width, channels) or 4 (batch, height, width, channels). "
                         f"Received: inputs.shape={tuple(inputs.shape)}")
    return inputs


def _batched(fn: Any, inputs: torch.Tensor) -> torch.Tensor:
    if inputs.dim() == 3:
        return fn(inputs.unsqueeze(0)).squeeze(0)
    return fn(inputs)


class Rescaling(Layer):
    """``inputs * scale + offset``: ``Rescaling(1. / 255)``."""

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        dtype = inputs.dtype if inputs.is_floating_point() else torch.float32
        scale = torch.as_tensor(self.scale, dtype=dtype, device=inputs.device)
        offset = torch.as_tensor(self.offset, dtype=dtype, device=inputs.device)
        return inputs.to(dtype) * scale + offset

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


class Resizing(Layer):
    """Resize images to ``(height, width)`` with TensorFlow's arithmetic (half-pixel
    centres); ``crop_to_aspect_ratio`` crops (centred) and ``pad_to_aspect_ratio`` (Keras 3)
    pads with ``fill_value`` to the target aspect first; ``antialias`` (Keras 3) widens the
    bilinear/bicubic kernel when downscaling, as ``tf.image.resize(antialias=True)``."""

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                 fill_mode: str = "constant", fill_value: float = 0.0,
                 data_format: Any = None, antialias: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"Resizing: data_format={data_format!r} is not "
                                      "supported; torchkeras images are channels_last.")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` "
                             "can be True.")
        self.height = height
        self.width = width
        self.interpolation = image_ops.check_interpolation(interpolation, "Resizing")
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        _check_image_rank(self, inputs)
        size = (self.height, self.width)

        def resize(images: torch.Tensor) -> torch.Tensor:
            if self.crop_to_aspect_ratio:
                return image_ops.smart_resize(images, size, self.interpolation,
                                              self.antialias)
            if self.pad_to_aspect_ratio:
                images = image_ops.pad_to_aspect(images, size, self.fill_value)
            return image_ops.resize_images(images, size, self.interpolation, self.antialias)

        return _batched(resize, inputs).to(torch.float32)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width,
                       "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio})
        if self.pad_to_aspect_ratio:  # Keras 3 arguments, written only when used
            config.update({"pad_to_aspect_ratio": True, "fill_mode": self.fill_mode,
                           "fill_value": self.fill_value})
        if self.antialias:  # Keras 3 argument, written only when used
            config["antialias"] = True
        return config


class CenterCrop(Layer):
    """Crop the centre ``(height, width)`` of each image; smaller images are resized up
    (Keras's ``smart_resize``)."""

    def __init__(self, height: int, width: int, data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"CenterCrop: data_format={data_format!r} is not "
                                      "supported; torchkeras images are channels_last.")
        self.height = height
        self.width = width

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        _check_image_rank(self, inputs)
        inputs = inputs if inputs.is_floating_point() else inputs.float()
        h_diff = inputs.shape[-3] - self.height
        w_diff = inputs.shape[-2] - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = int(h_diff / 2), int(w_diff / 2)
            return inputs[..., top:top + self.height, left:left + self.width, :]
        return _batched(lambda x: image_ops.smart_resize(x, (self.height, self.width)), inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
