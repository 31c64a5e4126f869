"""The ``tf.SparseTensor`` / ``tf.data`` calls recorded by generate_sparse_data.py (real
TensorFlow 2.21) and replayed by test_sparse_data.py (torchkeras): batching and unbatching
SparseTensor elements, ``sparse_batch`` / ``dense_to_sparse_batch``, ``SparseFeature`` /
``RaggedFeature`` parsing, ``parse_example_dataset``, ``make_batched_features_dataset`` on a
TFRecord file TF wrote (``fixtures/sparse_data.tfrecord``), and the ``tf.sparse`` functions.
Each case takes a ``tf`` module and the TFRecord path and returns values, specs or a list of
dataset elements; :func:`encode` turns either library's results into the same JSON form."""
from __future__ import annotations

import base64
from typing import Any, Callable, Dict

import numpy as np

# The Examples of the TFRecord file (generate_sparse_data.py writes them with TF):
# feature name -> (kind, values)
RECORDS = [
    {"label": ("int64", [i % 2]), "x": ("float", [float(i), 0.5 * i]),
     "ids": ("int64", list(range(i))), "ix": ("int64", [(3 * i) % 5, (i + 1) % 5][:1 + i % 2]),
     "jx": ("int64", [(i + 2) % 6, i % 6][:1 + i % 2]),
     "val": ("float", [i + 0.25, -i - 0.5][:1 + i % 2]),
     "words": ("bytes", [b"w%d" % k for k in range(i + 1)]),
     "lens": ("int64", [1, i] if i else [1]), "splits": ("int64", [0, 1, i + 1]),
     "rowids": ("int64", [k // 2 for k in range(i + 1)]),
     "starts": ("int64", [0, 1] if i else [0]), "limits": ("int64", [1, i + 1] if i else [1])}
    for i in range(5)
]


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _spec(value: Any) -> Any:
    kind = type(value).__name__
    if kind not in ("TensorSpec", "SparseTensorSpec", "RaggedTensorSpec"):
        return None
    shape = value.shape
    dims = shape.as_list() if hasattr(shape, "as_list") else (None if shape is None
                                                              else list(shape))
    dtype = getattr(value, "dtype_name", None) or value.dtype.name
    return {"spec": kind, "shape": dims, "dtype": dtype}


def encode(value: Any) -> Any:
    """A JSON form of a result (dicts, tuples, lists, specs, SparseTensors, RaggedTensors,
    tensors, NumPy arrays, bytes, numbers) from TensorFlow or torchkeras alike."""
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v) for k, v in value.items()}}
    if hasattr(value, "to_list") and hasattr(value, "row_lengths"):  # (a list subclass)
        def walk(item: Any) -> Any:
            return [walk(v) for v in item] if isinstance(item, list) else (
                _text(item) if isinstance(item, (bytes, str)) else item)
        return {"ragged": walk(value.to_list())}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v) for v in value]}
    spec = _spec(value)
    if spec is not None:
        return spec
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return {"sparse": [encode(value.indices), encode(value.values),
                           encode(value.dense_shape)]}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.dtype.kind in "USO":
        text = np.vectorize(_text, otypes=[object])
        return {"dtype": "string", "shape": list(array.shape),
                "value": text(array).tolist() if array.size else []}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def _with_spec(dataset: Any) -> Any:
    return (dataset.element_spec, int(dataset.cardinality()), list(dataset))


def _sparse(tf: Any) -> Any:
    return tf.sparse.SparseTensor([[0, 1], [1, 0], [2, 2]], [1, 2, 3], [3, 4])


def _varlen(tf: Any, path: str) -> Any:
    features = {"ids": tf.io.VarLenFeature(tf.int64), "label": tf.io.FixedLenFeature([], tf.int64)}
    return tf.data.TFRecordDataset(path).map(lambda r: tf.io.parse_single_example(r, features))


def _cube(tf: Any) -> Any:
    return tf.data.Dataset.from_tensor_slices(
        np.array([[[0, 1], [2, 0]], [[5, 0], [0, 0]], [[7, 7], [7, 7]]], dtype=np.int32))


def _rows(tf: Any) -> Any:
    rows = [[1, 2], [3], [4, 5, 6], [7]]
    return tf.data.Dataset.from_generator(
        lambda: (np.array(r, np.int32) for r in rows),
        output_signature=tf.TensorSpec([None], tf.int32))


SPARSE_FEATURES = {
    "sp": ("SparseFeature", "ix", "val", "float32", 5, False),
    "sp_sorted": ("SparseFeature", "ix", "val", "float32", 5, True),
    "sp2": ("SparseFeature", ("ix", "jx"), "val", "float32", (5, 6), False),
}
RAGGED_FEATURES = {
    "words": ("RaggedFeature", "string", None, ()),
    "ids_r": ("RaggedFeature", "int64", "ids", ()),
    "by_len": ("RaggedFeature", "string", "words", (("RowLengths", "lens"),)),
    "by_split": ("RaggedFeature", "string", "words", (("RowSplits", "splits"),)),
    "by_rowids": ("RaggedFeature", "string", "words", (("ValueRowIds", "rowids"),)),
    "by_starts": ("RaggedFeature", "string", "words", (("RowStarts", "starts"),)),
    "by_limits": ("RaggedFeature", "string", "words", (("RowLimits", "limits"),)),
}


