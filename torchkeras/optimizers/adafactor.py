"""Adafactor, Keras's formula (factored second moments over Keras's last two axes)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from torchkeras.layers.weights import weight_spec
from torchkeras.optimizers.base import CallableList, Optimizer, _storage
from torchkeras.optimizers.schedules import LearningRateSchedule


def _rms(x: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(torch.mean(torch.square(x)))


__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adafactor (``keras.optimizers.Adafactor``; Shazeer & Stern, 2018).

    With ``t`` the step, ``rho = min(lr, 1/sqrt(t))`` (``lr`` itself is first capped the same
    way when it is a constant and ``relative_step``), ``alpha = max(epsilon_2, rms(p)) * rho``,
    ``g2 = g^2 + epsilon_1`` and ``beta_2 = 1 - t^beta_2_decay``: a variable of rank >= 2 keeps
    row/column means ``r``, ``c`` of ``g2`` over its last two (Keras-layout) axes and uses
    ``v = r / mean(r) x c``; other variables keep ``v`` itself. Then
    ``u = g / sqrt(v)``, ``p -= alpha * u / max(1, rms(u) / clip_threshold)``.

    Example:
        >>> opt = Adafactor(learning_rate=0.01)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_2_decay: float = -0.8,
                 epsilon_1: float = 1e-30, epsilon_2: float = 1e-3, clip_threshold: float = 1.0,
                 relative_step: bool = True, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 jit_compile: bool = True, name: str = "Adafactor", **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         jit_compile=jit_compile, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step
        self._layouts: Dict[int, Any] = {}

    # ------------------------------------------------------------------ layouts and slots
    def _unwrap_var_list(self, var_list: Any) -> List[Any]:
        """Remember each Keras variable's layout: Keras factors its last two Keras axes."""
        items = list(var_list)
        for item in items:
            if isinstance(item, dict):
                continue
            spec = weight_spec(item)
            tensor = _storage(item)
            if spec is not None and tensor is not item:
                self._layouts[id(tensor)] = spec.layout
        return super()._unwrap_var_list(items)

    def _to_keras(self, tensor: torch.Tensor, param: torch.Tensor) -> torch.Tensor:
        layout = self._layouts.get(id(param))
        return tensor if layout is None else layout.to_keras(tensor)

    def _from_keras(self, tensor: torch.Tensor, param: torch.Tensor) -> torch.Tensor:
        layout = self._layouts.get(id(param))
        return tensor if layout is None else layout.from_keras(tensor)

    def _slot_blocks(self) -> List[List[str]]:
        return [["r", "c", "v"]]

    def _init_slot(self, name: str, param: torch.Tensor) -> torch.Tensor:
        shape = tuple(self._to_keras(param, param).shape)  # Keras layout
        if name == "v":
            return torch.zeros(shape, dtype=param.dtype, device=param.device)
        if len(shape) < 2:  # not factored: an empty placeholder (no Keras variable)
            return torch.zeros((0,), dtype=param.dtype, device=param.device)
        slot_shape = shape[:-1] if name == "r" else shape[:-2] + shape[-1:]
        return torch.zeros(slot_shape, dtype=param.dtype, device=param.device)

    @property
    def variables(self) -> CallableList:
        """tf-keras order: iteration, then per variable ``r``, ``c`` (rank >= 2) and ``v``."""
        out = CallableList([torch.tensor(self._iterations, dtype=torch.int64)])
        if not self.built:
            return out
        params = [p for g in self.param_groups for p in g["params"]]
        if self.use_ema:
            out.extend(self.state[p]["average"] for p in params)
        for p in params:
            state = self.state[p]
            if state["v"].dim() >= 2:
                out.extend([state["r"], state["c"]])
            out.append(state["v"])
        out.extend(self._custom_variables)
        return out

    # ------------------------------------------------------------------ the update
    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float]:
        f = type(lr)
        step = f(t)
        inv_sqrt = f(1.0) / np.sqrt(step)
        if self.relative_step and not isinstance(self._learning_rate, LearningRateSchedule):
            lr = min(lr, inv_sqrt)
        rho = min(lr, inv_sqrt)
        beta_2 = f(1.0) - step ** f(self.beta_2_decay)
        return float(rho), float(beta_2)

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float]) -> None:
        rho, beta_2 = scalars
        eps_2 = float(self.epsilon_2)
        for p, g, r, c, v in zip(params, grads, slots["r"], slots["c"], slots["v"]):
            g = self._to_keras(g, p)
            alpha = torch.clamp_min(_rms(p), eps_2) * rho  # device scalar: no host sync
            g2 = torch.square(g) + float(self.epsilon_1)
            if g.dim() >= 2:
                r.mul_(beta_2).add_(torch.mean(g2, dim=-1), alpha=1.0 - beta_2)
                c.mul_(beta_2).add_(torch.mean(g2, dim=-2), alpha=1.0 - beta_2)
                v.copy_((r / torch.mean(r, dim=-1, keepdim=True)).unsqueeze(-1) *
                        c.unsqueeze(-2))
            else:
                v.mul_(beta_2).add_(g2, alpha=1.0 - beta_2)
            u = g * torch.rsqrt(v)
            u = u / torch.clamp_min(_rms(u) / float(self.clip_threshold), 1.0)
            p.sub_(self._from_keras(alpha * u, p))

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config
