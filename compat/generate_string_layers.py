"""Record what real tf_keras (Keras 2) gives for user Layer subclasses called on strings into
``compat/fixtures/string_layers.json``: a tokenizer ``Layer`` (``tf.strings``) and a
``tf.lookup`` table ``Layer`` called eagerly on NumPy/list/``tf.constant`` strings and on a
RaggedTensor, in a ``Sequential`` built by its first call on strings (its ``Input`` dtype and
shape; ``predict`` of string outputs), in a functional model on ``Input(shape=(), dtype=tf.string)`` (the KerasTensors'
dtypes and shapes), ``predict``/``fit`` on string ``x``; and ``tf.reshape`` of a RaggedTensor
of strings (TF reshapes its flat values) with its errors. It also runs the drop-in program
``tests/tutorials/load_text_layers.py`` with TF (``tf.keras`` = tf_keras) and keeps its printed
``key value`` lines (``"tutorial"``), which tests/tutorials/test_load_text_layers.py compares
with its output under torchkeras.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_string_layers.py

Deterministic: no weights are random where values are recorded (lookups, token lists).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "string_layers.json")
KEYS = ["", "a", "b", "c"]
RESHAPES = [[-1], [3, -1], [6], [2, 3], [-1, 1], [7], [-1, 4]]


class Tokenizer(tf_keras.layers.Layer):
    def call(self, text):
        return tf.strings.split(tf.strings.lower(text))


class Padded(tf_keras.layers.Layer):
    def call(self, text):
        return tf.strings.split(tf.strings.lower(text)).to_tensor()


class Lookup(tf_keras.layers.Layer):
    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.table = table

    def call(self, tokens):
        return self.table.lookup(tokens)


class Upper(tf_keras.layers.Layer):
    def call(self, text, training=None):
        return tf.strings.upper(text)


class Identity(tf_keras.layers.Layer):
    def call(self, x):
        return x


def _table() -> Any:
    return tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        KEYS, tf.range(len(KEYS), dtype=tf.int64), key_dtype=tf.string,
        value_dtype=tf.int64), 1)


def _bytes(value: Any) -> Any:
    """Nested lists with ``bytes`` as str (JSON)."""
    if isinstance(value, list):
        return [_bytes(v) for v in value]
    return value.decode() if isinstance(value, bytes) else value


def _error(fn: Any) -> Dict[str, str]:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (recording the error)
        text = str(e)
        return {"type": type(e).__name__, "message": text.split("}} ", 1)[-1].split(
            " name: ")[0].strip()}
    raise AssertionError("expected an error")


def record() -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    tok, lookup = Tokenizer(), Lookup(_table())
    text = ["A b", "c D e", "z"]
    out["tokens_numpy"] = _bytes(tok(np.array(text)).to_list())
    out["tokens_list"] = _bytes(tok(text).to_list())
    out["tokens_constant"] = _bytes(tok(tf.constant(text)).to_list())
    out["ragged_ids"] = lookup(tok(tf.constant(text))).to_list()
    out["identity_strings"] = _bytes(Identity()(np.array(["x", "y"])).numpy().tolist())
    out["identity_ragged"] = _bytes(Identity()(tf.ragged.constant([["x"], ["y", "z"]]))
                                    .to_list())

    seq = tf_keras.Sequential([Tokenizer(), Lookup(_table())])
    out["sequential_ids"] = seq(np.array(text)).to_list()
    out["sequential_input"] = {"dtype": seq.inputs[0].dtype.name,
                               "shape": list(seq.inputs[0].shape)}

    upper = tf_keras.Sequential([Upper(), Upper()])
    predicted = upper.predict(np.array(["b", "c", "d"]), batch_size=2, verbose=0)
    out["predict_strings"] = {"values": _bytes(predicted.tolist()),
                              "dtype": str(predicted.dtype)}
    on_tokens = tf_keras.Sequential([Lookup(_table())])
    out["sequential_ragged_ids"] = on_tokens(tok(tf.constant(text))).to_list()

    inp = tf_keras.Input(shape=(), dtype=tf.string)
    tokens = Padded()(inp)
    ids = Lookup(_table())(tokens)
    model = tf_keras.Model(inp, ids)
    out["functional_tensors"] = {"tokens": [tokens.dtype.name, list(tokens.shape)],
                                 "ids": [ids.dtype.name, list(ids.shape)]}
    out["functional_call"] = model(np.array(text)).numpy().tolist()
    out["functional_predict"] = model.predict(np.array(text), verbose=0).tolist()

    ragged_inp = tf_keras.Input(shape=(), dtype=tf.string)
    ragged_tokens = Tokenizer()(ragged_inp)
    out["functional_ragged_tokens"] = [ragged_tokens.dtype.name, list(ragged_tokens.shape)]

    rt = tf.ragged.constant([[b"a", b"b"], [b"c", b"d", b"e"], [b"f"]])
    reshapes = {}
    for shape in RESHAPES:
        try:
            reshapes[str(shape)] = {"value": _bytes(tf.reshape(rt, shape).numpy().tolist())}
        except tf.errors.InvalidArgumentError:
            reshapes[str(shape)] = {"error": _error(lambda: tf.reshape(rt, shape))}
    out["reshape_ragged"] = reshapes
    out["reshape_dense_strings"] = _bytes(tf.reshape(tf.constant([["a", "b"], ["c", "d"]]),
                                                     [-1]).numpy().tolist())
    out["reshape_ragged_numbers"] = tf.reshape(tf.ragged.constant([[1.5], [2.0, 3.0]]),
                                               [3, 1]).numpy().tolist()
    return out


def tutorial_lines() -> Dict[str, str]:
    program = os.path.join(os.path.dirname(HERE), "tests", "tutorials", "load_text_layers.py")
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1")
    printed = subprocess.run([sys.executable, program], capture_output=True, text=True,
                             check=True, env=env).stdout
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in printed.splitlines()
            if " " in line}


def main() -> None:
    out = record()
    out["tutorial"] = tutorial_lines()
    out["versions"] = {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