def features(tf: Any, names: Any) -> Dict[str, Any]:
    """Feature specs from the tables above (plus label/x/ids) built with ``tf.io``."""
    table = dict(SPARSE_FEATURES, **RAGGED_FEATURES)
    out: Dict[str, Any] = {}
    for name in names:
        if name == "label":
            out[name] = tf.io.FixedLenFeature([], tf.int64)
        elif name == "x":
            out[name] = tf.io.FixedLenFeature([2], tf.float32)
        elif name == "ids":
            out[name] = tf.io.VarLenFeature(tf.int64)
        elif table[name][0] == "SparseFeature":
            _, index, value, dtype, size, ordered = table[name]
            out[name] = tf.io.SparseFeature(list(index) if isinstance(index, tuple) else index,
                                            value, getattr(tf, dtype),
                                            list(size) if isinstance(size, tuple) else size,
                                            already_sorted=ordered)
        else:
            _, dtype, key, parts = table[name]
            partitions = [getattr(tf.io.RaggedFeature, kind)(arg) for kind, arg in parts]
            out[name] = tf.io.RaggedFeature(getattr(tf, dtype), value_key=key,
                                            partitions=partitions)
    return out


def _records(tf: Any, path: str) -> list:
    return list(tf.data.TFRecordDataset(path))


def _parse_single(tf: Any, path: str, names: Any) -> list:
    spec = features(tf, names)
    return [tf.io.parse_single_example(r, spec) for r in _records(tf, path)]


def _parse_batch(tf: Any, path: str, names: Any) -> Any:
    return tf.io.parse_example([r.numpy() for r in _records(tf, path)], features(tf, names))


Case = Callable[[Any, str], Any]
ALL_SPARSE = ["label", "x", "ids"] + list(SPARSE_FEATURES)
ALL_RAGGED = ["label", "x", "ids", "words", "by_len", "by_split"]

