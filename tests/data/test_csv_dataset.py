"""CsvDataset and make_csv_dataset: typing, NA values, selection, errors, batching."""
from __future__ import annotations

import collections
import gzip

import numpy as np
import pytest
import torch

from torchkeras.data.csv_dataset import CsvDataset, _infer_type, make_csv_dataset
from torchkeras.data.structure import string

CSV = "a,b,c\n1,x,0.5\n2,,1.5\n3,\"q,r\",NA\n"


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    return str(path)


def test_csv_dataset_types_and_defaults(csv_file):
    rows = list(CsvDataset(csv_file, [0, "dflt", 9.0], header=True, na_value="NA"))
    assert [r[0].item() for r in rows] == [1, 2, 3] and rows[0][0].dtype == torch.int32
    assert [r[1].numpy() for r in rows] == [b"x", b"dflt", b"q,r"]
    assert [r[2].item() for r in rows] == [0.5, 1.5, 9.0] and rows[0][2].dtype == torch.float32


def test_csv_dataset_required_and_invalid(csv_file, tmp_path):
    with pytest.raises(ValueError, match="Field 1 is required but missing in record 1"):
        list(CsvDataset(csv_file, [0, string, 0.0], header=True, na_value="NA"))
    with pytest.raises(ValueError, match="Field 0 in record 0 is not a valid int32: a"):
        list(CsvDataset(csv_file, [torch.int32, "", 0.0]))
    blank = tmp_path / "blank.csv"
    blank.write_text("1,2\n\n3,4\n")
    with pytest.raises(ValueError, match="Expect 2 fields but have 1 in record 1"):
        list(CsvDataset(str(blank), [0, 0]))


def test_csv_dataset_select_cols_and_gzip(tmp_path):
    path = tmp_path / "d.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(CSV)
    rows = list(CsvDataset(str(path), [torch.int64, 0.0], header=True, select_cols=[0, 2],
                           compression_type="GZIP", na_value="NA"))
    assert [(r[0].item(), r[1].item()) for r in rows] == [(1, 0.5), (2, 1.5), (3, 0.0)]
    assert rows[0][0].dtype == torch.int64
    with pytest.raises(ValueError, match="strictly increasing"):
        CsvDataset(str(path), [0, 0], select_cols=[2, 0])


def test_infer_type_order():
    assert _infer_type("3", "", None) == torch.int32
    assert _infer_type(str(2 ** 40), "", torch.int32) == torch.int64
    assert _infer_type("0.5", "", torch.int64) == torch.float32
    assert _infer_type("1e300", "", torch.float32) == torch.float64
    assert _infer_type("1", "", torch.float32) == torch.float32  # never narrows
    assert _infer_type("x", "", None) is string
    assert _infer_type("NA", "NA", torch.int32) == torch.int32


def test_make_csv_dataset_batches(csv_file):
    dataset = make_csv_dataset(csv_file, batch_size=2, label_name="c", num_epochs=1,
                               shuffle=False, na_value="NA")
    batches = list(dataset)
    features, label = batches[0]
    assert isinstance(features, collections.OrderedDict) and list(features) == ["a", "b"]
    assert features["a"].tolist() == [1, 2] and features["a"].dtype == torch.int32
    assert [bytes(v) for v in np.asarray(features["b"]).tolist()] == [b"x", b""]
    assert label.tolist() == [0.5, 1.5] and len(batches) == 2
    assert batches[1][1].tolist() == [0.0]  # NA: the inferred default 0


def test_make_csv_dataset_repeats_and_drops_remainder(csv_file):
    forever = make_csv_dataset(csv_file, batch_size=2, num_epochs=None, shuffle=False,
                               na_value="NA")
    firsts = [batch["a"].tolist() for batch in forever.take(3)]
    assert firsts == [[1, 2], [3, 1], [2, 3]]
    shuffled = make_csv_dataset(csv_file, batch_size=3, num_epochs=1, shuffle_seed=1,
                                na_value="NA")
    assert sorted(next(iter(shuffled))["a"].tolist()) == [1, 2, 3]


def test_make_csv_dataset_errors(csv_file):
    with pytest.raises(ValueError, match="`label_name` provided must be one of the columns"):
        make_csv_dataset(csv_file, batch_size=1, label_name="zz")
    with pytest.raises(ValueError, match="not found in `column_names`"):
        make_csv_dataset(csv_file, batch_size=1, select_columns=["a", "zz"])
    with pytest.raises(ValueError, match="No files match"):
        make_csv_dataset(csv_file + ".missing*", batch_size=1)
