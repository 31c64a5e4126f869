"""Reference outputs of real tf-keras for the drop-in utilities: ``keras.backend`` functions,
``Tokenizer``, ``pad_sequences``, image augmentation and ``timeseries_dataset_from_array``.

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=3 \\
        /tmp/ref/bin/python compat/generate_dropin.py

writes ``compat/fixtures/dropin_*.npz`` (arrays + a ``meta`` JSON string); replayed by
``compat/test_dropin.py`` without TensorFlow.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, Dict

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; and a bird?",
          "Dogs and cats living together", "the the the end"]
BACKEND_CALLS = {
    # name: (expression over K, x, y, b (bool), t (targets), p (probabilities))
    "mean": "K.mean(x)", "mean_axis_keep": "K.mean(x, axis=1, keepdims=True)",
    "mean_bool": "K.mean(b)", "mean_axes": "K.mean(x, axis=[0, 1])",
    "sum0": "K.sum(x, axis=0)", "max": "K.max(x)", "min1": "K.min(x, axis=1)",
    "argmax": "K.argmax(x)", "sqrt": "K.sqrt(x)", "abs": "K.abs(x)", "square": "K.square(x)",
    "exp": "K.exp(x)", "log": "K.log(K.abs(x) + 1)", "clip": "K.clip(x, -0.5, 0.5)",
    "clip_inverted": "K.clip(x, 0.5, 0.1)", "round": "K.round(x * 2.5)",
    "dot2": "K.dot(x, K.transpose(y))", "dot3": "K.dot(K.reshape(x, (3, 2, 2)), "
                                                 "K.reshape(y, (2, 2, 3)))",
    "concat": "K.concatenate([x, y], axis=0)", "equal": "K.cast(K.equal(x, x * 1), 'float32')",
    "greater": "K.cast(K.greater(x, y), 'float32')", "std": "K.std(x, axis=0)",
    "var": "K.var(x)", "l2_normalize": "K.l2_normalize(x, axis=1)",
    "softmax": "K.softmax(x)", "hard_sigmoid": "K.hard_sigmoid(x * 4)",
    "bce": "K.binary_crossentropy(t, p)", "cce": "K.categorical_crossentropy(t, p)",
    "int_shape": "np.array(K.int_shape(x))", "epsilon": "np.array(K.epsilon())",
    "f1": "f1_m(t, p)",
}


def f1_m(K, y_true, y_pred):
    tp = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible = K.sum(K.round(K.clip(y_true, 0, 1)))
    predicted = K.sum(K.round(K.clip(y_pred, 0, 1)))
    recall = tp / (possible + K.epsilon())
    precision = tp / (predicted + K.epsilon())
    return 2 * ((precision * recall) / (precision + recall + K.epsilon()))


def backend_inputs() -> Dict[str, np.ndarray]:
    rs = np.random.RandomState(0)
    x = rs.normal(size=(3, 4)).astype("float32")
    x[0, 0] = 0.2  # round(0.5): half to even
    return {"x": x, "y": rs.normal(size=(3, 4)).astype("float32"),
            "b": x > 0, "t": (rs.rand(3, 4) > 0.5).astype("float32"),
            "p": rs.uniform(0.01, 0.99, size=(3, 4)).astype("float32")}


def run_backend(K, to_numpy) -> Dict[str, np.ndarray]:
    v = backend_inputs()
    env = {"K": K, "np": np, "f1_m": lambda a, b: f1_m(K, a, b)}
    env.update({k: K.constant(a) if a.dtype != bool else K.constant(a, dtype="bool")
                for k, a in v.items()})
    return {name: to_numpy(eval(expr, env)) for name, expr in BACKEND_CALLS.items()}  # noqa: S307


def tokenizer_outputs(text_module) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for label, kwargs in {"default": {}, "num_words": {"num_words": 6},
                          "oov": {"num_words": 6, "oov_token": "<unk>"},
                          "char": {"char_level": True, "lower": False},
                          "split": {"filters": "", "split": " ", "lower": False}}.items():
        tok = text_module.Tokenizer(**kwargs)
        tok.fit_on_texts(CORPUS)
        queries = CORPUS + ["an unseen cat"]
        out[label] = {"word_index": tok.word_index,
                      "sequences": tok.texts_to_sequences(queries),
                      "texts": tok.sequences_to_texts(tok.texts_to_sequences(queries)),
                      "document_count": tok.document_count}
        for mode in ("binary", "count", "tfidf", "freq"):
            out[f"{label}__{mode}"] = tok.texts_to_matrix(queries, mode=mode)
        out[label]["json"] = json.loads(tok.to_json())
        restored = text_module.tokenizer_from_json(tok.to_json())
        out[label]["restored_sequences"] = restored.texts_to_sequences(queries)
    out["word_sequence"] = text_module.text_to_word_sequence("Hello, World! It's 2 a.m.")
    out["hashing_md5"] = text_module.hashing_trick("the cat sat", 10, hash_function="md5")
    return out


PAD_CASES = {"default": {}, "maxlen2": {"maxlen": 2}, "post": {"padding": "post"},
             "trunc_post": {"maxlen": 2, "truncating": "post"},
             "value": {"value": -1, "maxlen": 5}, "float": {"dtype": "float32", "value": 0.5},
             "post_post": {"maxlen": 3, "padding": "post", "truncating": "post"}}
SEQUENCES = [[1], [2, 3], [4, 5, 6, 7], [], [8, 9, 10]]

AFFINE_CASES = [("nearest", {"theta": 30}), ("nearest", {"tx": 1.5, "ty": -2.25}),
                ("constant", {"zx": 0.7, "zy": 1.3}), ("reflect", {"shear": 20}),
                ("nearest", {"theta": -45, "tx": 1, "zx": 1.2, "zy": 0.8}),
                ("constant", {"theta": 90})]
GENERATOR_KWARGS = {"rotation_range": 20, "width_shift_range": 0.2, "height_shift_range": 2,
                    "zoom_range": 0.2, "horizontal_flip": True, "vertical_flip": True,
                    "rescale": 1 / 255.0, "fill_mode": "nearest"}


def image_inputs() -> np.ndarray:
    return np.random.RandomState(1).randint(0, 256, size=(6, 9, 7, 3)).astype("float32")


def image_outputs(image_module) -> Dict[str, np.ndarray]:
    x = image_inputs()
    out = {}
    for i, (mode, params) in enumerate(AFFINE_CASES):
        out[f"affine_{i}"] = image_module.apply_affine_transform(
            x[0], row_axis=0, col_axis=1, channel_axis=2, fill_mode=mode, cval=7.0, **params)
    generator = image_module.ImageDataGenerator(**GENERATOR_KWARGS)
    np.random.seed(5)
    iterator = generator.flow(x, np.arange(6), batch_size=4, shuffle=False)
    batch_x, batch_y = iterator[0]
    out["flow_x"], out["flow_y"] = batch_x, batch_y
    return out


def timeseries_outputs(make) -> Dict[str, np.ndarray]:
    data = np.arange(30, dtype="float32").reshape(15, 2)
    targets = np.arange(15) * 10
    out = {}
    for name, kwargs in {"basic": {"sequence_length": 4},
                         "strided": {"sequence_length": 3, "sequence_stride": 2,
                                     "sampling_rate": 2, "start_index": 1, "end_index": 13}}.items():
        ds = make(data, targets, batch_size=5, **kwargs)
        xs, ys = zip(*[(np.asarray(a), np.asarray(b)) for a, b in ds])
        out[f"{name}_x"], out[f"{name}_y"] = np.concatenate(xs), np.concatenate(ys)
    return out


def save(name: str, arrays: Dict[str, np.ndarray], meta: Dict[str, Any]) -> None:
    """Deterministic npz: sorted keys, fixed zip timestamps."""
    FIXTURES.mkdir(exist_ok=True)
    items = dict(arrays, meta=np.array(json.dumps(meta, sort_keys=True)))
    path = FIXTURES / f"{name}.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key in sorted(items):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(items[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
    print(f"wrote {path}")


def main() -> None:
    import tensorflow as tf
    import tf_keras
    from tf_keras import backend as K
    from tf_keras.src.preprocessing import image, text
    from tf_keras.src.utils import data_utils
    versions = {"tf_keras_version": tf_keras.__version__, "tensorflow_version": tf.__version__}

    save("dropin_backend", dict(backend_inputs(), **{
        f"out__{k}": v for k, v in run_backend(K, lambda t: np.asarray(t)).items()}),
        dict(versions, calls=BACKEND_CALLS))

    outputs = tokenizer_outputs(text)
    arrays = {k: v for k, v in outputs.items() if isinstance(v, np.ndarray)}
    meta = {k: v for k, v in outputs.items() if not isinstance(v, np.ndarray)}
    save("dropin_text", arrays, dict(versions, corpus=CORPUS, outputs=meta))

    save("dropin_sequence", {name: data_utils.pad_sequences(SEQUENCES, **kwargs)
                             for name, kwargs in PAD_CASES.items()},
         dict(versions, sequences=SEQUENCES, cases=PAD_CASES))

    save("dropin_image", dict(image_outputs(image), x=image_inputs()),
         dict(versions, affine=AFFINE_CASES, generator=GENERATOR_KWARGS))

    save("dropin_timeseries", timeseries_outputs(tf_keras.utils.timeseries_dataset_from_array),
         versions)


if __name__ == "__main__":
    main()
