"""The ``tf.errors`` a dataset iterator or an ``Optional`` raises."""
from __future__ import annotations

__all__ = ["FailedPreconditionError", "InvalidArgumentError", "NotFoundError", "OpError",
           "OutOfRangeError", "UnknownError"]


class OpError(Exception):
    """``tf.errors.OpError``: the base of the errors below."""


class OutOfRangeError(OpError):
    """``tf.errors.OutOfRangeError``: ``iterator.get_next()`` past the last element."""


class InvalidArgumentError(OpError, ValueError):
    """``tf.errors.InvalidArgumentError`` (also a ``ValueError``)."""


class UnknownError(OpError):
    """``tf.errors.UnknownError``: an error from outside (a database's own error)."""


class NotFoundError(OpError, FileNotFoundError):
    """``tf.errors.NotFoundError``: a file a table initializer reads does not exist."""


class FailedPreconditionError(OpError):
    """``tf.errors.FailedPreconditionError``: e.g. a lookup table given one key twice."""
