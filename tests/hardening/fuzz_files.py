"""A small, dependency-free fuzzer for the model/weights loaders.

It starts from a valid ``.h5`` / ``.keras`` / ``.weights.h5`` file and derives hostile ones:
truncations, flipped bytes, random bytes behind a valid signature, and archives whose members
are damaged or replaced. Generation uses numpy's seeded RNG and is bounded by a time budget
and a file count, so a CI run is short and reproducible (same seed, same files).

``fuzz(loader, seeds, budget_s, max_files)`` feeds every generated file to ``loader`` and
returns a :class:`FuzzReport`; an exception that is not one of ``ALLOWED`` is recorded as a
failure together with the bytes that caused it.
"""
from __future__ import annotations

import dataclasses
import io
import os
import time
import zipfile
from typing import Callable, Dict, Iterator, List, Tuple

import numpy as np

from torchkeras.registry.h5_utils import CorruptFileError

# What a loader may raise for a bad file: CorruptFileError (an OSError and a ValueError), a
# ValueError naming what does not match, or KeyError/TypeError for a config that is not a
# Keras config. Anything else (segfault, MemoryError, RecursionError, IndexError, ...) fails.
ALLOWED = (CorruptFileError, OSError, ValueError, KeyError, TypeError)


@dataclasses.dataclass
class FuzzReport:
    generated: int = 0
    by_error: Dict[str, int] = dataclasses.field(default_factory=dict)
    failures: List[Tuple[str, str]] = dataclasses.field(default_factory=list)
    slowest_s: float = 0.0  # CPU seconds of the slowest load (time.process_time)


def _truncate(data: bytes, rng: np.random.Generator) -> bytes:
    return data[:int(rng.integers(0, max(1, len(data))))]


def _flip(data: bytes, rng: np.random.Generator) -> bytes:
    buf = bytearray(data)
    for _ in range(int(rng.integers(1, 17))):
        pos = int(rng.integers(0, len(buf)))
        buf[pos] = int(rng.integers(0, 256))
    return bytes(buf)


def _random_tail(data: bytes, rng: np.random.Generator) -> bytes:
    keep = int(rng.integers(4, min(len(data), 2048)))
    return data[:keep] + rng.bytes(int(rng.integers(0, 4096)))


def _zip_member_damage(data: bytes, rng: np.random.Generator) -> bytes:
    """Rewrite a ``.keras`` archive with one member mutated (still a valid zip)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = {n: source.read(n) for n in source.namelist()}
    except Exception:  # the seed is not a zip: fall back to a truncation
        return _truncate(data, rng)
    name = sorted(members)[int(rng.integers(0, len(members)))]
    mutate = [_truncate, _flip, _random_tail][int(rng.integers(0, 3))]
    members[name] = mutate(members[name], rng) if members[name] else rng.bytes(16)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


MUTATORS: List[Callable[[bytes, np.random.Generator], bytes]] = [
    _truncate, _flip, _random_tail, _zip_member_damage]


def mutations(seeds: List[bytes], seed: int = 0) -> Iterator[Tuple[str, bytes]]:
    """An endless stream of ``(label, bytes)``: mutated versions of ``seeds``."""
    rng = np.random.default_rng(seed)
    while True:
        index = int(rng.integers(0, len(seeds)))
        mutator = MUTATORS[int(rng.integers(0, len(MUTATORS)))]
        yield f"seed{index}:{mutator.__name__}", mutator(seeds[index], rng)


def fuzz(loader: Callable[[str], object], seeds: Dict[str, bytes], workdir: str,
         budget_s: float = 10.0, max_files: int = 10_000, seed: int = 0) -> FuzzReport:
    """Feed mutated files to ``loader(path)`` until the time budget or count runs out."""
    report = FuzzReport()
    names = sorted(seeds)
    stream = mutations([seeds[n] for n in names], seed)
    deadline = time.monotonic() + budget_s
    while report.generated < max_files and time.monotonic() < deadline:
        label, data = next(stream)
        suffix = os.path.splitext(names[int(label[4:label.index(':')])])[1]
        path = os.path.join(workdir, f"fuzz_{report.generated}{suffix}")
        with open(path, "wb") as handle:
            handle.write(data)
        report.generated += 1
        start = time.process_time()  # CPU, not wall-clock: load on a shared machine
        try:
            loader(path)
            key = "loaded"
        except ALLOWED as error:
            key = type(error).__name__
        except Exception as error:  # noqa: BLE001 - a fuzz finding
            key = "FAIL:" + type(error).__name__
            report.failures.append((label, f"{type(error).__name__}: {error}"[:300]))
        report.slowest_s = max(report.slowest_s, time.process_time() - start)
        report.by_error[key] = report.by_error.get(key, 0) + 1
        os.remove(path)
    return report
