"""Record ConvLSTM references from real Keras 2 into ``compat/fixtures/convlstm_*.npz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_layers_convlstm.py

The model builders below use nothing but the Keras API, so the replay test
(``test_layers_convlstm.py``) imports them and builds the very same models with
``torchkeras``. This module imports no TensorFlow at import time.

Fixtures:

* ``convlstm_forward.npz``: for each case in :data:`FORWARD_CASES`, the weights
  ``<case>__w<i>`` (uniform(-0.5, 0.5) from a fixed RandomState, set with ``set_weights``)
  and the ``predict`` outputs ``<case>__out<j>``; shared inputs ``x2d`` (3, 4, 7, 6, 2),
  ``x1d`` (3, 4, 7, 2), ``x3d`` (2, 3, 4, 5, 4, 2), initial states ``h0``/``c0``.
* ``convlstm_fit_<name>.npz``: for each case in :data:`FIT_CASES`, a 2-epoch ``fit``
  (``shuffle=False``, Adam): ``init_w*``, ``final_w*``, ``hist__<key>``, ``pred``.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")

FILTERS = 3


def forward_inputs() -> Dict[str, np.ndarray]:
    rs = np.random.RandomState(321)
    return {"x2d": rs.uniform(-1, 1, (3, 4, 7, 6, 2)).astype(np.float32),
            "x1d": rs.uniform(-1, 1, (3, 4, 7, 2)).astype(np.float32),
            "x3d": rs.uniform(-1, 1, (2, 3, 4, 5, 4, 2)).astype(np.float32),
            # states for ConvLSTM2D(3, 3, padding='same') on x2d: (3, 7, 6, 3)
            "h0": rs.uniform(-1, 1, (3, 7, 6, FILTERS)).astype(np.float32),
            "c0": rs.uniform(-1, 1, (3, 7, 6, FILTERS)).astype(np.float32)}


# ------------------------------------------------------------------- model builders
def _on(keras, input_name: str, layer: Any) -> Tuple[Any, List[str]]:
    shape = forward_inputs()[input_name].shape[1:]
    x = keras.Input(shape=shape, name=input_name)
    return keras.Model(x, layer(x)), [input_name]


def _initial_state(keras) -> Tuple[Any, List[str]]:
    x = keras.Input(shape=(4, 7, 6, 2), name="x2d")
    h0 = keras.Input(shape=(7, 6, FILTERS), name="h0")
    c0 = keras.Input(shape=(7, 6, FILTERS), name="c0")
    outputs = keras.layers.ConvLSTM2D(FILTERS, 3, padding="same", return_sequences=True,
                                      return_state=True)(x, initial_state=[h0, c0])
    return keras.Model([x, h0, c0], outputs), ["x2d", "h0", "c0"]


FORWARD_CASES: Dict[str, Callable[[Any], Tuple[Any, List[str]]]] = {
    "default": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(FILTERS, 3)),
    "return_sequences": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, (3, 2), return_sequences=True)),
    "same_strides": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 3, padding="same", strides=2, return_sequences=True)),
    "same_even_kernel": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, (2, 4), padding="same", strides=(2, 1))),
    "dilation": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 2, dilation_rate=2, padding="same", return_sequences=True)),
    "go_backwards": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 3, go_backwards=True, return_sequences=True)),
    "return_state": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 3, padding="same", return_state=True)),
    "seq_state_backwards": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 3, return_sequences=True, return_state=True, go_backwards=True)),
    "sigmoid_relu_no_bias": lambda k: _on(k, "x2d", k.layers.ConvLSTM2D(
        FILTERS, 3, activation="relu", recurrent_activation="sigmoid", use_bias=False,
        return_sequences=True)),
    "initial_state": _initial_state,
    "conv_lstm1d": lambda k: _on(k, "x1d", k.layers.ConvLSTM1D(
        FILTERS, 3, padding="same", return_sequences=True, return_state=True)),
    "conv_lstm3d": lambda k: _on(k, "x3d", k.layers.ConvLSTM3D(
        2, 2, strides=(1, 2, 1), return_sequences=True)),
}


def fixed_weights(model: Any, seed: int) -> List[np.ndarray]:
    rs = np.random.RandomState(seed)
    return [rs.uniform(-0.5, 0.5, np.shape(w)).astype(np.float32) for w in model.get_weights()]


# ---------------------------------------------------------------------- fit cases
def _fit_data(seed: int) -> Dict[str, np.ndarray]:
    """A moving blob: is it moving right (class 1) or left (class 0)?"""
    rs = np.random.RandomState(seed)
    n, steps, size = 24, 4, 6
    x = rs.normal(scale=0.1, size=(n, steps, size, size, 1)).astype(np.float32)
    labels = rs.randint(0, 2, n)
    for i, label in enumerate(labels):
        row, start = rs.randint(0, size), rs.randint(1, 3)
        for t in range(steps):
            col = start + t if label else start + steps - 1 - t
            x[i, t, row, min(col, size - 1), 0] += 1.0
    return {"x": x, "y": np.eye(2, dtype=np.float32)[labels]}


def _fit_classifier(keras) -> Any:
    return keras.Sequential([
        keras.Input(shape=(4, 6, 6, 1)),
        keras.layers.ConvLSTM2D(FILTERS, 3, padding="same"),
        keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax")])


def _fit_sequence(keras) -> Any:
    return keras.Sequential([
        keras.Input(shape=(4, 6, 6, 1)),
        keras.layers.ConvLSTM2D(2, (3, 2), strides=2, return_sequences=True,
                                kernel_regularizer=keras.regularizers.l2(1e-3)),
        keras.layers.ConvLSTM2D(2, 2),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(2, activation="softmax")])


# name -> (builder, loss, metrics, optimizer kwargs for Adam)
FIT_CASES: Dict[str, Tuple[Callable, str, List[str], Dict[str, float]]] = {
    "classifier": (_fit_classifier, "categorical_crossentropy", ["accuracy"],
                   {"learning_rate": 0.01}),
    "stacked": (_fit_sequence, "categorical_crossentropy", ["accuracy"],
                {"learning_rate": 0.01}),
}


def fit_data(name: str) -> Dict[str, np.ndarray]:
    return _fit_data(11)


def build_fit_model(keras, name: str) -> Any:
    return FIT_CASES[name][0](keras)


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
        weights = fixed_weights(model, 3000 + index)
        model.set_weights(weights)
        outputs = model.predict([inputs[n] for n in input_names] if len(input_names) > 1
                                else inputs[input_names[0]], verbose=0)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for i, w in enumerate(weights):
            arrays[f"{name}__w{i}"] = w
        for j, out in enumerate(outputs):
            arrays[f"{name}__out{j}"] = np.asarray(out, np.float32)
        cases[name] = {"inputs": input_names, "n_weights": len(weights),
                       "n_outputs": len(outputs), "seed": 3000 + index,
                       "weight_shapes": [list(w.shape) for w in weights],
                       "weight_names": [w.name for w in model.weights],
                       "layer_names": [layer.name for layer in model.layers]}
    meta = dict(versions, cases=cases)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(FIXTURES, "convlstm_forward.npz"), arrays)

    for index, name in enumerate(FIT_CASES):
        keras.backend.clear_session()
        tf.random.set_seed(0)
        _, loss, metrics, opt_kwargs = FIT_CASES[name]
        data = fit_data(name)
        model = build_fit_model(keras, name)
        weights = fixed_weights(model, 4000 + index)
        model.set_weights(weights)
        model.compile(optimizer=keras.optimizers.Adam(**opt_kwargs), loss=loss,
                      metrics=metrics)
        history = model.fit(data["x"], data["y"], batch_size=8, epochs=2, shuffle=False,
                            verbose=0)
        out = dict(data)
        out.update({f"init_w{i}": w for i, w in enumerate(weights)})
        final = model.get_weights()
        out.update({f"final_w{i}": w for i, w in enumerate(final)})
        out.update({f"hist__{k}": np.asarray(v, np.float64) for k, v in history.history.items()})
        out["pred"] = np.asarray(model.predict(data["x"], verbose=0), np.float32)
        meta = dict(versions, case=name, config={
            "loss": loss, "metrics": metrics, "optimizer": "Adam", "optimizer_kwargs": opt_kwargs,
            "batch_size": 8, "epochs": 2, "n_init_weights": len(weights),
            "n_final_weights": len(final)},
            outputs={"history_keys": list(history.history),
                     "weight_names": [w.name for w in model.weights]})
        out["meta"] = np.array(json.dumps(meta, sort_keys=True))
        save_npz(os.path.join(FIXTURES, f"convlstm_fit_{name}.npz"), out)
    print("wrote convlstm_forward.npz and",
          ", ".join(f"convlstm_fit_{n}.npz" for n in FIT_CASES))


if __name__ == "__main__":
    main()
