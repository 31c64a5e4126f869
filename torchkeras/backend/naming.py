"""Unique Keras-style names (``dense``, ``dense_1``, ...) within the process."""
from __future__ import annotations

import collections
import re

_NAME_UIDS: collections.defaultdict = collections.defaultdict(int)


def to_snake_case(name: str) -> str:
    """``'Conv2D'`` -> ``'conv2d'``, ``'BatchNormalization'`` -> ``'batch_normalization'``."""
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def get_uid(prefix: str = "") -> int:
    """0 for the first use of ``prefix``, then 1, 2, ..."""
    uid = _NAME_UIDS[prefix]
    _NAME_UIDS[prefix] += 1
    return uid


def unique_object_name(prefix: str) -> str:
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ..."""
    uid = get_uid(prefix)
    return prefix if uid == 0 else f"{prefix}_{uid}"


def reset_uids() -> None:
    _NAME_UIDS.clear()
