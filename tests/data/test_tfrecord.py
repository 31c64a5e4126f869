"""TFRecord framing, CRC32C, compression, corruption errors and interleaving."""
from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from torchkeras.data import Dataset, experimental
from torchkeras.data.tfrecord import (DataLossError, TFRecordDataset, TFRecordOptions,
                                      TFRecordWriter, crc32c, frame, masked_crc32c)


def _write(path, records, compression=None):
    with TFRecordWriter(str(path), compression) as writer:
        for record in records:
            writer.write(record)


def test_crc32c_known_values():
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720 B.4: 32 bytes of zeros


def _bitwise_crc32c(data):
    """CRC-32C bit by bit (reflected polynomial 0x82F63B78): the definition, no tables."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


@pytest.mark.parametrize("size", [64 * 1024, 64 * 1024 + 17, 200_003])
def test_vectorized_crc_equals_the_byte_loop(size):
    data = np.random.RandomState(size).randint(0, 256, size).astype(np.uint8).tobytes()
    assert crc32c(data) == _bitwise_crc32c(data)
    assert crc32c(data) == crc32c(data[5:], crc32c(data[:5]))  # chaining a running CRC


def test_frame_layout():
    framed = frame(b"abc")
    assert struct.unpack("<Q", framed[:8])[0] == 3
    assert struct.unpack("<I", framed[8:12])[0] == masked_crc32c(framed[:8])
    assert framed[12:15] == b"abc"
    assert struct.unpack("<I", framed[15:])[0] == masked_crc32c(b"abc")


@pytest.mark.parametrize("compression", [None, "", "GZIP", "ZLIB"])
def test_round_trip_keeps_nul_bytes(tmp_path, compression):
    records = [b"a\x00", b"", b"\x00" * 3, bytes(range(256)) * 50]
    _write(tmp_path / "r", records, compression)
    got = [r.numpy() for r in TFRecordDataset(str(tmp_path / "r"), compression)]
    assert got == records
    batch, = list(TFRecordDataset(str(tmp_path / "r"), compression).take(2).batch(2))
    assert [bytes(v) for v in batch.numpy()] == records[:2]  # NUL-ended values survive


def test_gzip_file_is_a_gzip_stream(tmp_path):
    _write(tmp_path / "r.gz", [b"xyz"], TFRecordOptions(compression_type="GZIP"))
    assert gzip.decompress((tmp_path / "r.gz").read_bytes()) == frame(b"xyz")


def test_files_and_parallel_reads_interleave(tmp_path):
    _write(tmp_path / "a", [b"a0", b"a1", b"a2"])
    _write(tmp_path / "b", [b"b0"])
    _write(tmp_path / "c", [b"c0", b"c1"])
    files = [str(tmp_path / n) for n in "abc"]
    assert [r.numpy() for r in TFRecordDataset(files)] == \
        [b"a0", b"a1", b"a2", b"b0", b"c0", b"c1"]
    assert [r.numpy() for r in TFRecordDataset(files, num_parallel_reads=2)] == \
        [b"a0", b"b0", b"a1", b"a2", b"c0", b"c1"]  # TF's order: b's slot refilled by c


def test_corrupted_data_names_file_and_offset(tmp_path):
    path = tmp_path / "bad"
    _write(path, [b"first", b"second"])
    data = bytearray(path.read_bytes())
    data[len(frame(b"first")) + 12] ^= 0xFF  # a byte of the second record's data
    path.write_bytes(bytes(data))
    dataset = TFRecordDataset(str(path))
    iterator = iter(dataset)
    assert next(iterator).numpy() == b"first"
    with pytest.raises(DataLossError, match=f"corrupted record at {len(frame(b'first'))} "
                       f"in {path}.*data checksum"):
        next(iterator)


def test_corrupted_length_and_truncation(tmp_path):
    path = tmp_path / "bad"
    _write(path, [b"record"])
    data = path.read_bytes()
    path.write_bytes(b"\x07" + data[1:])
    with pytest.raises(DataLossError, match="corrupted record at 0 .*length checksum"):
        list(TFRecordDataset(str(path)))
    path.write_bytes(data[:-2])
    with pytest.raises(DataLossError, match="truncated record at 0"):
        list(TFRecordDataset(str(path)))


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="compression_type must be one of"):
        TFRecordDataset(str(tmp_path / "x"), compression_type="LZ4")
    with pytest.raises(ValueError, match="`filenames` is empty"):
        TFRecordDataset([])
    writer = TFRecordWriter(str(tmp_path / "w"))
    writer.close()
    with pytest.raises(ValueError, match="is closed"):
        writer.write(b"x")
    assert TFRecordOptions.get_compression_type_string(TFRecordOptions("ZLIB")) == "ZLIB"


def test_experimental_writer_writes_a_dataset(tmp_path):
    path = str(tmp_path / "ds.tfrecord")
    experimental.TFRecordWriter(path, "GZIP").write(
        Dataset.from_tensor_slices(np.array([b"a", b"bc"])))
    assert [r.numpy() for r in TFRecordDataset(path, "GZIP")] == [b"a", b"bc"]
    with pytest.raises(TypeError, match="dataset of string scalars; element 0 is Tensor"):
        experimental.TFRecordWriter(path).write(Dataset.range(2))
