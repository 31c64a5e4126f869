"""Lion (sign of an interpolated momentum), Keras's formula."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Lion"]


class Lion(Optimizer):
    """Lion (``keras.optimizers.Lion``; tf-keras default learning rate 1e-4).

    ``p -= lr * sign(beta_1 * m + (1 - beta_1) * g)``; ``m = beta_2 * m + (1 - beta_2) * g``.

    Example:
        >>> opt = Lion(learning_rate=1e-4, beta_1=0.9, beta_2=0.99)
    """

    def __init__(self, learning_rate: Any = 0.0001, beta_1: float = 0.9, beta_2: float = 0.99,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "Lion", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(f"`beta_1`={beta_1} must be between ]0, 1]. Otherwise, the "
                             "optimizer degenerates to SignSGD.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _slot_blocks(self) -> List[List[str]]:
        return [["m"]]

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float, float]:
        f = type(lr)  # tf-keras casts the betas to the variable dtype before `1 - beta`
        return float(lr), float(f(1.0) - f(self.beta_1)), float(f(1.0) - f(self.beta_2))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float, float]) -> None:
        lr, one_minus_b1, one_minus_b2 = scalars
        m = slots["m"]
        direction = torch._foreach_mul(m, float(self.beta_1))
        torch._foreach_add_(direction, grads, alpha=one_minus_b1)
        torch._foreach_sign_(direction)
        torch._foreach_add_(params, direction, alpha=-lr)
        torch._foreach_mul_(m, float(self.beta_2))
        torch._foreach_add_(m, grads, alpha=one_minus_b2)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
