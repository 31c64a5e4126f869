"""``keras.datasets.imdb``: movie reviews as word-id sequences, sentiment labels
(``imdb.npz`` and ``imdb_word_index.json`` in Keras's cache)."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional

import numpy as np

from torchkeras.datasets._files import (ORIGIN, fetch, limit_vocabulary, remove_long_seq,
                                        shift_sequences)
from torchkeras.datasets._npz import load_npz


def load_data(path: str = "imdb.npz", num_words: Optional[int] = None, skip_top: int = 0,
              maxlen: Optional[int] = None, seed: int = 113, start_char: Optional[int] = 1,
              oov_char: Optional[int] = 2, index_from: int = 3, cache_dir: Optional[str] = None,
              **kwargs: Any):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of word-id lists, exactly as
    Keras builds them (same shuffles, offsets, OOV mapping and ``maxlen`` filter)."""
    if "nb_words" in kwargs:
        logging.warning("The `nb_words` argument in `load_data` has been renamed `num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}.")
    path = fetch(path, ORIGIN + "imdb.npz", cache_dir=cache_dir, file_hash=(
        "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"))
    f = load_npz(path, allow_objects=True)  # sequences: object arrays of lists
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    xs_train = shift_sequences(x_train, start_char, index_from)
    xs_test = shift_sequences(x_test, start_char, index_from)
    if maxlen:
        xs_train, labels_train = remove_long_seq(maxlen, xs_train, labels_train)
        xs_test, labels_test = remove_long_seq(maxlen, xs_test, labels_test)
        if not xs_train or not xs_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={str(maxlen)}, "
                             "no sequence was kept. Increase maxlen.")
    xs = limit_vocabulary(xs_train + xs_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(xs_train)
    return ((np.array(xs[:idx], dtype="object"), labels[:idx]),
            (np.array(xs[idx:], dtype="object"), labels[idx:]))


def get_word_index(path: str = "imdb_word_index.json") -> Dict[str, int]:
    """``{word: index}`` (add ``index_from`` to match the ids of ``load_data``)."""
    path = fetch(path, ORIGIN + "imdb_word_index.json",
                 file_hash="bfafd718b763782e994055a2d397834f")
    with open(path) as handle:
        return json.load(handle)
