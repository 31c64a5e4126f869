"""Base class of the Keras optimizers: a ``torch.optim.Optimizer`` built late, Keras outside.

A Keras user writes ``opt = Adam(learning_rate=1e-3)`` with no parameters; ``compile``/``fit``
(or the first ``apply_gradients``) calls ``opt.build(params)``, which only then runs
``torch.optim.Optimizer.__init__``. After that the object is an ordinary torch optimizer:
``step()``, ``zero_grad()``, ``state_dict()``, ``param_groups[i]['lr']`` (torch LR
schedulers work), hooks.

One update (``step`` or ``apply_gradients``) follows tf-keras 2.11+ exactly:
learning rate (schedule at ``iterations``) -> gradients (``/ loss_scale_factor``) -> clipping
(clipnorm per variable, else global_clipnorm, else clipvalue) -> decoupled weight decay
``p -= p * wd * lr`` -> the optimizer's formula -> EMA -> ``iterations += 1`` -> constraints
(``apply_gradients`` on Keras variables; ``fit`` applies them itself after ``step()``).

Speed: each update is a handful of ``torch._foreach_*`` kernels over all parameters of one
device/dtype. The step counter is a host ``int``; learning rate, bias corrections and other
per-step scalars are computed on the host in float32 (numpy scalars, so they round like Keras's
float32 tensors do) and passed to the kernels as Python numbers: no device->host sync.
"""
from __future__ import annotations

import inspect
import re
import sys
import warnings
from collections.abc import Iterable
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import functools

from torchkeras.backend.messages import did_you_mean
from torchkeras.layers.weights import weight_spec
from torchkeras.optimizers.schedules import LearningRateSchedule
from torchkeras.optimizers import schedules as _schedules

_BASE_KWARGS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
                "ema_momentum", "ema_overwrite_frequency", "jit_compile", "name")



def _eager_under_compile(fn: Callable) -> Callable:
    """``torch.compiler.disable(fn)``, applied on first use under ``torch.compile`` only:
    decorating at import time would import torch._dynamo (over 1 s of ``import torchkeras``)."""
    disabled: List[Callable] = []

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if torch.compiler.is_compiling():
            if not disabled:
                disabled.append(torch.compiler.disable(fn))
            return disabled[0](*args, **kwargs)
        return fn(*args, **kwargs)

    return wrapper

class IterationCount(int):
    """``optimizer.iterations``: an ``int`` that also answers ``.numpy()`` like a tf.Variable."""

    def numpy(self) -> np.int64:
        return np.int64(self)

    def value(self) -> int:
        return int(self)


class LearningRateValue(float):
    """``optimizer.learning_rate``: a ``float`` bound to its optimizer.

    Arithmetic gives plain floats; ``.numpy()`` gives Keras's float32 value and
    ``.assign(v)`` sets the optimizer's learning rate (what ``K.set_value(opt.lr, v)`` needs).
    """

    def __new__(cls, value: float, owner: Optional["Optimizer"] = None):
        obj = super().__new__(cls, value)
        obj._owner = owner
        return obj

    def __reduce__(self):
        return (float, (float(self),))  # pickles/copies as a plain float

    def numpy(self) -> np.float32:
        return np.float32(self)

    def value(self) -> float:
        return float(self)

    def assign(self, value: Any) -> None:
        if self._owner is None:
            raise ValueError("This learning rate value is not bound to an optimizer.")
        self._owner.learning_rate = value


class CallableList(list):
    """A list that can also be called (Keras 2: ``opt.variables`` and ``opt.variables()``)."""

    def __call__(self):
        return self


def _near_names(cls: type, kwargs: Dict[str, Any]) -> str:
    """``". Did you mean 'momentum'?"`` for misspelt keyword arguments, else ``""``."""
    valid = {name for klass in cls.__mro__ if "__init__" in vars(klass)
             for name in inspect.signature(vars(klass)["__init__"]).parameters}
    return did_you_mean(list(kwargs), valid, lead=". ")


class _ArgumentError(TypeError, ValueError):
    """Unrecognized constructor argument (TypeError in tf-keras, ValueError in Keras 3)."""


class _OptimizerMeta(type):
    """Accepts torch-style construction: ``Adam(model.parameters(), lr=...)`` builds at once."""

    def __call__(cls, *args, **kwargs):
        params = None
        if args and _looks_like_params(args[0]):
            params, args = args[0], args[1:]
        obj = super().__call__(*args, **kwargs)
        if params is not None:
            obj.build(params)
        return obj


def _host_float(x: Any) -> float:
    """A learning-rate-like value as a Python float (tensors/arrays read once, off the hot path)."""
    if isinstance(x, torch.Tensor):
        return float(x.detach().cpu())
    return float(x)


def _looks_like_params(x: Any) -> bool:
    """True for ``model.parameters()`` passed positionally in the torch style."""
    if isinstance(x, (str, bytes, torch.Tensor, np.ndarray, dict)) or callable(x):
        return False
    return isinstance(x, Iterable)


