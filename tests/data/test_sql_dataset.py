"""SqlDataset: bad input (TF's messages), read-only access; TF's values are in
compat/test_record_sources.py."""
from __future__ import annotations

import sqlite3

import pytest
import torch

from torchkeras.data.errors import InvalidArgumentError, UnknownError
from torchkeras.data.sql_dataset import SqlDataset
from torchkeras.data.structure import string


@pytest.fixture()
def database(tmp_path):
    path = tmp_path / "we?ird #name.db"  # URI-special characters in the file name
    with sqlite3.connect(path) as connection:
        connection.execute("create table t(id integer, name text)")
        connection.executemany("insert into t values(?, ?)", [(1, "a"), (2, "b")])
    connection.close()
    return str(path)


def test_rows_become_typed_scalars(database):
    rows = list(SqlDataset("sqlite", database, "select id, name from t", (torch.int64, string)))
    assert [(int(i), n) for i, n in rows] == [(1, b"a"), (2, b"b")]
    assert rows[0][0].dtype == torch.int64


def test_unsupported_driver_and_type(database):
    with pytest.raises(InvalidArgumentError, match="The database type, mysql, is not "
                                                   "supported by SqlDataset"):
        SqlDataset("mysql", database, "select id from t", (torch.int32,))
    with pytest.raises(InvalidArgumentError, match="must be one of: DT_STRING.*received "
                                                   "torch.float32"):
        SqlDataset("sqlite", database, "select id from t", (torch.float32,))


def test_the_database_is_opened_read_only(database):
    writing = SqlDataset("sqlite", database, "insert into t values (3, 'c')", (torch.int32,))
    with pytest.raises(UnknownError, match="readonly"):
        list(writing)
    count = SqlDataset("sqlite", database, "select count(*) from t", torch.int32)
    assert [int(c) for c in count] == [2]


def test_a_missing_database_file_is_an_error_not_a_new_file(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(UnknownError, match="missing.db"):
        list(SqlDataset("sqlite", str(missing), "select 1", torch.int32))
    assert not missing.exists()
