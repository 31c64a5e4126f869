"""Record TextVectorization / StringLookup / IntegerLookup references from real Keras into
``compat/fixtures/text_layers.json``, a small Keras 3 ``.keras`` file with a
TextVectorization layer (``text_layers__k3.keras``) and a tf-keras ``.h5`` with
TextVectorization and StringLookup (``text_layers__k2.h5``), their predictions in the JSON.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_text_layers.py

Each case builds the layer in tf_keras (Keras 2, the reference) and in Keras 3 (TF backend),
adapts it (when ``adapt`` is given) and calls it: recorded are ``get_vocabulary()``,
``vocabulary_size()``, idf weights (tf_idf) and the output (a nested list; strings decoded).
``k3`` holds the Keras 3 result where it differs from Keras 2 (``null`` where Keras 3 raised).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")

CORPUS = ["The quick brown fox.", "the LAZY dog; the fox!", "Ça va? Très bien—merci",
          "naïve café  CAFÉ", "it's a dog's life (really)", "hello\tworld\nnew-line",
          "ÀÉÎ ÕÜ straße ǅ", "a-b_c d.e/f [x] {y} ~z~", "dog cat cat bird bird emu",
          "emu  emu\u00a0yak \u3000 zebra"]
TOKENS = [["b", "a", "c", "a"], ["b", "d", "a", "e"], ["c", "c", "f", "g"]]  # ties b/c/..
QUERY = ["the fox ate the LAZY cat", "ÇA VA? bird-emu", "", "unknown words only"]
# out-of-vocabulary strings for num_oov_indices > 1 (FarmHash buckets): every length class
# of Fingerprint64 (0-16, 17-32, 33-64, 65+ bytes), unicode, and the vocabulary itself
OOV_STRINGS = ["", "q", "zebra", "a", "Ça va ü", "b", "x" * 17, "seventeen-bytes!!",
               "thirty-three bytes of text here!!", "ünïcödé " * 9, "y" * 64, "z" * 130]
INTS = [[12, 36, 12, 1000], [36, 7, 12, 0], [5, 5, 5, 42]]

# (name, class, kwargs, adapt data or None, call input)
CASES = [
    ("tv_default", "TextVectorization", {}, CORPUS, CORPUS + QUERY),
    ("tv_max_tokens_seq", "TextVectorization", {"max_tokens": 8, "output_sequence_length": 4},
     CORPUS, QUERY),
    ("tv_seq_long", "TextVectorization", {"output_sequence_length": 9}, CORPUS,
     [[q] for q in QUERY]),
    ("tv_tokens", "TextVectorization", {"output_mode": None}, None, CORPUS),
    ("tv_tokens_lower", "TextVectorization", {"output_mode": None, "standardize": "lower"},
     None, CORPUS),
    ("tv_tokens_strip", "TextVectorization",
     {"output_mode": None, "standardize": "strip_punctuation"}, None, CORPUS),
    ("tv_tokens_edges", "TextVectorization", {"output_mode": None},
     None, ["a\x1cb c", "x\u00a0y\tz", "  ", "é  ü\n", "ÉTé! it's-a_test"]),
    ("tv_tokens_char", "TextVectorization", {"output_mode": None, "split": "character"},
     None, CORPUS[:4]),
    ("tv_tokens_ngrams", "TextVectorization", {"output_mode": None, "ngrams": (1, 3)},
     None, CORPUS[:3]),
    ("tv_no_split", "TextVectorization", {"split": None, "standardize": None},
     [[c] for c in ["a", "b", "b", "c c"]], [["a"], ["c c"], ["zz"]]),
    ("tv_char", "TextVectorization", {"split": "character", "output_sequence_length": 12},
     CORPUS, QUERY),
    ("tv_count_ngrams", "TextVectorization", {"ngrams": 2, "output_mode": "count"},
     CORPUS, QUERY),
    ("tv_multi_hot_ngrams", "TextVectorization",
     {"ngrams": (1, 3), "output_mode": "multi_hot", "max_tokens": 30}, CORPUS, QUERY),
    ("tv_multi_hot_pad", "TextVectorization",
     {"output_mode": "multi_hot", "max_tokens": 40, "pad_to_max_tokens": True}, CORPUS, QUERY),
    ("tv_tfidf", "TextVectorization", {"output_mode": "tf_idf", "max_tokens": 12},
     CORPUS, QUERY),
    ("tv_tfidf_pad", "TextVectorization",
     {"output_mode": "tf_idf", "max_tokens": 40, "pad_to_max_tokens": True}, CORPUS, QUERY),
    ("tv_vocab", "TextVectorization",
     {"vocabulary": ["the", "fox", "dog", "cat"], "output_sequence_length": 6}, None,
     [[q] for q in QUERY]),
    ("tv_vocab_tfidf", "TextVectorization",
     {"vocabulary": ["the", "fox", "dog"], "idf_weights": [0.5, 1.5, 2.0],
      "output_mode": "tf_idf"}, None, QUERY),
    ("sl_adapt", "StringLookup", {}, TOKENS, [["a", "z", "g"], ["c", "b", "d"]]),
    ("sl_adapt_max", "StringLookup", {"max_tokens": 4}, TOKENS, [["a", "z", "g"]]),
    ("sl_mask", "StringLookup", {"mask_token": "[MASK]"}, TOKENS,
     [["a", "[MASK]", "q"]]),
    ("sl_no_oov", "StringLookup", {"num_oov_indices": 0, "vocabulary": ["x", "y"]}, None,
     [["y", "x"]]),
    ("sl_one_hot", "StringLookup", {"vocabulary": ["a", "b", "c"], "output_mode": "one_hot"},
     None, ["a", "c", "z"]),
    ("sl_one_hot_col", "StringLookup",
     {"vocabulary": ["a", "b", "c"], "output_mode": "one_hot"}, None, [["a"], ["z"]]),
    ("sl_multi_hot", "StringLookup",
     {"vocabulary": ["a", "b", "c"], "output_mode": "multi_hot"}, None,
     [["a", "b"], ["c", "z"]]),
    ("sl_multi_hot_rank1", "StringLookup",
     {"vocabulary": ["a", "b", "c"], "output_mode": "multi_hot"}, None, ["a", "b"]),
    ("sl_count_mask", "StringLookup",
     {"vocabulary": ["a", "b"], "output_mode": "count", "mask_token": ""}, None,
     [["a", "a", "", "q"]]),
    ("sl_count_pad", "StringLookup",
     {"max_tokens": 6, "pad_to_max_tokens": True, "output_mode": "count"}, TOKENS,
     [["a", "a", "g", "q"]]),
    ("sl_tfidf", "StringLookup", {"output_mode": "tf_idf"}, TOKENS,
     [["a", "a", "g", "q"], ["b", "c", "c", "c"]]),
    ("sl_invert", "StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True}, None,
     [[1, 2, 3], [0, 4, 2]]),
    ("sl_invert_mask", "StringLookup",
     {"vocabulary": ["a", "b"], "invert": True, "mask_token": "[M]"}, None, [[0, 1, 2, 3]]),
    ("sl_vocab_special", "StringLookup",
     {"vocabulary": ["[UNK]", "a", "b"]}, None, [["a", "b", "q"]]),
    ("sl_oov3", "StringLookup", {"vocabulary": ["a", "b"], "num_oov_indices": 3}, None,
     [OOV_STRINGS[:6], OOV_STRINGS[6:]]),
    ("sl_oov2_mask_adapt", "StringLookup", {"num_oov_indices": 2, "mask_token": "[M]"},
     TOKENS, [["a", "[M]", "q", "zz", "ü", "g"]]),
    ("sl_oov5_count", "StringLookup",
     {"vocabulary": ["a", "b"], "num_oov_indices": 5, "output_mode": "count"}, None,
     [OOV_STRINGS[:6], OOV_STRINGS[6:]]),
    ("sl_oov7_invert", "StringLookup",
     {"vocabulary": ["a", "b"], "num_oov_indices": 7, "invert": True}, None,
     [[0, 3, 6, 7, 8, 9]]),
    ("il_adapt", "IntegerLookup", {}, INTS, [[12, 36, 99], [1000, 0, 5]]),
    ("il_mask", "IntegerLookup", {"mask_token": 0}, INTS, [[12, 0, 99]]),
    ("il_oov2", "IntegerLookup", {"vocabulary": [12, 36], "num_oov_indices": 2}, None,
     [[12, 5, 6, 7, 36]]),
    ("il_invert", "IntegerLookup", {"vocabulary": [12, 36], "invert": True}, None,
     [[0, 1, 2, 3]]),
    ("il_count", "IntegerLookup", {"vocabulary": [12, 36, 7], "output_mode": "count"}, None,
     [[12, 12, 7, 99]]),
    ("il_tfidf", "IntegerLookup", {"output_mode": "tf_idf", "max_tokens": 5}, INTS,
     [[12, 12, 5, 99]]),
]


def _plain(value):
    if isinstance(value, tf.RaggedTensor):
        value = value.to_list()
    elif hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def _run(layers, name, cls, kwargs, adapt, x):
    kwargs = dict(kwargs)
    layer = getattr(layers, cls)(**kwargs)
    if adapt is not None:
        layer.adapt(tf.constant(np.array(adapt)))
    out = layer(tf.constant(np.array(x)))
    result = {"vocabulary": _plain(layer.get_vocabulary()),
              "vocabulary_size": int(layer.vocabulary_size()), "output": _plain(out),
              "config_keys": sorted(layer.get_config())}
    lookup = getattr(layer, "_lookup_layer", layer)
    if getattr(lookup, "output_mode", None) == "tf_idf":
        weights = getattr(lookup, "idf_weights_const", None)
        if weights is None:
            weights = lookup.idf_weights
        result["idf_weights"] = _plain(weights)
    return result


def record(layers):
    results = {}
    for name, cls, kwargs, adapt, x in CASES:
        try:
            results[name] = _run(layers, name, cls, kwargs, adapt, x)
        except Exception as error:  # noqa: BLE001  (recorded: Keras raised)
            first_line = (str(error).strip().splitlines() or [""])[0]
            results[name] = {"error": f"{type(error).__name__}: {first_line}"[:200]}
    return results


def keras3_file(keras):
    """A small Keras 3 model: strings -> TextVectorization -> Embedding -> pooled Dense."""
    rng = np.random.RandomState(18)
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=6)
    vectorize.adapt(np.array(CORPUS))
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = keras.layers.Embedding(20, 4)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                       for w in model.get_weights()])
    path = os.path.join(OUT, "text_layers__k3.keras")
    model.save(path)
    queries = [[q] for q in QUERY + CORPUS[:3]]
    return {"queries": queries,
            "predictions": _plain(model.predict(tf.constant(queries), verbose=0)),
            "vocabulary": _plain(vectorize.get_vocabulary())}


def keras2_file(tf_keras):
    """tf-keras saves a TextVectorization to .h5 only with a given vocabulary (config)."""
    rng = np.random.RandomState(19)
    vectorize = tf_keras.layers.TextVectorization(
        vocabulary=["the", "fox", "dog", "cat", "bird", "emu"], output_sequence_length=6)
    lookup = tf_keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    text = tf_keras.Input(shape=(1,), dtype="string")
    tag = tf_keras.Input(shape=(1,), dtype="string")
    x = tf_keras.layers.Embedding(8, 3)(vectorize(text))
    x = tf_keras.layers.GlobalAveragePooling1D()(x)
    x = tf_keras.layers.Concatenate()([x, lookup(tag)])
    model = tf_keras.Model([text, tag], tf_keras.layers.Dense(2)(x))
    model.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.save(os.path.join(OUT, "text_layers__k2.h5"))
    texts = [[q] for q in QUERY + CORPUS[:3]]
    tags = [["a"], ["b"], ["z"], ["a"], ["b"], ["b"], ["a"]]
    return {"texts": texts, "tags": tags,
            "predictions": _plain(model.predict([tf.constant(texts), tf.constant(tags)],
                                                verbose=0))}


def main():
    import keras
    import tf_keras
    k2 = record(tf_keras.layers)
    k3 = record(keras.layers)
    diff = {name: k3[name] for name in k2 if k3[name] != k2[name]}
    meta = {"versions": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__,
                         "keras": keras.__version__},
            "cases": [{"name": n, "class": c, "kwargs": k, "adapt": a, "input": x}
                      for n, c, k, a, x in CASES],
            "k2": k2, "k3": diff, "keras3_file": keras3_file(keras),
            "keras2_file": keras2_file(tf_keras)}
    with open(os.path.join(OUT, "text_layers.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1, ensure_ascii=False, sort_keys=True)
    print("k3 differs in:", sorted(diff))
    print("k2 errors:", {n: r["error"] for n, r in k2.items() if "error" in r})


if __name__ == "__main__":
    main()
