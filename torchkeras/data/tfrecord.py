"""TFRecord files: ``tf.data.TFRecordDataset``, ``tf.io.TFRecordWriter``, ``TFRecordOptions``.

A record is framed exactly as TensorFlow writes it::

    uint64 length (little endian) | uint32 masked CRC32C(length) | data | uint32 masked CRC32C(data)

The whole file may be a GZIP or ZLIB stream (``compression_type``). Reading checks both CRCs
and raises ``DataLossError`` naming the file and the record's offset on a mismatch.
Pure Python: a table-driven CRC32C, ``zlib`` for compression.
"""
from __future__ import annotations

import os
import struct
import zlib
from typing import Any, BinaryIO, Callable, Iterator, List, Optional

import numpy as np

from torchkeras.data.dataset import UNKNOWN, Dataset
from torchkeras.data.errors import OpError
from torchkeras.data.structure import BytesValue, TensorSpec

__all__ = ["DataLossError", "DatasetTFRecordWriter", "TFRecordDataset", "TFRecordOptions",
           "TFRecordWriter", "crc32c", "masked_crc32c"]

_COMPRESSIONS = ("", "GZIP", "ZLIB")
_MASK_DELTA = 0xA282EAD8


def _crc_table() -> List[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1  # Castagnoli, reflected
        table.append(crc)
    return table


_TABLE = _crc_table()


_NP_TABLE = np.asarray(_TABLE, dtype=np.uint32)
_LANE = 1024  # bytes per lane of the vectorized CRC
_SHIFTS: List[int] = []  # the register after _LANE zero bytes, starting from each single bit


def _raw(register: int, data: Any) -> int:
    """The CRC register after ``data`` (no inversions), one table lookup per byte."""
    table = _TABLE
    for byte in data:
        register = table[(register ^ byte) & 0xFF] ^ (register >> 8)
    return register


def _raw_lanes(data: bytes, register: int) -> int:
    """``_raw`` for long data: the CRC of each ``_LANE``-byte lane at once with NumPy, then
    the lanes chained (the CRC is linear over GF(2): advancing a register over ``_LANE``
    zero bytes is a 32x32 bit matrix, ``_SHIFTS``)."""
    if not _SHIFTS:
        bits = np.asarray([1 << b for b in range(32)], dtype=np.uint32)
        for _ in range(_LANE):
            bits = _NP_TABLE[bits & 0xFF] ^ (bits >> 8)
        _SHIFTS.extend(int(v) for v in bits)
    lanes = len(data) // _LANE
    block = np.frombuffer(data, dtype=np.uint8, count=lanes * _LANE).reshape(lanes, _LANE)
    crcs = np.zeros(lanes, dtype=np.uint32)  # each lane from a zero register
    for j in range(_LANE):
        crcs = _NP_TABLE[(crcs ^ block[:, j]) & 0xFF] ^ (crcs >> 8)
    shifts = _SHIFTS
    for lane_crc in crcs.tolist():
        shifted = 0
        for bit in range(32):
            if register >> bit & 1:
                shifted ^= shifts[bit]
        register = shifted ^ lane_crc
    return _raw(register, memoryview(data)[lanes * _LANE:])


def crc32c(data: bytes, crc: int = 0) -> int:
    """The CRC-32C (Castagnoli) checksum of ``data``, as TensorFlow's ``crc32c::Value``
    (a table per byte; NumPy lanes from 64 KiB on)."""
    register = crc ^ 0xFFFFFFFF
    if len(data) >= 64 * _LANE:
        return _raw_lanes(bytes(data), register) ^ 0xFFFFFFFF
    return _raw(register, data) ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked checksum: the CRC rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


class DataLossError(OpError, OSError):
    """``tf.errors.DataLossError``: a corrupted or truncated record."""


def _compression(value: Any, caller: str) -> str:
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    name = "" if value is None else (value.decode() if isinstance(value, bytes) else str(value))
    if name.upper() not in _COMPRESSIONS:
        raise ValueError(f"`{caller}`: compression_type must be one of None, '', 'GZIP', "
                         f"'ZLIB'; received: compression_type={value!r}")
    return name.upper()


class TFRecordOptions:
    """``tf.io.TFRecordOptions``: the compression of a TFRecord file (the zlib settings are
    kept for the writer: level, window bits, memory level, strategy)."""

    compression_type_map = {"ZLIB": "ZLIB", "GZIP": "GZIP", "": "", None: ""}

    def __init__(self, compression_type: Optional[str] = None, flush_mode: Any = None,
                 input_buffer_size: Optional[int] = None,
                 output_buffer_size: Optional[int] = None, window_bits: Optional[int] = None,
                 compression_level: Optional[int] = None,
                 compression_method: Optional[int] = None, mem_level: Optional[int] = None,
                 compression_strategy: Optional[int] = None) -> None:
        self.compression_type = _compression(compression_type, "tf.io.TFRecordOptions")
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        if options is None:
            return ""
        return _compression(options, "TFRecordOptions.get_compression_type_string")

    def _compressor(self) -> Any:
        """A zlib compressor as TF's ZlibOutputBuffer sets it up (memLevel 9, default
        level), or None for an uncompressed file."""
        if not self.compression_type:
            return None
        bits = self.window_bits or 15
        return zlib.compressobj(
            -1 if self.compression_level is None else self.compression_level, zlib.DEFLATED,
            bits + 16 if self.compression_type == "GZIP" else bits,
            9 if self.mem_level is None else self.mem_level,
            0 if self.compression_strategy is None else self.compression_strategy)

    def __repr__(self) -> str:
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


def file_path(filename: Any) -> str:
    """A file name given as str, bytes, a NumPy string scalar or a PathLike, as a str."""
    if isinstance(filename, np.ndarray):
        filename = filename[()]
    if isinstance(filename, bytes):
        return filename.decode("utf-8")
    return os.fspath(filename) if isinstance(filename, os.PathLike) else str(filename)


def frame(record: bytes) -> bytes:
    """One record with TF's framing (length, masked CRCs)."""
    length = struct.pack("<Q", len(record))
    return b"".join((length, struct.pack("<I", masked_crc32c(length)), record,
                     struct.pack("<I", masked_crc32c(record))))


class TFRecordWriter:
    """``tf.io.TFRecordWriter(path, options)``: ``write(record)`` appends one record;
    a context manager closing (and, for GZIP/ZLIB, finishing the stream) on exit."""

    def __init__(self, path: Any, options: Any = None) -> None:
        if not isinstance(options, TFRecordOptions):
            options = TFRecordOptions(_compression(options, "tf.io.TFRecordWriter"))
        self._path = file_path(path)
        self._handle: Optional[BinaryIO] = open(self._path, "wb")
        self._compressor = options._compressor()

    def write(self, record: Any) -> None:
        if self._handle is None:
            raise ValueError(f"`TFRecordWriter.write`: the writer of {self._path} is closed.")
        if isinstance(record, np.ndarray):
            record = record[()]
        data = frame(record.encode("utf-8") if isinstance(record, str) else bytes(record))
        self._handle.write(self._compressor.compress(data) if self._compressor else data)

    def flush(self) -> None:
        if self._handle is not None:
            if self._compressor:
                self._handle.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
            self._handle.flush()

    def close(self) -> None:
        if self._handle is None:
            return
        if self._compressor:
            self._handle.write(self._compressor.flush(zlib.Z_FINISH))
        self._handle.close()
        self._handle = None

    def __enter__(self) -> "TFRecordWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Inflated:
    """A read-only stream of the decompressed bytes of a GZIP/ZLIB file (multi-member gzip
    included), read in chunks."""

    def __init__(self, handle: BinaryIO, compression: str, chunk: int) -> None:
        self._handle, self._gzip, self._chunk = handle, compression == "GZIP", chunk
        self._inflate = self._new()
        self._buffer = b""

    def _new(self) -> Any:
        return zlib.decompressobj(31 if self._gzip else 15)

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            raw = self._inflate.unconsumed_tail or self._handle.read(self._chunk)
            if not raw:
                break
            self._buffer += self._inflate.decompress(raw)
            if self._inflate.eof:
                rest = self._inflate.unused_data
                self._inflate = self._new()
                if rest:
                    self._buffer += self._inflate.decompress(rest)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


def read_records(filename: str, compression: str = "",
                 buffer_size: Optional[int] = None) -> Iterator[bytes]:
    """The records of one TFRecord file; ``DataLossError`` on a bad checksum or truncation."""
    with open(filename, "rb") as handle:
        stream: Any = Inflated(handle, compression, buffer_size or 256 * 1024) \
            if compression else handle
        offset = 0
        while True:
            header = stream.read(12)
            if not header:
                return
            if len(header) < 12:
                raise DataLossError(f"truncated record at {offset} in {filename}: the record "
                                    f"header has {len(header)} of 12 bytes.")
            length_bytes, length_crc = header[:8], struct.unpack("<I", header[8:])[0]
            if masked_crc32c(length_bytes) != length_crc:
                raise DataLossError(f"corrupted record at {offset} in {filename}: the length "
                                    "checksum does not match.")
            length = struct.unpack("<Q", length_bytes)[0]
            body = stream.read(length + 4)
            if len(body) < length + 4:
                raise DataLossError(f"truncated record at {offset} in {filename}: expected "
                                    f"{length + 4} bytes after the header, read {len(body)}.")
            data, data_crc = body[:length], struct.unpack("<I", body[length:])[0]
            if masked_crc32c(data) != data_crc:
                raise DataLossError(f"corrupted record at {offset} in {filename}: the data "
                                    "checksum does not match.")
            yield data
            offset += 12 + length + 4


def _filenames(filenames: Any) -> List[str]:
    if isinstance(filenames, Dataset):
        return [file_path(name) for name in filenames]
    if isinstance(filenames, (str, bytes, os.PathLike)):
        return [file_path(filenames)]
    names = [file_path(name) for name in np.asarray(filenames, dtype=object).reshape(-1)]
    if not names:
        raise ValueError("`tf.data.TFRecordDataset`: `filenames` is empty; pass at least one "
                         "file name.")
    return names


def interleave_files(names: List[str], cycle: int,
                     read: Callable[[str], Iterator[bytes]]) -> Iterator[bytes]:
    """The records of ``names`` read ``cycle`` files at a time in TF's interleave order: slot
    by slot, one record each; an exhausted slot takes the next file when the cycle comes back
    to it."""
    pending = list(names)
    slots: List[Optional[Iterator[bytes]]] = [None] * cycle
    index = 0
    while pending or any(slots):
        reader = slots[index]
        if reader is None and pending:
            slots[index] = read(pending.pop(0))
            continue
        if reader is not None:
            record = next(reader, None)
            if record is not None:
                yield record
            else:
                slots[index] = None
        index = (index + 1) % cycle


class TFRecordDataset(Dataset):
    """The records of TFRecord files, each a ``bytes`` scalar (``.numpy()`` gives ``bytes``).
    ``num_parallel_reads`` > 1 interleaves that many files record by record, as TF."""

    def __init__(self, filenames: Any, compression_type: Optional[str] = None,
                 buffer_size: Optional[int] = None, num_parallel_reads: Optional[int] = None,
                 name: Optional[str] = None) -> None:
        names = _filenames(filenames)
        compression = _compression(compression_type, "tf.data.TFRecordDataset")
        cycle = 1 if num_parallel_reads is None or num_parallel_reads < 1 else \
            int(num_parallel_reads)

        def make() -> Iterator[Any]:
            for record in interleave_files(names, cycle, lambda name: read_records(
                    name, compression, buffer_size)):
                yield BytesValue(record)

        super().__init__(make, UNKNOWN, lambda: TensorSpec((), "string"))


class DatasetTFRecordWriter:
    """``tf.data.experimental.TFRecordWriter(filename, compression_type)``: ``write(dataset)``
    writes every element (a string scalar) of ``dataset`` as one record."""

    def __init__(self, filename: Any, compression_type: Optional[str] = None) -> None:
        self._filename = filename
        self._compression = _compression(compression_type,
                                         "tf.data.experimental.TFRecordWriter")

    def write(self, dataset: Dataset) -> None:
        with TFRecordWriter(self._filename, self._compression) as writer:
            for index, element in enumerate(dataset):
                if not isinstance(element, (bytes, str)):
                    raise TypeError("`tf.data.experimental.TFRecordWriter.write` expects a "
                                    "dataset of string scalars; element "
                                    f"{index} is {type(element).__name__}.")
                writer.write(element)
