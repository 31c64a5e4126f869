"""Record the numeric/categorical preprocessing layers (Normalization, Discretization,
CategoryEncoding, Hashing, HashedCrossing) from real tf_keras (Keras 2) and Keras 3 into
``compat/fixtures/preprocessing_numeric.npz`` plus small model files
``compat/fixtures/prepnum_*.{h5,keras}`` (``prepnum_disc_adapted__k2.h5``: an adapted
``Discretization`` whose ``summary`` weight has a data-dependent shape).

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_preprocessing_numeric.py

Per case ``<case>__x`` (input; a list input as ``__x0, __x1, ...``), ``<case>__adapt`` (adapt
data, when adapted), ``<case>__y`` (tf_keras output), ``<case>__w<j>`` (tf_keras weights after
adapt), ``<case>__bounds`` (learnt bin boundaries), ``<case>__k3y`` (Keras 3's output where it
is recorded). ``meta.cases`` lists class, kwargs, adapt arguments and error texts.
Strings are stored as NumPy unicode arrays (no pickle).

Files torchkeras writes, read back by real Keras (two more runs)::

    PYTHONPATH=. /work/main/.venv/bin/python compat/generate_preprocessing_numeric.py --torchkeras-side
    TF_USE_LEGACY_KERAS=1 /tmp/ref/bin/python compat/generate_preprocessing_numeric.py --reverse

The first builds a model with all five layers (adapted Normalization and Discretization) in
torchkeras and saves ``fixtures/prepnum_tk.{h5,keras}`` with its inputs and predictions
(``prepnum_tk.npz``); the second loads the ``.h5`` in tf_keras and the ``.keras`` in Keras 3
and records their predictions (``prepnum_tk_reverse.npz``).
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

rng = np.random.RandomState(1818)
FIXTURES = os.path.join(HERE, "fixtures")


def _strings() -> np.ndarray:
    """A few hundred strings: ASCII words of every length 0..150, unicode, digits, spaces."""
    alphabet = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,")
    words = ["", " ", "a", "A", "hello", "Hello world", "0", "-1", "12345", "é", "日本語テキスト",
             "naïve café", "emoji 🙂 mix", "Ελληνικά", "русский текст", "\t tab", "x" * 200]
    for length in range(0, 151):
        words.append("".join(rng.choice(alphabet, size=length)))
    for _ in range(120):
        length = int(rng.randint(1, 40))
        chars = [chr(int(c)) for c in rng.randint(0x20, 0x2FFF, size=length)]
        words.append("".join(chars))
    return np.array(words)


STRINGS = _strings()
INTS = np.concatenate([np.arange(-20, 40), rng.randint(-2**62, 2**62, size=40, dtype=np.int64),
                       np.array([np.iinfo(np.int64).max, np.iinfo(np.int64).min])]
                      ).astype("int64")
U = rng.uniform(-3, 5, size=(100, 3)).astype("float32")
OFFSET = (1000.0 + rng.normal(0, 0.1, size=(70, 2))).astype("float32")
CUBE = rng.normal(2, 3, size=(40, 4, 3)).astype("float32")
NUMS = rng.normal(0, 1, size=(1000, 1)).astype("float32")
SMALL_INT = rng.randint(0, 6, size=(90, 2)).astype("float32")
IDS = np.array([[0, 1], [0, 0], [1, 2], [3, 1]], dtype="int64")

# (case, class, kwargs, input(s), adapt: None or {"data", "batch_size", "dataset_batch"},
#  call kwargs (arrays), keras3 too)
CASES: List[tuple] = [
    ("norm_last", "Normalization", {}, U[:7], {"data": U}, {}, True),
    ("norm_none_1d", "Normalization", {"axis": None}, U[:9, 0], {"data": U[:, 0]}, {}, True),
    ("norm_batch7", "Normalization", {}, U[:5], {"data": U, "batch_size": 7}, {}, True),
    ("norm_offset", "Normalization", {}, OFFSET[:5], {"data": OFFSET}, {}, True),
    ("norm_tuple", "Normalization", {"axis": (1, 2)}, CUBE[:3], {"data": CUBE}, {}, True),
    ("norm_axis1", "Normalization", {"axis": 1}, CUBE[:3], {"data": CUBE}, {}, True),
    ("norm_none_3d", "Normalization", {"axis": None}, CUBE[:3], {"data": CUBE}, {}, True),
    ("norm_dataset", "Normalization", {}, U[:4], {"data": U, "dataset_batch": 16}, {}, True),
    ("norm_invert", "Normalization", {"invert": True}, U[:6], {"data": U}, {}, True),
    ("norm_given", "Normalization", {"mean": [1.0, 2.0, 3.0], "variance": [4.0, 0.25, 9.0]},
     U[:6], None, {}, True),
    ("norm_given_scalar", "Normalization", {"mean": 3.0, "variance": 2.0},
     np.array([[1.0], [2.0], [3.0]], dtype="float32"), None, {}, True),
    ("norm_given_invert", "Normalization", {"mean": 0.5, "variance": 4.0, "invert": True},
     U[:6], None, {}, True),
    ("norm_zero_var", "Normalization", {"mean": 0.5, "variance": 0.0}, U[:4], None, {}, True),
]
for mode in ("int", "one_hot", "multi_hot", "count"):
    x = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], dtype="float32")
    if mode == "one_hot":
        x = x[0]
    CASES.append((f"disc_given_{mode}", "Discretization",
                  {"bin_boundaries": [0.0, 1.0, 2.0], "output_mode": mode}, x, None, {}, True))
CASES += [
    ("disc_adapt_uniform", "Discretization", {"num_bins": 4}, U[:6], {"data": U}, {}, True),
    ("disc_adapt_normal", "Discretization", {"num_bins": 7, "epsilon": 0.001}, NUMS[:9],
     {"data": NUMS}, {}, True),
    ("disc_adapt_eps", "Discretization", {"num_bins": 5, "epsilon": 0.1}, NUMS[:9],
     {"data": NUMS}, {}, True),
    ("disc_adapt_small", "Discretization", {"num_bins": 3}, U[:3, 0],
     {"data": U[:10, 0]}, {}, True),
    ("disc_adapt_ties", "Discretization", {"num_bins": 4}, SMALL_INT[:5],
     {"data": SMALL_INT}, {}, True),
    ("disc_adapt_dataset", "Discretization", {"num_bins": 6}, NUMS[:9],
     {"data": NUMS, "dataset_batch": 100}, {}, True),
    ("disc_adapt_batch", "Discretization", {"num_bins": 6}, NUMS[:9],
     {"data": NUMS, "batch_size": 250}, {}, True),
    ("disc_adapt_onehot", "Discretization", {"num_bins": 4, "output_mode": "one_hot"},
     U[:6, 0], {"data": U[:, 0]}, {}, True),
    ("cat_one_hot", "CategoryEncoding", {"num_tokens": 4, "output_mode": "one_hot"},
     np.array([3, 2, 0, 1], dtype="int64"), None, {}, True),
    ("cat_one_hot_col", "CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"},
     np.array([[3], [2], [4]], dtype="int64"), None, {}, True),
    ("cat_multi_hot", "CategoryEncoding", {"num_tokens": 4, "output_mode": "multi_hot"},
     IDS, None, {}, True),
    ("cat_multi_hot_1d", "CategoryEncoding", {"num_tokens": 6}, np.array([1, 4, 4, 0]), None,
     {}, True),
    ("cat_count", "CategoryEncoding", {"num_tokens": 4, "output_mode": "count"}, IDS, None, {},
     True),
    ("cat_count_weights", "CategoryEncoding", {"num_tokens": 4, "output_mode": "count"}, IDS,
     None, {"count_weights": np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]], "float32")},
     True),
    ("cat_binary", "CategoryEncoding", {"num_tokens": 3, "output_mode": "binary"},
     np.array([[0, 2, 2]]), None, {}, False),
    ("hash_str", "Hashing", {"num_bins": 1000003}, STRINGS, None, {}, True),
    ("hash_str_small", "Hashing", {"num_bins": 3}, STRINGS[:40].reshape(20, 2), None, {}, True),
    ("hash_str_salt", "Hashing", {"num_bins": 1000003, "salt": [123, 456789]}, STRINGS, None, {},
     True),
    ("hash_str_salt_int", "Hashing", {"num_bins": 97, "salt": 133}, STRINGS[:60], None, {},
     True),
    ("hash_str_mask", "Hashing", {"num_bins": 50, "mask_value": ""}, STRINGS[:80], None, {},
     True),
    ("hash_int", "Hashing", {"num_bins": 1000003}, INTS, None, {}, True),
    ("hash_int_mask", "Hashing", {"num_bins": 11, "mask_value": 0}, INTS[:60].reshape(30, 2),
     None, {}, True),
    ("hash_int_salt", "Hashing", {"num_bins": 101, "salt": 7}, INTS, None, {}, True),
    ("hash_one_hot", "Hashing", {"num_bins": 5, "output_mode": "one_hot"}, STRINGS[:12], None,
     {}, True),
    ("hash_multi_hot", "Hashing", {"num_bins": 6, "output_mode": "multi_hot"},
     STRINGS[:12].reshape(4, 3), None, {}, True),
    ("hash_count", "Hashing", {"num_bins": 4, "output_mode": "count"},
     INTS[:12].reshape(3, 4), None, {}, True),
    ("cross_int_str", "HashedCrossing", {"num_bins": 1000003}, [INTS[:50], STRINGS[:50]], None,
     {}, True),
    ("cross_str_str_col", "HashedCrossing", {"num_bins": 97},
     [STRINGS[:30].reshape(30, 1), STRINGS[30:60].reshape(30, 1)], None, {}, True),
    ("cross_three", "HashedCrossing", {"num_bins": 1000},
     [INTS[:20], STRINGS[:20], INTS[20:40]], None, {}, True),
    ("cross_one_hot", "HashedCrossing", {"num_bins": 5, "output_mode": "one_hot"},
     [np.array([1, 2, 3, 4, 5]), np.array(["A", "B", "A", "B", "A"])], None, {}, True),
]

ERRORS = [  # (name, class, kwargs, input) whose error text is recorded
    ("cat_out_of_range", "CategoryEncoding", {"num_tokens": 3, "output_mode": "one_hot"},
     np.array([0, 3], dtype="int64")),
    ("cat_negative", "CategoryEncoding", {"num_tokens": 3}, np.array([[-1, 1]], dtype="int64")),
]


def _adapt(tf: Any, layer: Any, spec: Dict[str, Any]) -> None:
    data = spec["data"]
    if "dataset_batch" in spec:
        layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(spec["dataset_batch"]))
    elif "batch_size" in spec and "k3" not in str(type(layer)):
        layer.adapt(data, batch_size=spec["batch_size"])
    else:
        layer.adapt(data)


def _feed(tf: Any, value: Any) -> Any:
    if isinstance(value, list):
        return [tf.constant(v) for v in value]
    return tf.constant(value)


def record_layers(tf: Any, k2: Any, k3: Any) -> Dict[str, np.ndarray]:
    arrays: Dict[str, np.ndarray] = {}
    meta_cases: List[Dict[str, Any]] = []
    for name, cls, kwargs, x, adapt, call_kwargs, with_k3 in CASES:
        if isinstance(x, list):
            for i, xi in enumerate(x):
                arrays[f"{name}__x{i}"] = xi
        else:
            arrays[f"{name}__x"] = x
        feed_kwargs = {k: tf.constant(v) for k, v in call_kwargs.items()}
        for k, v in call_kwargs.items():
            arrays[f"{name}__arg__{k}"] = v
        outputs = {}
        for tag, keras in (("y", k2), ("k3y", k3 if with_k3 else None)):
            if keras is None:
                continue
            layer = getattr(keras.layers, cls)(**kwargs)
            if adapt is not None:
                spec = dict(adapt)
                if tag == "k3y" and "batch_size" in spec:
                    spec.pop("batch_size")  # Keras 3's adapt has no batch_size
                _adapt(tf, layer, spec)
            out = layer(_feed(tf, x), **feed_kwargs)
            outputs[tag] = np.asarray(out)
            if tag == "y":
                for j, w in enumerate(layer.get_weights()):
                    arrays[f"{name}__w{j}"] = np.asarray(w)
                weight_names = [w.name for w in layer.weights]
                config_keys = sorted(layer.get_config())
                if cls == "Discretization" and adapt is not None:
                    arrays[f"{name}__bounds"] = np.asarray(layer.bin_boundaries, "float64")
            elif cls == "Discretization" and adapt is not None:
                arrays[f"{name}__k3bounds"] = np.asarray(layer.bin_boundaries, "float64")
        arrays[f"{name}__y"] = outputs["y"]
        k3_same = None
        if "k3y" in outputs:
            k3_same = bool(outputs["k3y"].shape == outputs["y"].shape and
                           np.allclose(outputs["k3y"], outputs["y"], rtol=1e-6, atol=1e-6))
            if not k3_same:
                arrays[f"{name}__k3y"] = outputs["k3y"]
        meta_cases.append({
            "name": name, "class": cls, "kwargs": kwargs, "list_input": isinstance(x, list),
            "n_inputs": len(x) if isinstance(x, list) else 1,
            "adapt": None if adapt is None else {k: v for k, v in adapt.items() if k != "data"},
            "call_kwargs": sorted(call_kwargs), "weight_names": weight_names,
            "config_keys": config_keys, "k3_same": k3_same,
            "out_dtype": str(outputs["y"].dtype)})
        if adapt is not None:
            arrays[f"{name}__adapt"] = adapt["data"]
    errors = {}
    for name, cls, kwargs, x in ERRORS:
        arrays[f"err_{name}__x"] = x
        try:
            getattr(k2.layers, cls)(**kwargs)(tf.constant(x))
            errors[name] = None
        except Exception as error:  # noqa: BLE001  (recording the text Keras raises)
            errors[name] = {"type": type(error).__name__, "message": str(error)}
    arrays["meta_layers"] = np.asarray(json.dumps({"cases": meta_cases, "errors": errors},
                                                  sort_keys=True))
    return arrays


def record_files(tf: Any, k2: Any, k3: Any) -> Dict[str, np.ndarray]:
    """Small models with these layers saved by tf_keras (.h5) and Keras 3 (.keras)."""
    arrays: Dict[str, np.ndarray] = {}
    x = U[:8]
    dense_w = [rng.uniform(-1, 1, size=(3, 2)).astype("float32"),
               rng.uniform(-1, 1, size=(2,)).astype("float32")]
    arrays["files__x"] = x
    for tag, keras, ext in (("k2", k2, "h5"), ("k3", k3, "keras")):
        norm = keras.layers.Normalization()
        norm.adapt(U)
        model = keras.Sequential([keras.Input(shape=(3,)), norm, keras.layers.Dense(2)])
        model.layers[-1].set_weights(dense_w)
        path = os.path.join(FIXTURES, f"prepnum_norm__{tag}.{ext}")
        model.save(path)
        arrays[f"files__norm__{tag}"] = model.predict(x, verbose=0)
        # Fixed statistics, a Discretization -> CategoryEncoding branch and Hashing (ints).
        inp = keras.Input(shape=(3,))
        fixed = keras.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])(inp)
        ids_in = keras.Input(shape=(1,), dtype="int64")
        disc = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 2.0])(inp)
        onehot = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(disc)
        hashed = keras.layers.Hashing(num_bins=5, output_mode="one_hot")(ids_in)
        out = keras.layers.Concatenate()([fixed, onehot, hashed])
        model = keras.Model([inp, ids_in], out)
        ids = INTS[:8].reshape(8, 1)
        path = os.path.join(FIXTURES, f"prepnum_mixed__{tag}.{ext}")
        model.save(path)
        arrays[f"files__mixed__{tag}"] = model.predict([x, ids], verbose=0)
        arrays["files__ids"] = ids
    return arrays


def record_adapted_discretization(k2: Any) -> Dict[str, np.ndarray]:
    """A tf_keras ``.h5`` with an adapted ``Discretization`` (``num_bins``: the learnt state
    is its ``summary`` weight, shape ``(2, n)`` with n data-dependent; the config keeps
    ``bin_boundaries: null``) -> CategoryEncoding -> Dense. Own RandomState: the other
    cases' draws stay as they were."""
    local = np.random.RandomState(1819)
    data = local.normal(1.0, 2.0, size=(300, 2)).astype("float32")
    disc = k2.layers.Discretization(num_bins=5, epsilon=0.05)
    disc.adapt(data)
    inp = k2.Input(shape=(2,))
    counts = k2.layers.CategoryEncoding(num_tokens=5, output_mode="count")(disc(inp))
    model = k2.Model(inp, k2.layers.Dense(3)(counts))
    model.layers[-1].set_weights([local.uniform(-1, 1, size=(5, 3)).astype("float32"),
                                  local.uniform(-1, 1, size=(3,)).astype("float32")])
    model.save(os.path.join(FIXTURES, "prepnum_disc_adapted__k2.h5"))
    x = data[:16]
    return {"files__disc__x": x, "files__disc__k2": model.predict(x, verbose=0),
            "files__disc__bounds": np.asarray(disc.bin_boundaries, np.float32),
            "files__disc__summary": disc.summary.numpy()}


