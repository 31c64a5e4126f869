"""More reshaping layers: ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D, Permute,
RepeatVector. (Flatten and Reshape live in ``reshaping.py``.)"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from torchkeras.layers import conv_utils
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec

__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "Permute", "RepeatVector", "UpSampling1D",
           "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]

_ORDINALS = ("1st", "2nd", "3rd")


def _pairs(value: Any, rank: int, argument: str, symmetric_hint: str) -> Tuple[Tuple[int, int], ...]:
    """Keras's normalisation of padding/cropping: an int, ``rank`` ints, or ``rank`` pairs."""
    if isinstance(value, int):
        return ((value, value),) * rank
    if hasattr(value, "__len__"):
        if len(value) != rank:
            count = {2: "two", 3: "three"}.get(rank, str(rank))
            raise ValueError(f"`{argument}` should have {count} elements. Received: {value}.")
        return tuple(conv_utils.normalize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {argument}",
                                                allow_zero=True)
                     for i, entry in enumerate(value))
    raise ValueError(f"`{argument}` should be either an int, {symmetric_hint}. Received: "
                     f"{value}.")


class _SpatialLayer(Layer):
    """A layer over ``rank`` spatial axes of a channels_last/first input."""

    rank = 2

    def __init__(self, data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _first_spatial_axis(self) -> int:
        return 2 if self.data_format == "channels_first" else 1


# ----------------------------------------------------------------------- ZeroPadding
class _ZeroPadding(_SpatialLayer):
    def __init__(self, padding: Any, data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format, **kwargs)
        hint = (f"a tuple of {self.rank} ints, or a tuple of {self.rank} tuples of 2 ints")
        self.padding = _pairs(padding, self.rank, "padding", hint)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = conv_utils.to_channels_first(inputs, self.data_format)  # (batch, ch, *spatial)
        spec = []
        for before, after in reversed(self.padding):
            spec += [before, after]
        return conv_utils.from_channels_first(F.pad(x, spec), self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        start = self._first_spatial_axis()
        for i, (before, after) in enumerate(self.padding):
            if shape[start + i] is not None:
                shape[start + i] += before + after
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads zeros at the start and end of the steps axis of (batch, steps, features)."""

    rank = 1

    def __init__(self, padding: Any = 1, **kwargs: Any):
        Layer.__init__(self, **kwargs)
        self.data_format = "channels_last"
        self.padding = conv_utils.normalize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.pad(inputs.movedim(-1, 1), self.padding).movedim(1, -1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        steps = None if input_shape[1] is None else input_shape[1] + sum(self.padding)
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> Dict[str, Any]:
        config = Layer.get_config(self)
        config["padding"] = self.padding
        return config


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and cols: ``padding`` int, (h, w) or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, padding: Any = (1, 1), data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of a 5-D input."""

    rank = 3

    def __init__(self, padding: Any = (1, 1, 1), data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


# -------------------------------------------------------------------------- Cropping
class _Cropping(_SpatialLayer):
    def __init__(self, cropping: Any, data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format, **kwargs)
        hint = (f"a tuple of {self.rank} ints, or a tuple of {self.rank} tuples of 2 ints")
        self.cropping = _pairs(cropping, self.rank, "cropping", hint)

    def _check(self, shape: Sequence[Optional[int]]) -> None:
        start = self._first_spatial_axis()
        for i, (before, after) in enumerate(self.cropping):
            if shape[start + i] is not None and before + after >= shape[start + i]:
                raise ValueError("Argument `cropping` must be greater than the input shape. "
                                 f"Received: inputs.shape={tuple(shape)}, and "
                                 f"cropping={self.cropping}")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        self._check(tuple(inputs.shape))
        index = [slice(None)] * inputs.dim()
        start = self._first_spatial_axis()
        for i, (before, after) in enumerate(self.cropping):
            index[start + i] = slice(before, inputs.shape[start + i] - after)
        return inputs[tuple(index)]  # a view

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check(tuple(input_shape))
        shape = list(input_shape)
        start = self._first_spatial_axis()
        for i, (before, after) in enumerate(self.cropping):
            if shape[start + i] is not None:
                shape[start + i] -= before + after
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config


class Cropping1D(_Cropping):
    """Crops the steps axis of (batch, steps, features): ``cropping=(start, end)``."""

    rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any):
        Layer.__init__(self, **kwargs)
        self.data_format = "channels_last"
        self.cropping = (conv_utils.normalize_tuple(cropping, 2, "cropping", allow_zero=True),)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self) -> Dict[str, Any]:
        config = Layer.get_config(self)
        config["cropping"] = self.cropping[0]
        return config


class Cropping2D(_Cropping):
    """Crops rows and cols: ``cropping`` int, (h, w) or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of a 5-D input."""

    rank = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)),
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


# ------------------------------------------------------------------------ UpSampling
class UpSampling1D(Layer):
    """Repeats each step ``size`` times: (batch, steps, f) -> (batch, steps * size, f)."""

    def __init__(self, size: int = 2, **kwargs: Any):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.repeat_interleave(inputs, self.size, dim=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["size"] = self.size
        return config


class _UpSampling(_SpatialLayer):
    _MODES = {"nearest": "nearest", "area": "nearest", "bilinear": "bilinear"}

    def __init__(self, size: Any, data_format: Optional[str] = None,
                 interpolation: str = "nearest", **kwargs: Any):
        super().__init__(data_format, **kwargs)
        self.size = conv_utils.normalize_tuple(size, self.rank, "size")
        if interpolation not in self._MODES:
            supported = '", "'.join(self._MODES)
            raise ValueError(f'`interpolation` argument should be one of: "{supported}". '
                             f'Received: "{interpolation}".')
        self.interpolation = interpolation

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = conv_utils.to_channels_first(inputs, self.data_format)  # (batch, ch, *spatial)
        mode = self._MODES[self.interpolation]
        if mode == "nearest":
            y = F.interpolate(x, scale_factor=self.size, mode="nearest")
        else:  # TF2 resize: half-pixel centers, no antialiasing when upsampling
            y = F.interpolate(x, scale_factor=self.size, mode=mode, align_corners=False)
        return conv_utils.from_channels_first(y, self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        start = self._first_spatial_axis()
        for i, factor in enumerate(self.size):
            if shape[start + i] is not None:
                shape[start + i] *= factor
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config


class UpSampling2D(_UpSampling):
    """Repeats rows and cols (``interpolation='nearest'``) or resizes bilinearly."""

    rank = 2

    def __init__(self, size: Any = (2, 2), data_format: Optional[str] = None,
                 interpolation: str = "nearest", **kwargs: Any):
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config


class UpSampling3D(_UpSampling):
    """Repeats the three spatial axes (nearest)."""

    rank = 3

    def __init__(self, size: Any = (2, 2, 2), data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(size, data_format, "nearest", **kwargs)


# ------------------------------------------------------------------- Permute, Repeat
class Permute(Layer):
    """Permutes the non-batch axes: ``Permute((2, 1))`` swaps steps and features."""

    def __init__(self, dims: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["n"] = self.n
        return config
