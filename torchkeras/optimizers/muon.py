"""Muon (Keras 3's ``keras.optimizers.Muon``): orthogonalized momentum for 2D weights,
AdamW for everything else."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from torchkeras.optimizers.base import Optimizer


__all__ = ["Muon"]


class Muon(Optimizer):
    """Muon (``keras.optimizers.Muon``, Keras 3 only).

    2D variables (not embeddings when ``exclude_embeddings``, not matching ``exclude_layers``):
    ``m += g + (momentum - 1) m``; ``u = newton_schulz5(g + momentum m)`` (nesterov) and
    ``w -= lr * u * sqrt(max(rows, cols)) * rms_rate``. Other variables: AdamW at
    ``lr * adam_lr_ratio``. Weight decay: ``weight_decay`` on Muon variables,
    ``adam_weight_decay`` on the others.

    Example:
        >>> opt = Muon(learning_rate=1e-3, momentum=0.95)
    """

    def __init__(self, learning_rate: Any = 0.001, adam_beta_1: float = 0.9,
                 adam_beta_2: float = 0.999, adam_weight_decay: Optional[float] = 0.004,
                 epsilon: float = 1e-7, weight_decay: Optional[float] = 0.004,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 name: Optional[str] = None, exclude_layers: Optional[Sequence[str]] = None,
                 exclude_embeddings: bool = True, muon_a: float = 3.4445,
                 muon_b: float = -4.7750, muon_c: float = 2.0315, adam_lr_ratio: float = 1,
                 momentum: float = 0.95, ns_steps: int = 5, nesterov: bool = True,
                 rms_rate: Optional[float] = 0.2, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, name=name, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _slot_blocks(self) -> List[List[str]]:
        return [["momentum"], ["velocity"]]

    def _should_use_adamw(self, p: torch.Tensor) -> bool:
        """Keras's rule: not 2D, an embedding, or a variable of an excluded layer."""
        if p.dim() != 2:
            return True
        path = self._variable_names.get(id(p), "")
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def _apply_weight_decay(self, params: List[torch.Tensor], mask: List[bool],
                            lr_t: np.floating) -> None:
        f = type(lr_t)
        with torch.no_grad():
            for p, use in zip(params, mask):
                wd = self.adam_weight_decay if self._should_use_adamw(p) else self.weight_decay
                if use and wd:
                    p.add_(p, alpha=-float(f(wd) * lr_t))

    def _compute_scalars(self, lr: np.floating, t: int) -> Tuple[float, float]:
        f = type(lr)
        adam_lr = lr * f(self.adam_lr_ratio)
        alpha = adam_lr * np.sqrt(f(1.0) - f(self.adam_beta_2) ** f(t)) / (
            f(1.0) - f(self.adam_beta_1) ** f(t))
        return float(lr), float(alpha)

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Tuple[float, float]) -> None:
        lr, alpha = scalars
        for p, g, m, v in zip(params, grads, slots["momentum"], slots["velocity"]):
            if self._should_use_adamw(p):
                m.lerp_(g, 1.0 - self.adam_beta_1)
                v.mul_(self.adam_beta_2).addcmul_(g, g, value=1.0 - self.adam_beta_2)
                p.sub_(m * alpha / (v.sqrt() + self.epsilon))
                continue
            m.add_(g + m * (self.momentum - 1))
            update = self._newton_schulz5(g + self.momentum * m if self.nesterov else m)
            if self.rms_rate is not None:
                update = update * (float(max(update.shape[0], update.shape[1])) ** 0.5
                                   * self.rms_rate)
            p.sub_(lr * update)

    def _newton_schulz5(self, x: torch.Tensor) -> torch.Tensor:
        """An approximate orthogonalization ``U V^T`` of ``x`` (rows, cols), Keras's
        quintic Newton-Schulz iteration on the wide orientation."""
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = x.transpose(-2, -1)
        x = x / (torch.linalg.matrix_norm(x, keepdim=True) + 1e-7)  # spectral norm <= 1
        for _ in range(self.ns_steps):
            gram = x @ x.transpose(-2, -1)  # (rows, rows)
            x = a * x + (b * gram + c * gram @ gram) @ x
        return x.transpose(-2, -1) if tall else x

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                       "epsilon": self.epsilon, "exclude_layers": self.exclude_layers,
                       "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
                       "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                       "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                       "exclude_embeddings": self.exclude_embeddings,
                       "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate})
        return config
