"""Model files recorded with real Keras, and torchkeras files read back by real Keras.

Three runs (see compat/README.md, section "Model files"):

1. ``TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_files.py``
   For every case and writer (tf-keras ``.h5``, Keras 3 ``.h5``, Keras 3 ``.keras``): build
   the model, set fixed weights, compile, train one epoch, ``predict`` (``pred_*``), save
   ``fixtures/files_<case>__<writer>.<ext>``; then load that file in the same Keras, train one
   more epoch (``hist__*``) and predict again (``after_*``): the continuation proves the
   optimizer state. Keras 3 runs in a subprocess (``--keras3``).
2. ``.venv/bin/python compat/generate_files.py --torchkeras-side`` (dev venv, no TF): the same
   models built and trained with torchkeras, saved as ``fixtures/files_tk_<case>.h5`` and
   ``.keras``.
3. ``... /tmp/ref/bin/python compat/generate_files.py --reverse``: real Keras loads the
   torchkeras files (tf-keras the ``.h5``, Keras 3 the ``.keras``), predicts, trains one
   more epoch: ``fixtures/files_tk_<case>__<reader>.npz``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = ["mlp", "multi_io", "nested", "metrics", "cnn_bn", "rnn"]
# Layers each case needs (the replay test skips while torchkeras lacks one).
NEEDS = {"mlp": [], "multi_io": ["Concatenate"], "nested": [], "metrics": [],
         "cnn_bn": ["Conv2D", "BatchNormalization", "MaxPooling2D"],
         "rnn": ["Embedding", "LSTM", "GRU"]}
BATCH = 4


def data(case: str) -> Tuple[Any, Any]:
    """Inputs and targets for ``case`` (the same in every run)."""
    rs = np.random.RandomState(1234)
    n = 8
    if case == "mlp":
        return rs.rand(n, 4).astype("float32"), rs.rand(n, 2).astype("float32")
    if case == "multi_io":
        x = [rs.rand(n, 3).astype("float32"), rs.rand(n, 2).astype("float32")]
        return x, [rs.rand(n, 2).astype("float32"), rs.rand(n, 1).astype("float32")]
    if case == "nested":
        return rs.rand(n, 5).astype("float32"), rs.rand(n, 3).astype("float32")
    if case == "metrics":
        return rs.rand(n, 4).astype("float32"), (rs.rand(n, 1) > 0.5).astype("float32")
    if case == "cnn_bn":
        return rs.rand(n, 6, 6, 2).astype("float32"), rs.randint(0, 3, (n,)).astype("int64")
    if case == "rnn":
        return rs.randint(1, 10, (n, 5)).astype("int64"), rs.rand(n, 1).astype("float32")
    raise KeyError(case)


def build(keras: Any, case: str) -> Any:
    """The model of ``case`` with fixed weights, compiled. ``keras`` is tf_keras, keras or
    torchkeras: the code is plain Keras."""
    L = keras.layers
    if case == "mlp":
        model = keras.Sequential([keras.Input((4,)), L.Dense(6, activation="relu"),
                                  L.Dense(2)], name="mlp")
        compile_args = dict(loss="mse")
    elif case == "multi_io":
        a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
        h = L.Dense(4, activation="tanh", name="h")(L.Concatenate(name="cat")([a, b]))
        out1 = L.Dense(2, name="out1")(h)
        out2 = L.Dense(1, activation="sigmoid", name="out2")(h)
        model = keras.Model([a, b], [out1, out2], name="multi_io")
        compile_args = dict(loss=["mse", "binary_crossentropy"], loss_weights=[1.0, 0.5])
    elif case == "nested":
        inner = keras.Sequential([keras.Input((4,)), L.Dense(4, activation="relu"),
                                  L.Dense(3)], name="inner")
        x = keras.Input((5,), name="x")
        h = L.Dense(4, activation="relu", name="pre")(x)
        model = keras.Model(x, L.Activation("linear", name="post")(inner(h)), name="outer")
        compile_args = dict(loss="mse")
    elif case == "metrics":
        model = keras.Sequential([keras.Input((4,)), L.Dense(5, activation="relu"),
                                  L.Dense(1, activation="sigmoid")], name="clf")
        compile_args = dict(loss="binary_crossentropy", metrics=["accuracy", "mae"])
    elif case == "cnn_bn":
        model = keras.Sequential([
            keras.Input((6, 6, 2)), L.Conv2D(3, 3, padding="same"), L.BatchNormalization(),
            L.Activation("relu"), L.MaxPooling2D(2), L.Flatten(),
            L.Dense(3, activation="softmax")], name="cnn")
        compile_args = dict(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    elif case == "rnn":
        model = keras.Sequential([
            keras.Input((5,), dtype="int64"), L.Embedding(10, 4),
            L.LSTM(3, return_sequences=True), L.GRU(2), L.Dense(1)], name="rnn")
        compile_args = dict(loss="mse")
    else:
        raise KeyError(case)
    rs = np.random.RandomState(7)
    weights = [rs.normal(0.0, 0.4, w.shape).astype(w.dtype) for w in model.get_weights()]
    names = [v.name for v in model.weights]
    weights = [np.abs(w) + 0.5 if "variance" in n else w for w, n in zip(weights, names)]
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), **compile_args)
    return model


def outputs(prefix: str, value: Any) -> Dict[str, np.ndarray]:
    values = value if isinstance(value, list) else [value]
    return {f"{prefix}_{i}": np.asarray(v, dtype=np.float32) for i, v in enumerate(values)}


def train_more(model: Any, case: str) -> Dict[str, np.ndarray]:
    x, y = data(case)
    history = model.fit(x, y, epochs=1, batch_size=BATCH, shuffle=False, verbose=0)
    out = {f"hist__{k}": np.asarray(v, dtype=np.float64) for k, v in history.history.items()}
    out.update(outputs("after", model.predict(x, batch_size=BATCH, verbose=0)))
    return out


def write_npz(name: str, arrays: Dict[str, np.ndarray], meta: Dict[str, Any]) -> None:
    arrays = dict(arrays)
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    np.savez(FIXTURES / f"{name}.npz", **arrays)


def add_inputs(arrays: Dict[str, np.ndarray], case: str) -> None:
    x, y = data(case)
    for key, value in (("x", x), ("y", y)):
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            arrays[f"{key}_{i}"] = v


# ------------------------------------------------------------------------ real Keras side
def record_reference(keras: Any, writer_tag: str, formats: List[str], versions: Dict) -> None:
    for case in CASES:
        for ext in formats:
            model = build(keras, case)
            x, y = data(case)
            model.fit(x, y, epochs=1, batch_size=BATCH, shuffle=False, verbose=0)
            arrays = outputs("pred", model.predict(x, batch_size=BATCH, verbose=0))
            name = f"files_{case}__{writer_tag}_{ext}"
            path = FIXTURES / f"{name}.{ext}"
            model.save(str(path))
            reload_error = None
            try:
                loaded = keras.models.load_model(str(path))
                arrays.update(train_more(loaded, case))
            except Exception as error:  # Keras 3 cannot reload some of its own .h5 files
                reload_error = f"{type(error).__name__}: {str(error)[:200]}"
                print("reload failed", path.name, reload_error)
            add_inputs(arrays, case)
            meta = dict(versions, case=case, writer=writer_tag, file=path.name,
                        reload_error=reload_error,
                        needs=NEEDS[case], history_keys=list(
                            k[6:] for k in arrays if k.startswith("hist__")))
            write_npz(name, arrays, meta)
            print("wrote", path.name)


def reverse(keras: Any, reader_tag: str, formats: List[str], versions: Dict) -> None:
    for case in CASES:
        for ext in formats:
            path = FIXTURES / f"files_tk_{case}.{ext}"
            if not path.exists():
                continue
            try:
                model = keras.models.load_model(str(path))
            except Exception as error:  # recorded: the test reports it
                print("FAILED", reader_tag, path.name, type(error).__name__, str(error)[:300])
                continue
            x, _ = data(case)
            arrays = outputs("pred", model.predict(x, batch_size=BATCH, verbose=0))
            arrays.update(train_more(model, case))
            add_inputs(arrays, case)
            name = f"files_tk_{case}__{reader_tag}_{ext}"
            meta = dict(versions, case=case, reader=reader_tag, file=path.name,
                        needs=NEEDS[case], history_keys=list(
                            k[6:] for k in arrays if k.startswith("hist__")))
            write_npz(name, arrays, meta)
            print("wrote", name)


def torchkeras_side() -> None:
    import torchkeras as keras
    for case in CASES:
        if any(not hasattr(keras.layers, n) for n in NEEDS[case]):
            print("skip", case, "(layers missing)")
            continue
        model = build(keras, case)
        x, y = data(case)
        model.fit(x, y, epochs=1, batch_size=BATCH, shuffle=False, verbose=0)
        for ext in ("h5", "keras"):
            model.save(str(FIXTURES / f"files_tk_{case}.{ext}"))
        print("wrote files_tk_%s.{h5,keras}" % case)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--torchkeras-side", action="store_true")
    parser.add_argument("--reverse", action="store_true")
    parser.add_argument("--keras3", action="store_true")
    args = parser.parse_args()
    FIXTURES.mkdir(exist_ok=True)
    if args.torchkeras_side:
        torchkeras_side()
        return
    if args.keras3:
        import keras
        import tensorflow as tf
        keras.utils.set_random_seed(0)
        versions = {"keras3_version": keras.__version__, "tensorflow_version": tf.__version__}
        if args.reverse:
            reverse(keras, "k3", ["keras"], versions)
        else:
            record_reference(keras, "k3", ["h5", "keras"], versions)
        return
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf
    import tf_keras as keras
    tf.random.set_seed(0)
    versions = {"tf_keras_version": keras.__version__, "tensorflow_version": tf.__version__}
    if args.reverse:
        reverse(keras, "k2", ["h5"], versions)
    else:
        record_reference(keras, "k2", ["h5"], versions)
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    extra = ["--reverse"] if args.reverse else []
    subprocess.run([sys.executable, __file__, "--keras3"] + extra, check=True, env=env)


if __name__ == "__main__":
    main()
