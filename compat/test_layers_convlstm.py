"""ConvLSTM1D/2D/3D against tf_keras: forward outputs with fixed weights and short fits.

Fixtures from ``generate_layers_convlstm.py``, whose Keras-API model builders are reused here
to build the same models with torchkeras. Forward cases: ConvLSTM2D default, return_sequences
with a (3, 2) kernel, padding='same' with strides 2, an even kernel with 'same' (asymmetric
padding in the input and the recurrent conv), dilation, go_backwards, return_state,
return_sequences + return_state + go_backwards, relu/sigmoid without bias, initial_state;
ConvLSTM1D and ConvLSTM3D. Weight names are checked against tf_keras's. Fits: 2 epochs (Adam)
of a ConvLSTM2D classifier and of two stacked ConvLSTM2D (strides, L2 kernel regularizer):
History, final weights and predictions. Tolerance rtol 1e-5 / atol 1e-5.
"""

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case, weights
from generate_layers_convlstm import FIT_CASES, FORWARD_CASES, build_fit_model, fit_data

TOL = {"rtol": 1e-5, "atol": 1e-5}


@pytest.fixture(scope="module")
def forward():
    return load_case("convlstm_forward")


@pytest.mark.parametrize("name", list(FORWARD_CASES))
def test_forward(name, forward):
    arrays, meta = forward
    case = meta["cases"][name]
    keras.backend.clear_session()
    model, input_names = FORWARD_CASES[name](keras)
    assert [list(w.shape) for w in model.get_weights()] == case["weight_shapes"]
    assert [w.name for w in model.weights] == case["weight_names"]
    model.set_weights([arrays[f"{name}__w{i}"] for i in range(case["n_weights"])])
    inputs = [arrays[n] for n in input_names]
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == case["n_outputs"]
    for j, out in enumerate(outputs):
        assert_close(out, arrays[f"{name}__out{j}"], f"{name} output {j}", **TOL)


@pytest.mark.parametrize("name", list(FIT_CASES))
def test_fit(name):
    arrays, meta = load_case(f"convlstm_fit_{name}")
    cfg = meta["config"]
    keras.backend.clear_session()
    model = build_fit_model(keras, name)
    assert [w.name for w in model.weights] == meta["outputs"]["weight_names"]
    model.set_weights(weights(arrays, meta, "init"))
    model.compile(optimizer=keras.optimizers.Adam(**cfg["optimizer_kwargs"]), loss=cfg["loss"],
                  metrics=cfg["metrics"])
    data = fit_data(name)
    np.testing.assert_array_equal(data["x"], arrays["x"])
    history = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], shuffle=False, verbose=0)
    assert_history_close(history.history, arrays, meta, **TOL)
    assert_weights_close(model.get_weights(), weights(arrays, meta, "final"), "final weights",
                         **TOL)
    assert_close(model.predict(arrays["x"], verbose=0), arrays["pred"], "pred", **TOL)
