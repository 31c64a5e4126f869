"""RMSprop, Keras's formula (epsilon inside the square root)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (``keras.optimizers.RMSprop``).

    ``v = rho * v + (1 - rho) * g^2``; ``inc = lr * g / sqrt(v + eps)``
    (centered: ``sqrt(v - a^2 + eps)`` with ``a = rho * a + (1 - rho) * g``);
    ``p -= inc``, or with momentum ``M = momentum * M + inc; p -= M``.

    Example:
        >>> opt = RMSprop(learning_rate=1e-3, rho=0.9, centered=True)
    """

    _default_ema_overwrite_frequency = 100

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = 100, jit_compile: bool = True,
                 name: str = "RMSprop", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _slot_blocks(self) -> List[List[str]]:
        blocks = [["velocity"]]
        if self.momentum > 0:
            blocks.append(["momentum"])
        if self.centered:
            blocks.append(["average_gradient"])
        return blocks

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], lr: float) -> None:
        rho, eps = float(self.rho), float(self.epsilon)
        v = slots["velocity"]
        torch._foreach_mul_(v, rho)
        torch._foreach_addcmul_(v, grads, grads, value=1.0 - rho)
        if self.centered:
            a = slots["average_gradient"]
            torch._foreach_mul_(a, rho)
            torch._foreach_add_(a, grads, alpha=1.0 - rho)
            denom = torch._foreach_addcmul(v, a, a, value=-1.0)  # v - a^2
            torch._foreach_add_(denom, eps)
        else:
            denom = torch._foreach_add(v, eps)
        torch._foreach_sqrt_(denom)
        if self.momentum > 0:
            m = slots["momentum"]
            torch._foreach_mul_(m, float(self.momentum))
            torch._foreach_addcdiv_(m, grads, denom, value=lr)
            torch._foreach_sub_(params, m)
        else:
            torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
