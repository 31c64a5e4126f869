"""Where the dataset loaders find their files: Keras's cache, same names and hashes."""
from __future__ import annotations

import os
from typing import List, Optional, Sequence

from torchkeras.data.data_utils import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(fname: str, origin: str, file_hash: Optional[str] = None,
          cache_dir: Optional[str] = None, cache_subdir: str = "datasets",
          untar: bool = False) -> str:
    """``get_file`` as Keras's loaders call it (``cache_dir`` created when given)."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    return get_file(fname, origin=origin, file_hash=file_hash, cache_dir=cache_dir,
                    cache_subdir=cache_subdir, untar=untar)


def remove_long_seq(maxlen: int, seq: Sequence, label: Sequence):
    """Keep the sequences strictly shorter than ``maxlen`` (tf-keras's rule)."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def shift_sequences(xs: Sequence, start_char: Optional[int],
                    index_from: int) -> List[List[int]]:
    """Word ids + ``index_from``, with ``start_char`` prepended (Keras's imdb/reuters)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def limit_vocabulary(xs: List[List[int]], num_words: Optional[int], skip_top: int,
                     oov_char: Optional[int]) -> List[List[int]]:
    """Ids outside ``[skip_top, num_words)`` become ``oov_char`` (dropped when it is None).
    Without ``num_words`` the largest id is the bound (so it maps to OOV, as in Keras)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]
