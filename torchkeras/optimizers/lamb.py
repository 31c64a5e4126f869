"""Lamb (layer-wise adaptive Adam, Keras 3's ``keras.optimizers.Lamb``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Lamb"]


class Lamb(Optimizer):
    """Lamb (``keras.optimizers.Lamb``, Keras 3 only).

    Adam's moments, then ``update = m_hat / (sqrt(v_hat) + eps)`` scaled per variable by the
    trust ratio ``||w|| / ||update||`` (1 where either norm is 0):
    ``w -= ratio * lr * update``.

    Example:
        >>> opt = Lamb(learning_rate=1e-3)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 name: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_blocks(self) -> List[List[str]]:
        return [["momentum", "velocity"]]

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float, float]:
        f = type(lr)
        return (float(lr), float(f(1.0) - f(self.beta_1) ** f(t)),
                float(f(1.0) - f(self.beta_2) ** f(t)))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float, float]) -> None:
        lr, correction_1, correction_2 = scalars
        m, v = slots["momentum"], slots["velocity"]
        torch._foreach_lerp_(m, grads, 1.0 - self.beta_1)  # m += (g - m) * (1 - beta_1)
        torch._foreach_mul_(v, float(self.beta_2))
        torch._foreach_addcmul_(v, grads, grads, value=1.0 - self.beta_2)
        denom = torch._foreach_div(v, correction_2)
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, float(self.epsilon))
        update = torch._foreach_div(m, correction_1)
        torch._foreach_div_(update, denom)  # m_hat / (sqrt(v_hat) + eps)
        w_norms = torch._foreach_norm(params)
        u_norms = torch._foreach_norm(update)
        for p, u, w_norm, u_norm in zip(params, update, w_norms, u_norms):
            ratio = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm,
                                torch.ones_like(w_norm))
            p.sub_(u * (ratio * lr))

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
