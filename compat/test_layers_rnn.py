"""Recurrent layers against tf_keras: forward outputs of every RNN kind and short fits.

Fixtures from ``generate_layers_rnn.py``, whose Keras-API model builders are reused here to
build the same models with torchkeras. Cases: LSTM (return_sequences/return_state,
go_backwards, no bias, hard_sigmoid gate, initial_state), GRU (reset_after True/False,
go_backwards), SimpleRNN (tanh, relu), RNN(LSTMCell), RNN([LSTMCell, GRUCell]),
Embedding(mask_zero) -> LSTM/GRU/SimpleRNN/Bidirectional/TimeDistributed with post-, pre- and
mid-sequence padding, Masking -> LSTM, Bidirectional in every merge mode, with return_state
and a backward_layer, TimeDistributed(Dense); 2-epoch fits (Adam) of Embedding(mask_zero) +
LSTM, a GRU classifier and a masked per-step regression (mask weighting the loss).
Tolerance rtol 1e-5 / atol 1e-5 (float32 recurrences over 6-8 steps).
"""

import numpy as np
import pytest

import torchkeras as keras
from compat_case import assert_close, assert_history_close, assert_weights_close, load_case, weights
from generate_layers_rnn import FIT_CASES, FORWARD_CASES, build_fit_model

TOL = {"rtol": 1e-5, "atol": 1e-5}
# Keras 2 returns StackedRNNCells states nested per cell ([h1, c1], h2), which predict turns
# into one stacked array per cell; torchkeras returns them flat, as Keras's own
# compute_output_shape describes them. Expected outputs of these cases are flattened.
NESTED_STATE_OUTPUTS = {"rnn_stacked_cells": [1]}


def _expected_outputs(arrays, name, count):
    expected = []
    for j in range(count):
        value = arrays[f"{name}__out{j}"]
        expected.extend(list(value) if j in NESTED_STATE_OUTPUTS.get(name, []) else [value])
    return expected


@pytest.fixture(scope="module")
def forward():
    return load_case("rnn_forward")


@pytest.mark.parametrize("name", list(FORWARD_CASES))
def test_forward(name, forward):
    arrays, meta = forward
    case = meta["cases"][name]
    model, input_names = FORWARD_CASES[name](keras)
    assert [list(w.shape) for w in model.get_weights()] == case["weight_shapes"]
    model.set_weights([arrays[f"{name}__w{i}"] for i in range(case["n_weights"])])
    inputs = [arrays[n] for n in input_names]
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    expected = _expected_outputs(arrays, name, case["n_outputs"])
    assert len(outputs) == len(expected)
    for j, (out, ref) in enumerate(zip(outputs, expected)):
        assert_close(out, ref, f"{name} output {j}", **TOL)


@pytest.mark.parametrize("name", list(FIT_CASES))
def test_fit(name):
    arrays, meta = load_case(f"rnn_fit_{name}")
    cfg = meta["config"]
    model = build_fit_model(keras, name)
    model.set_weights(weights(arrays, meta, "init"))
    model.compile(optimizer=keras.optimizers.Adam(**cfg["optimizer_kwargs"]), loss=cfg["loss"],
                  metrics=cfg["metrics"])
    history = model.fit(arrays["x"], arrays["y"], batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], shuffle=False, verbose=0)
    assert_history_close(history.history, arrays, meta, **TOL)
    assert_weights_close(model.get_weights(), weights(arrays, meta, "final"), "final weights",
                         **TOL)
    assert_close(model.predict(arrays["x"], verbose=0), arrays["pred"], "pred", **TOL)