def main() -> None:
    import tensorflow as tf
    import tf_keras as k2
    import keras as k3

    arrays = record_layers(tf, k2, k3)
    arrays.update(record_files(tf, k2, k3))
    arrays.update(record_adapted_discretization(k2))
    meta = {"tf_keras_version": k2.__version__, "keras3_version": k3.__version__,
            "tensorflow_version": tf.__version__, "numpy_version": np.__version__}
    layers_meta = json.loads(str(arrays.pop("meta_layers")))
    meta.update(layers_meta)
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(os.path.join(FIXTURES, "preprocessing_numeric.npz"), arrays)
    print(f"wrote {len(meta['cases'])} cases")


def torchkeras_side() -> None:
    """Dev venv: a torchkeras model with the five layers, saved as .h5 and .keras."""
    import torchkeras as keras

    x = U[:20]
    ids = INTS[:20].reshape(20, 1)
    norm = keras.layers.Normalization()
    norm.adapt(U)
    disc = keras.layers.Discretization(num_bins=4)
    disc.adapt(U)
    inp = keras.Input(shape=(3,))
    ids_in = keras.Input(shape=(1,), dtype="int64")
    other = keras.Input(shape=(1,), dtype="int64")
    encoded = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(disc(inp))
    hashed = keras.layers.Hashing(num_bins=5, output_mode="one_hot", salt=7)(ids_in)
    crossed = keras.layers.HashedCrossing(num_bins=6, output_mode="one_hot")([ids_in, other])
    fixed = keras.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25])(inp)
    merged = keras.layers.Concatenate()([norm(inp), fixed, encoded, hashed, crossed])
    model = keras.Model([inp, ids_in, other], keras.layers.Dense(2)(merged))
    other_ids = (INTS[20:40] % 7).reshape(20, 1)
    for ext in ("h5", "keras"):
        model.save(os.path.join(FIXTURES, f"prepnum_tk.{ext}"))
    pred = model.predict([x, ids, other_ids], verbose=0)
    save_npz(os.path.join(FIXTURES, "prepnum_tk.npz"),
             {"x": x, "ids": ids, "other": other_ids, "pred": pred,
              "meta": np.asarray(json.dumps({"writer": "torchkeras"}))})
    print("wrote prepnum_tk.{h5,keras,npz}")


def reverse() -> None:
    """Reference venv: tf_keras reads the torchkeras .h5, Keras 3 the .keras."""
    import tensorflow as tf
    import tf_keras as k2
    import keras as k3

    with np.load(os.path.join(FIXTURES, "prepnum_tk.npz"), allow_pickle=False) as z:
        inputs = [z["x"], z["ids"], z["other"]]
    arrays: Dict[str, np.ndarray] = {}
    for tag, keras, ext in (("k2", k2, "h5"), ("k3", k3, "keras")):
        model = keras.models.load_model(os.path.join(FIXTURES, f"prepnum_tk.{ext}"))
        arrays[f"pred__{tag}"] = model.predict(inputs, verbose=0)
    arrays["meta"] = np.asarray(json.dumps({"tf_keras_version": k2.__version__,
                                            "keras3_version": k3.__version__,
                                            "tensorflow_version": tf.__version__}))
    save_npz(os.path.join(FIXTURES, "prepnum_tk_reverse.npz"), arrays)
    print("wrote prepnum_tk_reverse.npz")


if __name__ == "__main__":
    if "--torchkeras-side" in sys.argv:
        torchkeras_side()
    elif "--reverse" in sys.argv:
        reverse()
    else:
        main()
