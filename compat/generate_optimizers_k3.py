"""Record Keras 3 optimizer trajectories into ``compat/fixtures/optimizers_k3.npz``.

Runs ONLY in the reference venv (Keras 3.15 on its TensorFlow backend)::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_optimizers_k3.py

Each case builds one optimizer on four variables (a (4, 3) and a (3, 5) matrix, a (3,) bias,
a (2, 2, 3, 4) kernel; fixed numpy values ``var<j>``), then calls Keras 3's
``optimizer.apply(grads, variables)`` for ``steps`` steps with fixed gradients
``<case>__g<step>_<j>``. Recorded after every step: the variables ``<case>__v<step>_<j>``, and
``iterations``/``learning_rate`` (meta). Covers the Keras 3-only optimizers (Lamb, Muon,
ScheduleFreeAdamW) and Keras 3's ``gradient_accumulation_steps`` and ``loss_scale_factor``.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.pop("TF_USE_LEGACY_KERAS", None)

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(33)
SHAPES = [(4, 3), (3, 5), (3,), (2, 2, 3, 4)]
VARS = [rng.uniform(-1, 1, size=s).astype("float32") for s in SHAPES]
VARS[2][1] = 0.0  # one zero entry (Lamb's trust ratio still sees a non-zero norm)

# (case, class, kwargs, steps)
CASES: List[tuple] = [
    ("lamb", "Lamb", {"learning_rate": 0.01}, 4),
    ("lamb_wd", "Lamb", {"learning_rate": 0.01, "weight_decay": 0.1, "beta_1": 0.8}, 3),
    ("muon", "Muon", {"learning_rate": 0.01}, 4),
    ("muon_plain", "Muon", {"learning_rate": 0.02, "nesterov": False, "rms_rate": None,
                            "momentum": 0.9, "adam_lr_ratio": 0.5, "weight_decay": 0.01,
                            "ns_steps": 3}, 3),
    ("sf_adamw", "ScheduleFreeAdamW", {"learning_rate": 0.01}, 4),
    ("sf_adamw_warmup", "ScheduleFreeAdamW", {"learning_rate": 0.02, "warmup_steps": 3,
                                              "beta_1": 0.8, "weight_decay": 0.05}, 4),
    ("adam_accumulate", "Adam", {"learning_rate": 0.01, "gradient_accumulation_steps": 2}, 5),
    ("sgd_accumulate", "SGD", {"learning_rate": 0.1, "momentum": 0.9,
                               "gradient_accumulation_steps": 3}, 7),
    ("adam_loss_scale", "Adam", {"learning_rate": 0.01, "loss_scale_factor": 4.0}, 3),
]


def main() -> None:
    import keras
    import tensorflow as tf

    arrays: Dict[str, np.ndarray] = {f"var{j}": v for j, v in enumerate(VARS)}
    meta_cases: List[Dict[str, Any]] = []
    for name, cls, kwargs, steps in CASES:
        variables = [keras.Variable(v, name=f"w{j}") for j, v in enumerate(VARS)]
        opt = getattr(keras.optimizers, cls)(**kwargs)
        iterations, lrs = [], []
        for step in range(steps):
            grads = [rng.normal(size=s).astype("float32") for s in SHAPES]
            for j, g in enumerate(grads):
                arrays[f"{name}__g{step}_{j}"] = g
            opt.apply([tf.constant(g) for g in grads], variables)
            for j, v in enumerate(variables):
                arrays[f"{name}__v{step}_{j}"] = np.asarray(v.numpy())
            iterations.append(int(opt.iterations.numpy()))
            lrs.append(float(np.asarray(opt.learning_rate)))
        meta_cases.append({"name": name, "class": cls, "kwargs": kwargs, "steps": steps,
                           "iterations": iterations, "learning_rate": lrs,
                           "config_keys": sorted(opt.get_config())})
    meta = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__, "shapes": [list(s) for s in SHAPES],
            "cases": meta_cases}
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(HERE, "fixtures", "optimizers_k3.npz"), arrays)
    print("wrote optimizers_k3.npz:", len(meta_cases), "cases")


if __name__ == "__main__":
    main()
