"""Nadam (Adam with Nesterov momentum), Keras 2.11+ momentum schedule."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Nadam (``keras.optimizers.Nadam``).

    ``u_t = beta_1 * (1 - 0.5 * 0.96^t)``, ``U_t = u_1 * ... * u_t``;
    ``m_hat = u_{t+1} * m / (1 - U_{t+1}) + (1 - u_t) * g / (1 - U_t)``,
    ``v_hat = v / (1 - beta_2^t)``; ``p -= lr * m_hat / (sqrt(v_hat) + eps)``.
    The product ``U_t`` is kept on the host.

    Example:
        >>> opt = Nadam(learning_rate=2e-3)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 jit_compile: bool = True, name: str = "Nadam", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._u_product = None  # product of u_1..u_t, host scalar
        self._u_product_step = 0

    def _slot_blocks(self) -> List[List[str]]:
        return [["m", "v"]]

    def _u(self, t: int) -> np.floating:
        f = self._host_dtype
        return f(self.beta_1) * (f(1.0) - f(0.5) * f(0.96) ** f(t))

    def _prepare_step(self, t: int) -> None:
        f = self._host_dtype
        if self._u_product is None or self._u_product_step != t - 1:
            self._recompute_u_product(t - 1)
        self._u_product = f(self._u_product * self._u(t))
        self._u_product_step = t

    def _recompute_u_product(self, t: int) -> None:
        """U_t from scratch (after iterations were set or state loaded)."""
        f = self._host_dtype
        product = f(1.0)
        for i in range(1, t + 1):
            product = f(product * self._u(i))
        self._u_product, self._u_product_step = product, t

    def _after_set_iterations(self) -> None:
        self._u_product = None

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, ...]:
        f = type(lr)
        u_t, u_t1 = self._u(t), self._u(t + 1)
        u_product_t = self._u_product
        u_product_t1 = u_product_t * u_t1
        beta_2_power = f(self.beta_2) ** f(t)
        # tf-keras's Nadam casts the betas first: 1 - beta is formed in float32 (Adam's is not)
        return (float(u_t1 / (f(1.0) - u_product_t1)), float((f(1.0) - u_t) / (f(1.0) - u_product_t)),
                float(f(1.0) - beta_2_power), float(lr),
                float(f(1.0) - f(self.beta_1)), float(f(1.0) - f(self.beta_2)))

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, ...]) -> None:
        c_m, c_g, v_correction, lr, one_minus_b1, one_minus_b2 = scalars
        m, v = slots["m"], slots["v"]
        torch._foreach_lerp_(m, grads, one_minus_b1)
        torch._foreach_mul_(v, float(self.beta_2))
        torch._foreach_addcmul_(v, grads, grads, value=one_minus_b2)
        m_hat = torch._foreach_mul(m, c_m)
        torch._foreach_add_(m_hat, grads, alpha=c_g)
        denom = torch._foreach_div(v, v_correction)
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, float(self.epsilon))
        torch._foreach_addcdiv_(params, m_hat, denom, value=-lr)

    def _host_state(self) -> Dict[str, Any]:
        state = super()._host_state()
        if self._u_product is not None:
            state["u_product"] = float(self._u_product)
            state["u_product_step"] = self._u_product_step
        return state

    def _load_host_state(self, host: Dict[str, Any]) -> None:
        super()._load_host_state(host)
        if "u_product" in host:
            self._u_product = self._host_dtype(host["u_product"])
            self._u_product_step = int(host["u_product_step"])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
