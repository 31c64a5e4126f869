"""``keras.mixed_precision.LossScaleOptimizer``: dynamic loss scaling around an optimizer.

Under ``'mixed_float16'`` small gradients underflow in float16; the loss is multiplied by a
scale before ``backward`` and the gradients divided by it before the update (what
``torch.amp.GradScaler`` does, with Keras's arguments and numbers): the scale starts at
``initial_scale`` (2**15), halves (not below 1) and the step is skipped when a gradient is
not finite, and doubles after ``dynamic_growth_steps`` (2000) finite steps in a row.

The unscale, the finiteness check and the scale update are device kernels; deciding whether
to skip the step reads one flag back to the host per step (as GradScaler does), because the
wrapped optimizer's step counter and schedules live on the host.

>>> opt = LossScaleOptimizer(keras.optimizers.Adam())   # compile() does this for you
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import torch

from torchkeras.optimizers.base import Optimizer


class LossScaleOptimizer:
    """Wraps a Keras optimizer with dynamic (or fixed, ``dynamic=False``) loss scaling."""

    def __init__(self, inner_optimizer: Any, dynamic: bool = True,
                 initial_scale: Optional[float] = None,
                 dynamic_growth_steps: Optional[int] = None, **kwargs: Any):
        from torchkeras import optimizers  # late: optimizers/__init__ imports this module
        kwargs.pop("name", None)
        if kwargs:
            raise TypeError(f"Unexpected keyword arguments: {list(kwargs)}")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError("LossScaleOptimizer cannot wrap another LossScaleOptimizer, but "
                            f"got: {inner_optimizer}")
        inner_optimizer = optimizers.get(inner_optimizer)
        if not dynamic and dynamic_growth_steps is not None:
            raise ValueError('"dynamic_growth_steps" must be None if "dynamic" is False, but '
                             f"got: {dynamic_growth_steps}")
        if not dynamic and initial_scale is None:
            raise ValueError('"initial_scale" must be specified if "dynamic" is False')
        self.__dict__["inner_optimizer"] = inner_optimizer
        self.dynamic = bool(dynamic)
        self.initial_scale = float(initial_scale if initial_scale is not None else 2.0 ** 15)
        self.dynamic_growth_steps = int(dynamic_growth_steps or 2000)
        self._scale: Optional[torch.Tensor] = None      # () float32, on the weights' device
        self._counter: Optional[torch.Tensor] = None    # () int32
        self._found_inf: Optional[torch.Tensor] = None  # () float32

    # ------------------------------------------------------------------ delegation
    def __getattr__(self, name: str) -> Any:
        # optimizer.learning_rate, .iterations, .param_groups, .build, .state_dict, ...
        return getattr(self.__dict__["inner_optimizer"], name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("learning_rate", "lr", "iterations"):
            setattr(self.inner_optimizer, name, value)
        else:
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ scale state
    def _device(self) -> torch.device:
        inner = self.inner_optimizer
        for group in getattr(inner, "param_groups", []) if inner.built else []:
            for param in group["params"]:
                return param.device
        return torch.device("cpu")

    def _state(self) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        device = self._device()
        if self._scale is None or self._scale.device != device:
            value = self.initial_scale if self._scale is None else self._scale.item()
            counter = 0 if self._counter is None else int(self._counter.item())
            self._scale = torch.tensor(value, dtype=torch.float32, device=device)
            self._counter = torch.tensor(counter, dtype=torch.int32, device=device)
            self._found_inf = torch.zeros((), dtype=torch.float32, device=device)
        return self._scale, self._counter, self._found_inf

    @property
    def loss_scale(self) -> torch.Tensor:
        """The current loss scale (a device scalar)."""
        return self._state()[0]

    @property
    def dynamic_counter(self) -> torch.Tensor:
        """Finite steps since the scale last changed."""
        return self._state()[1]

    # ------------------------------------------------------------------ Keras API
    def get_scaled_loss(self, loss: Any) -> Any:
        """``loss * loss_scale`` (Keras 2; ``loss`` may be a zero-argument callable)."""
        if callable(loss):
            return lambda: loss() * self.loss_scale
        return loss * self.loss_scale

    scale_loss = get_scaled_loss  # Keras 3's name

    def get_unscaled_gradients(self, grads: Iterable[Any]) -> List[Any]:
        """Each gradient divided by the loss scale (``None`` stays ``None``)."""
        inv = self.loss_scale.reciprocal()
        return [None if g is None else g * inv for g in grads]

    # ------------------------------------------------------------------ updating
    @torch.no_grad()
    def _check_and_update(self, grads: List[torch.Tensor], unscale: bool) -> bool:
        """Unscale ``grads`` in place (when ``unscale``), update the scale; whether all were
        finite (the one host read of a step)."""
        scale, counter, found_inf = self._state()
        found_inf.zero_()
        by_key: Dict[Tuple[torch.device, torch.dtype], List[torch.Tensor]] = {}
        for grad in grads:
            by_key.setdefault((grad.device, grad.dtype), []).append(grad)
        inv = scale.double().reciprocal().float() if unscale else torch.ones_like(scale)
        for (device, _), group in by_key.items():
            flag = found_inf if device == found_inf.device else found_inf.to(device)
            torch._amp_foreach_non_finite_check_and_unscale_(group, flag, inv.to(device))
            if flag is not found_inf:
                found_inf.add_(flag.to(found_inf.device))
        if self.dynamic:
            torch._amp_update_scale_(scale, counter, found_inf, 2.0, 0.5,
                                     self.dynamic_growth_steps)
            scale.clamp_min_(1.0)  # tf-keras: the scale never goes below 1
        return not bool(found_inf.item())

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Unscale the ``.grad``s of a backward of the scaled loss, then update unless a
        gradient is not finite (torch API; ``fit`` calls this)."""
        inner = self.inner_optimizer
        grads = [p.grad for group in inner.param_groups for p in group["params"]
                 if p.grad is not None and not p.grad.is_sparse]
        if self._check_and_update(grads, unscale=True):
            return inner.step(closure)
        return None

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.inner_optimizer.zero_grad(set_to_none=set_to_none)

    def apply_gradients(self, grads_and_vars: Iterable[Tuple[Any, Any]], *args: Any,
                        **kwargs: Any) -> Any:
        """Keras 2: apply already-unscaled gradients, skipping the update (and halving the
        scale) when one is not finite."""
        pairs = list(grads_and_vars)
        inner = self.inner_optimizer
        if not inner.built:
            inner.build([v for _, v in pairs])
        grads = [g.clone() for g, _ in pairs if isinstance(g, torch.Tensor)]
        if self._check_and_update(grads, unscale=False):
            return inner.apply_gradients(pairs, *args, **kwargs)
        return inner.iterations

    def compute_gradients(self, loss: Any, var_list: Any, tape: Any = None
                          ) -> List[Tuple[Optional[torch.Tensor], Any]]:
        """The gradients of ``loss`` through the scaled loss, unscaled (tf-keras)."""
        pairs = self.inner_optimizer.compute_gradients(self.get_scaled_loss(loss), var_list,
                                                       tape)
        grads = self.get_unscaled_gradients([g for g, _ in pairs])
        return [(g, v) for g, (_, v) in zip(grads, pairs)]

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> None:
        """Scale ``loss``, differentiate, unscale, apply (or skip): ``Optimizer.minimize``
        with this optimizer's ``compute_gradients`` and ``apply_gradients``."""
        Optimizer.minimize(self, loss, var_list, tape)

    # ------------------------------------------------------------------ saved state
    def scale_state(self) -> Tuple[int, float]:
        """``(dynamic_counter, loss_scale)`` as Python numbers (for files; reads the host)."""
        scale, counter, _ = self._state()
        return int(counter.item()), float(scale.item())

    def set_scale_state(self, counter: int, scale: float) -> None:
        """Restore what :meth:`scale_state` returned (Keras 3's ``step_counter`` and
        ``dynamic_scale`` variables)."""
        scale_t, counter_t, _ = self._state()
        with torch.no_grad():
            scale_t.fill_(float(scale))
            counter_t.fill_(int(counter))

    # ------------------------------------------------------------------ config
    def get_config(self) -> Dict[str, Any]:
        """tf-keras's config: ``{inner_optimizer, dynamic, initial_scale,
        dynamic_growth_steps}`` (``dynamic_growth_steps`` is None when not dynamic)."""
        from torchkeras import optimizers  # late: optimizers/__init__ imports this module
        config = {"inner_optimizer": optimizers.serialize(self.inner_optimizer),
                  "dynamic": self.dynamic, "initial_scale": self.initial_scale}
        config["dynamic_growth_steps"] = self.dynamic_growth_steps if self.dynamic else None
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None
                    ) -> "LossScaleOptimizer":
        """From tf-keras's config, Keras 3's (``name`` and no ``dynamic``; base-optimizer
        arguments at their defaults) or TF <= 2.3's (a ``loss_scale`` object)."""
        from torchkeras import optimizers  # late: optimizers/__init__ imports this module
        config = dict(config)
        inner = config.pop("inner_optimizer", None)
        if inner is None and "optimizer" in config:  # TF <= 2.3
            inner = config.pop("optimizer")
        if isinstance(inner, dict):
            inner = optimizers.deserialize(inner, custom_objects=custom_objects)
        if "loss_scale" in config:
            config.update(_legacy_loss_scale(config.pop("loss_scale")))
        for name, default in _KERAS3_BASE_DEFAULTS.items():
            if name not in config:
                continue
            value = config.pop(name)
            if value != default:
                raise ValueError(f"LossScaleOptimizer does not support `{name}`. Instead, "
                                 f"set `{name}` on the `inner_optimizer`.")
        return cls(inner, **config)

    def __repr__(self) -> str:
        return f"<LossScaleOptimizer inner={type(self.inner_optimizer).__name__}>"


