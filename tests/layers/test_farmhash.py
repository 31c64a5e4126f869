"""farmhash: the NumPy FarmHash/SipHash against published test vectors and invariants
(the full parity with TensorFlow is compat/test_preprocessing_numeric.py)."""
from __future__ import annotations

import numpy as np

from torchkeras.layers import farmhash


def test_siphash_reference_vector():
    # SipHash-2-4 paper, Appendix A: key 00..0f, message 00..0e -> a129ca6149be45e5.
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)),
                                                                     "little"))
    message = np.array([bytes(range(15))], dtype=object)
    assert int(farmhash.siphash(message, key)[0]) == 0xa129ca6149be45e5


def test_fingerprint_groups_by_length_and_keeps_shape():
    words = np.array([["", "a" * 70], ["abc", "a" * 70]])
    fp = farmhash.fingerprint64(words)
    assert fp.shape == (2, 2) and fp.dtype == np.uint64
    assert fp[0, 1] == fp[1, 1] and len({int(v) for v in fp.ravel()}) == 3
    single = [int(farmhash.fingerprint64(np.array([w]))[0]) for w in words.ravel()]
    assert single == [int(v) for v in fp.ravel()]


def test_integers_as_strings():
    assert farmhash.integers_as_strings(np.array([-5, 0, 12])).tolist() == ["-5", "0", "12"]
