"""Cases shared by generate_record_sources.py (real TF) and test_record_sources.py
(torchkeras): ``tf.data.experimental.SqlDataset`` queries on a small SQLite file and
``tf.data.FixedLengthRecordDataset`` reads of small binary files, both written here."""
from __future__ import annotations

import gzip
import os
import sqlite3
from typing import Any, Callable, Dict

ROWS = [(1, "ann", 1.5, 1, None, b"\x00\xff"), (2, "bob", -2.25, 0, "x", b"ab"),
        (3, "c\u00e9line", 1e10, 1, "12abc", None), (-7, "", 0.1, 300, "3.9", b"")]


def write_inputs(root: str) -> None:
    """The SQLite file and the binary files every case reads (the same on both sides)."""
    database = os.path.join(root, "t.db")
    if os.path.exists(database):
        os.remove(database)
    with sqlite3.connect(database) as connection:
        connection.execute("create table t(id integer, name text, score real, flag integer, "
                           "opt text, raw blob)")
        connection.executemany("insert into t values(?,?,?,?,?,?)", ROWS)
    connection.close()
    files = {"a.bin": b"HDR" + bytes(range(20)) + b"FT", "b.bin": b"HDR" + bytes(range(100, 110))
             + b"FT", "c.bin": b"HDR" + bytes(range(7)) + b"FT", "plain.bin": bytes(range(24))}
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(data)
    with gzip.open(os.path.join(root, "a.bin.gz"), "wb") as handle:
        handle.write(files["a.bin"])


def _sql(query: str, types: Callable[[Any], Any]) -> Callable[[Any, str], Any]:
    return lambda tf, root: tf.data.experimental.SqlDataset(
        "sqlite", os.path.join(root, "t.db"), query, types(tf))


def _fixed(files: list, record: int, **kwargs: Any) -> Callable[[Any, str], Any]:
    return lambda tf, root: tf.data.FixedLengthRecordDataset(
        [os.path.join(root, f) for f in files], record, **kwargs)


CASES: Dict[str, Callable[[Any, str], Any]] = {
    "sql_int_string_double": _sql("select id, name, score from t",
                                  lambda tf: (tf.int32, tf.string, tf.float64)),
    "sql_int64_bool_uint8": _sql("select id, flag, flag from t",
                                 lambda tf: (tf.int64, tf.bool, tf.uint8)),
    "sql_small_ints": _sql("select flag, id, score from t",
                           lambda tf: (tf.int8, tf.int16, tf.uint16)),
    "sql_text_as_numbers": _sql("select name, opt, opt from t",
                                lambda tf: (tf.int32, tf.int64, tf.float64)),
    "sql_numbers_as_text": _sql("select id, score, flag from t",
                                lambda tf: (tf.string, tf.string, tf.string)),
    "sql_nulls_and_blobs": _sql("select opt, raw, raw from t",
                                lambda tf: (tf.string, tf.string, tf.int32)),
    "sql_real_to_int": _sql("select score from t", lambda tf: (tf.int32,)),
    "sql_no_rows": _sql("select id, name from t where id > 50",
                        lambda tf: (tf.int32, tf.string)),
    "sql_single_type": _sql("select id from t order by id", lambda tf: tf.int64),
    "sql_in_map_batch": lambda tf, root: _sql(
        "select id, score from t", lambda tf: (tf.int32, tf.float64))(tf, root).map(
        lambda i, s: (i * 2, s)).batch(3),
    "sql_column_count": _sql("select id from t", lambda tf: (tf.int32, tf.string)),
    "sql_no_table": _sql("select id from nosuch", lambda tf: (tf.int32,)),
    "fixed_header_footer": _fixed(["a.bin", "b.bin"], 5, header_bytes=3, footer_bytes=2),
    "fixed_parallel_reads": _fixed(["a.bin", "b.bin"], 5, header_bytes=3, footer_bytes=2,
                                   num_parallel_reads=2),
    "fixed_gzip": _fixed(["a.bin.gz"], 5, header_bytes=3, footer_bytes=2,
                         compression_type="GZIP"),
    "fixed_plain_decode_raw": lambda tf, root: _fixed(["plain.bin"], 6)(tf, root).map(
        lambda r: tf.io.decode_raw(r, tf.uint8)).batch(2),
    "fixed_not_a_multiple": _fixed(["c.bin"], 5, header_bytes=3, footer_bytes=2),
    "fixed_gzip_not_a_multiple": _fixed(["a.bin.gz"], 6, header_bytes=3, footer_bytes=2,
                                        compression_type="GZIP"),
}
