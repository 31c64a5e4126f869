"""Record reference numbers from real Keras into ``compat/fixtures/<case>.npz``.

Runs ONLY in the reference venv (real TensorFlow, tf_keras 2.x, keras 3.x)::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate.py

Keras 2 (``tf_keras``) is the primary reference. The script then runs itself a
second time with ``--keras3`` (plain ``import keras``, Keras 3 on its TensorFlow
backend) on the very same cases and inputs; every output where Keras 3 gives
different numbers (or a different History key order) is stored beside the Keras 2
value under ``k3__<key>`` (arrays) or ``meta["k3"][<key>]`` (JSON values).

Each fixture holds everything its replay test needs:

* inputs: ``x``, ``y``..., initial weights ``init_w0, init_w1, ...`` (numpy
  RandomState, set with ``set_weights``);
* outputs: predictions, evaluate results, ``hist__<key>`` per History key, final
  weights ``final_w0, ...``;
* ``meta``: a JSON string with the case config, library versions and JSON outputs
  (History key order, evaluate return types and dict key order).

Options: ``--only CASE[,CASE]`` to regenerate some cases, ``--outdir DIR`` to write
elsewhere (e.g. to check that two runs give identical files).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")

ACTIVATIONS = [
    "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus",
    "softsign", "swish", "gelu", "exponential", "hard_sigmoid", "relu6", "mish",
    "log_softmax", "leaky_relu", "silu",
]

# Optimizer cases for the 3-epoch fit trajectories: name -> (class, kwargs).
OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "adam": ("Adam", {"learning_rate": 0.01}),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
}


@dataclass
class Case:
    """What one case records: inputs (also given to Keras 3), outputs, meta."""

    inputs: Dict[str, np.ndarray] = field(default_factory=dict)
    outputs: Dict[str, np.ndarray] = field(default_factory=dict)
    meta: Dict[str, Any] = field(default_factory=dict)
    meta_outputs: Dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers


def f32(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def init_weights(rs: np.random.RandomState, layers: List[tuple], scale: float = 1.0) -> List[np.ndarray]:
    """Dense weights [kernel, bias, ...] for (fan_in, units) pairs: glorot-uniform
    kernels times ``scale`` and small non-zero biases (so biases are tested too)."""
    out = []
    for fan_in, units in layers:
        limit = np.sqrt(6.0 / (fan_in + units)) * scale
        out.append(f32(rs.uniform(-limit, limit, (fan_in, units))))
        out.append(f32(rs.uniform(-0.1, 0.1, (units,))))
    return out


def put_weights(case: Case, prefix: str, weights: List[np.ndarray], where: str) -> None:
    target = case.inputs if where == "inputs" else case.outputs
    for i, w in enumerate(weights):
        target[f"{prefix}_w{i}"] = np.asarray(w)
    case.meta[f"n_{prefix}_weights"] = len(weights)


def classification_data(rs: np.random.RandomState, n: int, d: int, k: int):
    """x (n, d) float32, integer labels (n,) from a fixed random linear rule + noise."""
    x = f32(rs.normal(size=(n, d)))
    w = rs.normal(size=(d, k))
    labels = np.argmax(x @ w + 0.5 * rs.normal(size=(n, k)), axis=-1).astype(np.int64)
    return x, labels


def one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    return f32(np.eye(k)[labels])


def put_history(case: Case, history: Dict[str, list]) -> None:
    case.meta_outputs["history_keys"] = list(history.keys())
    for key, values in history.items():
        case.outputs[f"hist__{key}"] = np.asarray(values, dtype=np.float64)


def put_eval(case: Case, key: str, result: Any) -> None:
    """Store an evaluate() result (scalar, list or dict) as float64 plus its form."""
    if isinstance(result, dict):
        case.meta_outputs[f"{key}__form"] = "dict"
        case.meta_outputs[f"{key}__keys"] = list(result.keys())
        for name, value in result.items():  # by name: Keras 3 orders the keys differently
            case.outputs[f"{key}__{name}"] = np.asarray(value, dtype=np.float64)
    elif isinstance(result, (list, tuple)):
        case.meta_outputs[f"{key}__form"] = "list"
        case.outputs[key] = np.asarray(result, dtype=np.float64)
    else:
        case.meta_outputs[f"{key}__form"] = "scalar"
        case.meta_outputs[f"{key}__type"] = type(result).__name__
        case.outputs[key] = np.asarray(result, dtype=np.float64)


def mlp(keras, sizes: List[int], hidden: str, out: str, names: List[str] | None = None):
    """Sequential MLP: Input(sizes[0]) -> Dense(...hidden) ... -> Dense(sizes[-1], out)."""
    layers = [keras.Input(shape=(sizes[0],))]
    for i, units in enumerate(sizes[1:]):
        act = out if i == len(sizes) - 2 else hidden
        kw = {"name": names[i]} if names else {}
        layers.append(keras.layers.Dense(units, activation=act, **kw))
    return keras.Sequential(layers)


# ----------------------------------------------------------------------------- cases


def case_activations(keras, tf) -> Case:
    """Case 1: Dense(4, activation=a) on a (6, 3) input, and activations.get(a)(grid)."""
    c = Case()
    rs = np.random.RandomState(1)
    x = f32(rs.uniform(-2.0, 2.0, (6, 3)))
    weights = [f32(rs.uniform(-1.5, 1.5, (3, 4))), f32(rs.uniform(-0.5, 0.5, (4,)))]
    grid = f32(np.linspace(-6.0, 6.0, 30).reshape(5, 6))
    c.inputs.update(x=x, grid=grid)
    put_weights(c, "init", weights, "inputs")
    supported = []
    for name in ACTIVATIONS:
        try:
            fn = keras.activations.get(name)
        except Exception:  # noqa: BLE001 - record what this Keras does not know
            continue
        supported.append(name)
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation=name)])
        model.set_weights(weights)
        c.outputs[f"dense__{name}"] = f32(model.predict(x, verbose=0))
        c.outputs[f"fn__{name}"] = f32(fn(tf.constant(grid)))
    c.meta.update(activations=ACTIVATIONS, dense_units=4, input_shape=[3])
    c.meta_outputs["supported"] = supported
    return c


def _loss_inputs(rs: np.random.RandomState) -> Dict[str, np.ndarray]:
    n = 8
    # regression / generic: strictly positive targets and predictions for msle/poisson/kld
    reg_t = f32(rs.uniform(0.0, 2.0, (n, 3)))
    reg_p = f32(rs.uniform(0.0, 2.0, (n, 3)))
    reg_t[0, 0] = 0.0  # mape's max(|t|, eps) branch
    # binary probabilities including exact 0 / 1 and values beyond 1-eps (clipping path)
    bin_t = f32([[1], [0], [1], [0], [1], [0], [0.3], [1]])
    bin_p = f32([[0.0], [1.0], [1e-9], [1 - 1e-9], [0.5], [0.2], [0.7], [0.999]])
    bin_logits = f32(rs.normal(0.0, 4.0, (n, 1)))
    # categorical: rows with zeros and rows that do not sum to 1 (normalisation)
    cat_labels = rs.randint(0, 4, size=(n,)).astype(np.int64)
    cat_t = one_hot(cat_labels, 4)
    cat_p = f32(rs.uniform(0.0, 1.0, (n, 4)))
    cat_p[:4] /= cat_p[:4].sum(axis=-1, keepdims=True)  # first half normalised
    cat_p[0] = [0.0, 0.0, 1.0, 0.0]
    cat_p[1, cat_labels[1]] = 0.0  # the true class gets probability exactly 0
    cat_logits = f32(rs.normal(0.0, 3.0, (n, 4)))
    sw = f32(rs.uniform(0.0, 2.0, (n,)))
    return dict(
        reg_t=reg_t, reg_p=reg_p, bin_t=bin_t, bin_p=bin_p, bin_logits=bin_logits,
        cat_t=cat_t, cat_p=cat_p, cat_logits=cat_logits, sparse_t=cat_labels,
        sparse_t2=cat_labels.reshape(-1, 1), sw=sw,
        # hinge family on -1/1 style and 0/1 labels
        hinge_t=f32(rs.randint(0, 2, (n, 3))), hinge_p=f32(rs.normal(0.0, 1.0, (n, 3))),
    )


LOSS_FUNCTIONS = [
    # (function name, y_true key, y_pred key, kwargs)
    ("mean_squared_error", "reg_t", "reg_p", {}),
    ("mean_absolute_error", "reg_t", "reg_p", {}),
    ("mean_absolute_percentage_error", "reg_t", "reg_p", {}),
    ("mean_squared_logarithmic_error", "reg_t", "reg_p", {}),
    ("binary_crossentropy", "bin_t", "bin_p", {}),
    ("binary_crossentropy", "bin_t", "bin_logits", {"from_logits": True}),
    ("binary_crossentropy", "bin_t", "bin_p", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", "cat_t", "cat_p", {}),
    ("categorical_crossentropy", "cat_t", "cat_logits", {"from_logits": True}),
    ("categorical_crossentropy", "cat_t", "cat_p", {"label_smoothing": 0.1}),
    ("sparse_categorical_crossentropy", "sparse_t", "cat_p", {}),
    ("sparse_categorical_crossentropy", "sparse_t", "cat_logits", {"from_logits": True}),
    ("kl_divergence", "cat_t", "cat_p", {}),
    ("poisson", "reg_t", "reg_p", {}),
    ("hinge", "hinge_t", "hinge_p", {}),
    ("squared_hinge", "hinge_t", "hinge_p", {}),
    ("categorical_hinge", "cat_t", "cat_p", {}),
    ("log_cosh", "reg_t", "reg_p", {}),
    ("huber", "reg_t", "reg_p", {}),
    ("cosine_similarity", "reg_t", "reg_p", {}),
]

LOSS_CLASSES = [
    # (class name, init kwargs, y_true key, y_pred key, sample_weight key or None)
    ("MeanSquaredError", {}, "reg_t", "reg_p", None),
    ("MeanSquaredError", {}, "reg_t", "reg_p", "sw"),
    ("MeanAbsoluteError", {}, "reg_t", "reg_p", "sw"),
    ("BinaryCrossentropy", {}, "bin_t", "bin_p", None),
    ("BinaryCrossentropy", {}, "bin_t", "bin_p", "sw"),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_t", "bin_logits", None),
    ("CategoricalCrossentropy", {}, "cat_t", "cat_p", None),
    ("CategoricalCrossentropy", {}, "cat_t", "cat_p", "sw"),
    ("CategoricalCrossentropy", {"from_logits": True}, "cat_t", "cat_logits", None),
    ("SparseCategoricalCrossentropy", {}, "sparse_t", "cat_p", None),
    ("SparseCategoricalCrossentropy", {}, "sparse_t2", "cat_p", None),
    ("SparseCategoricalCrossentropy", {}, "sparse_t", "cat_p", "sw"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_t", "cat_logits", None),
    ("MeanSquaredError", {"reduction": "sum"}, "reg_t", "reg_p", "sw"),
    ("Huber", {"delta": 0.5}, "reg_t", "reg_p", None),
]


def case_losses_standalone(keras, tf) -> Case:
    """Case 2b: keras.losses functions and classes on plain arrays (clipping path)."""
    c = Case()
    c.inputs.update(_loss_inputs(np.random.RandomState(2)))
    fn_entries, cls_entries = [], []
    for i, (name, t, p, kwargs) in enumerate(LOSS_FUNCTIONS):
        key = f"fn{i:02d}__{name}"
        fn_entries.append({"key": key, "fn": name, "y_true": t, "y_pred": p, "kwargs": kwargs})
        try:
            out = getattr(keras.losses, name)(tf.constant(c.inputs[t]), tf.constant(c.inputs[p]), **kwargs)
            c.outputs[key] = f32(out)
        except Exception as e:  # noqa: BLE001
            c.meta_outputs[f"{key}__error"] = repr(e)
    for i, (name, kwargs, t, p, sw) in enumerate(LOSS_CLASSES):
        key = f"cls{i:02d}__{name}"
        cls_entries.append({"key": key, "cls": name, "kwargs": kwargs, "y_true": t, "y_pred": p,
                            "sample_weight": sw})
        try:
            loss = getattr(keras.losses, name)(**kwargs)
            sw_arg = None if sw is None else tf.constant(c.inputs[sw])
            c.outputs[key] = f32(loss(tf.constant(c.inputs[t]), tf.constant(c.inputs[p]), sample_weight=sw_arg))
        except Exception as e:  # noqa: BLE001
            c.meta_outputs[f"{key}__error"] = repr(e)
    c.meta.update(functions=fn_entries, classes=cls_entries)
    return c


def _evaluate_case(keras, seed: int, units: int, activation: str, scale: float, labels: str,
                   evals: List[dict]) -> Case:
    """A one-Dense model with large weights; model.evaluate under several compile()s."""
    c = Case()
    rs = np.random.RandomState(seed)
    n, d = 40, 3
    x = f32(rs.normal(size=(n, d)))
    weights = init_weights(rs, [(d, units)], scale=scale)
    if labels == "binary":
        # labels partly disagree with the model, so confident wrong predictions occur
        logits = x @ weights[0] + weights[1]
        y = f32((logits > 0).astype(np.float32))
        flip = rs.rand(n, 1) < 0.3
        y = f32(np.where(flip, 1 - y, y))
        c.inputs.update(y=y, y_1d=y.reshape(-1))
    else:
        lab = rs.randint(0, units, size=(n,)).astype(np.int64)
        c.inputs.update(y_onehot=one_hot(lab, units), y_sparse=lab, y_sparse2=lab.reshape(-1, 1))
    c.inputs["x"] = x
    put_weights(c, "init", weights, "inputs")
    model = keras.Sequential([keras.Input(shape=(d,)), keras.layers.Dense(units, activation=activation)])
    model.set_weights(weights)
    c.outputs["pred"] = f32(model.predict(x, verbose=0))
    for i, ev in enumerate(evals):
        key = f"eval{i:02d}"
        ev = dict(ev, key=key)
        model.compile(optimizer="sgd", loss=ev["loss"], metrics=ev["metrics"])
        put_eval(c, key, model.evaluate(x, c.inputs[ev["y"]], batch_size=16, verbose=0, return_dict=True))
        evals[i] = ev
    c.meta.update(units=units, activation=activation, input_shape=[d], batch_size=16, evals=evals)
    return c


def case_evaluate_binary(keras, tf) -> Case:
    """Case 2a: Dense(1, sigmoid) with large weights; BCE takes the logits path."""
    evals = [
        {"loss": "binary_crossentropy", "metrics": ["accuracy"], "y": "y"},
        {"loss": "binary_crossentropy", "metrics": ["accuracy"], "y": "y_1d"},
        {"loss": "mse", "metrics": ["accuracy", "binary_crossentropy", "mae"], "y": "y"},
        {"loss": "mae", "metrics": ["binary_accuracy"], "y": "y"},
    ]
    return _evaluate_case(keras, 3, 1, "sigmoid", 12.0, "binary", evals)


def case_evaluate_categorical(keras, tf) -> Case:
    """Case 2a: Dense(3, softmax) with large weights, one-hot labels."""
    evals = [
        {"loss": "categorical_crossentropy", "metrics": ["accuracy"], "y": "y_onehot"},
        {"loss": "mse", "metrics": ["accuracy", "categorical_crossentropy"], "y": "y_onehot"},
        {"loss": "categorical_crossentropy", "metrics": ["categorical_accuracy", "mae"], "y": "y_onehot"},
    ]
    return _evaluate_case(keras, 4, 3, "softmax", 8.0, "categorical", evals)


def case_evaluate_sparse(keras, tf) -> Case:
    """Case 2a: Dense(3, softmax) with large weights, int labels of shape (N,) and (N, 1)."""
    evals = [
        {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"], "y": "y_sparse"},
        {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"], "y": "y_sparse2"},
        {"loss": "sparse_categorical_crossentropy", "metrics": ["sparse_categorical_accuracy"],
         "y": "y_sparse"},
    ]
    return _evaluate_case(keras, 5, 3, "softmax", 8.0, "sparse", evals)


def _fit_base(keras, seed: int = 10, n: int = 64):
    rs = np.random.RandomState(seed)
    x, labels = classification_data(rs, n, 4, 3)
    weights = init_weights(rs, [(4, 8), (8, 3)])
    return rs, x, labels, weights


def _record_fit(c: Case, model, history, x) -> None:
    put_history(c, history.history)
    put_weights(c, "final", model.get_weights(), "outputs")
    c.outputs["pred"] = f32(model.predict(x, verbose=0))


def make_fit_case(opt_key: str) -> Callable:
    def case(keras, tf) -> Case:
        """Case 3: 3-epoch trajectory of a 4-8-3 softmax MLP for one optimizer."""
        c = Case()
        _, x, labels, weights = _fit_base(keras)
        y = one_hot(labels, 3)
        c.inputs.update(x=x, y=y)
        put_weights(c, "init", weights, "inputs")
        cls, kwargs = OPTIMIZERS[opt_key]
        model = mlp(keras, [4, 8, 3], "relu", "softmax")
        model.set_weights(weights)
        model.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs),
                      loss="categorical_crossentropy", metrics=["accuracy"])
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        _record_fit(c, model, h, x)
        c.meta.update(optimizer=cls, optimizer_kwargs=kwargs, sizes=[4, 8, 3], hidden="relu",
                      loss="categorical_crossentropy", metrics=["accuracy"], batch_size=16, epochs=3)
        return c

    return case


def _functional_model(keras, concat: bool):
    in_a = keras.Input(shape=(4,), name="in_a")
    in_b = keras.Input(shape=(3,), name="in_b")
    trunk = keras.layers.Dense(8, activation="relu", name="trunk")(in_a)
    side = keras.layers.Dense(4, activation="tanh", name="side")(in_b)
    if concat:
        both = keras.layers.Concatenate(name="concat")([trunk, side])
        out_a = keras.layers.Dense(3, activation="softmax", name="out_a")(both)
        out_b = keras.layers.Dense(1, name="out_b")(both)
    else:
        out_a = keras.layers.Dense(3, activation="softmax", name="out_a")(trunk)
        out_b = keras.layers.Dense(1, name="out_b")(side)
    return keras.Model(inputs=[in_a, in_b], outputs=[out_a, out_b])


def make_functional_case(form: str, concat: bool = False) -> Callable:
    def case(keras, tf) -> Case:
        """Case 4: two inputs, two outputs, loss_weights; dict or list compile/fit forms."""
        c = Case()
        rs = np.random.RandomState(20)
        n = 48
        xa, labels = classification_data(rs, n, 4, 3)
        xb = f32(rs.normal(size=(n, 3)))
        yb = f32(xb @ rs.normal(size=(3, 1)) + 0.1)
        ya = one_hot(labels, 3)
        model = _functional_model(keras, concat)
        weights = init_weights(rs, [(w.shape[0], w.shape[1]) for w in model.get_weights() if w.ndim == 2])
        model.set_weights(weights)
        c.inputs.update(xa=xa, xb=xb, ya=ya, yb=yb)
        put_weights(c, "init", weights, "inputs")
        if form == "dict":
            compile_kw = dict(loss={"out_a": "categorical_crossentropy", "out_b": "mse"},
                              loss_weights={"out_a": 1.0, "out_b": 0.5},
                              metrics={"out_a": ["accuracy"], "out_b": ["mae"]})
            xs, ys = {"in_a": xa, "in_b": xb}, {"out_a": ya, "out_b": yb}
        else:
            compile_kw = dict(loss=["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                              metrics=[["accuracy"], ["mae"]])
            xs, ys = [xa, xb], [ya, yb]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), **compile_kw)
        c.outputs["eval_before"] = np.asarray(model.evaluate(xs, ys, batch_size=16, verbose=0),
                                              dtype=np.float64)
        h = model.fit(xs, ys, batch_size=16, epochs=3, shuffle=False, verbose=0)
        put_history(c, h.history)
        put_weights(c, "final", model.get_weights(), "outputs")
        pa, pb = model.predict(xs, verbose=0)
        c.outputs.update(pred_a=f32(pa), pred_b=f32(pb))
        put_eval(c, "eval_after", model.evaluate(xs, ys, batch_size=16, verbose=0, return_dict=True))
        c.meta.update(form=form, concat=concat, compile=compile_kw, optimizer="SGD",
                      optimizer_kwargs={"learning_rate": 0.05}, batch_size=16, epochs=3,
                      layer_names=[layer.name for layer in model.layers])
        c.meta_outputs["metrics_names"] = list(model.metrics_names)
        return c

    return case


def make_fit_option_case(option: str) -> Callable:
    def case(keras, tf) -> Case:
        """Case 5: a short fit with validation_split / validation_data / sample_weight /
        class_weight (categorical one-hot or sparse labels)."""
        c = Case()
        rs, x, labels, weights = _fit_base(keras, seed=30, n=48)
        sparse = option == "class_weight_sparse"
        y = labels if sparse else one_hot(labels, 3)
        loss = "sparse_categorical_crossentropy" if sparse else "categorical_crossentropy"
        c.inputs.update(x=x, y=y)
        put_weights(c, "init", weights, "inputs")
        fit_kw: Dict[str, Any] = {}
        if option == "validation_split":
            fit_kw["validation_split"] = 0.25
        elif option == "validation_data":
            xv, lv = classification_data(rs, 20, 4, 3)
            c.inputs.update(x_val=xv, y_val=one_hot(lv, 3))
            fit_kw["validation_data"] = (xv, one_hot(lv, 3))
        elif option == "sample_weight":
            sw = f32(rs.uniform(0.0, 3.0, (len(x),)))
            c.inputs["sample_weight"] = sw
            fit_kw["sample_weight"] = sw
        else:
            fit_kw["class_weight"] = {0: 1.0, 1: 2.5, 2: 0.5}
        model = mlp(keras, [4, 8, 3], "relu", "softmax")
        model.set_weights(weights)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss,
                      metrics=["accuracy"])
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, **fit_kw)
        _record_fit(c, model, h, x)
        meta_kw = {k: v for k, v in fit_kw.items() if k in ("validation_split", "class_weight")}
        if "class_weight" in meta_kw:
            meta_kw["class_weight"] = {str(k): v for k, v in meta_kw["class_weight"].items()}
        c.meta.update(option=option, fit_kwargs=meta_kw, loss=loss, metrics=["accuracy"],
                      optimizer="SGD", optimizer_kwargs={"learning_rate": 0.1}, sizes=[4, 8, 3],
                      hidden="relu", batch_size=16, epochs=3)
        return c

    return case


def case_xor(keras, tf) -> Case:
    """Case 6: the XOR tutorial, Dense(2, tanh) -> Dense(1, sigmoid), SGD(0.1), batch 1."""
    c = Case()
    rs = np.random.RandomState(40)
    x = f32([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = f32([[0], [1], [1], [0]])
    weights = init_weights(rs, [(2, 2), (2, 1)], scale=1.5)
    c.inputs.update(x=x, y=y)
    put_weights(c, "init", weights, "inputs")
    model = mlp(keras, [2, 2, 1], "tanh", "sigmoid")
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(x, y, batch_size=1, epochs=50, shuffle=False, verbose=0)
    _record_fit(c, model, h, x)
    c.meta.update(sizes=[2, 2, 1], hidden="tanh", optimizer="SGD",
                  optimizer_kwargs={"learning_rate": 0.1}, loss="binary_crossentropy",
                  metrics=["accuracy"], batch_size=1, epochs=50)
    return c


def case_evaluate_forms(keras, tf) -> Case:
    """Case 7: evaluate() as scalar / list / dict; custom metric functions by name."""

    def my_metric(y_true, y_pred):
        # per-sample value: averaged over samples (weighted by batch size)
        return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    def my_scalar_metric(y_true, y_pred):
        # one value per batch: Keras averages the per-batch values, unweighted
        return tf.reduce_max(y_pred)

    c = Case()
    rs = np.random.RandomState(50)
    x, labels = classification_data(rs, 40, 4, 3)
    y = one_hot(labels, 3)
    weights = init_weights(rs, [(4, 3)], scale=2.0)
    c.inputs.update(x=x, y=y)
    put_weights(c, "init", weights, "inputs")
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    model.set_weights(weights)
    c.outputs["pred_before"] = f32(model.predict(x, verbose=0))
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    put_eval(c, "loss_only", model.evaluate(x, y, batch_size=16, verbose=0))
    metrics = ["accuracy", my_metric, my_scalar_metric]
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=metrics)
    put_eval(c, "as_list", model.evaluate(x, y, batch_size=16, verbose=0))
    put_eval(c, "as_dict", model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True))
    c.meta_outputs["metrics_names"] = list(model.metrics_names)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy",
                  metrics=metrics)
    h = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    _record_fit(c, model, h, x)
    c.meta.update(batch_size=16, epochs=2, optimizer="SGD", optimizer_kwargs={"learning_rate": 0.1},
                  metrics=["accuracy", "my_metric", "my_scalar_metric"])
    return c


CASES: Dict[str, Callable] = {
    "activations": case_activations,
    "losses_standalone": case_losses_standalone,
    "evaluate_binary": case_evaluate_binary,
    "evaluate_categorical": case_evaluate_categorical,
    "evaluate_sparse": case_evaluate_sparse,
    **{f"fit_{k}": make_fit_case(k) for k in OPTIMIZERS},
    "functional_dict": make_functional_case("dict"),
    "functional_list": make_functional_case("list"),
    "functional_concat": make_functional_case("dict", concat=True),
    **{f"fit_{k}": make_fit_option_case(k) for k in
       ["validation_split", "validation_data", "sample_weight", "class_weight", "class_weight_sparse"]},
    "xor": case_xor,
    "evaluate_forms": case_evaluate_forms,
}


# ----------------------------------------------------------------------------- driver


def run_cases(keras, tf, names: List[str]) -> Dict[str, Case]:
    import random

    out = {}
    for name in names:
        np.random.seed(0)
        random.seed(0)
        tf.random.set_seed(0)
        keras.backend.clear_session()
        out[name] = CASES[name](keras, tf)
    return out


def keras3_main(names: List[str], path: str) -> None:
    """Child process: run the cases with Keras 3 and dump outputs (npz + JSON)."""
    import keras
    import tensorflow as tf

    results = {}
    arrays = {}
    for name in names:
        try:
            case = run_cases(keras, tf, [name])[name]
        except Exception as e:  # noqa: BLE001 - Keras 3 may reject a Keras 2 idiom
            results[name] = {"error": repr(e)}
            continue
        results[name] = {"meta_outputs": case.meta_outputs, "inputs": sorted(case.inputs)}
        for k, v in case.outputs.items():
            arrays[f"{name}//{k}"] = v
        for k, v in case.inputs.items():
            arrays[f"{name}//in//{k}"] = v
    np.savez(path, meta=np.array(json.dumps({"version": keras.__version__, "cases": results})), **arrays)


def save_npz(path: str, arrays: Dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed, but byte-identical for identical arrays (fixed zip
    timestamps, sorted keys), so regenerating unchanged cases leaves git clean."""
    tmp_path = path + ".tmp"
    with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[key]), allow_pickle=False)
            zf.writestr(info, buf.getvalue())
    os.replace(tmp_path, path)


