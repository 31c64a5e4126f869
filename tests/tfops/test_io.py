"""tf.io: files, gfile and decode_csv's defaults and errors."""
from __future__ import annotations

import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.tfops import io


def test_read_write_and_gfile(tmp_path):
    path = tmp_path / "a.txt"
    io.write_file(str(path), "x,1\ny,2\n")
    assert io.read_file(str(path)) == b"x,1\ny,2\n"
    assert io.gfile.exists(str(path)) and not io.gfile.exists(str(tmp_path / "b"))
    assert io.gfile.glob(str(tmp_path / "*.txt")) == [str(path)]
    with io.gfile.GFile(str(path)) as handle:
        assert handle.readline() == "x,1\n"
    with pytest.raises(FileNotFoundError, match="read_file.*missing"):
        io.read_file(str(tmp_path / "missing"))


def test_decode_csv_required_column_and_dtypes():
    a, b = io.decode_csv(["1,2", "3,"], [torch.tensor([], dtype=torch.int64), [7.0]])
    assert a.dtype == torch.int64 and a.tolist() == [1, 3]
    assert b.dtype == torch.float32 and b.tolist() == [2.0, 7.0]
    with pytest.raises(ValueError, match="field 0 is required"):
        io.decode_csv(",2", [torch.tensor([], dtype=torch.int32), 0.0])
    with pytest.raises(ValueError, match="expect 2 fields but have 3"):
        io.decode_csv("1,2,3", [0, 0])


def test_text_line_dataset_into_decode_csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("1,0.5\n2,1.5\n3,2.5\n")
    ds = Dataset.from_tensor_slices([str(path)]).flat_map(
        lambda p: Dataset.from_tensor_slices(io.read_file(p).decode().splitlines())) \
        .map(lambda line: io.decode_csv(line, [0, 0.0])).batch(3)
    (x, y), = list(ds)
    assert x.tolist() == [1, 2, 3] and y.tolist() == [0.5, 1.5, 2.5]
