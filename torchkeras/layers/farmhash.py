"""TensorFlow's string hashes in NumPy: FarmHash ``Fingerprint64`` (``to_hash_bucket_fast``),
SipHash-2-4 (``to_hash_bucket_strong``) and ``FingerprintCat64`` (``sparse.cross_hashed``).

Strings are hashed as their UTF-8 bytes. The 64-bit arithmetic runs on ``uint64`` arrays,
one vectorized pass per distinct byte length (the algorithms branch on the length only).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np

__all__: List[str] = []

_U64 = np.uint64
_K0 = _U64(0xc3a5c85c97cb3127)
_K1 = _U64(0xb492b66fbe98f273)
_K2 = _U64(0x9ae16a3b2f90404f)
_MASK = (1 << 64) - 1


def _rot(value: np.ndarray, shift: int) -> np.ndarray:
    """Rotate right by ``shift`` bits."""
    if shift == 0:
        return value
    return (value >> _U64(shift)) | (value << _U64(64 - shift))


def _shift_mix(value: np.ndarray) -> np.ndarray:
    return value ^ (value >> _U64(47))


def _hash_len16(u: np.ndarray, v: np.ndarray, mul: np.ndarray) -> np.ndarray:
    a = (u ^ v) * mul
    a ^= a >> _U64(47)
    b = (v ^ a) * mul
    b ^= b >> _U64(47)
    return b * mul


class _Bytes:
    """Same-length byte strings as a (n, length) uint8 matrix with little-endian fetches."""

    def __init__(self, matrix: np.ndarray):
        self.matrix = matrix
        self.length = matrix.shape[1]

    def fetch64(self, offset: int) -> np.ndarray:
        return np.ascontiguousarray(self.matrix[:, offset:offset + 8]).view("<u8")[:, 0] \
            .astype(_U64)

    def fetch32(self, offset: int) -> np.ndarray:
        return np.ascontiguousarray(self.matrix[:, offset:offset + 4]).view("<u4")[:, 0] \
            .astype(_U64)

    def byte(self, offset: int) -> np.ndarray:
        return self.matrix[:, offset].astype(_U64)


def _len0to16(s: _Bytes) -> np.ndarray:
    n, length = s.matrix.shape[0], s.length
    if length >= 8:
        mul = _U64((int(_K2) + length * 2) & _MASK)
        a = s.fetch64(0) + _K2
        b = s.fetch64(length - 8)
        c = _rot(b, 37) * mul + a
        d = (_rot(a, 25) + b) * mul
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _U64((int(_K2) + length * 2) & _MASK)
        a = s.fetch32(0)
        return _hash_len16(_U64(length) + (a << _U64(3)), s.fetch32(length - 4), mul)
    if length > 0:
        a, b, c = s.byte(0), s.byte(length >> 1), s.byte(length - 1)
        y = a + (b << _U64(8))
        z = _U64(length) + (c << _U64(2))
        return _shift_mix(y * _K2 ^ z * _K0) * _K2
    return np.full(n, _K2, dtype=_U64)


def _len17to32(s: _Bytes) -> np.ndarray:
    length = s.length
    mul = _U64((int(_K2) + length * 2) & _MASK)
    a = s.fetch64(0) * _K1
    b = s.fetch64(8)
    c = s.fetch64(length - 8) * mul
    d = s.fetch64(length - 16) * _K2
    return _hash_len16(_rot(a + b, 43) + _rot(c, 30) + d, a + _rot(b + _K2, 18) + c, mul)


def _len33to64(s: _Bytes) -> np.ndarray:
    length = s.length
    mul = _U64((int(_K2) + length * 2) & _MASK)
    a = s.fetch64(0) * _K2
    b = s.fetch64(8)
    c = s.fetch64(length - 8) * mul
    d = s.fetch64(length - 16) * _K2
    y = _rot(a + b, 43) + _rot(c, 30) + d
    z = _hash_len16(y, a + _rot(b + _K2, 18) + c, mul)
    e = s.fetch64(16) * mul
    f = s.fetch64(24)
    g = (y + s.fetch64(length - 32)) * mul
    h = (z + s.fetch64(length - 24)) * mul
    return _hash_len16(_rot(e + f, 43) + _rot(g, 30) + h, e + _rot(f + a, 18) + g, mul)


def _weak_hash32(s: _Bytes, offset: int, a: np.ndarray,
                 b: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    w, x = s.fetch64(offset), s.fetch64(offset + 8)
    y, z = s.fetch64(offset + 16), s.fetch64(offset + 24)
    a = a + w
    b = _rot(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rot(a, 44)
    return a + z, b + c


def _len65plus(s: _Bytes) -> np.ndarray:
    length, n = s.length, s.matrix.shape[0]
    seed = _U64(81)
    x = np.full(n, seed, dtype=_U64)
    y = np.full(n, seed * _K1 + _U64(113), dtype=_U64)
    z = _shift_mix(y * _K2 + _U64(113)) * _K2
    v = (np.zeros(n, _U64), np.zeros(n, _U64))
    w = (np.zeros(n, _U64), np.zeros(n, _U64))
    x = x * _K2 + s.fetch64(0)
    end = ((length - 1) // 64) * 64
    last64 = length - 64
    for pos in range(0, end, 64):
        x = _rot(x + y + v[0] + s.fetch64(pos + 8), 37) * _K1
        y = _rot(y + v[1] + s.fetch64(pos + 48), 42) * _K1
        x ^= w[1]
        y = y + v[0] + s.fetch64(pos + 40)
        z = _rot(z + w[0], 33) * _K1
        v = _weak_hash32(s, pos, v[1] * _K1, x + w[0])
        w = _weak_hash32(s, pos + 32, z + w[1], y + s.fetch64(pos + 16))
        z, x = x, z
    mul = _K1 + ((z & _U64(0xff)) << _U64(1))
    w0 = w[0] + _U64((length - 1) & 63)
    v0 = v[0] + w0
    w0 = w0 + v0
    v, w = (v0, v[1]), (w0, w[1])
    x = _rot(x + y + v[0] + s.fetch64(last64 + 8), 37) * mul
    y = _rot(y + v[1] + s.fetch64(last64 + 48), 42) * mul
    x ^= w[1] * _U64(9)
    y = y + v[0] * _U64(9) + s.fetch64(last64 + 40)
    z = _rot(z + w[0], 33) * mul
    v = _weak_hash32(s, last64, v[1] * mul, x + w[0])
    w = _weak_hash32(s, last64 + 32, z + w[1], y + s.fetch64(last64 + 16))
    z, x = x, z
    return _hash_len16(_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z,
                       _hash_len16(v[1], w[1], mul) + x, mul)


def _fingerprint_group(s: _Bytes) -> np.ndarray:
    if s.length <= 16:
        return _len0to16(s)
    if s.length <= 32:
        return _len17to32(s)
    if s.length <= 64:
        return _len33to64(s)
    return _len65plus(s)


# ------------------------------------------------------------------------- SipHash-2-4
def _sip_round(v0: np.ndarray, v1: np.ndarray, v2: np.ndarray,
               v3: np.ndarray) -> Tuple[np.ndarray, ...]:
    v0 = v0 + v1
    v1 = _rot(v1, 64 - 13) ^ v0
    v0 = _rot(v0, 64 - 32)
    v2 = v2 + v3
    v3 = _rot(v3, 64 - 16) ^ v2
    v0 = v0 + v3
    v3 = _rot(v3, 64 - 21) ^ v0
    v2 = v2 + v1
    v1 = _rot(v1, 64 - 17) ^ v2
    v2 = _rot(v2, 64 - 32)
    return v0, v1, v2, v3


def _siphash_group(s: _Bytes, key: Tuple[int, int]) -> np.ndarray:
    n, length = s.matrix.shape[0], s.length
    k0, k1 = _U64(key[0] & _MASK), _U64(key[1] & _MASK)
    v0 = np.full(n, k0 ^ _U64(0x736f6d6570736575), dtype=_U64)
    v1 = np.full(n, k1 ^ _U64(0x646f72616e646f6d), dtype=_U64)
    v2 = np.full(n, k0 ^ _U64(0x6c7967656e657261), dtype=_U64)
    v3 = np.full(n, k1 ^ _U64(0x7465646279746573), dtype=_U64)
    full = length // 8 * 8
    for pos in range(0, full, 8):
        m = s.fetch64(pos)
        v3 = v3 ^ m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 = v0 ^ m
    last = np.full(n, _U64((length & 0xff) << 56), dtype=_U64)
    for i in range(length - full):
        last = last | (s.byte(full + i) << _U64(8 * i))
    v3 = v3 ^ last
    v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
    v0 = v0 ^ last
    v2 = v2 ^ _U64(0xff)
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


# ---------------------------------------------------------------------------- public
def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (np.bytes_,)):
        return bytes(value)
    return str(value).encode("utf-8")


def _by_length(values: np.ndarray,
               group_hash: Callable[[_Bytes], np.ndarray]) -> np.ndarray:
    flat = [_as_bytes(v) for v in np.asarray(values, dtype=object).reshape(-1)]
    out = np.zeros(len(flat), dtype=_U64)
    groups: Dict[int, List[int]] = {}
    for i, data in enumerate(flat):
        groups.setdefault(len(data), []).append(i)
    for length, indices in groups.items():
        joined = b"".join(flat[i] for i in indices)
        matrix = np.frombuffer(joined, dtype=np.uint8).reshape(len(indices), length)
        out[np.asarray(indices)] = group_hash(_Bytes(matrix))
    return out.reshape(np.shape(values))


def fingerprint64(values: np.ndarray) -> np.ndarray:
    """FarmHash ``Fingerprint64`` of each string (str as UTF-8, or bytes): ``uint64``."""
    with np.errstate(over="ignore"):
        return _by_length(values, _fingerprint_group)


def siphash(values: np.ndarray, key: Sequence[int]) -> np.ndarray:
    """SipHash-2-4 with the 128-bit ``key`` (two integers) of each string: ``uint64``."""
    with np.errstate(over="ignore"):
        return _by_length(values, lambda s: _siphash_group(s, (int(key[0]), int(key[1]))))


def fingerprint_cat64(fp1: np.ndarray, fp2: np.ndarray) -> np.ndarray:
    """TensorFlow's ``FingerprintCat64``: combine two fingerprints (``uint64`` arrays)."""
    mul = _U64(0xc6a4a7935bd1e995)
    with np.errstate(over="ignore"):
        result = np.asarray(fp1, dtype=_U64) ^ mul
        result = result ^ (_shift_mix(np.asarray(fp2, dtype=_U64) * mul) * mul)
        result = result * mul
        result = _shift_mix(result) * mul
        return _shift_mix(result)


def integers_as_strings(values: np.ndarray) -> np.ndarray:
    """Integers as their decimal strings (``tf.as_string``), for hashing."""
    return np.asarray(values).astype(np.int64).astype(str)
