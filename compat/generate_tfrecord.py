"""Record TFRecord / tf.train.Example / CSV references from real TensorFlow into
``compat/fixtures/tfrecord/`` (small files) and ``compat/fixtures/tfrecord.json``.

Runs ONLY in the reference venv::

    TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_tfrecord.py

Written with TF: ``plain.tfrecord``, ``gzip.tfrecord``, ``zlib.tfrecord`` (the same
serialized Examples), ``data.csv``. The JSON holds each Example's serialized bytes and
``str()``, what ``parse_single_example`` / ``parse_example`` give for several feature specs,
``serialize_tensor`` bytes, ``decode_raw`` results, and the (unshuffled) elements of
``CsvDataset`` and ``make_csv_dataset``. Bytes are base64; tensors are
``{"dtype", "shape", "values"}`` (strings base64). Deterministic: fixed values, no RNG, and
Examples serialized with ``deterministic=True`` (map entries sorted; TF's default order is
its hash table's, which changes from run to run); ``str()`` only of one-feature Examples.
"""
from __future__ import annotations

import base64
import json
import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "tfrecord")


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def enc(value):
    """A JSON form of a parse result: dict, SparseTensor, tensor, bytes."""
    if isinstance(value, dict):
        return {key: enc(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [enc(item) for item in value]
    if isinstance(value, tf.SparseTensor):
        return {"sparse": True, "indices": enc(value.indices), "values": enc(value.values),
                "dense_shape": enc(value.dense_shape)}
    array = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
    array = np.asarray(array)
    dtype = "string" if array.dtype.kind in "OSU" else array.dtype.name
    flat = array.reshape(-1).tolist()
    if dtype == "string":
        flat = [b64(v) for v in flat]
    return {"dtype": dtype, "shape": list(array.shape), "values": flat}


def feature(kind, values):
    make = {"bytes": tf.train.BytesList, "float": tf.train.FloatList,
            "int64": tf.train.Int64List}[kind]
    return tf.train.Feature(**{f"{kind}_list": make(value=values)})


# (name, {feature name: (kind, values)}): insertion order; TF's map order is its own
EXAMPLES = [
    ("scalar_int", {"a": ("int64", [7])}),
    ("neg_int", {"n": ("int64", [-1, 0, 2 ** 40, -(2 ** 63)])}),
    ("floats", {"f": ("float", [float(np.exp(1)), 0.0, -1.5, 1e-30, 3.4e38])}),
    ("bytes", {"s": ("bytes", [b"cat", b"", b"\x00\xff\n\"'\\q", "\u00e9t\u00e9".encode()])}),
    ("empty_list", {"e": ("int64", [])}),
    ("tutorial", {"feature0": ("int64", [0]), "feature1": ("int64", [4]),
                  "feature2": ("bytes", [b"goat"]), "feature3": ("float", [0.9876])}),
    ("mixed", {"id": ("int64", [3]), "vec": ("float", [1.0, 2.5, -3.0]),
               "tags": ("bytes", [b"x", b"yz"]), "var": ("int64", [5, 6])}),
    ("mixed2", {"id": ("int64", [4]), "vec": ("float", [0.5, 0.25, 0.125]),
                "tags": ("bytes", [b"w", b""]), "var": ("int64", [])}),
]


def build(spec):
    return tf.train.Example(features=tf.train.Features(
        feature={key: feature(kind, values) for key, (kind, values) in spec.items()}))


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    out = {"examples": []}
    records = []
    for name, spec in EXAMPLES:
        example = build(spec)
        serialized = example.SerializeToString(deterministic=True)  # map order: sorted
        records.append(serialized)
        feature_map = example.features.feature
        out["examples"].append({
            "name": name, "spec": {k: [kind, [b64(v) if kind == "bytes" else v
                                              for v in values]]
                                   for k, (kind, values) in spec.items()},
            "serialized": b64(serialized),
            "text": str(example) if len(spec) == 1 else None,  # else TF's hash order
            "values": {k: [b64(v) for v in feature_map[k].bytes_list.value]
                       if feature_map[k].WhichOneof("kind") == "bytes_list"
                       else list(getattr(feature_map[k], feature_map[k].WhichOneof("kind")).value)
                       for k in spec}})
    # sequence example and a lone feature
    seq = tf.train.SequenceExample(
        context=tf.train.Features(feature={"len": feature("int64", [2])}),
        feature_lists=tf.train.FeatureLists(feature_list={"tok": tf.train.FeatureList(
            feature=[feature("int64", [1, 2]), feature("int64", [3])])}))
    out["sequence_example"] = {"serialized": b64(seq.SerializeToString(deterministic=True)),
                               "text": str(seq)}
    out["float_feature"] = {"serialized": b64(feature("float", [float(np.exp(1))])
                                              .SerializeToString()),
                            "text": str(feature("float", [float(np.exp(1))]))}

    for compression, filename in (("", "plain.tfrecord"), ("GZIP", "gzip.tfrecord"),
                                  ("ZLIB", "zlib.tfrecord")):
        with tf.io.TFRecordWriter(os.path.join(OUT, filename),
                                  tf.io.TFRecordOptions(compression_type=compression)) as w:
            for record in records:
                w.write(record)
    read_back = [r.numpy() for r in tf.data.TFRecordDataset(
        [os.path.join(OUT, "plain.tfrecord")] * 2, num_parallel_reads=2).take(3)]
    out["interleaved_first3"] = [b64(r) for r in read_back]
    parts = []
    for name, count in (("part_a", 3), ("part_b", 1), ("part_c", 2)):
        parts.append(os.path.join(OUT, f"{name}.tfrecord"))
        with tf.io.TFRecordWriter(parts[-1]) as writer:
            for i in range(count):
                writer.write(f"{name}{i}".encode())
    out["interleaved_parts"] = [r.numpy().decode() for r in tf.data.TFRecordDataset(
        parts, num_parallel_reads=2)]

    mixed = [records[6], records[7]]
    specs = {
        "fixed": {"id": tf.io.FixedLenFeature([], tf.int64),
                  "vec": tf.io.FixedLenFeature([3], tf.float32),
                  "tags": tf.io.FixedLenFeature([2], tf.string),
                  "missing": tf.io.FixedLenFeature([2], tf.float32, default_value=[1.0, 2.0]),
                  "missing_s": tf.io.FixedLenFeature([], tf.string, default_value="dflt")},
        "varlen": {"var": tf.io.VarLenFeature(tf.int64), "tags": tf.io.VarLenFeature(tf.string)},
        "sequence": {"var": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True),
                     "vec": tf.io.FixedLenSequenceFeature([3], tf.float32,
                                                          allow_missing=True)},
        "reshaped": {"vec": tf.io.FixedLenFeature([3, 1], tf.float32)},
    }
    out["parse_single"] = {name: enc(tf.io.parse_single_example(mixed[0], spec))
                           for name, spec in specs.items()}
    out["parse_batch"] = {name: enc(tf.io.parse_example(tf.constant(mixed), spec))
                          for name, spec in specs.items()}
    out["tutorial_parse"] = enc(tf.io.parse_single_example(records[5], {
        "feature0": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature1": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature2": tf.io.FixedLenFeature([], tf.string, default_value=""),
        "feature3": tf.io.FixedLenFeature([], tf.float32, default_value=0.0)}))

    tensors = {
        "f32_2x2": tf.constant([[1.0, 2.0], [3.0, 4.5]]),
        "i32_scalar": tf.constant(3),
        "i64_vec": tf.constant([1, -2, 3], dtype=tf.int64),
        "u8_img": tf.constant(np.arange(24, dtype=np.uint8).reshape(2, 4, 3)),
        "f64_empty": tf.zeros([0, 3], dtype=tf.float64),
        "bool": tf.constant([True, False]),
        "strings": tf.constant([b"ab", b"", b"c"]),
        "string_scalar": tf.constant(b"hello"),
        "f16": tf.constant([0.5, -1.0], dtype=tf.float16),
    }
    out["serialize_tensor"] = {name: {"serialized": b64(tf.io.serialize_tensor(t).numpy()),
                                      "value": enc(t)} for name, t in tensors.items()}

    raw = tf.constant([b"\x01\x00\x02\x00\xff\xff", b"\x03\x00\x04\x00\x00\x80"])
    out["decode_raw"] = {
        "int16": enc(tf.io.decode_raw(raw, tf.int16)),
        "int16_be": enc(tf.io.decode_raw(raw, tf.int16, little_endian=False)),
        "uint8": enc(tf.io.decode_raw(raw, tf.uint8)),
        "float32_scalar": enc(tf.io.decode_raw(tf.constant(np.float32([1.5, -2]).tobytes()),
                                               tf.float32))}

    csv_path = os.path.join(OUT, "data.csv")
    with open(csv_path, "w") as handle:
        handle.write("id,name,score,count,label\n"
                     "1,alpha,0.5,10,0\n"
                     "2,\"be,ta\",1.25,,1\n"
                     "3,gamma,NA,30,0\n"
                     "4,,2.0,40,1\n"
                     "5,eps,3.5,50,0\n")
    csv_files = [csv_path]
    out["csv_dataset"] = enc([list(row) for row in tf.data.experimental.CsvDataset(
        csv_files, record_defaults=[0, "", 0.0, tf.constant([-1], tf.int64), 0], header=True,
        na_value="NA")])
    out["csv_dataset_select"] = enc([list(row) for row in tf.data.experimental.CsvDataset(
        csv_files, record_defaults=[tf.int32, -9.0], header=True, select_cols=[0, 2],
        na_value="NA")])
    made = tf.data.experimental.make_csv_dataset(
        csv_path, batch_size=2, label_name="label", num_epochs=1, shuffle=False, na_value="NA")
    out["make_csv"] = [[enc(dict(features)), list(features.keys()), enc(label)]
                       for features, label in made]
    made = tf.data.experimental.make_csv_dataset(
        csv_path, batch_size=3, select_columns=["score", "id"], num_epochs=1, shuffle=False,
        column_defaults=[0, 0.0], na_value="NA")
    out["make_csv_select"] = [[enc(dict(features)), list(features.keys())] for features in made]
    made = tf.data.experimental.make_csv_dataset(
        csv_path, batch_size=4, num_epochs=2, shuffle=False, na_value="NA",
        column_names=["a", "b", "c", "d", "e"], label_name="e")
    out["make_csv_named_2epochs"] = [[enc(dict(features)), list(features.keys()), enc(label)]
                                     for features, label in made]
    with open(os.path.join(HERE, "fixtures", "tfrecord.json"), "w") as handle:
        json.dump(out, handle, indent=1, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
