"""Adam, Keras's formula (epsilon added to sqrt(v) after folding the bias corrections into lr)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (``keras.optimizers.Adam``).

    ``m += (g - m) * (1 - beta_1)``; ``v += (g^2 - v) * (1 - beta_2)``;
    ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``; ``p -= alpha * m / (sqrt(v) + eps)``
    (amsgrad: ``vhat = max(vhat, v)`` replaces v). Differs from ``torch.optim.Adam``, which
    adds eps to the bias-corrected ``sqrt(v_hat)``.

    Example:
        >>> opt = Adam(learning_rate=1e-3, amsgrad=True)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "Adam", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _slot_blocks(self) -> List[List[str]]:
        return [["m", "v"], ["vhat"]] if self.amsgrad else [["m", "v"]]

    def _compute_scalars(self, lr: np.floating, t: int) -> float:
        f = type(lr)
        beta_1_power = f(self.beta_1) ** f(t)
        beta_2_power = f(self.beta_2) ** f(t)
        return float(lr * np.sqrt(f(1.0) - beta_2_power) / (f(1.0) - beta_1_power))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], alpha: float) -> None:
        m, v = slots["m"], slots["v"]
        torch._foreach_lerp_(m, grads, 1.0 - self.beta_1)
        torch._foreach_mul_(v, float(self.beta_2))
        torch._foreach_addcmul_(v, grads, grads, value=1.0 - self.beta_2)
        if self.amsgrad:
            torch._foreach_maximum_(slots["vhat"], v)
            v = slots["vhat"]
        denom = torch._foreach_sqrt(v)
        torch._foreach_add_(denom, float(self.epsilon))
        torch._foreach_addcdiv_(params, m, denom, value=-alpha)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
