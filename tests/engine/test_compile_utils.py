"""compile_utils.spread_over_outputs: the one helper that spreads a per-output argument
(loss, loss_weights, metrics dicts, targets, sample weights) over the model's outputs."""
import numpy as np
import pytest

import torchkeras as keras
from torchkeras.engine.compile_utils import spread_over_outputs

NAMES = ["a", "b"]


def test_none_dict_list_and_single_value():
    assert spread_over_outputs(None, NAMES) == [None, None]
    assert spread_over_outputs({"b": 2}, NAMES) == [None, 2]
    assert spread_over_outputs((1, 2), NAMES) == [1, 2]
    assert spread_over_outputs("mse", NAMES) == ["mse", "mse"]


def test_unknown_keys_are_named_unless_unchecked():
    with pytest.raises(ValueError, match=r"unexpected keys .*\['c'\]. Expected: \['a', 'b'\]"):
        spread_over_outputs({"c": 1}, NAMES)
    assert spread_over_outputs({"c": 1, "a": 0}, NAMES, check_keys=False) == [0, None]


def test_list_and_single_value_errors_are_the_callers():
    with pytest.raises(ValueError, match="one per output, got 3"):
        spread_over_outputs([1, 2, 3], NAMES,
                            list_error=lambda v: f"one per output, got {len(v)}")
    with pytest.raises(ValueError, match="needs 2"):
        spread_over_outputs(1, NAMES, single_error=lambda v: "needs 2")
    assert spread_over_outputs(1, ["a"], single_error=lambda v: "needs 2") == [1]


def test_compile_and_fit_messages_are_unchanged():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, [keras.layers.Dense(1, name="a")(inputs),
                                 keras.layers.Dense(1, name="b")(inputs)])
    with pytest.raises(ValueError, match=r"When passing a list as `loss`, it should have one "
                                         r"entry per model output. The model has 2 output"):
        model.compile("sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match="Found unexpected keys that do not correspond to any "
                                         r"Model output: \['c'\]"):
        model.compile("sgd", loss={"c": "mse"})
    model.compile("sgd", loss="mse")
    x = np.zeros((4, 2), "float32")
    with pytest.raises(ValueError, match=r"The model has 2 outputs \(\['a', 'b'\]\) but a "
                                         "single target array was given"):
        model.train_on_batch(x, np.zeros((4, 1), "float32"))
    with pytest.raises(ValueError, match=r"received 3 target array\(s\)"):
        model.train_on_batch(x, [np.zeros((4, 1), "float32")] * 3)


def test_model_metrics_are_empty_until_the_first_train_or_test_step():
    # tf-keras 2: the loss tracker and compiled metrics join `model.metrics` at the first step.
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam", metrics=["mae"])
    assert model.metrics == [] and model.metrics_names == []
    x, y = np.zeros((4, 3), "float32"), np.zeros((4, 1), "float32")
    model.predict(x, verbose=0)
    assert model.metrics_names == []
    model.evaluate(x, y, verbose=0)
    assert model.metrics_names == ["loss", "mae"]
    assert type(model.metrics[1]).__name__ == "MeanMetricWrapper"
    model.compile(loss="mse", optimizer="adam")
    assert model.metrics_names == []
    model.train_on_batch(x, y)
    assert model.metrics_names == ["loss"]