# Keras 3 used to write these base-optimizer arguments into LossScaleOptimizer's config; it
# accepts them back at their defaults only.
_KERAS3_BASE_DEFAULTS: Dict[str, Any] = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None}


def _legacy_loss_scale(loss_scale: Any) -> Dict[str, Any]:
    """TF <= 2.3's ``loss_scale`` entry as ``dynamic``/``initial_scale``/
    ``dynamic_growth_steps`` arguments (tf-keras's ``from_config`` conversion)."""
    class_name = loss_scale.get("class_name") if isinstance(loss_scale, dict) else None
    config = loss_scale.get("config") or {} if isinstance(loss_scale, dict) else {}
    if class_name == "FixedLossScale":
        return {"dynamic": False, "initial_scale": float(config["loss_scale_value"])}
    if class_name == "DynamicLossScale":
        if config.get("multiplier", 2) != 2:
            raise ValueError('Cannot deserialize LossScaleOptimizer with a DynamicLossScale '
                             'whose multiplier is not 2. Got DynamicLossScale: '
                             f'{loss_scale}')
        return {"dynamic": True,
                "initial_scale": float(config.get("initial_loss_scale", 2.0 ** 15)),
                "dynamic_growth_steps": int(config.get("increment_period", 2000))}
    raise ValueError("Serialized LossScaleOptimizers with a LossScale that is neither a "
                     "FixedLossScale nor a DynamicLossScale can no longer be deserialized")
