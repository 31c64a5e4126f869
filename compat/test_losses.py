"""Case 2: loss functions/classes on plain arrays (the clipping path) and model.evaluate
for binary / categorical / sparse labels with saturated sigmoid/softmax outputs (the
logits-recovery path), against tf_keras (see compat/README.md)."""

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, load_case, weights

LOSS_ARRAYS, LOSS_META = load_case("losses_standalone")
FUNCTIONS = LOSS_META["config"]["functions"]
CLASSES = LOSS_META["config"]["classes"]
EVALUATE_CASES = ["evaluate_binary", "evaluate_categorical", "evaluate_sparse"]


def _label(entry):
    return f"{entry['key']}{entry['kwargs'] or ''}"


@pytest.mark.parametrize("entry", FUNCTIONS, ids=_label)
def test_loss_function(entry):
    # e.g. keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True): per-sample values
    fn = getattr(keras.losses, entry["fn"])
    out = fn(LOSS_ARRAYS[entry["y_true"]], LOSS_ARRAYS[entry["y_pred"]], **entry["kwargs"])
    assert_close(out, LOSS_ARRAYS[entry["key"]], f"losses.{entry['fn']}(**{entry['kwargs']})")


@pytest.mark.parametrize("entry", CLASSES, ids=_label)
def test_loss_class(entry):
    # e.g. keras.losses.MeanSquaredError(reduction="sum")(y_true, y_pred, sample_weight=sw)
    loss = getattr(keras.losses, entry["cls"])(**entry["kwargs"])
    sw = None if entry["sample_weight"] is None else LOSS_ARRAYS[entry["sample_weight"]]
    out = loss(LOSS_ARRAYS[entry["y_true"]], LOSS_ARRAYS[entry["y_pred"]], sample_weight=sw)
    assert_close(out, LOSS_ARRAYS[entry["key"]], f"losses.{entry['cls']}({entry['kwargs']})")


def _evaluate_params():
    for case in EVALUATE_CASES:
        _, meta = load_case(case)
        for ev in meta["config"]["evals"]:
            yield pytest.param(case, ev, id=f"{case}-{ev['key']}-{ev['loss']}-{ev['y']}")


@pytest.mark.parametrize("case,ev", list(_evaluate_params()))
def test_evaluate(case, ev):
    arrays, meta = load_case(case)
    cfg = meta["config"]
    model = keras.Sequential([
        keras.layers.Dense(cfg["units"], activation=cfg["activation"], input_shape=tuple(cfg["input_shape"]))
    ])
    model.set_weights(weights(arrays, meta, "init"))
    assert_close(model.predict(arrays["x"], verbose=0), arrays["pred"], "predict", atol=1e-7)
    model.compile(optimizer="sgd", loss=ev["loss"], metrics=ev["metrics"])
    result = model.evaluate(arrays["x"], arrays[ev["y"]], batch_size=cfg["batch_size"], verbose=0,
                            return_dict=True)
    keys = meta["outputs"][f"{ev['key']}__keys"]
    assert list(result) == keys
    for name in keys:
        assert_close(result[name], arrays[f"{ev['key']}__{name}"], f"evaluate {name}")
