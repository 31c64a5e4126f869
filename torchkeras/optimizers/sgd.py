"""SGD with optional (Nesterov) momentum, Keras's formula (lr inside the velocity)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent with momentum (``keras.optimizers.SGD``).

    ``m = momentum * m - lr * g``; ``p += m`` (nesterov: ``p += momentum * m - lr * g``).
    With ``momentum=0``: ``p -= lr * g``.

    Example:
        >>> opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "SGD", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
            raise ValueError("`momentum` must be between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def _slot_blocks(self) -> List[List[str]]:
        return [["m"]]  # Keras creates the momentum variable even when momentum == 0

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], lr: float) -> None:
        if not self.momentum:
            torch._foreach_add_(params, grads, alpha=-lr)
            return
        mu = float(self.momentum)
        m = slots["m"]
        torch._foreach_mul_(m, mu)
        torch._foreach_add_(m, grads, alpha=-lr)  # m = mu * m - lr * g
        if self.nesterov:
            torch._foreach_add_(params, m, alpha=mu)
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_add_(params, m)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
