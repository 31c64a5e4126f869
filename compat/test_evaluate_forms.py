"""Case 7: evaluate() return forms (scalar / list / dict) and custom metric functions
named after the function, against tf_keras (see compat/README.md)."""

import torch

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case, weights

ARRAYS, META = load_case("evaluate_forms")


def my_metric(y_true, y_pred):
    # a per-sample value: Keras averages it over samples
    return torch.mean(torch.square(y_true - y_pred), dim=-1)


def my_scalar_metric(y_true, y_pred):
    # one value per batch: Keras averages the per-batch values without batch-size weights
    return torch.max(y_pred)


def _model():
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.set_weights(weights(ARRAYS, META, "init"))
    return model


def test_evaluate_loss_only_is_a_float():
    model = _model()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    result = model.evaluate(ARRAYS["x"], ARRAYS["y"], batch_size=16, verbose=0)
    assert META["outputs"]["loss_only__type"] == "float"
    assert isinstance(result, float)
    assert_close(result, ARRAYS["loss_only"], "evaluate() loss only")


def test_evaluate_list_and_dict():
    model = _model()
    model.compile(optimizer="sgd", loss="categorical_crossentropy",
                  metrics=["accuracy", my_metric, my_scalar_metric])
    as_list = model.evaluate(ARRAYS["x"], ARRAYS["y"], batch_size=16, verbose=0)
    assert isinstance(as_list, list) and len(as_list) == 4
    assert_close(as_list, ARRAYS["as_list"], "evaluate() list [loss, *metrics]")
    as_dict = model.evaluate(ARRAYS["x"], ARRAYS["y"], batch_size=16, verbose=0, return_dict=True)
    keys = META["outputs"]["as_dict__keys"]  # loss, accuracy, my_metric, my_scalar_metric
    assert list(as_dict) == keys
    for key in keys:
        assert_close(as_dict[key], ARRAYS[f"as_dict__{key}"], f"evaluate(return_dict=True)[{key!r}]")
    assert list(model.metrics_names) == META["outputs"]["metrics_names"]


def test_fit_with_custom_metrics():
    model = _model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy",
                  metrics=["accuracy", my_metric, my_scalar_metric])
    hist = model.fit(ARRAYS["x"], ARRAYS["y"], batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert_history_close(hist.history, ARRAYS, META)
    assert_weights_close(model.get_weights(), weights(ARRAYS, META, "final"), "final weights")
    assert_close(model.predict(ARRAYS["x"], verbose=0), ARRAYS["pred"], "predict after fit")
