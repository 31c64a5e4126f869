"""Adadelta, Keras's formula (learning rate scales the delta; default lr 0.001)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (``keras.optimizers.Adadelta``).

    ``G = rho * G + (1 - rho) * g^2``; ``d = -sqrt(D + eps) * g / sqrt(G + eps)``;
    ``D = rho * D + (1 - rho) * d^2``; ``p += lr * d``.

    Example:
        >>> opt = Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "Adadelta", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _slot_blocks(self) -> List[List[str]]:
        return [["accumulated_grad", "accumulated_delta_var"]]

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], lr: float) -> None:
        rho, eps = float(self.rho), float(self.epsilon)
        acc_g, acc_d = slots["accumulated_grad"], slots["accumulated_delta_var"]
        torch._foreach_mul_(acc_g, rho)
        torch._foreach_addcmul_(acc_g, grads, grads, value=1.0 - rho)
        delta = torch._foreach_add(acc_d, eps)
        torch._foreach_sqrt_(delta)
        torch._foreach_mul_(delta, grads)            # sqrt(D + eps) * g
        rms_g = torch._foreach_add(acc_g, eps)
        torch._foreach_sqrt_(rms_g)
        torch._foreach_div_(delta, rms_g)            # -d
        torch._foreach_mul_(acc_d, rho)
        torch._foreach_addcmul_(acc_d, delta, delta, value=1.0 - rho)
        torch._foreach_add_(params, delta, alpha=-lr)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
