"""The iteration of ``Dataset.rejection_resample`` (TF's algorithm): elements become
``(class, element)`` pairs; an element is kept with its class's acceptance probability, and
with probability ``m`` (the smallest target/initial ratio) the pair comes unfiltered from a
second pass over the input instead, so the classes follow ``target_dist``. Without
``initial_dist`` the class distribution is estimated as TF does: counts starting at 10 per
class, updated every 32 elements."""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, Tuple

import numpy as np

__all__ = ["acceptance", "rejection_resample"]

_ESTIMATION_BATCH = 32  # TF's dist_estimation_batch_size
_SMOOTHING = 10  # TF's smoothing_constant


def acceptance(initial: np.ndarray, target: np.ndarray) -> Tuple[np.ndarray, float]:
    """Per-class acceptance probabilities and the probability ``m`` of an unfiltered draw
    (TF's ``_calculate_acceptance_probs_with_mixing``), in float32."""
    ratio = (target / (initial + np.finfo(np.float32).tiny)).astype(np.float32)
    ratio = np.where(np.isinf(ratio), np.float32(np.finfo(np.float32).max), ratio)
    low, high = ratio.min(), ratio.max()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ratio - low) / (high - low), float(low)


def _distribution(value: Any, argument: str, method: str) -> np.ndarray:
    dist = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float32)
    if dist.ndim != 1 or not dist.size:
        raise ValueError(f"`{method}`: `{argument}` must be a 1-D list of class probabilities, "
                         f"received shape {dist.shape}.")
    return dist


def rejection_resample(make: Callable[[], Iterator[Any]], classify: Callable[[Any], int],
                       pair: Callable[[Any], Any], target_dist: Any, initial_dist: Any,
                       rng: np.random.Generator, method: str) -> Iterator[Any]:
    """``pair(element)`` = ``(class, element)``; ``classify(element)`` = the class index."""
    target = _distribution(target_dist, "target_dist", method)
    initial = None if initial_dist is None else \
        _distribution(initial_dist, "initial_dist", method)
    if initial is not None and initial.shape != target.shape:
        raise ValueError(f"`{method}`: `initial_dist` has {initial.size} classes and "
                         f"`target_dist` {target.size}.")
    if initial is not None:
        accept, mix = acceptance(initial, target)
        if mix == 1:  # the distributions already match
            yield from (pair(e) for e in make())
            return
        estimates: Iterator[Tuple[np.ndarray, float]] = itertools.repeat((accept, mix))
    else:
        estimates = _estimates(make, classify, target)
        try:
            first = next(estimates)
        except StopIteration:  # an empty dataset
            return
        mix = first[1]
        estimates = itertools.chain([first], estimates)
    current = [mix]  # the mixing probability of the latest estimate

    def filtered() -> Iterator[Any]:
        for element, (accept, mix) in zip(make(), estimates):
            current[0] = mix
            if rng.random() < accept[classify(element)]:
                yield pair(element)

    kept = filtered()
    original = (pair(e) for e in make())
    while True:  # TF's sample_from_datasets([original, filtered], stop_on_empty_dataset)
        source = original if rng.random() < current[0] else kept
        try:
            yield next(source)
        except StopIteration:
            return


def _estimates(make: Callable[[], Iterator[Any]], classify: Callable[[Any], int],
               target: np.ndarray) -> Iterator[Tuple[np.ndarray, float]]:
    """Per element: the acceptance and mixing of the estimated class distribution."""
    counts = np.full(target.size, _SMOOTHING, dtype=np.int64)
    iterator = (classify(e) for e in make())
    while True:
        block = list(itertools.islice(iterator, _ESTIMATION_BATCH))
        if not block:
            return
        counts += np.bincount(block, minlength=target.size)[:target.size]
        estimate = (counts / counts.sum()).astype(np.float32)
        yield from itertools.repeat(acceptance(estimate, target), len(block))