class _Bucket:
    """Parameters of one param group, device and dtype, with their slot tensors in order."""

    __slots__ = ("group", "params", "slots", "decay_mask", "averages")

    def __init__(self, group: int, params: List[torch.Tensor], slots: Dict[str, List[torch.Tensor]],
                 decay_mask: List[bool], averages: Optional[List[torch.Tensor]]):
        self.group = group
        self.params = params
        self.slots = slots
        self.decay_mask = decay_mask
        self.averages = averages


class Optimizer(torch.optim.Optimizer, metaclass=_OptimizerMeta):
    """Keras optimizer base class (``keras.optimizers.Optimizer``) on ``torch.optim``.

    Subclasses define ``_slot_blocks()`` (slot names in Keras's creation order),
    ``_compute_scalars(lr, t)`` (host scalars for one step) and
    ``_update(params, grads, slots, scalars)`` (foreach kernels, in place).

    Example:
        >>> opt = Adam(learning_rate=0.01)          # no parameters yet
        >>> opt.build(model.trainable_weights)      # done by fit() or the first apply_gradients
        >>> loss.backward(); opt.step(); opt.zero_grad()
    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 jit_compile: bool = True, name: Optional[str] = None, **kwargs: Any) -> None:
        kwargs.pop("is_legacy_optimizer", None)
        kwargs.pop("mesh", None)
        if "lr" in kwargs:
            lr = kwargs.pop("lr")
            warnings.warn("`lr` is deprecated in Keras optimizer, please use `learning_rate` "
                          f"instead: {type(self).__name__}(learning_rate={lr!r}).",
                          UserWarning, stacklevel=_user_stacklevel())
            if lr is not None:
                learning_rate = lr
        decay = kwargs.pop("decay", None)
        self.decay = float(decay) if decay else 0.0
        self.loss_scale_factor = kwargs.pop("loss_scale_factor", None)
        accumulation = kwargs.pop("gradient_accumulation_steps", None)
        if accumulation is not None and (not isinstance(accumulation, int) or
                                         isinstance(accumulation, bool) or accumulation < 2):
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={accumulation}")
        self.gradient_accumulation_steps = accumulation
        if kwargs:
            raise _ArgumentError(f"Argument(s) not recognized: {kwargs}" +
                                 _near_names(type(self), kwargs))
        if use_ema and (ema_momentum > 1 or ema_momentum < 0):
            raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                             f"Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer > 1 or None. "
                             f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError("At most one of `clipnorm` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, global_clipnorm={global_clipnorm}.")
        self.name = name if name is not None else type(self).__name__
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.jit_compile = jit_compile
        self.built = False
        self._iterations = 0
        self._current_lr: Optional[float] = None
        self._cache: Optional[List[_Bucket]] = None
        self._exclude_ids: set = set()
        self._exclude_pattern: Optional[re.Pattern] = None
        self._host_dtype = np.float32
        self._custom_variables: List[torch.Tensor] = []
        self._trainable_variables: List[Any] = []
        self._accumulators: Dict[int, torch.Tensor] = {}
        self._index_dict: Dict[int, int] = {}
        self._variable_names: Dict[int, str] = {}
        self._set_learning_rate(learning_rate)

    # ------------------------------------------------------------------ learning rate
    def _set_learning_rate(self, value: Any) -> None:
        self._lr_takes_step = False
        if isinstance(value, LearningRateSchedule):
            self._learning_rate = value
            self._lr_takes_step = True
            self._current_lr = _host_float(value(self._iterations))
            return
        if callable(value) and not isinstance(value, torch.Tensor):
            self._learning_rate = value
            self._lr_takes_step = _takes_positional_arg(value)
            self._current_lr = _host_float(value(self._iterations) if self._lr_takes_step
                                           else value())
            return
        value = _host_float(value)
        self._learning_rate = value
        self._current_lr = value
        if self.built:
            for group in self.param_groups:
                group["lr"] = value

    @property
    def _lr_is_dynamic(self) -> bool:
        return callable(self._learning_rate)

    @property
    def learning_rate_schedule(self) -> Optional[LearningRateSchedule]:
        """The ``LearningRateSchedule`` the learning rate follows, or ``None``."""
        schedule = self._learning_rate
        return schedule if isinstance(schedule, LearningRateSchedule) else None

    @property
    def learning_rate(self) -> LearningRateValue:
        """The current learning rate (a float; settable unless a schedule is in use)."""
        if not self._lr_is_dynamic and self.built:
            return LearningRateValue(self.param_groups[0]["lr"], self)
        return LearningRateValue(self._current_lr, self)

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if self._lr_is_dynamic and not callable(value):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as "
                            "its `learning_rate` constructor argument, hence its learning rate "
                            "is not settable. If you need the learning rate to be settable, you "
                            "should instantiate the optimizer with a float `learning_rate` "
                            "argument.")
        self._set_learning_rate(value)

    @property
    def lr(self) -> LearningRateValue:
        """Alias of ``learning_rate`` (old Keras code)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value: Any) -> None:
        self.learning_rate = value

    @property
    def iterations(self) -> IterationCount:
        """Number of updates applied so far (a host int: reading it never syncs the device).
        With ``gradient_accumulation_steps``, calls // steps, as Keras 3."""
        if self.gradient_accumulation_steps:
            return IterationCount(self._iterations // self.gradient_accumulation_steps)
        return IterationCount(self._iterations)

    @iterations.setter
    def iterations(self, value: Any) -> None:
        self._iterations = int(_host_float(value))
        self._after_set_iterations()

    def _group_lr(self, group: Dict[str, Any]) -> float:
        """Learning rate for this step (before legacy ``decay``): schedule or the group's lr."""
        if self._lr_is_dynamic:
            return self._current_lr
        return group["lr"]

    def _refresh_dynamic_lr(self, t0: int) -> None:
        if self._lr_is_dynamic:
            lr = self._learning_rate(t0) if self._lr_takes_step else self._learning_rate()
            self._current_lr = _host_float(lr) if not isinstance(lr, float) else lr

    # ------------------------------------------------------------------ building
    def _slot_blocks(self) -> List[List[str]]:
        """Slot names per block, in Keras's creation order (interleaved within a block)."""
        return []

    def _init_slot(self, name: str, param: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(param, memory_format=torch.preserve_format)

    @property
    def _slot_names(self) -> List[str]:
        return [name for block in self._slot_blocks() for name in block]

    def build(self, var_list: Iterable) -> None:
        """Bind the optimizer to ``var_list`` (parameters, or torch param-group dicts).

        Creates the slot variables. Calling it again with the same parameters does nothing;
        with a new list it rebinds, keeping the state of parameters found in both lists.
        """
        var_list = list(var_list)
        self._trainable_variables = [v for item in var_list
                                     for v in (item["params"] if isinstance(item, dict)
                                               else [item])]
        var_list = self._unwrap_var_list(var_list)
        if self.built:
            old = [p for g in self.param_groups for p in g["params"]]
            new = [p for item in var_list
                   for p in (item["params"] if isinstance(item, dict) else [item])]
            if len(old) == len(new) and all(a is b for a, b in zip(old, new)):
                return
        old_state = self.state if self.built else {}
        self.built = False
        lr = self._current_lr if self._current_lr is not None else 0.0
        if not var_list:  # a model without trainable weights: nothing to update
            var_list = [{"params": []}]
        torch.optim.Optimizer.__init__(self, var_list, {"lr": lr})
        params = [p for g in self.param_groups for p in g["params"]]
        self._index_dict = {id(p): i for i, p in enumerate(params)}
        self._custom_variables = []
        self._host_dtype = np.float64 if params and params[0].dtype == torch.float64 \
            else np.float32
        names = self._slot_names
        for p in params:
            previous = old_state.get(p) if old_state else None
            state = self.state[p]
            if self.use_ema:
                state["average"] = (previous["average"] if previous and "average" in previous
                                    else p.detach().clone())
            for name in names:
                if previous is not None and name in previous:
                    state[name] = previous[name]
                else:
                    state[name] = self._init_slot(name, p.detach())
        self._accumulators = ({id(p): torch.zeros_like(p.detach()) for p in params}
                              if self.gradient_accumulation_steps else {})
        self.built = True
        self._cache = None

    def add_param_group(self, param_group: Dict[str, Any]) -> None:  # torch API
        # torch's method is wrapped in torch._disable_dynamo, whose first call imports
        # torch._dynamo (~1-2 s before the first step); outside torch.compile the unwrapped
        # function does the same work.
        torch_add = torch.optim.Optimizer.add_param_group
        if not torch.compiler.is_compiling() and hasattr(torch_add, "__wrapped__"):
            torch_add.__wrapped__(self, param_group)  # normalizes params to a list
        else:
            super().add_param_group(param_group)
        if getattr(self, "built", False):
            for p in param_group["params"]:
                state = self.state[p]
                if self.use_ema and "average" not in state:
                    state["average"] = p.detach().clone()
                for name in self._slot_names:
                    if name not in state:
                        state[name] = self._init_slot(name, p.detach())
        self._cache = None

    def exclude_from_weight_decay(self, var_list: Optional[Sequence] = None,
                                  var_names: Optional[Sequence[str]] = None) -> None:
        """Skip weight decay for these parameters, or those whose ``name`` matches a pattern."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configued before the "
                             "optimizer is built.")
        self._exclude_ids = {id(_storage(v)) for v in (var_list or [])}
        self._exclude_pattern = re.compile("|".join(var_names)) if var_names else None

    def _use_weight_decay(self, p: torch.Tensor) -> bool:
        if id(p) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None:
            name = self._variable_names.get(id(p))
            if name is not None and self._exclude_pattern.search(name):
                return False
        return True

    def _unwrap_var_list(self, var_list: Iterable) -> List[Any]:
        """Parameters (or param-group dicts) from parameters and Keras variables, deduplicated.

        A Keras variable (``layer.trainable_weights`` item) is replaced by its torch storage;
        its ``name`` is remembered for ``exclude_from_weight_decay(var_names=...)``.
        """
        out, seen = [], set()
        for item in var_list:
            if isinstance(item, dict):
                out.append(dict(item, params=self._unwrap_var_list(item["params"])))
                continue
            tensor = _storage(item)
            if tensor is not item:
                self._variable_names[id(tensor)] = str(getattr(item, "name", ""))
            if id(tensor) not in seen:
                seen.add(id(tensor))
                out.append(tensor)
        return out

    def _buckets(self) -> List[_Bucket]:
        """Parameters grouped by (param group, device, dtype), with slot lists; cached."""
        if self._cache is not None:
            return self._cache
        buckets: List[_Bucket] = []
        names = self._slot_names
        for gi, group in enumerate(self.param_groups):
            by_key: Dict[Tuple, List[torch.Tensor]] = {}
            for p in group["params"]:
                by_key.setdefault((p.device, p.dtype), []).append(p)
            for ps in by_key.values():
                slots = {n: [self.state[p][n] for p in ps] for n in names}
                averages = [self.state[p]["average"] for p in ps] if self.use_ema else None
                buckets.append(_Bucket(gi, ps, slots, [self._use_weight_decay(p) for p in ps],
                                       averages))
        self._cache = buckets
        return buckets

    def _check_built(self) -> None:
        if not self.built:
            raise ValueError(f"The optimizer '{self.name}' has not been built: call "
                             "`optimizer.build(model.trainable_variables)` (compile/fit do it), "
                             "or use `apply_gradients`.")

    # ------------------------------------------------------------------ updating
    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Apply one update to every parameter whose ``.grad`` is set (torch API)."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._check_built()
        work = []
        for bucket in self._buckets():
            grads = []
            for p in bucket.params:
                g = p.grad
                if g is None or g.is_sparse:
                    break
                grads.append(g)
            else:
                work.append((bucket, None, grads))
                continue
            # Some gradients missing (or sparse): update only the parameters that have one.
            idx = [i for i, p in enumerate(bucket.params) if p.grad is not None]
            if idx:
                work.append((bucket, idx, [_dense(bucket.params[i].grad) for i in idx]))
        self._apply(work)
        return loss

    @torch.no_grad()
    def apply_gradients(self, grads_and_vars: Iterable[Tuple[Any, Any]],
                        name: Optional[str] = None, **kwargs: Any) -> IterationCount:
        """Keras's ``apply_gradients(zip(grads, vars))``; builds on first use.

        ``vars`` are parameters or Keras variables (``model.trainable_weights``); a gradient
        for a Keras variable is in Keras layout, like the variable's ``shape``. Only the given
        variables are updated (their ``.grad`` is neither read nor written), then Keras
        variables' constraints are applied, as in Keras.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        if not self.built:
            self.build([v for _, v in pairs])
        present = [(g, v) for g, v in pairs if g is not None]
        if not present:
            raise ValueError("No gradients provided for any variable: "
                             f"({[_var_name(v) for _, v in pairs]},).")
        if len(present) < len(pairs):
            missing = [_var_name(v) for g, v in pairs if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the "
                          "loss. If you're using `model.compile()`, did you forget to provide a "
                          "`loss` argument?", UserWarning, stacklevel=2)
        grad_of, constrained = {}, []
        for g, v in present:
            p = _storage(v)
            spec = weight_spec(v) if p is not v else None
            if not isinstance(g, torch.Tensor):
                g = torch.as_tensor(np.asarray(g))
            g = _dense(g).to(device=p.device, dtype=p.dtype)
            if spec is not None:
                g = spec.layout.from_keras(g)  # Keras layout -> storage layout
                if spec.constraint is not None:
                    constrained.append((p, spec))
            grad_of[id(p)] = g
        work = []
        found = 0
        for bucket in self._buckets():
            idx = [i for i, p in enumerate(bucket.params) if id(p) in grad_of]
            if not idx:
                continue
            found += len(idx)
            grads = [grad_of[id(bucket.params[i])] for i in idx]
            work.append((bucket, None if len(idx) == len(bucket.params) else idx, grads))
        if found < len(grad_of):
            known = {id(p) for g in self.param_groups for p in g["params"]}
            unknown = [_var_name(v) for g, v in present if id(_storage(v)) not in known]
            raise KeyError(f"The optimizer cannot recognize variable {unknown[0]}. This usually "
                           "means you are trying to call the optimizer to update different parts "
                           "of the model separately. Please call `optimizer.build(variables)` "
                           "with the full list of trainable variables before the training loop.")
        self._apply(work)
        for p, spec in constrained:
            p.copy_(spec.layout.from_keras(spec.constraint(spec.layout.to_keras(p))))
        return self.iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Optional[Iterable] = None
              ) -> None:
        """Keras 3's ``apply(grads, trainable_variables=None)``: update the variables.

        ``grads`` match ``trainable_variables`` one to one; without ``trainable_variables``
        they match the variables given to ``build`` (the optimizer must be built).
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first. ")
            variables = self._trainable_variables
            if len(grads) != len(variables):
                raise ValueError("When passing `grads` as a list of gradient tensors, the "
                                 "gradients must match `optimizer.variables` one-to-on. "
                                 f"Received a list of {len(grads)} gradients, but the "
                                 f"optimizer is tracking {len(variables)} trainable variables.")
        else:
            variables = list(trainable_variables)
        self.apply_gradients(zip(grads, variables))

    def stateless_apply(self, optimizer_variables: Sequence[Any], grads: Sequence[Any],
                        trainable_variables: Sequence[Any]
                        ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Keras 3's ``stateless_apply``: ``apply(grads)`` to the given values of the
        trainable and optimizer variables (matching ``build``'s list and ``variables``) and
        return their new values ``(trainable_variables, optimizer_variables)``; the
        optimizer's own state and the model's variables are left as they were."""
        if not self.built:
            raise ValueError(f"To call `stateless_apply`, {type(self).__name__} must be built "
                             "(i.e. its variables must have been created). You can build it "
                             "via `optimizer.build(trainable_variables)`.")
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ValueError("Argument `optimizer_variables` must be a list of tensors "
                             f"corresponding 1:1 to {type(self).__name__}().variables. "
                             f"Received list with length {len(optimizer_variables)}, but "
                             f"expected {len(own)} variables.")
        params = [_storage(v) for v in self._trainable_variables]
        if len(trainable_variables) != len(params):
            raise ValueError("Argument `optimizer_variables` must be a list of tensors "
                             "corresponding 1:1 to the trainable variables list that the "
                             "optimizer was built with. Received len(trainable_variables) "
                             f"== {len(trainable_variables)} whereas the optimizer was built "
                             f"with {len(params)} variables.")
        saved_params = [p.detach().clone() for p in params]
        saved_state = [np.array(w, copy=True) for w in self.get_weights()]  # (views on CPU)
        try:
            with torch.no_grad():
                for p, value in zip(params, trainable_variables):
                    p.copy_(torch.as_tensor(np.asarray(value) if not isinstance(
                        value, torch.Tensor) else value, dtype=p.dtype))
            self.set_weights([v.detach().cpu().numpy() if isinstance(v, torch.Tensor)
                              else np.asarray(v) for v in optimizer_variables])
            self.apply(grads)
            new_trainable = [p.detach().clone() for p in params]
            new_optimizer = [v.detach().clone() for v in self.variables]
        finally:
            with torch.no_grad():
                for p, value in zip(params, saved_params):
                    p.copy_(value)
            self.set_weights(saved_state)
        return new_trainable, new_optimizer

    def compute_gradients(self, loss: Any, var_list: Any, tape: Any = None
                          ) -> List[Tuple[Optional[torch.Tensor], Any]]:
        """``[(gradient, variable)]`` of ``loss`` (a tensor or a zero-argument callable),
        gradients in Keras's layout (tf-keras's ``compute_gradients``)."""
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        tensors = [_storage(v) for v in var_list]
        with torch.enable_grad():
            value = loss() if callable(loss) else loss
            grads = torch.autograd.grad(value, tensors, allow_unused=True)
        grads = [g if g is None or t is v else v._spec.layout.to_keras(g)  # Keras layout
                 for g, t, v in zip(grads, tensors, var_list)]
        return list(zip(grads, var_list))

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> None:
        """Compute gradients of ``loss`` (a tensor or a zero-argument callable) and apply them
        (``LossScaleOptimizer.minimize`` runs this with its own two steps)."""
        self.apply_gradients(self.compute_gradients(loss, var_list, tape))

    @_eager_under_compile  # host-side counters would make a compiled graph recompile each step
    def _apply(self, work: List[Tuple[_Bucket, Optional[List[int]], List[torch.Tensor]]]) -> None:
        """Clip, decay, update, constrain and average; then count the iteration."""
        if not work:
            return
        t0 = self._iterations  # calls so far; schedules read it (Keras 3, also when accumulating)
        self._refresh_dynamic_lr(t0)
        f = self._host_dtype
        grads_all = [grads for _, _, grads in work]
        if self.loss_scale_factor is not None:
            grads_all = [torch._foreach_div(gs, float(self.loss_scale_factor)) for gs in grads_all]
        if self.gradient_accumulation_steps:
            grads_all = self._accumulate(work, grads_all, t0)
            if grads_all is None:  # not an update step: gradients stored, EMA still follows
                self._update_ema(work, t0 // self.gradient_accumulation_steps)
                self._iterations = t0 + 1
                return
            t0 = t0 // self.gradient_accumulation_steps  # updates so far (`iterations`)
        grads_all = self._clip_gradients(grads_all)
        self._prepare_step(t0 + 1)
        scalars_for: Dict[float, Any] = {}
        for (bucket, idx, _), grads in zip(work, grads_all):
            params = bucket.params if idx is None else [bucket.params[i] for i in idx]
            slots = bucket.slots if idx is None else \
                {n: [s[i] for i in idx] for n, s in bucket.slots.items()}
            lr = self._group_lr(self.param_groups[bucket.group])
            lr_t = f(lr)
            if self.decay:
                lr_t = lr_t / (f(1.0) + f(self.decay) * f(t0))
            mask = bucket.decay_mask if idx is None else [bucket.decay_mask[i] for i in idx]
            if self.weight_decay:
                self._apply_weight_decay(params, mask, lr_t)
            key = float(lr_t)
            if key not in scalars_for:
                scalars_for[key] = self._compute_scalars(lr_t, t0 + 1)
            self._update(params, grads, slots, scalars_for[key])
        if self.use_ema:
            self._update_ema(work, t0)
        self._iterations += 1

    def _update_ema(self, work: List[Tuple[_Bucket, Optional[List[int]], List[torch.Tensor]]],
                    t0: int) -> None:
        """``average = m * average + (1 - m) * variable`` (and the periodic overwrite)."""
        for bucket, idx, _ in work:
            if bucket.averages is None:
                continue
            params = bucket.params if idx is None else [bucket.params[i] for i in idx]
            averages = bucket.averages if idx is None else [bucket.averages[i] for i in idx]
            torch._foreach_mul_(averages, self.ema_momentum)
            torch._foreach_add_(averages, params, alpha=1.0 - self.ema_momentum)
            if self.ema_overwrite_frequency and (t0 + 1) % self.ema_overwrite_frequency == 0:
                torch._foreach_copy_(params, averages)

    def _apply_weight_decay(self, params: List[torch.Tensor], mask: List[bool],
                            lr_t: np.floating) -> None:
        """Keras: ``variable -= variable * weight_decay * lr`` (before the update)."""
        if not self.weight_decay:
            return
        decayed = params if all(mask) else [p for p, m in zip(params, mask) if m]
        if decayed:
            f = type(lr_t)
            torch._foreach_add_(decayed, decayed, alpha=-float(f(self.weight_decay) * lr_t))

    def _accumulator(self, p: torch.Tensor) -> torch.Tensor:
        acc = self._accumulators.get(id(p))
        if acc is None:  # a parameter added after build (add_param_group)
            acc = self._accumulators[id(p)] = torch.zeros_like(p.detach())
        return acc

    def _accumulate(self, work: List[Tuple[_Bucket, Optional[List[int]], List[torch.Tensor]]],
                    grads_all: List[List[torch.Tensor]], t0: int
                    ) -> Optional[List[List[torch.Tensor]]]:
        """Keras 3's gradient accumulation: add the gradients to the accumulators, except
        every ``gradient_accumulation_steps``-th call, which returns ``(g + acc) / steps``
        for the update and zeroes every accumulator. ``None`` when no update is due."""
        steps = self.gradient_accumulation_steps
        accs = [[self._accumulator(bucket.params[i])
                 for i in (range(len(bucket.params)) if idx is None else idx)]
                for bucket, idx, _ in work]
        if (t0 + 1) % steps != 0:
            for acc, grads in zip(accs, grads_all):
                torch._foreach_add_(acc, grads)
            return None
        out = []
        for acc, grads in zip(accs, grads_all):
            total = torch._foreach_add(grads, acc)
            torch._foreach_div_(total, float(steps))
            out.append(total)
        for acc in self._accumulators.values():
            acc.zero_()
        return out

    def _clip_gradients(self, grads_all: List[List[torch.Tensor]]) -> List[List[torch.Tensor]]:
        """Keras's clipping: clipnorm per variable, else global_clipnorm, else clipvalue."""
        if self.clipnorm and self.clipnorm > 0:
            c = float(self.clipnorm)
            out = []
            for grads in grads_all:  # g * c / max(||g||, c)
                norms = torch._foreach_norm(grads)
                torch._foreach_maximum_(norms, c)
                scaled = torch._foreach_mul(grads, c)
                torch._foreach_div_(scaled, norms)
                out.append(scaled)
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            c = float(self.global_clipnorm)
            norms = [n for grads in grads_all for n in torch._foreach_norm(grads)]
            device = norms[0].device
            dtype = torch.float64 if self._host_dtype is np.float64 else torch.float32
            total = torch.linalg.vector_norm(
                torch.stack([n.to(device=device, dtype=dtype) for n in norms]))
            # tf.clip_by_global_norm: c * min(1/norm, 1/c), NaN when the norm is not finite
            scale = torch.clamp(total.reciprocal(), max=1.0 / c) * c + (total - total)
            return [torch._foreach_mul(grads, scale.to(grads[0].device)) for grads in grads_all]
        if self.clipvalue and self.clipvalue > 0:
            v = float(self.clipvalue)
            out = []
            for grads in grads_all:
                clipped = torch._foreach_clamp_max(grads, v)
                torch._foreach_clamp_min_(clipped, -v)
                out.append(clipped)
            return out
        return grads_all

    def _prepare_step(self, t: int) -> None:
        """Host bookkeeping done once per update before the buckets (Nadam's momentum product)."""

    def _compute_scalars(self, lr: np.floating, t: int) -> Any:
        """Host scalars for step ``t`` (1-based) at learning rate ``lr`` (float32 numpy scalar)."""
        return float(lr)

    def _update(self, params: List[torch.Tensor], grads: List[torch.Tensor],
                slots: Dict[str, List[torch.Tensor]], scalars: Any) -> None:
        """Default: a Keras-style subclass's ``update_step``, one variable at a time."""
        update_step = getattr(self, "update_step", None)
        if update_step is None:
            raise NotImplementedError(f"{type(self).__name__} must implement `update_step` "
                                      "(or the foreach `_update`).")
        if _takes_n_args(update_step) >= 3:  # Keras 3: update_step(gradient, variable, lr)
            for p, g in zip(params, grads):
                update_step(g, p, scalars)
        else:  # tf-keras: update_step(gradient, variable), lr from self.learning_rate
            for p, g in zip(params, grads):
                update_step(g, p)

    # ------------------------------------------------------------------ Keras-style subclassing
    def add_variable_from_reference(self, reference_variable: Any = None, name: Optional[str] = None,
                                    initializer: Any = "zeros", *, model_variable: Any = None,
                                    variable_name: Optional[str] = None, shape: Any = None,
                                    initial_value: Any = None) -> torch.Tensor:
        """A slot tensor shaped like a parameter (for custom optimizers' ``build``)."""
        ref = reference_variable if reference_variable is not None else model_variable
        if initial_value is not None:
            value = torch.as_tensor(initial_value, dtype=ref.dtype, device=ref.device).clone()
        else:
            value = self._initial_value(tuple(shape) if shape is not None else tuple(ref.shape),
                                        initializer, ref.dtype, ref.device)
        self._custom_variables.append(value)
        return value

    def add_variable(self, shape: Sequence[int] = (), initializer: Any = "zeros",
                     dtype: Any = None, name: Optional[str] = None) -> torch.Tensor:
        """A free-standing optimizer variable (for custom optimizers' ``build``)."""
        params = [p for g in self.param_groups for p in g["params"]] if self.built else []
        device = params[0].device if params else None
        dtype = dtype if isinstance(dtype, torch.dtype) else torch.get_default_dtype()
        value = self._initial_value(tuple(shape), initializer, dtype, device)
        self._custom_variables.append(value)
        return value

    @staticmethod
    def _initial_value(shape, initializer, dtype, device) -> torch.Tensor:
        if isinstance(initializer, (int, float)):
            return torch.full(shape, float(initializer), dtype=dtype, device=device)
        if initializer in ("zeros", None):
            return torch.zeros(shape, dtype=dtype, device=device)
        if initializer == "ones":
            return torch.ones(shape, dtype=dtype, device=device)
        return torch.as_tensor(initializer(shape, dtype=dtype), dtype=dtype, device=device)

    def assign(self, variable: torch.Tensor, value: Any) -> None:
        variable.copy_(torch.as_tensor(value, dtype=variable.dtype, device=variable.device))

    def assign_add(self, variable: torch.Tensor, value: Any) -> None:
        variable.add_(torch.as_tensor(value, dtype=variable.dtype, device=variable.device))

    def assign_sub(self, variable: torch.Tensor, value: Any) -> None:
        variable.sub_(torch.as_tensor(value, dtype=variable.dtype, device=variable.device))

    def _var_key(self, variable: Any) -> int:
        return id(variable)

    def _get_variable_index(self, variable: Any) -> int:
        return self._index_dict[id(variable)]

    def finalize_variable_values(self, var_list: Iterable[torch.Tensor]) -> None:
        """With ``use_ema=True``, overwrite the variables with their moving averages (end of fit)."""
        if not (self.use_ema and self.built):
            return
        with torch.no_grad():
            for p in map(_storage, var_list):  # Keras variables -> their torch storage
                state = self.state.get(p)
                if state is not None and "average" in state:
                    p.copy_(state["average"])

    def scale_loss(self, loss: Any) -> Any:
        """Multiply ``loss`` by ``loss_scale_factor`` when one is set (Keras 3)."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # ------------------------------------------------------------------ weights and config
    @property
    def variables(self) -> CallableList:
        """Optimizer variables in tf-keras order: iteration, EMA averages, then slots
        (with ``gradient_accumulation_steps``, Keras 3's accumulators come before the slots).

        Within a block slots are interleaved per parameter (Adam: m0, v0, m1, v1, ...;
        amsgrad's vhats follow as a second block).
        """
        out = CallableList([torch.tensor(self._iterations, dtype=torch.int64)])
        if not self.built:
            return out
        params = [p for g in self.param_groups for p in g["params"]]
        if self.use_ema:
            out.extend(self.state[p]["average"] for p in params)
        if self.gradient_accumulation_steps:  # Keras 3: before the slots
            out.extend(self._accumulator(p) for p in params)
        for block in self._slot_blocks():
            for p in params:
                out.extend(self.state[p][n] for n in block)
        out.extend(self._custom_variables)
        return out

    def get_weights(self) -> List[np.ndarray]:
        """The values of ``variables`` as numpy arrays."""
        return [v.detach().cpu().numpy() for v in self.variables]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set ``variables`` from arrays in the same order (the first is the iteration count)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet "
                             "been built. Please call `optimizer.build(trainable_variables)` to "
                             "create the optimizer weights before calling `set_weights()`.")
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"Optimizer '{self.name}' expects {len(variables)} weights "
                             f"(iteration and slots), got {len(weights)}.")
        for i, (variable, weight) in enumerate(zip(variables, weights)):
            weight = np.asarray(weight)
            if tuple(variable.shape) != tuple(weight.shape):
                raise ValueError(f"Optimizer variable {i} has shape {tuple(variable.shape)} not "
                                 f"compatible with provided weight shape {tuple(weight.shape)}.")
            if i == 0:
                self._iterations = int(weight)
            else:
                with torch.no_grad():
                    variable.copy_(torch.as_tensor(weight, dtype=variable.dtype))
        self._after_set_iterations()

    def _after_set_iterations(self) -> None:
        """Hook for optimizers whose host state depends on the step count."""

    def _serialize_learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return _schedules.serialize(lr)
        if callable(lr):
            return float(self._current_lr)
        return float(self.learning_rate)

    def get_config(self) -> Dict[str, Any]:
        """Keras's optimizer config (tf-keras keys)."""
        config = {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
            "learning_rate": self._serialize_learning_rate(),
        }
        if self.decay:
            config["decay"] = self.decay
        if self.loss_scale_factor is not None:
            config["loss_scale_factor"] = self.loss_scale_factor
        if self.gradient_accumulation_steps is not None:
            config["gradient_accumulation_steps"] = self.gradient_accumulation_steps
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Optional[Dict] = None):
        """Rebuild an optimizer from ``get_config()`` (also Keras 3 and old Keras 2 configs)."""
        config = dict(config)
        if "lr" in config:  # configs saved by Keras < 2.3
            lr = config.pop("lr")
            config.setdefault("learning_rate", lr)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"],
                                                             custom_objects=custom_objects)
        return cls(**config)

    # ------------------------------------------------------------------ torch plumbing
    def state_dict(self) -> Dict[str, Any]:
        """torch's state dict plus the Keras host state (``iterations``, ...)."""
        self._check_built()
        state = super().state_dict()
        state["keras"] = self._host_state()
        return state

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self._check_built()
        state_dict = dict(state_dict)
        host = state_dict.pop("keras", None)
        super().load_state_dict(state_dict)
        if host is not None:
            self._load_host_state(host)
        self._cache = None

    def _host_state(self) -> Dict[str, Any]:
        return {"iterations": self._iterations}

    def _load_host_state(self, host: Dict[str, Any]) -> None:
        self._iterations = int(host.get("iterations", 0))
        self._after_set_iterations()

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_cache"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        if state.get("built"):
            super().__setstate__(state)
        else:
            self.__dict__.update(state)

    def __repr__(self) -> str:
        lr = self._learning_rate
        lr_text = type(lr).__name__ if callable(lr) else repr(float(self.learning_rate))
        return (f"<{type(self).__module__}.{type(self).__name__} name={self.name!r} "
                f"learning_rate={lr_text} built={self.built}>")


def _user_stacklevel() -> int:
    """``warnings.warn`` stacklevel of the first frame outside torchkeras.optimizers."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(
            "torchkeras.optimizers"):
        frame, level = frame.f_back, level + 1
    return level


def _storage(v: Any) -> Any:
    """The torch tensor behind a Keras variable (its ``.tensor``); other objects unchanged."""
    if isinstance(v, torch.Tensor):
        return v
    tensor = getattr(v, "tensor", None)
    return tensor if isinstance(tensor, torch.Tensor) else v


def _dense(g: torch.Tensor) -> torch.Tensor:
    return g.to_dense() if g.is_sparse else g


def _var_name(v: Any) -> str:
    return str(getattr(v, "name", None) or getattr(v, "path", None) or tuple(v.shape))


def _takes_n_args(fn: Callable) -> int:
    try:
        return len([p for p in inspect.signature(fn).parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])
    except (TypeError, ValueError):
        return 3


def _takes_positional_arg(fn: Callable) -> bool:
    """Whether ``fn`` accepts one positional argument (a step), as schedules do."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    return bool(params)
