"""Keras 3's composite augmentations: ``Pipeline`` (layers in order, training passed on),
``RandomColorJitter`` (brightness, contrast, saturation, hue) and ``RandAugment``
(``num_ops`` operations drawn from eleven, one choice per batch), ``AugMix``."""
from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional, Sequence

import torch

from torchkeras.layers.augmentation_base import (ImageAugmentationLayer, check_value_range,
                                                 factor_pair, float_images)
from torchkeras.layers.base import Layer
from torchkeras.layers.color_augmentation import (AutoContrast, Equalization,
                                                  RandomColorDegeneration, RandomHue,
                                                  RandomPosterization, RandomSaturation,
                                                  RandomSharpness, Solarization)
from torchkeras.layers.geometric_augmentation import RandomShear
from torchkeras.layers.image_augmentation import (RandomBrightness, RandomContrast,
                                                  RandomRotation, RandomTranslation)
from torchkeras.registry.builtin_objects import builtin_objects
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["AugMix", "Pipeline", "RandAugment", "RandomColorJitter"]


class Pipeline(Layer):
    """Apply ``layers`` in sequence (a light ``Sequential`` for preprocessing)."""

    def __init__(self, layers: Sequence[Layer], name: Optional[str] = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> List[Layer]:
        return self._pipeline_layers

    def call(self, inputs: Any, training: Optional[bool] = True) -> Any:
        for layer in self._pipeline_layers:
            inputs = layer(inputs, training=training) if _takes_training(layer) \
                else layer(inputs)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Pipeline":
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list "
                             f"of serialized layers. Received config with layers={layers}.")
        config = dict(config)
        config["layers"] = [deserialize_keras_object(x, builtin_objects("layers"),
                                                     printable_module_name="layer")
                            for x in layers]
        return cls(**config)

    def get_config(self) -> Dict[str, Any]:
        return {"layers": [serialize_keras_object(x) for x in self._pipeline_layers],
                "name": self.name}


def _takes_training(layer: Layer) -> bool:
    return "training" in inspect.signature(layer.call).parameters


class RandomColorJitter(ImageAugmentationLayer):
    """Random brightness, contrast, saturation and hue, in that order (each optional)."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range: Sequence[float] = (0, 255), brightness_factor: Any = None,
                 contrast_factor: Any = None, saturation_factor: Any = None,
                 hue_factor: Any = None, seed: Optional[int] = None,
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        if brightness_factor is not None:
            self._brightness = factor_pair(brightness_factor, (-1, 1), "brightness_factor")
        if contrast_factor is not None:
            self._contrast = factor_pair(contrast_factor, (-1, 1), "contrast_factor")
        self.random_saturation = None if saturation_factor is None else RandomSaturation(
            saturation_factor, value_range=value_range, seed=seed)
        self.random_hue = None if hue_factor is None else RandomHue(
            hue_factor, value_range=value_range, seed=seed)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, Any]:
        return {}  # each step draws from the images it receives (as Keras 3)

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        low, high = sorted(self.value_range)
        shape = (images.shape[0], 1, 1, 1)  # (batch, 1, 1, 1): one factor per image
        if self.brightness_factor is not None:
            delta = self._uniform(shape, self._brightness[0], self._brightness[1],
                                  images.device)
            images = (images + delta * (high - low)).clamp(low, high)
        if self.contrast_factor is not None:
            factor = self._uniform(shape, 1.0 - self._contrast[0], 1.0 + self._contrast[1],
                                   images.device)
            mean = images.mean(dim=(1, 2), keepdim=True)  # (batch, 1, 1, channels)
            images = ((images - mean) * factor + mean).clamp(low, high)
        for layer in (self.random_saturation, self.random_hue):
            if layer is not None:
                images = layer.transform_images(images,
                                                layer.get_random_transformation(images))
        return images

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range,
                       "brightness_factor": self.brightness_factor,
                       "contrast_factor": self.contrast_factor,
                       "saturation_factor": self.saturation_factor,
                       "hue_factor": self.hue_factor, "seed": self.seed})
        return config


class RandAugment(ImageAugmentationLayer):
    """``num_ops`` times: one of eleven augmentations (drawn per call) at strength
    ``factor``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _AUGMENT_LAYERS = ["random_shear", "random_translation", "random_rotation",
                       "random_brightness", "random_color_degeneration", "random_contrast",
                       "random_sharpness", "random_posterization", "solarization",
                       "auto_contrast", "equalization"]

    def __init__(self, value_range: Sequence[float] = (0, 255), num_ops: int = 2,
                 factor: Any = 0.5, interpolation: str = "bilinear",
                 seed: Optional[int] = None, data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        factor = self.factor
        self.random_shear = RandomShear(x_factor=factor, y_factor=factor,
                                        interpolation=interpolation, seed=seed)
        self.random_translation = RandomTranslation(factor, factor,
                                                    interpolation=interpolation, seed=seed)
        self.random_rotation = RandomRotation(factor, interpolation=interpolation, seed=seed)
        self.random_brightness = RandomBrightness(factor, value_range=value_range, seed=seed)
        self.random_color_degeneration = RandomColorDegeneration(
            factor, value_range=value_range, seed=seed)
        self.random_contrast = RandomContrast(factor, seed=seed)
        self.random_sharpness = RandomSharpness(factor, value_range=value_range, seed=seed)
        self.solarization = Solarization(addition_factor=factor, threshold_factor=factor,
                                         value_range=value_range, seed=seed)
        self.random_posterization = RandomPosterization(
            factor=max(1, int(8 * factor[1])), value_range=value_range, seed=seed)
        self.auto_contrast = AutoContrast(value_range=value_range)
        self.equalization = Equalization(value_range=value_range)
        self._ops = [self.random_shear, self.random_translation, self.random_rotation,
                     self.random_brightness, self.random_color_degeneration,
                     self.random_contrast, self.random_sharpness, self.random_posterization,
                     self.solarization, self.auto_contrast, self.equalization]

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, Any]]:
        if not training:
            return None
        draw = self._uniform((self.num_ops,), 0, len(self._ops), torch.device("cpu"))
        return {"layer_idxes": draw.floor().clamp(max=len(self._ops) - 1).long()}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        for index in torch.as_tensor(transformation["layer_idxes"]).tolist():
            layer = self._ops[int(index)]
            images = float_images(layer(images, training=True))
        return images

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_ops": self.num_ops,
                       "factor": self.factor, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


