"""FTRL-proximal, Keras's formula."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Ftrl"]


class Ftrl(Optimizer):
    """FTRL (``keras.optimizers.Ftrl``).

    With ``n`` the accumulator and ``z`` the linear term (``p = -lr_power``):
    ``g' = g + 2 * l2_shrinkage * w``; ``n' = n + g^2``;
    ``z += g' - (n'^p - n^p) / lr * w``; ``q = n'^p / lr + 2 * (l2 + beta / (2 lr))``;
    ``w = (clip(z, -l1, l1) - z) / q``; ``n = n'``.

    Example:
        >>> opt = Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0,
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "Ftrl", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: "
                                 f"{arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slot_blocks(self) -> List[List[str]]:
        return [["accumulator", "linear"]]

    def _init_slot(self, name: str, param: torch.Tensor) -> torch.Tensor:
        if name == "accumulator":
            return torch.full_like(param, float(self.initial_accumulator_value))
        return torch.zeros_like(param)

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float]:
        f = type(lr)
        l2 = f(self.l2_regularization_strength) + f(self.beta) / (f(2.0) * lr)
        return float(lr), float(f(2.0) * l2)

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float]) -> None:
        lr, two_l2 = scalars
        power = -float(self.learning_rate_power)
        l1 = float(self.l1_regularization_strength)
        acc, linear = slots["accumulator"], slots["linear"]
        shrink = float(self.l2_shrinkage_regularization_strength)
        grad_to_use = torch._foreach_add(grads, params, alpha=2 * shrink) if shrink else grads
        new_acc = torch._foreach_addcmul(acc, grads, grads)
        new_pow = torch._foreach_pow(new_acc, power)
        sigma = torch._foreach_sub(new_pow, torch._foreach_pow(acc, power))
        torch._foreach_div_(sigma, lr)
        torch._foreach_mul_(sigma, params)
        torch._foreach_add_(linear, grad_to_use)
        torch._foreach_sub_(linear, sigma)
        torch._foreach_div_(new_pow, lr)
        torch._foreach_add_(new_pow, two_l2)  # quadratic
        update = torch._foreach_clamp_max(linear, l1)
        torch._foreach_clamp_min_(update, -l1)
        torch._foreach_sub_(update, linear)
        torch._foreach_div_(update, new_pow)
        torch._foreach_copy_(params, update)
        torch._foreach_copy_(acc, new_acc)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
