"""AdamW: Adam with decoupled weight decay (default 0.004), as Keras defines it."""
from __future__ import annotations

from typing import Any, Optional

from torchkeras.optimizers.adam import Adam


__all__ = ["AdamW"]


class AdamW(Adam):
    """AdamW (``keras.optimizers.AdamW``): ``p -= lr * weight_decay * p``, then the Adam update.

    Example:
        >>> opt = AdamW(learning_rate=1e-3, weight_decay=0.004)
    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Optional[int] = None, jit_compile: bool = True,
                 name: str = "AdamW", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Missing value of `weight_decay` which is required and must be a "
                             "float value.")
