"""tf.lookup tables and the dataset-built ones: kinds in and out, and bad input with TF's
messages naming the function (the values against TF are in compat/test_lookup.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.data.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError
from torchkeras.data.ragged import RaggedTensor
from torchkeras.data.structure import string
from torchkeras.tfops import lookup
from torchkeras.tfops.lookup_dataset import index_table_from_dataset, table_from_dataset

INDEX = lookup.TextFileIndex


def words_table(default=-1):
    init = lookup.KeyValueTensorInitializer(np.array(["a", "b", "c"]),
                                            torch.tensor([0, 1, 2]).long())
    return lookup.StaticHashTable(init, default)


def test_str_and_bytes_keys_are_the_same_string():
    table = words_table()
    assert table.lookup(np.array([b"b", b"z"], dtype=object)).tolist() == [1, -1]
    assert table.lookup("c").dtype == torch.int64 and int(table.lookup("c")) == 2
    assert table.key_dtype is string and table.value_dtype == torch.int64


def test_string_values_come_back_as_numpy_str():
    table = lookup.StaticHashTable(lookup.KeyValueTensorInitializer([1, 2], ["x", "y"]), "?")
    out = table.lookup(torch.tensor([[2, 5]], dtype=torch.int32))
    assert isinstance(out, np.ndarray) and out.dtype.kind == "U"
    assert out.tolist() == [["y", "?"]] and out.numpy().tolist() == [[b"y", b"?"]]


def test_ragged_keys_keep_their_rows():
    out = words_table().lookup(RaggedTensor([np.array(["a", "q"]), np.array(["c"])]))
    assert isinstance(out, RaggedTensor) and out.to_list() == [[0, -1], [2]]


def test_wrong_key_dtype_names_the_method():
    with pytest.raises(TypeError, match=r"`tf.lookup.StaticHashTable.lookup`: Dtype of argument "
                                        r"`keys` must be <dtype: 'string'>, received: "
                                        r"<dtype: 'int64'>"):
        words_table().lookup(torch.tensor([1, 2]))
    vocab = lookup.StaticVocabularyTable(words_table().initializer, 2)
    with pytest.raises(TypeError, match="`tf.lookup.StaticVocabularyTable.lookup`: Dtype"):
        vocab.lookup(torch.tensor([1]))


def test_default_value_of_the_wrong_kind():
    with pytest.raises(TypeError, match="`tf.lookup.StaticHashTable`: Cannot convert 1.5 to "
                                        "EagerTensor of dtype int64"):
        words_table(default=1.5)
    with pytest.raises(TypeError, match="`tf.lookup.StaticHashTable`: cannot convert 'x'"):
        words_table(default="x")


def test_duplicate_keys_name_both_values():
    init = lookup.KeyValueTensorInitializer(["a", "b", "a"], [1, 2, 3])
    with pytest.raises(FailedPreconditionError, match="`tf.lookup.StaticHashTable`: HashTable "
                                                      "has different value for same key. Key a "
                                                      "has 1 and trying to add value 3"):
        lookup.StaticHashTable(init, -1)
    same = lookup.KeyValueTensorInitializer(["a", "a"], [1, 1])  # the same pair twice: fine
    assert int(lookup.StaticHashTable(same, -1).size()) == 1


def test_missing_file_is_not_found(tmp_path):
    init = lookup.TextFileInitializer(str(tmp_path / "nope.txt"), "string", INDEX.WHOLE_LINE,
                                      "int64", INDEX.LINE_NUMBER)
    with pytest.raises(NotFoundError, match="`tf.lookup.TextFileInitializer`: .*nope.txt; No "
                                            "such file or directory"):
        lookup.StaticHashTable(init, -1)


def test_bad_vocab_size(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a\nb\n")
    with pytest.raises(ValueError, match="`tf.lookup.TextFileInitializer`: `vocab_size` should "
                                         "be > 0, received: 0"):
        lookup.TextFileInitializer(str(path), string, -2, "int64", -1, vocab_size=0)
    init = lookup.TextFileInitializer(str(path), string, -2, "int64", -1, vocab_size=3)
    with pytest.raises(InvalidArgumentError, match="Invalid vocab_size in .*v.txt: expected 3 "
                                                   "but got 2"):
        lookup.StaticHashTable(init, -1)
    with pytest.raises(ValueError, match="`tf.data.experimental.table_from_dataset`: "
                                         "`vocab_size` must be greater than 0, got 0."):
        index_table_from_dataset(Dataset.from_tensor_slices(["a"]), vocab_size=0)


def test_text_file_lines_crlf_and_empty(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"a\r\nb\r\n")
    table = lookup.StaticHashTable(
        lookup.TextFileInitializer(str(path), string, -2, "int64", -1), -1)
    assert table.lookup(np.array(["a", "b", "a\r"])).tolist() == [0, 1, -1]
    path.write_bytes(b"a\n\nb\n")
    with pytest.raises(InvalidArgumentError, match="empty line found at position 3"):
        lookup.StaticHashTable(lookup.TextFileInitializer(str(path), string, -2, "int64", -1),
                               -1)


def test_vocabulary_table_needs_buckets_and_int64_ids():
    with pytest.raises(ValueError, match="`num_oov_buckets` must be > 0; use StaticHashTable."):
        lookup.StaticVocabularyTable(words_table().initializer, 0)
    with pytest.raises(TypeError, match="Invalid `value_dtype`, expected <dtype: 'int64'> but "
                                        "got <dtype: 'int32'>"):
        lookup.StaticVocabularyTable(lookup.KeyValueTensorInitializer(["a"], [0]), 3)


def test_out_of_vocabulary_ids_are_in_range():
    table = lookup.StaticVocabularyTable(words_table().initializer, 5)
    ids = table.lookup(np.array([f"w{i}" for i in range(200)]))
    assert int(table.size()) == 8 and ids.min() >= 3 and ids.max() <= 7
    assert len(set(ids.tolist())) == 5


def test_dataset_tables_check_the_element_spec():
    with pytest.raises(ValueError, match="However, the given dataset produces non-scalar key "
                                         "Tensors of rank 1"):
        table_from_dataset(Dataset.from_tensor_slices([["a", "b"]]).map(lambda x: (x, x)),
                           default_value="")
    with pytest.raises(FailedPreconditionError, match="Key x has 0 and trying to add value 2"):
        index_table_from_dataset(Dataset.from_tensor_slices(["x", "y", "x"]))


def test_strong_hash_spec_and_unknown_hasher():
    with pytest.raises(ValueError, match="`key` must have size 2, received 3"):
        lookup.StrongHashSpec((1, 2, 3))
    table = index_table_from_dataset(Dataset.from_tensor_slices(["x"]), num_oov_buckets=2,
                                     hasher_spec=lookup.HasherSpec("legacy"))
    with pytest.raises(ValueError, match="Found unknown hasher legacy"):
        table.lookup(np.array(["y"]))


def test_mutable_tables_insert_remove_and_reserved_keys():
    table = lookup.MutableHashTable(string, "float32", 0.0)
    table.insert(np.array(["a", "b"]), torch.tensor([1.5, 2.5]))
    table.remove(np.array(["a"]))
    assert table.lookup(np.array(["a", "b"])).tolist() == [0.0, 2.5]
    with pytest.raises(TypeError, match="`tf.lookup.experimental.MutableHashTable.insert`: Dtype"):
        table.insert(torch.tensor([1]), torch.tensor([1.0]))
    dense = lookup.DenseHashTable("int64", "int64", -1, empty_key=0, deleted_key=-1)
    with pytest.raises(InvalidArgumentError, match="Using the empty key as a table key"):
        dense.insert(torch.tensor([0]), torch.tensor([3]))
