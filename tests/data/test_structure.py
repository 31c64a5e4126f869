"""``flatten_up_to``: a value's parts at the leaves of an element structure (a shape tuple
at a leaf stays whole, as tf.nest's ``flatten_up_to``)."""
from __future__ import annotations

import torch

from torchkeras.data.structure import flatten_up_to

LEAF = torch.zeros(2)


def test_leaf_takes_the_whole_part():
    assert flatten_up_to(LEAF, (None,)) == [(None,)]
    assert flatten_up_to((LEAF, {"b": LEAF, "a": LEAF}), ((None,), {"a": [3], "b": ()})) == \
        [(None,), [3], ()]


def test_mismatch_is_none():
    assert flatten_up_to((LEAF, LEAF), (None,)) is None
    assert flatten_up_to({"a": LEAF}, {"b": 1}) is None
    assert flatten_up_to((LEAF,), [None]) is None
