"""The loss base class (``keras.losses.Loss``) and :class:`LossFunctionWrapper`, which
makes a loss function a :class:`Loss`."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import torch

from torchkeras.losses.reduction import (Reduction, TensorLike, apply_valid_mask, as_tensor,
                                         compute_weighted_loss, get_mask,
                                         squeeze_or_expand_dimensions)
from torchkeras.registry.builtin_objects import builtin_objects
from torchkeras.registry.object_registration import get_registered_name
from torchkeras.registry.serialization import deserialize_keras_object


class Loss:
    """Loss base class: subclasses implement ``call(y_true, y_pred)`` (per-sample losses).

    ``loss(y_true, y_pred, sample_weight=None)`` weights and reduces them:

    >>> class MyMSE(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return torch.mean(torch.square(y_pred - y_true), dim=-1)
    >>> MyMSE()(torch.zeros(2, 1), torch.ones(2, 1))
    tensor(1.)
    """

    def __init__(self, reduction: Optional[str] = Reduction.AUTO, name: Optional[str] = None):
        if reduction is None:  # Keras 3 spelling of 'none'
            reduction = Reduction.NONE
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name
        self._allow_sum_over_batch_size = False

    def __call__(self, y_true: TensorLike, y_pred: TensorLike,
                 sample_weight: Any = None) -> torch.Tensor:
        if not isinstance(y_pred, torch.Tensor):
            y_pred = as_tensor(y_pred, y_true.device if isinstance(y_true, torch.Tensor)
                               else None)
        y_true = as_tensor(y_true, y_pred.device)
        losses = self.call(y_true, y_pred)
        if not isinstance(losses, torch.Tensor):
            losses = as_tensor(losses, y_pred.device)
        in_mask, out_mask = get_mask(y_pred), get_mask(losses)
        if (sample_weight is None and in_mask is None and out_mask is None and
                self.reduction in (Reduction.AUTO, Reduction.SUM_OVER_BATCH_SIZE) and
                losses.is_floating_point() and losses.numel()):
            # The training step's common case: what compute_weighted_loss does for it
            # (sum / number of elements), without its general machinery.
            return losses.sum() / losses.numel()
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if in_mask is not None else out_mask
        reduction = self._get_reduction()
        sample_weight = apply_valid_mask(losses, sample_weight, mask, reduction)
        return compute_weighted_loss(losses, sample_weight, reduction=reduction)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Per-sample losses, shape ``[batch_size, d0, .. dN-1]``."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def _get_reduction(self) -> str:
        if self.reduction == Reduction.AUTO:
            return Reduction.SUM_OVER_BATCH_SIZE
        return self.reduction

    def get_config(self) -> Dict[str, Any]:
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)  # some Keras 3 configs carry a dtype: losses compute in y_pred's
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` as a :class:`Loss`."""

    def __init__(self, fn: Callable, reduction: str = Reduction.AUTO,
                 name: Optional[str] = None, **kwargs: Any):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        if isinstance(y_pred, torch.Tensor) and isinstance(y_true, torch.Tensor):
            y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        for key, value in self._fn_kwargs.items():
            config[key] = value.tolist() if isinstance(value, torch.Tensor) else value
        if type(self) is LossFunctionWrapper:
            config["fn"] = get_registered_name(self.fn)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Loss":
        config = dict(config)
        config.pop("dtype", None)
        fn_name = config.pop("fn", None)
        if cls is LossFunctionWrapper:
            if fn_name is None:
                raise ValueError("A LossFunctionWrapper config needs the wrapped 'fn'.")
            config["fn"] = deserialize_keras_object(fn_name, builtin_objects("losses"),
                                                    printable_module_name="loss function")
        return cls(**config)


def wrapped_fn_kwargs(loss: Any) -> Dict[str, Any]:
    """The keyword arguments a :class:`LossFunctionWrapper` passes its ``fn`` (as
    ``ignore_class`` of ``SparseCategoricalCrossentropy``); ``{}`` for other losses."""
    return getattr(loss, "_fn_kwargs", {})


__all__ = ["Loss", "LossFunctionWrapper"]