class AugMix(ImageAugmentationLayer):
    """Mix ``num_chains`` chains of up to ``chain_depth`` random operations (Dirichlet
    weights), then blend with the original by a Beta(alpha, alpha) weight."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _LAYERS_ALL = ["random_shear", "random_translation", "random_rotation",
                   "random_posterization", "solarization", "auto_contrast", "equalization",
                   "random_brightness", "random_color_degeneration", "random_contrast",
                   "random_sharpness"]

    def __init__(self, value_range: Sequence[float] = (0, 255), num_chains: int = 3,
                 chain_depth: int = 3, factor: Any = 0.3, alpha: float = 1.0,
                 all_ops: bool = True, interpolation: str = "bilinear",
                 seed: Optional[int] = None, data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        factor = self.factor
        ops = [RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation,
                           seed=seed),
               RandomTranslation(factor, factor, interpolation=interpolation, seed=seed),
               RandomRotation(factor, interpolation=interpolation, seed=seed),
               RandomPosterization(factor=max(1, int(8 * factor[1])),
                                   value_range=value_range, seed=seed),
               Solarization(addition_factor=factor, threshold_factor=factor,
                            value_range=value_range, seed=seed),
               AutoContrast(value_range=value_range), Equalization(value_range=value_range)]
        if all_ops:
            ops += [RandomBrightness(factor, value_range=value_range, seed=seed),
                    RandomColorDegeneration(factor, value_range=value_range, seed=seed),
                    RandomContrast(factor, seed=seed),
                    RandomSharpness(factor, value_range=value_range, seed=seed)]
        self._ops = ops

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, Any]]:
        if not training:
            return None
        gamma = self._gamma((self.num_chains,), self.alpha)
        choices = len(self._ops) + 1  # "None" (skip this depth step) is one choice
        picks = self._uniform((self.num_chains, self.chain_depth), 0, choices,
                              torch.device("cpu")).floor().clamp(max=choices - 1).long()
        return {"chain_mixing_weights": gamma / gamma.sum(),
                "weight_sample": self._beta((), self.alpha, torch.device("cpu")),
                "chain_ops": picks}

    def _gamma(self, shape: Sequence[int], alpha: float) -> torch.Tensor:
        concentration = torch.full(tuple(shape), float(alpha))
        seed = self._generator_seed()
        if seed is None:
            return torch.distributions.Gamma(concentration, 1.0).sample()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return torch.distributions.Gamma(concentration, 1.0).sample()

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        weights = torch.as_tensor(transformation["chain_mixing_weights"]).to(images)
        weight = torch.as_tensor(transformation["weight_sample"]).to(images)
        mixed = torch.zeros_like(images)
        for chain, picks in enumerate(torch.as_tensor(transformation["chain_ops"]).tolist()):
            chained = images
            for pick in picks:
                if pick < len(self._ops):
                    chained = float_images(self._ops[pick](chained, training=True))
            mixed = mixed + chained * weights[chain]
        images = weight * images + (1 - weight) * mixed
        return images.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_chains": self.num_chains,
                       "chain_depth": self.chain_depth, "factor": self.factor,
                       "alpha": self.alpha, "all_ops": self.all_ops,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config
