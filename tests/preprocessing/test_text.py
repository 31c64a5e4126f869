"""Tokenizer (exact values are compared with tf-keras in compat/test_dropin.py)."""
import numpy as np
import pytest

from torchkeras.preprocessing.text import Tokenizer, text_to_word_sequence, tokenizer_from_json


def test_word_index_by_frequency_and_num_words():
    tok = Tokenizer(num_words=3)
    tok.fit_on_texts(["b a a", "c a b"])
    assert tok.word_index == {"a": 1, "b": 2, "c": 3}
    assert tok.texts_to_sequences(["a b c d"]) == [[1, 2]]  # index >= num_words dropped
    assert tok.sequences_to_texts([[1, 2, 3]]) == ["a b"]


def test_oov_and_char_level():
    tok = Tokenizer(oov_token="<unk>")
    tok.fit_on_texts(["x y"])
    assert tok.word_index["<unk>"] == 1 and tok.texts_to_sequences(["x z"]) == [[2, 1]]
    chars = Tokenizer(char_level=True)
    chars.fit_on_texts(["aab"])
    assert chars.texts_to_sequences(["ba"]) == [[2, 1]]


def test_matrix_modes():
    tok = Tokenizer()
    tok.fit_on_texts(["a a b", "b c"])
    counts = tok.texts_to_matrix(["a a b"], mode="count")
    assert counts.shape == (1, 4) and counts[0].tolist() == [0, 2, 1, 0]
    assert tok.texts_to_matrix(["a a b"], mode="freq")[0, 1] == pytest.approx(2 / 3)
    assert tok.texts_to_matrix(["a a b"], mode="binary")[0].tolist() == [0, 1, 1, 0]
    tfidf = tok.texts_to_matrix(["a a b"], mode="tfidf")
    assert tfidf[0, 1] == pytest.approx((1 + np.log(2)) * np.log(1 + 2 / 2))
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.texts_to_matrix(["a"], mode="nope")
    with pytest.raises(ValueError, match="Specify a dimension"):
        Tokenizer().texts_to_matrix(["a"])


def test_json_round_trip_and_filters():
    tok = Tokenizer(num_words=10)
    tok.fit_on_texts(["Hello, world!", "hello again"])
    restored = tokenizer_from_json(tok.to_json())
    assert restored.word_index == tok.word_index
    assert restored.texts_to_sequences(["hello world"]) == tok.texts_to_sequences(["hello world"])
    assert text_to_word_sequence("It's A test.") == ["it's", "a", "test"]
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        Tokenizer(bogus=1)
