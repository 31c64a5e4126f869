"""``keras.datasets.reuters``: newswires as word-id sequences, 46 topics (``reuters.npz``)."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional, Tuple

import numpy as np

from torchkeras.datasets._files import (ORIGIN, fetch, limit_vocabulary, remove_long_seq,
                                        shift_sequences)
from torchkeras.datasets._npz import load_npz

_LABELS = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
           "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
           "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
           "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
           "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
           "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path: str = "reuters.npz", num_words: Optional[int] = None, skip_top: int = 0,
              maxlen: Optional[int] = None, test_split: float = 0.2, seed: int = 113,
              start_char: Optional[int] = 1, oov_char: Optional[int] = 2, index_from: int = 3,
              cache_dir: Optional[str] = None, **kwargs: Any):
    """``(x_train, y_train), (x_test, y_test)`` exactly as Keras builds them."""
    if "nb_words" in kwargs:
        logging.warning("The `nb_words` argument in `load_data` has been renamed `num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}")
    path = fetch(path, ORIGIN + "reuters.npz", cache_dir=cache_dir, file_hash=(
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"))
    f = load_npz(path, allow_objects=True)  # sequences: an object array of lists
    xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    xs = shift_sequences(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
            (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])))


def get_word_index(path: str = "reuters_word_index.json") -> Dict[str, int]:
    path = fetch(path, ORIGIN + "reuters_word_index.json",
                 file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as handle:
        return json.load(handle)


def get_label_names() -> Tuple[str, ...]:
    """The 46 topic names, indexed like the labels."""
    return _LABELS
