"""``keras.mixed_precision``: dtype policies and loss scaling.

>>> from torchkeras import mixed_precision
>>> mixed_precision.set_global_policy("mixed_bfloat16")   # layers made now compute in bf16
>>> mixed_precision.set_global_policy("float32")

The policies live in :mod:`torchkeras.backend.dtype_policy` (layers read them), the loss
scaling in :mod:`torchkeras.optimizers.loss_scale_optimizer` and autocasting in
:mod:`torchkeras.layers.autocast`; this package only re-exports them.
"""
from torchkeras.backend.dtype_policy import (DTypePolicy, Policy, global_policy,
                                             set_global_policy)
from torchkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer

# Keras 2's experimental names.
set_policy = set_global_policy
experimental = None  # replaced below: keras.mixed_precision.experimental.* (tf 2.3 era)


class _Experimental:
    Policy = Policy
    LossScaleOptimizer = LossScaleOptimizer
    global_policy = staticmethod(global_policy)
    set_policy = staticmethod(set_global_policy)
    set_global_policy = staticmethod(set_global_policy)


experimental = _Experimental()

__all__ = ["Policy", "DTypePolicy", "LossScaleOptimizer", "global_policy", "set_global_policy"]
