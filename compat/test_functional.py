"""Case 4: a functional model with two inputs and two outputs, loss_weights, compiled and
fitted in dict and list forms (and a Concatenate variant), against tf_keras.

Layers: Input, Dense and (functional_concat only) Concatenate.
Tolerance rtol 1e-5 / atol 1e-6 throughout.
"""

import pytest

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case, weights


def _model(concat: bool):
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


@pytest.mark.parametrize("case", ["functional_dict", "functional_list", "functional_concat"])
def test_functional_multi_io(case):
    arrays, meta = load_case(case)
    cfg = meta["config"]
    model = _model(cfg["concat"])
    assert [layer.name for layer in model.layers] == cfg["layer_names"]
    model.set_weights(weights(arrays, meta, "init"))
    if cfg["form"] == "dict":
        xs = {"in_a": arrays["xa"], "in_b": arrays["xb"]}
        ys = {"out_a": arrays["ya"], "out_b": arrays["yb"]}
    else:
        xs, ys = [arrays["xa"], arrays["xb"]], [arrays["ya"], arrays["yb"]]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), **cfg["compile"])

    before = model.evaluate(xs, ys, batch_size=16, verbose=0)  # [loss, out_a_loss, out_b_loss, ...]
    assert_close(before, arrays["eval_before"], "evaluate before fit")

    hist = model.fit(xs, ys, batch_size=16, epochs=3, shuffle=False, verbose=0)
    assert_history_close(hist.history, arrays, meta)
    assert_weights_close(model.get_weights(), weights(arrays, meta, "final"), "final weights")

    pred_a, pred_b = model.predict(xs, verbose=0)
    assert_close(pred_a, arrays["pred_a"], "predict out_a")
    assert_close(pred_b, arrays["pred_b"], "predict out_b")

    after = model.evaluate(xs, ys, batch_size=16, verbose=0, return_dict=True)
    keys = meta["outputs"]["eval_after__keys"]
    assert list(after) == keys
    for key in keys:
        assert_close(after[key], arrays[f"eval_after__{key}"], f"evaluate(return_dict=True)[{key!r}]")
    assert list(model.metrics_names) == meta["outputs"]["metrics_names"]
