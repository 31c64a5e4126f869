"""What ``iter(dataset)`` returns: a Python iterator with ``tf.data.Iterator``'s methods
(``get_next``, ``get_next_as_optional``, ``element_spec``)."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from torchkeras.data.errors import OutOfRangeError
from torchkeras.data.optional import Optional

__all__ = ["DatasetIterator", "get_next_as_optional"]


class DatasetIterator:
    """One pass over a dataset; ``next(it)`` raises ``StopIteration`` at the end,
    ``it.get_next()`` TF's ``OutOfRangeError``."""

    def __init__(self, elements: Iterator[Any], element_spec: Callable[[], Any]) -> None:
        self._elements = elements
        self._spec = element_spec

    def __iter__(self) -> "DatasetIterator":
        return self

    def __next__(self) -> Any:
        return next(self._elements)

    def get_next(self, name: Any = None) -> Any:
        """The next element; ``tf.errors.OutOfRangeError`` when there is none."""
        try:
            return next(self._elements)
        except StopIteration:
            raise OutOfRangeError("End of sequence: `Iterator.get_next()` was called after "
                                  "the last element of the dataset.") from None

    def get_next_as_optional(self) -> Optional:
        """The next element as an ``Optional``: empty (with the dataset's ``element_spec``)
        at the end."""
        try:
            return Optional.from_value(next(self._elements))
        except StopIteration:
            return Optional.empty(self.element_spec)

    @property
    def element_spec(self) -> Any:
        return self._spec()

    def close(self) -> None:
        """Ends the pass early, releasing its workers."""
        close = getattr(self._elements, "close", None)
        if close is not None:
            close()


def get_next_as_optional(iterator: DatasetIterator) -> Optional:
    """``tf.data.experimental.get_next_as_optional(iterator)`` (deprecated in TF for
    ``iterator.get_next_as_optional()``)."""
    if not isinstance(iterator, DatasetIterator):
        raise TypeError("`tf.data.experimental.get_next_as_optional` expects an iterator of a "
                        "`tf.data.Dataset` (`iter(dataset)`), received: "
                        f"{type(iterator).__name__}.")
    return iterator.get_next_as_optional()
