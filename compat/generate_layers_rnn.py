"""Record recurrent-layer references from real Keras 2 into ``compat/fixtures/rnn_*.npz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_layers_rnn.py

The model builders below use nothing but the Keras API, so the replay test
(``test_layers_rnn.py``) imports them and builds the very same models with ``torchkeras``.
This module imports no TensorFlow at import time.

Fixtures:

* ``rnn_forward.npz``: for each case in :data:`FORWARD_CASES`, the weights
  ``<case>__w<i>`` (uniform(-0.6, 0.6) from a fixed RandomState, set with ``set_weights``)
  and the ``predict`` outputs ``<case>__out<j>``; shared inputs ``x`` (4, 6, 5) float,
  ``ids`` (4, 6) int with post-, pre-, no and mid-sequence padding (0), ``h0``/``c0``.
* ``rnn_fit_<name>.npz``: for each case in :data:`FIT_CASES`, a 2-epoch ``fit``
  (``shuffle=False``): ``init_w*``, ``final_w*``, ``hist__<key>``, ``pred``.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")

STEPS, FEATURES, UNITS = 6, 5, 4
IDS = np.array([[3, 5, 1, 2, 0, 0],     # post-padded
                [0, 0, 4, 2, 7, 1],     # pre-padded
                [2, 8, 9, 3, 1, 4],     # no padding
                [1, 0, 3, 0, 0, 6]],    # zeros mid-sequence
               dtype=np.int32)
VOCAB = 10


def forward_inputs() -> Dict[str, np.ndarray]:
    rs = np.random.RandomState(123)
    x = rs.uniform(-1, 1, (4, STEPS, FEATURES)).astype(np.float32)
    x_masked = x.copy()
    x_masked[0, 4:] = 0.0  # Masking(0.0) skips these steps
    x_masked[3, 1] = 0.0
    return {"x": x, "x_masked": x_masked, "ids": IDS,
            "h0": rs.uniform(-1, 1, (4, UNITS)).astype(np.float32),
            "c0": rs.uniform(-1, 1, (4, UNITS)).astype(np.float32)}


# ------------------------------------------------------------------- model builders
def _seq(keras, layer: Any) -> Tuple[Any, List[str]]:
    x = keras.Input(shape=(STEPS, FEATURES), name="x")
    return keras.Model(x, layer(x)), ["x"]


def _embedded(keras, *layers: Any) -> Tuple[Any, List[str]]:
    ids = keras.Input(shape=(STEPS,), dtype="int32", name="ids")
    y = keras.layers.Embedding(VOCAB, FEATURES, mask_zero=True)(ids)
    for layer in layers:
        y = layer(y)
    return keras.Model(ids, y), ["ids"]


def _lstm_initial_state(keras) -> Tuple[Any, List[str]]:
    x = keras.Input(shape=(STEPS, FEATURES), name="x")
    h0 = keras.Input(shape=(UNITS,), name="h0")
    c0 = keras.Input(shape=(UNITS,), name="c0")
    outputs = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True)(
        x, initial_state=[h0, c0])
    return keras.Model([x, h0, c0], outputs), ["x", "h0", "c0"]


def _masking_lstm(keras) -> Tuple[Any, List[str]]:
    x = keras.Input(shape=(STEPS, FEATURES), name="x_masked")
    y = keras.layers.Masking(0.0)(x)
    return keras.Model(x, keras.layers.LSTM(UNITS, return_sequences=True)(y)), ["x_masked"]


def _rnn_cells(keras) -> Tuple[Any, List[str]]:
    layers = keras.layers
    return _seq(keras, layers.RNN([layers.LSTMCell(3), layers.GRUCell(UNITS)],
                                  return_sequences=True, return_state=True))


FORWARD_CASES: Dict[str, Callable[[Any], Tuple[Any, List[str]]]] = {
    "lstm": lambda k: _seq(k, k.layers.LSTM(UNITS)),
    "lstm_seq_state": lambda k: _seq(k, k.layers.LSTM(UNITS, return_sequences=True,
                                                      return_state=True)),
    "lstm_backwards": lambda k: _seq(k, k.layers.LSTM(UNITS, go_backwards=True,
                                                      return_sequences=True)),
    "lstm_no_bias": lambda k: _seq(k, k.layers.LSTM(UNITS, use_bias=False)),
    "lstm_hard_sigmoid": lambda k: _seq(k, k.layers.LSTM(
        UNITS, recurrent_activation="hard_sigmoid", return_sequences=True)),
    "lstm_initial_state": _lstm_initial_state,
    "gru": lambda k: _seq(k, k.layers.GRU(UNITS, return_sequences=True, return_state=True)),
    "gru_reset_before": lambda k: _seq(k, k.layers.GRU(UNITS, reset_after=False,
                                                       return_sequences=True)),
    "gru_backwards": lambda k: _seq(k, k.layers.GRU(UNITS, go_backwards=True)),
    "simple_rnn": lambda k: _seq(k, k.layers.SimpleRNN(UNITS, return_sequences=True,
                                                       return_state=True)),
    "simple_rnn_relu": lambda k: _seq(k, k.layers.SimpleRNN(UNITS, activation="relu",
                                                            return_sequences=True)),
    "rnn_lstm_cell": lambda k: _seq(k, k.layers.RNN(k.layers.LSTMCell(UNITS),
                                                    return_sequences=True)),
    "rnn_stacked_cells": _rnn_cells,
    "masked_lstm_seq": lambda k: _embedded(k, k.layers.LSTM(UNITS, return_sequences=True)),
    "masked_lstm_last": lambda k: _embedded(k, k.layers.LSTM(UNITS)),
    "masked_lstm_state": lambda k: _embedded(k, k.layers.LSTM(UNITS, return_state=True)),
    "masked_gru_backwards": lambda k: _embedded(k, k.layers.GRU(
        UNITS, go_backwards=True, return_sequences=True)),
    "masked_simple_rnn": lambda k: _embedded(k, k.layers.SimpleRNN(UNITS)),
    "masked_bidirectional_seq": lambda k: _embedded(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True))),
    "masked_bidirectional_last": lambda k: _embedded(k, k.layers.Bidirectional(
        k.layers.GRU(3))),
    "masked_td_dense": lambda k: _embedded(k, k.layers.LSTM(UNITS, return_sequences=True),
                                           k.layers.TimeDistributed(k.layers.Dense(2))),
    "masking_lstm": _masking_lstm,
    "bidirectional_concat": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True))),
    "bidirectional_sum": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True), merge_mode="sum")),
    "bidirectional_mul": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.GRU(3, return_sequences=True), merge_mode="mul")),
    "bidirectional_ave": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.SimpleRNN(3), merge_mode="ave")),
    "bidirectional_none": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True), merge_mode=None)),
    "bidirectional_state": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_state=True))),
    "bidirectional_backward_layer": lambda k: _seq(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=True),
        backward_layer=k.layers.GRU(3, return_sequences=True, go_backwards=True))),
    "time_distributed_dense": lambda k: _seq(k, k.layers.TimeDistributed(
        k.layers.Dense(3, activation="tanh"))),
}


def fixed_weights(model: Any, seed: int) -> List[np.ndarray]:
    rs = np.random.RandomState(seed)
    return [rs.uniform(-0.6, 0.6, np.shape(w)).astype(np.float32) for w in model.get_weights()]


# ---------------------------------------------------------------------- fit cases
def _fit_data(seed: int, kind: str) -> Dict[str, np.ndarray]:
    rs = np.random.RandomState(seed)
    n = 48
    if kind == "ids":
        lengths = rs.randint(2, 9, n)
        ids = np.zeros((n, 8), np.int32)
        for i, length in enumerate(lengths):  # pre-padded, as pad_sequences does
            ids[i, 8 - length:] = rs.randint(1, 20, length)
        y = ((ids == 7).any(1) | (ids == 3).any(1)).astype(np.float32)[:, None]
        return {"x": ids, "y": y}
    x = rs.normal(size=(n, 7, 3)).astype(np.float32)
    labels = (x[:, :, 0].sum(1) > 0).astype(int) + (x[:, -1, 1] > 0.5).astype(int)
    return {"x": x, "y": np.eye(3, dtype=np.float32)[labels]}


def _fit_emb_lstm(keras) -> Any:
    return keras.Sequential([keras.layers.Embedding(20, 6, mask_zero=True),
                             keras.layers.LSTM(5), keras.layers.Dense(1, activation="sigmoid")])


def _fit_gru(keras) -> Any:
    return keras.Sequential([keras.Input(shape=(7, 3)), keras.layers.GRU(6),
                             keras.layers.Dense(3, activation="softmax")])


def _fit_masked_seq(keras) -> Any:
    return keras.Sequential([keras.layers.Embedding(20, 4, mask_zero=True),
                             keras.layers.LSTM(5, return_sequences=True),
                             keras.layers.TimeDistributed(keras.layers.Dense(1))])


# name -> (builder, data kind, loss, metrics, optimizer kwargs for Adam)
FIT_CASES: Dict[str, Tuple[Callable, str, str, List[str], Dict[str, float]]] = {
    "emb_lstm": (_fit_emb_lstm, "ids", "binary_crossentropy", ["accuracy"],
                 {"learning_rate": 0.02}),
    "gru": (_fit_gru, "x", "categorical_crossentropy", ["accuracy"], {"learning_rate": 0.02}),
    "masked_seq": (_fit_masked_seq, "ids_seq", "mse", ["mae"], {"learning_rate": 0.02}),
}


def fit_data(name: str) -> Dict[str, np.ndarray]:
    kind = FIT_CASES[name][1]
    data = _fit_data(7, "ids" if kind.startswith("ids") else kind)
    if kind == "ids_seq":  # per-step target: the running count of 7s, masked at padding
        data["y"] = np.cumsum(data["x"] == 7, axis=1).astype(np.float32)[:, :, None]
    return data


def build_fit_model(keras, name: str) -> Any:
    model = FIT_CASES[name][0](keras)
    model.build((None,) + fit_data(name)["x"].shape[1:])
    return model


# ------------------------------------------------------------------------- driver
def save_npz(path: str, arrays: Dict[str, np.ndarray]) -> None:
    sys.path.insert(0, HERE)
    from generate import save_npz as deterministic_save
    deterministic_save(path, arrays)


def main() -> None:
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf
    import tf_keras as keras

    versions = {"tf_keras_version": keras.__version__, "tensorflow_version": tf.__version__,
                "numpy_version": np.__version__}
    inputs = forward_inputs()
    arrays: Dict[str, np.ndarray] = dict(inputs)
    cases: Dict[str, Any] = {}
    for index, (name, builder) in enumerate(FORWARD_CASES.items()):
        keras.backend.clear_session()
        tf.random.set_seed(0)
        model, input_names = builder(keras)
        weights = fixed_weights(model, 1000 + index)
        model.set_weights(weights)
        outputs = model.predict([inputs[n] for n in input_names] if len(input_names) > 1
                                else inputs[input_names[0]], verbose=0)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for i, w in enumerate(weights):
            arrays[f"{name}__w{i}"] = w
        for j, out in enumerate(outputs):
            arrays[f"{name}__out{j}"] = np.asarray(out, np.float32)
        cases[name] = {"inputs": input_names, "n_weights": len(weights),
                       "n_outputs": len(outputs), "seed": 1000 + index,
                       "weight_shapes": [list(w.shape) for w in weights],
                       "layer_names": [layer.name for layer in model.layers]}
    meta = dict(versions, cases=cases)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(FIXTURES, "rnn_forward.npz"), arrays)

    for index, name in enumerate(FIT_CASES):
        keras.backend.clear_session()
        tf.random.set_seed(0)
        _, _, loss, metrics, opt_kwargs = FIT_CASES[name]
        data = fit_data(name)
        model = build_fit_model(keras, name)
        weights = fixed_weights(model, 2000 + index)
        model.set_weights(weights)
        model.compile(optimizer=keras.optimizers.Adam(**opt_kwargs), loss=loss,
                      metrics=metrics)
        history = model.fit(data["x"], data["y"], batch_size=16, epochs=2, shuffle=False,
                            verbose=0)
        out = dict(data)
        out.update({f"init_w{i}": w for i, w in enumerate(weights)})
        final = model.get_weights()
        out.update({f"final_w{i}": w for i, w in enumerate(final)})
        out.update({f"hist__{k}": np.asarray(v, np.float64) for k, v in history.history.items()})
        out["pred"] = np.asarray(model.predict(data["x"], verbose=0), np.float32)
        meta = dict(versions, case=name, config={
            "loss": loss, "metrics": metrics, "optimizer": "Adam", "optimizer_kwargs": opt_kwargs,
            "batch_size": 16, "epochs": 2, "n_init_weights": len(weights),
            "n_final_weights": len(final)},
            outputs={"history_keys": list(history.history)})
        out["meta"] = np.array(json.dumps(meta, sort_keys=True))
        save_npz(os.path.join(FIXTURES, f"rnn_fit_{name}.npz"), out)
    print("wrote rnn_forward.npz and", ", ".join(f"rnn_fit_{n}.npz" for n in FIT_CASES))


if __name__ == "__main__":
    main()