def differs(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return True
    return not np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--outdir", default=FIXTURES)
    parser.add_argument("--keras3", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(CASES)
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        parser.error(f"unknown cases {unknown}; known: {sorted(CASES)}")
    if args.keras3:
        keras3_main(names, args.keras3)
        return

    import tensorflow as tf
    import tf_keras as keras

    k2 = run_cases(keras, tf, names)

    with tempfile.TemporaryDirectory() as tmp:
        k3_path = os.path.join(tmp, "k3.npz")
        env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
        subprocess.run([sys.executable, os.path.abspath(__file__), "--only", ",".join(names),
                        "--keras3", k3_path], check=True, env=env)
        with np.load(k3_path) as z:
            k3_arrays = {k: z[k] for k in z.files if k != "meta"}
            k3_meta = json.loads(str(z["meta"]))

    os.makedirs(args.outdir, exist_ok=True)
    for name in names:
        case = k2[name]
        k3 = k3_meta["cases"][name]
        k3_info: Dict[str, Any] = {}
        arrays = dict(case.inputs)
        arrays.update(case.outputs)
        if "error" in k3:
            k3_info["error"] = k3["error"]
        else:
            for k, v in case.inputs.items():  # same inputs, or the comparison means nothing
                assert np.array_equal(v, k3_arrays[f"{name}//in//{k}"]), (name, k)
            same, diff = [], []
            k3_keys = {k.split("//", 1)[1] for k in k3_arrays if k.startswith(name + "//")
                       and "//in//" not in k}
            for k in sorted(set(case.outputs) | k3_keys):
                v3 = k3_arrays.get(f"{name}//{k}")
                v2 = case.outputs.get(k)
                if v3 is None or v2 is None:
                    diff.append(k)
                    if v3 is not None:
                        arrays[f"k3__{k}"] = v3
                elif differs(v2, v3):
                    diff.append(k)
                    arrays[f"k3__{k}"] = v3
                else:
                    same.append(k)
            k3_info["differs"] = diff
            k3_info["same"] = same
            k3_info["meta_outputs"] = {k: v for k, v in k3["meta_outputs"].items()
                                       if case.meta_outputs.get(k) != v}
        meta = {
            "case": name,
            "doc": (CASES[name].__doc__ or "").strip(),
            "tf_keras_version": keras.__version__,
            "keras3_version": k3_meta["version"],
            "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__,
            "config": case.meta,
            "outputs": case.meta_outputs,
            "k3": k3_info,
            "inputs": sorted(case.inputs),
        }
        arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
        save_npz(os.path.join(args.outdir, f"{name}.npz"), arrays)
        print(f"{name}: {len(arrays)} arrays, keras3 differs on {k3_info.get('differs', k3_info)}")


if __name__ == "__main__":
    main()
