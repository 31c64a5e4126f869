"""Cases 3, 5, 6: fit trajectories per optimizer, fit options (validation_split,
validation_data, sample_weight, class_weight) and the XOR tutorial, against tf_keras.

Tolerances: rtol 1e-5 / atol 1e-6 for History, final weights and predictions. Headroom is
thin only for Adam's near-zero weights: m/sqrt(v) turns float32 rounding in a tiny gradient
into a ~1e-6 step difference (an independent float32 torch replay of the recorded Adam case
differs from Keras by 9.5e-7 on one such weight; torchkeras currently by <= 1.5e-7).
"""

import pytest

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case, weights

OPTIMIZER_CASES = ["fit_sgd", "fit_sgd_nesterov", "fit_rmsprop", "fit_adam", "fit_adagrad"]
OPTION_CASES = ["fit_validation_split", "fit_validation_data", "fit_sample_weight",
                "fit_class_weight", "fit_class_weight_sparse"]
WEIGHT_TOL = {"rtol": 1e-5, "atol": 1e-6}


def _mlp(cfg):
    """Dense(8, relu, input_shape=(4,)) -> Dense(3, softmax), as in the recording."""
    d, h, k = cfg["sizes"]
    return keras.Sequential([
        keras.layers.Dense(h, activation=cfg["hidden"], input_shape=(d,)),
        keras.layers.Dense(k, activation="softmax"),
    ])


def _check_after_fit(model, hist, arrays, meta):
    assert_history_close(hist.history, arrays, meta)
    assert_weights_close(model.get_weights(), weights(arrays, meta, "final"), "final weights", **WEIGHT_TOL)
    assert_close(model.predict(arrays["x"], verbose=0), arrays["pred"], "predict after fit")


@pytest.mark.parametrize("case", OPTIMIZER_CASES)
def test_fit_trajectory(case):
    arrays, meta = load_case(case)
    cfg = meta["config"]
    model = _mlp(cfg)
    model.set_weights(weights(arrays, meta, "init"))
    optimizer = getattr(keras.optimizers, cfg["optimizer"])(**cfg["optimizer_kwargs"])
    model.compile(optimizer=optimizer, loss=cfg["loss"], metrics=cfg["metrics"])
    hist = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"], epochs=cfg["epochs"],
                     shuffle=False, verbose=0)
    _check_after_fit(model, hist, arrays, meta)


@pytest.mark.parametrize("case", OPTION_CASES)
def test_fit_option(case):
    arrays, meta = load_case(case)
    cfg = meta["config"]
    fit_kwargs = dict(cfg["fit_kwargs"])
    if "class_weight" in fit_kwargs:  # JSON turned the int class keys into strings
        fit_kwargs["class_weight"] = {int(k): v for k, v in fit_kwargs["class_weight"].items()}
    if "x_val" in arrays:
        fit_kwargs["validation_data"] = (arrays["x_val"], arrays["y_val"])
    if "sample_weight" in arrays:
        fit_kwargs["sample_weight"] = arrays["sample_weight"]
    model = _mlp(cfg)
    model.set_weights(weights(arrays, meta, "init"))
    model.compile(optimizer=keras.optimizers.SGD(**cfg["optimizer_kwargs"]), loss=cfg["loss"],
                  metrics=cfg["metrics"])
    hist = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"], epochs=cfg["epochs"],
                     shuffle=False, verbose=0, **fit_kwargs)
    _check_after_fit(model, hist, arrays, meta)


def test_xor_tutorial():
    arrays, meta = load_case("xor")
    model = keras.Sequential()
    model.add(keras.layers.Dense(2, activation="tanh", input_dim=2))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.set_weights(weights(arrays, meta, "init"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(arrays["x"], arrays["y"], batch_size=1, epochs=50, shuffle=False, verbose=0)
    assert len(hist.history["loss"]) == 50
    _check_after_fit(model, hist, arrays, meta)
