"""ScheduleFreeAdamW (Keras 3's ``keras.optimizers.ScheduleFreeAdamW``): Adam without a
learning-rate schedule, interpolating between an iterate average and the base sequence."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["ScheduleFreeAdamW"]


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (``keras.optimizers.ScheduleFreeAdamW``, Keras 3 only).

    ``z -= lr_t * g / (sqrt(v / (1 - beta_2^t)) + eps)`` (``z`` is the "momentum" slot,
    started at the variable); ``x = ((y - (1 - beta_1) z) / beta_1) (1 - 1/t) + z / t`` (the
    updated ``z`` in both places, as Keras 3.15 computes it);
    the variable becomes ``y = (1 - beta_1) z + beta_1 x``. ``lr_t`` ramps linearly over
    ``warmup_steps``.

    Example:
        >>> opt = ScheduleFreeAdamW(learning_rate=0.0025, warmup_steps=100)
    """

    def __init__(self, learning_rate: Any = 0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, warmup_steps: int = 0,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None,
                 name: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _slot_blocks(self) -> List[List[str]]:
        return [["momentum", "velocity"]]

    def _init_slot(self, name: str, param: torch.Tensor) -> torch.Tensor:
        if name == "momentum":  # z starts at the variable
            return param.clone(memory_format=torch.preserve_format)
        return super()._init_slot(name, param)

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float, float]:
        f = type(lr)
        step = f(t)
        if self.warmup_steps > 0:
            lr = lr * min(step / f(self.warmup_steps), f(1.0))
        weight = f(1.0) / step
        return float(lr), float(f(1.0) - f(self.beta_2) ** step), float(weight)

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float, float]) -> None:
        lr, correction_2, weight = scalars
        beta_1 = float(np.float32(self.beta_1)) if params[0].dtype != torch.float64 \
            else float(self.beta_1)
        z, v = slots["momentum"], slots["velocity"]
        torch._foreach_lerp_(v, torch._foreach_mul(grads, grads), 1.0 - self.beta_2)
        denom = torch._foreach_div(v, correction_2)
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, float(self.epsilon))
        step = torch._foreach_mul(grads, lr)
        torch._foreach_div_(step, denom)
        torch._foreach_sub_(z, step)  # z -= lr * g / denom
        # x_old = (y - (1 - beta_1) z) / beta_1 with the UPDATED z: Keras's `momentum.value`
        # aliases the variable, so its "momentum_old" is read after the update (Keras 3.15).
        x = torch._foreach_add(params, z, alpha=-(1.0 - beta_1))
        torch._foreach_div_(x, beta_1)
        torch._foreach_lerp_(x, z, weight)  # x_new = (1 - w) x_old + w z
        # y = (1 - beta_1) z + beta_1 x_new
        torch._foreach_mul_(x, beta_1)
        torch._foreach_add_(x, z, alpha=1.0 - beta_1)
        torch._foreach_copy_(params, x)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
