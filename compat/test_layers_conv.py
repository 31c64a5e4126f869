"""Conv / pooling / reshaping / activation / normalization layers against tf_keras.

Replays ``fixtures/conv_layers.npz`` and ``fixtures/conv_same_sweep.npz`` (one forward call per
layer config with fixed weights: output, param count, weight shapes, compute_output_shape;
BatchNormalization's moving statistics after a ``training=True`` call) and the fits in
``conv_fit_cnn.npz`` (CNN, Adam), ``conv_fit_bn.npz`` (BatchNormalization in fit) and
``conv_fit_activity.npz`` (ActivityRegularization's loss in fit). Layers with a data_format
are also run channels_first on the transposed input and compared with the transposed
reference (TensorFlow's CPU kernels record channels_last only).

Tolerances: rtol 1e-5 / atol 1e-5 for forward outputs (float32 sums over up to 125 products
of values ~1), rtol 1e-5 / atol 1e-6 for the fits.
"""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case

FORWARD_TOL = {"rtol": 1e-5, "atol": 1e-5}
FIT_TOL = {"rtol": 1e-5, "atol": 1e-6}
_CACHE = {}


def _fixture(name):
    if name not in _CACHE:
        _CACHE[name] = load_case(name)
    return _CACHE[name]


def _case_ids(fixture):
    return [(fixture, c["name"]) for c in _fixture(fixture)[1]["cases"]]


ALL_CASES = _case_ids("conv_layers") + _case_ids("conv_same_sweep")


def _kwargs(spec):
    kwargs = dict(spec["kwargs"])
    for key in ("kernel_size", "strides", "pool_size", "output_padding", "dilation_rate",
                "size", "dims"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = tuple(kwargs[key])
    return kwargs


def _run(spec, arrays, channels_first=False):
    name = spec["name"]
    inputs = [arrays[f"{name}__x{i}"] for i in range(spec["n_inputs"])]
    kwargs = _kwargs(spec)
    if channels_first:
        inputs = [np.ascontiguousarray(np.moveaxis(x, -1, 1)) for x in inputs]
        kwargs["data_format"] = "channels_first"
    layer = getattr(keras.layers, spec["class"])(**kwargs)
    feed = inputs if len(inputs) > 1 else inputs[0]
    layer(feed)
    layer.set_weights([arrays[f"{name}__w{j}"] for j in range(spec["n_weights"])])
    output = np.asarray(layer(feed, **spec["call_kwargs"]))
    if channels_first:
        output = np.moveaxis(output, 1, -1)
    return layer, output


@pytest.mark.parametrize("fixture,name", ALL_CASES, ids=[n for _, n in ALL_CASES])
def test_forward(fixture, name):
    arrays, meta = _fixture(fixture)
    spec = next(c for c in meta["cases"] if c["name"] == name)
    layer, output = _run(spec, arrays)
    assert_close(output, arrays[f"{name}__y"], f"{name} output", **FORWARD_TOL)
    assert layer.count_params() == spec["count_params"]
    assert [list(w.shape) for w in layer.get_weights()] == spec["weight_shapes"]
    assert [w.name.split("/", 1)[1] for w in layer.weights] == \
        [n.split("/", 1)[1] for n in spec["weight_names"]]
    in_shapes = [(None,) + arrays[f"{name}__x{i}"].shape[1:] for i in range(spec["n_inputs"])]
    shape = layer.compute_output_shape(in_shapes if len(in_shapes) > 1 else in_shapes[0])
    assert list(shape) == spec["output_shape"]
    if spec["call_kwargs"].get("training"):
        after = [arrays[f"{name}__after_w{j}"] for j in range(spec["n_weights"])]
        assert_weights_close(layer.get_weights(), after, f"{name} weights after call",
                             **FORWARD_TOL)
    if spec["channels_first"]:
        _, output_cf = _run(spec, arrays, channels_first=True)
        assert_close(output_cf, arrays[f"{name}__y"], f"{name} channels_first output",
                     **FORWARD_TOL)


def _fit_case(name, model):
    arrays, meta = load_case(name)
    cfg = meta["config"]
    model.set_weights([arrays[f"init_w{i}"] for i in range(cfg["n_init_weights"])])
    return arrays, meta, cfg


def _check_fit(model, history, arrays, meta, cfg):
    assert_history_close(history.history, arrays, {"outputs": {"history_keys":
                                                               cfg["history_keys"]}}, **FIT_TOL)
    final = [arrays[f"final_w{i}"] for i in range(cfg["n_final_weights"])]
    assert_weights_close(model.get_weights(), final, "final weights", **FIT_TOL)
    assert_close(model.predict(arrays["x"], verbose=0), arrays["pred"], "predict after fit",
                 **FIT_TOL)


def test_fit_cnn():
    model = keras.Sequential([
        keras.layers.Conv2D(4, 2, padding="same", activation="relu", input_shape=(8, 8, 1)),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    arrays, meta, cfg = _fit_case("conv_fit_cnn", model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], shuffle=False, verbose=0)
    _check_fit(model, history, arrays, meta, cfg)


def test_fit_batch_normalization():
    model = keras.Sequential([
        keras.layers.Conv2D(3, 3, padding="same", input_shape=(8, 8, 1)),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(6),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.Dense(3, activation="softmax"),
    ])
    arrays, meta, cfg = _fit_case("conv_fit_bn", model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], shuffle=False, verbose=0)
    _check_fit(model, history, arrays, meta, cfg)  # moving stats are among the weights
    assert_close(model.evaluate(arrays["x"], arrays["y"], batch_size=16, verbose=0),
                 arrays["evaluate"], "evaluate after fit", **FIT_TOL)


def test_fit_activity_regularization():
    model = keras.Sequential([
        keras.layers.Dense(6, activation="relu", input_shape=(4,)),
        keras.layers.ActivityRegularization(l1=0.01, l2=0.02),
        keras.layers.Dense(2),
    ])
    arrays, meta, cfg = _fit_case("conv_fit_activity", model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], shuffle=False, verbose=0)
    _check_fit(model, history, arrays, meta, cfg)
    assert_close(model.evaluate(arrays["x"], arrays["y"], batch_size=8, verbose=0),
                 arrays["evaluate"], "evaluate after fit (includes the activity loss)",
                 **FIT_TOL)
