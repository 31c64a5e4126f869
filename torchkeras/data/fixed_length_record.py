"""``tf.data.FixedLengthRecordDataset``: the fixed-size records of binary files (CIFAR-10's
``.bin`` files), each a ``bytes`` scalar, after a header and before a footer.

>>> ds = tf.data.FixedLengthRecordDataset(["data_batch_1.bin"], record_bytes=1 + 32 * 32 * 3)
>>> ds.map(lambda r: tf.io.decode_raw(r, tf.uint8))
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional

from torchkeras.data.dataset import UNKNOWN, Dataset
from torchkeras.data.errors import InvalidArgumentError
from torchkeras.data.structure import BytesValue, TensorSpec
from torchkeras.data.tfrecord import (DataLossError, Inflated, _compression, _filenames,
                                      interleave_files)

__all__ = ["FixedLengthRecordDataset"]

_CHUNK = 256 * 1024


def _not_a_multiple(filename: str, header: int, footer: int, body: int, record_bytes: int,
                    error: type = InvalidArgumentError) -> Exception:
    return error(
        f"Excluding the header ({header} bytes) and footer ({footer} bytes), input file "
        f'"{filename}" has body length {body} bytes, which is not an exact multiple of the '
        f"record length ({record_bytes} bytes).")


def read_fixed_length(filename: str, record_bytes: int, header: int, footer: int,
                      compression: str, buffer_size: int) -> Iterator[bytes]:
    """The records of one file. Uncompressed files are checked before the first record (as
    TF), compressed ones when their end is reached."""
    if not compression:
        body = os.path.getsize(filename) - header - footer
        if body < 0 or body % record_bytes:
            raise _not_a_multiple(filename, header, footer, max(body, 0), record_bytes)
    with open(filename, "rb") as handle:
        stream: Any = Inflated(handle, compression, buffer_size) if compression else handle
        stream.read(header)
        pending, body = b"", 0
        while True:
            data = stream.read(max(buffer_size, record_bytes + footer))
            pending += data
            # a record is complete once the footer could still follow it (or at the end)
            while len(pending) >= record_bytes + footer:
                yield pending[:record_bytes]
                pending, body = pending[record_bytes:], body + record_bytes
            if not data:
                if len(pending) != footer:
                    raise _not_a_multiple(filename, header, footer,  # TF: DataLossError here
                                          body + max(len(pending) - footer, 0), record_bytes,
                                          DataLossError)
                return


class FixedLengthRecordDataset(Dataset):
    """``tf.data.FixedLengthRecordDataset(filenames, record_bytes, header_bytes=None,
    footer_bytes=None, buffer_size=None, compression_type=None, num_parallel_reads=None)``;
    ``num_parallel_reads`` > 1 interleaves that many files record by record, as TF."""

    def __init__(self, filenames: Any, record_bytes: int, header_bytes: Optional[int] = None,
                 footer_bytes: Optional[int] = None, buffer_size: Optional[int] = None,
                 compression_type: Optional[str] = None,
                 num_parallel_reads: Optional[int] = None, name: Optional[str] = None) -> None:
        caller = "tf.data.FixedLengthRecordDataset"
        names = _filenames(filenames)
        compression = _compression(compression_type, caller)
        record_bytes = int(record_bytes)
        header, footer = int(header_bytes or 0), int(footer_bytes or 0)
        if record_bytes <= 0:
            raise InvalidArgumentError(f"`{caller}`: `record_bytes` must be > 0, received "
                                       f"{record_bytes}.")
        if header < 0 or footer < 0:
            raise InvalidArgumentError(f"`{caller}`: `header_bytes` and `footer_bytes` must be "
                                       f">= 0, received {header} and {footer}.")
        cycle = 1 if num_parallel_reads is None or num_parallel_reads < 1 else \
            int(num_parallel_reads)
        chunk = int(buffer_size) if buffer_size and buffer_size > 0 else _CHUNK

        def make() -> Iterator[Any]:
            for record in interleave_files(names, cycle, lambda filename: read_fixed_length(
                    filename, record_bytes, header, footer, compression, chunk)):
                yield BytesValue(record)

        super().__init__(make, UNKNOWN, lambda: TensorSpec((), "string"))
