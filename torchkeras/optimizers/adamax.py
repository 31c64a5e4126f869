"""Adamax (Adam with the infinity norm), Keras's formula."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (``keras.optimizers.Adamax``).

    ``m += (g - m) * (1 - beta_1)``; ``u = max(beta_2 * u, |g|)``;
    ``p -= lr * m / ((1 - beta_1^t) * (u + eps))``.

    Example:
        >>> opt = Adamax(learning_rate=2e-3)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 jit_compile: bool = True, name: str = "Adamax", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_blocks(self) -> List[List[str]]:
        return [["m", "u"]]

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float]:
        f = type(lr)
        return float(lr), float(f(1.0) - f(self.beta_1) ** f(t))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float]) -> None:
        lr, correction = scalars
        m, u = slots["m"], slots["u"]
        torch._foreach_lerp_(m, grads, 1.0 - self.beta_1)
        torch._foreach_mul_(u, float(self.beta_2))
        torch._foreach_maximum_(u, torch._foreach_abs(grads))
        denom = torch._foreach_add(u, float(self.epsilon))
        torch._foreach_mul_(denom, correction)
        torch._foreach_addcdiv_(params, m, denom, value=-lr)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
