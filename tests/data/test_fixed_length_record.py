"""FixedLengthRecordDataset: argument checks, small read buffers, truncated compressed
files; TF's records and messages are in compat/test_record_sources.py."""
from __future__ import annotations

import gzip

import pytest

from torchkeras.data.errors import InvalidArgumentError
from torchkeras.data.fixed_length_record import FixedLengthRecordDataset
from torchkeras.data.tfrecord import DataLossError


def _write(path, data: bytes, compress: bool = False) -> str:
    opener = gzip.open if compress else open
    with opener(path, "wb") as handle:
        handle.write(data)
    return str(path)


@pytest.mark.parametrize("buffer_size", [1, 3, 7, None])
@pytest.mark.parametrize("compress", [False, True])
def test_records_between_header_and_footer_for_any_read_buffer(tmp_path, buffer_size, compress):
    path = _write(tmp_path / "f.bin", b"HEAD" + bytes(range(12)) + b"FOOT", compress)
    dataset = FixedLengthRecordDataset(path, 4, header_bytes=4, footer_bytes=4,
                                       buffer_size=buffer_size,
                                       compression_type="GZIP" if compress else None)
    assert [bytes(r) for r in dataset] == [bytes(range(0, 4)), bytes(range(4, 8)),
                                           bytes(range(8, 12))]


def test_argument_checks(tmp_path):
    path = _write(tmp_path / "f.bin", bytes(8))
    with pytest.raises(InvalidArgumentError, match="`record_bytes` must be > 0"):
        FixedLengthRecordDataset(path, 0)
    with pytest.raises(InvalidArgumentError, match="must be >= 0"):
        FixedLengthRecordDataset(path, 4, header_bytes=-1)
    with pytest.raises(ValueError, match="compression"):
        FixedLengthRecordDataset(path, 4, compression_type="BZIP2")


def test_a_file_shorter_than_header_and_footer(tmp_path):
    path = _write(tmp_path / "short.bin", b"abc")
    with pytest.raises(InvalidArgumentError, match="has body length 0 bytes"):
        list(FixedLengthRecordDataset(path, 2, header_bytes=2, footer_bytes=2))


def test_a_truncated_compressed_file_is_data_loss(tmp_path):
    path = _write(tmp_path / "f.gz", bytes(10), compress=True)
    dataset = FixedLengthRecordDataset(path, 4, compression_type="GZIP")
    with pytest.raises(DataLossError, match="body length 10 bytes.*record length \\(4 bytes\\)"):
        list(dataset)
