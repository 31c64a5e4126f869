"""tf.data.experimental.parse_example_dataset / make_batched_features_dataset: composition,
arguments and errors (values against TF in compat/test_sparse_data.py)."""
from __future__ import annotations

import pytest
import torch

from torchkeras.data import Dataset, TFRecordDataset
from torchkeras.data.tfrecord import TFRecordWriter
from torchkeras.tfops.example import Example, Feature, Features, Int64List
from torchkeras.tfops.example_dataset import make_batched_features_dataset, parse_example_dataset
from torchkeras.tfops.parsing import FixedLenFeature, VarLenFeature

FEATURES = {"label": FixedLenFeature([], torch.int64), "ids": VarLenFeature(torch.int64)}


def _write(path, count: int) -> str:
    with TFRecordWriter(str(path)) as writer:
        for i in range(count):
            writer.write(Example(features=Features(feature={
                "label": Feature(int64_list=Int64List(value=[i])),
                "ids": Feature(int64_list=Int64List(value=list(range(i))))}))
                .SerializeToString())
    return str(path)


def test_parse_example_dataset_needs_batched_strings(tmp_path):
    path = _write(tmp_path / "a.tfrecord", 3)
    parsed = TFRecordDataset(path).batch(2).apply(parse_example_dataset(FEATURES))
    first = next(iter(parsed))
    assert first["label"].tolist() == [0, 1] and first["ids"].dense_shape.tolist() == [2, 1]
    with pytest.raises(TypeError, match="must be a dataset of vectors of strings"):
        TFRecordDataset(path).apply(parse_example_dataset(FEATURES))
    with pytest.raises(TypeError, match="must be a dataset of vectors of strings"):
        Dataset.range(3).batch(2).apply(parse_example_dataset(FEATURES))
    with pytest.raises(ValueError, match="Argument `features` is required"):
        parse_example_dataset(None)


def test_make_batched_features_dataset_epochs_labels_and_files(tmp_path):
    _write(tmp_path / "a.tfrecord", 3)
    _write(tmp_path / "b.tfrecord", 2)
    pattern = str(tmp_path / "*.tfrecord")
    once = make_batched_features_dataset(pattern, 2, FEATURES, label_key="label",
                                         num_epochs=1, shuffle=False)
    labels = [label.tolist() for _, label in once]
    assert labels == [[0, 1], [2, 0], [1]]  # a.tfrecord then b.tfrecord, last batch kept
    assert str(once.element_spec[1]) == "TensorSpec(shape=(None,), dtype=tf.int64, name=None)"
    forever = make_batched_features_dataset(pattern, 2, FEATURES, shuffle=False)
    assert int(forever.cardinality()) == -1  # num_epochs=None repeats, full batches only
    assert str(forever.element_spec["label"]) == \
        "TensorSpec(shape=(2,), dtype=tf.int64, name=None)"
    assert len(list(forever.take(4))) == 4
    shuffled = make_batched_features_dataset(pattern, 5, FEATURES, num_epochs=1,
                                             shuffle_seed=3)
    assert sorted(next(iter(shuffled))["label"].tolist()) == [0, 0, 1, 1, 2]
    with pytest.raises(ValueError, match=r"The `label_key` provided \(y\) must be one of the "
                                         "`features` keys"):
        make_batched_features_dataset(pattern, 2, FEATURES, label_key="y")
