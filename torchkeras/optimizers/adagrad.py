"""Adagrad, Keras's formula (epsilon inside the square root)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (``keras.optimizers.Adagrad``): ``a += g^2``; ``p -= lr * g / sqrt(a + eps)``.

    Example:
        >>> opt = Adagrad(learning_rate=0.01, initial_accumulator_value=0.1)
    """

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 jit_compile: bool = True, name: str = "Adagrad", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_blocks(self) -> List[List[str]]:
        return [["accumulator"]]

    def _init_slot(self, name: str, param: torch.Tensor) -> torch.Tensor:
        return torch.full_like(param, float(self.initial_accumulator_value))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], lr: float) -> None:
        acc = slots["accumulator"]
        torch._foreach_addcmul_(acc, grads, grads)
        denom = torch._foreach_add(acc, float(self.epsilon))
        torch._foreach_sqrt_(denom)
        torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