CASES: Dict[str, Case] = {
    # ------------------------------------------------ batching SparseTensor elements
    "batch_varlen": lambda tf, p: _with_spec(_varlen(tf, p).batch(3)),
    "batch_varlen_drop": lambda tf, p: _with_spec(_varlen(tf, p).batch(2, drop_remainder=True)),
    "batch_unbatch_varlen": lambda tf, p: _with_spec(_varlen(tf, p).batch(3).unbatch()),
    "from_tensors_sparse": lambda tf, p: _with_spec(tf.data.Dataset.from_tensors(_sparse(tf))),
    "from_tensor_slices_sparse": lambda tf, p: _with_spec(
        tf.data.Dataset.from_tensor_slices(_sparse(tf))),
    "slices_batch_sparse": lambda tf, p: _with_spec(
        tf.data.Dataset.from_tensor_slices(_sparse(tf)).batch(2)),
    "slices_batch_unbatch_sparse": lambda tf, p: _with_spec(
        tf.data.Dataset.from_tensor_slices(_sparse(tf)).batch(2).unbatch()),
    "batch_string_sparse": lambda tf, p: _with_spec(tf.data.Dataset.from_tensors(
        tf.sparse.SparseTensor([[0], [2]], ["a", "b"], [3])).repeat(3).batch(2)),
    "batch_sparse_in_tuple": lambda tf, p: _with_spec(
        tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(_sparse(tf)),
                             tf.data.Dataset.range(3))).batch(2)),
    "batch_sparse_as_numpy": lambda tf, p: list(
        tf.data.Dataset.from_tensor_slices(_sparse(tf)).batch(2).as_numpy_iterator()),
    # ------------------------------------------------ sparse_batch / dense_to_sparse_batch
    "sparse_batch_cube_none": lambda tf, p: _with_spec(_cube(tf).sparse_batch(2, [None, 3])),
    "sparse_batch_cube_fixed": lambda tf, p: _with_spec(_cube(tf).sparse_batch(2, [2, 3])),
    "sparse_batch_rows": lambda tf, p: _with_spec(_rows(tf).sparse_batch(3, [5])),
    "dense_to_sparse_batch_rows": lambda tf, p: _with_spec(
        _rows(tf).apply(tf.data.experimental.dense_to_sparse_batch(2, [3]))),
    "sparse_batch_unbatch": lambda tf, p: _with_spec(_rows(tf).sparse_batch(3, [4]).unbatch()),
    # ------------------------------------------------ SparseFeature / RaggedFeature
    "parse_single_sparse_feature": lambda tf, p: _parse_single(tf, p, list(SPARSE_FEATURES)),
    "parse_example_sparse_feature": lambda tf, p: _parse_batch(tf, p, list(SPARSE_FEATURES)),
    "parse_single_ragged_feature": lambda tf, p: _parse_single(tf, p, list(RAGGED_FEATURES)),
    "parse_example_ragged_feature": lambda tf, p: _parse_batch(tf, p, list(RAGGED_FEATURES)),
    "parse_single_map_batch": lambda tf, p: _with_spec(tf.data.TFRecordDataset(p).map(
        lambda r: tf.io.parse_single_example(r, features(tf, ALL_SPARSE))).batch(2)),
    # ------------------------------------------------ tf.data.experimental readers
    "parse_example_dataset": lambda tf, p: _with_spec(tf.data.TFRecordDataset(p).batch(3).apply(
        tf.data.experimental.parse_example_dataset(features(tf, ALL_SPARSE)))),
    "parse_example_dataset_ragged": lambda tf, p: _with_spec(
        tf.data.TFRecordDataset(p).batch(2).apply(
            tf.data.experimental.parse_example_dataset(features(tf, ALL_RAGGED)))),
    "make_batched_features": lambda tf, p: _with_spec(
        tf.data.experimental.make_batched_features_dataset(
            p, 2, features(tf, ALL_SPARSE), label_key="label", num_epochs=1, shuffle=False)),
    "make_batched_features_drop": lambda tf, p: _with_spec(
        tf.data.experimental.make_batched_features_dataset(
            p, 2, features(tf, ["x", "ids"]), num_epochs=2, shuffle=False,
            drop_final_batch=True)),
    "make_batched_features_forever": lambda tf, p: (
        lambda d: (d.element_spec, int(d.cardinality()), list(d.take(4))))(
        tf.data.experimental.make_batched_features_dataset(
            p, 3, features(tf, ["label", "ids"]), label_key="label", shuffle=False)),
    # ------------------------------------------------ tf.sparse
    "sparse_to_dense_default": lambda tf, p: tf.sparse.to_dense(_sparse(tf), default_value=-1),
    "sparse_from_dense": lambda tf, p: tf.sparse.from_dense(
        np.array([[0, 3, 0], [4, 0, 5]], dtype=np.int32)),
    "sparse_from_dense_strings": lambda tf, p: tf.sparse.from_dense(
        np.array([[b"", b"a"], [b"b", b""]], dtype=object)),
    "sparse_reorder": lambda tf, p: tf.sparse.reorder(tf.sparse.SparseTensor(
        [[2, 0], [0, 3], [1, 1], [0, 1]], [1.0, 2.0, 3.0, 4.0], [3, 4])),
    "sparse_reshape": lambda tf, p: tf.sparse.reshape(_sparse(tf), [2, -1]),
    "sparse_reshape_3d": lambda tf, p: tf.sparse.reshape(_sparse(tf), [2, 3, 2]),
    "sparse_concat_0": lambda tf, p: tf.sparse.concat(0, [_sparse(tf), _sparse(tf)]),
    "sparse_concat_1": lambda tf, p: tf.sparse.concat(1, [_sparse(tf), _sparse(tf)]),
    "sparse_expand_dims_0": lambda tf, p: tf.sparse.expand_dims(_sparse(tf), 0),
    "sparse_expand_dims_last": lambda tf, p: tf.sparse.expand_dims(_sparse(tf), -1),
    "sparse_slice": lambda tf, p: tf.sparse.slice(_sparse(tf), [1, 0], [5, 3]),
    "sparse_reset_shape_none": lambda tf, p: tf.sparse.reset_shape(_sparse(tf)),
    "sparse_reset_shape": lambda tf, p: tf.sparse.reset_shape(_sparse(tf), [4, 5]),
    "sparse_add_sparse": lambda tf, p: tf.sparse.add(_sparse(tf), tf.sparse.SparseTensor(
        [[0, 0], [0, 1], [2, 3]], [10, 20, 30], [3, 4])),
    "sparse_add_dense": lambda tf, p: tf.sparse.add(_sparse(tf), np.ones((3, 4), np.int32)),
    "sparse_map_values": lambda tf, p: tf.sparse.map_values(lambda v: v * 10, _sparse(tf)),
    "sparse_dense_matmul": lambda tf, p: tf.sparse.sparse_dense_matmul(
        tf.sparse.SparseTensor([[0, 1], [1, 0], [2, 2]], [1.0, 2.0, 3.0], [3, 4]),
        np.arange(8, dtype=np.float32).reshape(4, 2)),
    "sparse_properties": lambda tf, p: (
        lambda s: (list(s.shape), s.dtype.name if hasattr(s.dtype, "name") else
                   str(s.dtype).replace("torch.", "")))(_sparse(tf)),
}
