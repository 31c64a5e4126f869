"""Pieces of error messages shared by every package: the "Did you mean ...?" hint."""
from __future__ import annotations

import difflib
from typing import Iterable, Optional, Sequence, Union


def close_name(name: str, valid: Iterable[str], ignore_case: bool = False) -> Optional[str]:
    """The valid name nearest to ``name`` (``difflib``, cutoff 0.6), or ``None``.

    With ``ignore_case``, a name with no near match as written is matched lowercased
    (``'ADAMM'`` -> ``'Adam'``).
    """
    valid = sorted(set(str(v) for v in valid))
    close = difflib.get_close_matches(str(name), valid, n=1)
    if not close and ignore_case:
        lowered = {v.lower(): v for v in valid}
        close = [lowered[m] for m in difflib.get_close_matches(str(name).lower(),
                                                                list(lowered), n=1)]
    return close[0] if close else None


def did_you_mean(names: Union[str, Sequence[str]], valid: Iterable[str], lead: str = " ",
                 name_each: bool = False, ignore_case: bool = False) -> str:
    """``" Did you mean 'momentum'?"`` for the unknown ``names``, or ``""`` if none is near.

    ``lead`` comes before "Did"; ``name_each`` writes ``'momentum' for 'momentun'`` (for
    several unknown names).
    """
    names = [names] if isinstance(names, str) else list(names)
    valid = list(valid)
    hints = []
    for name in names:
        close = close_name(name, valid, ignore_case)
        if close is not None:
            hints.append(f"'{close}' for '{name}'" if name_each else f"'{close}'")
    return f"{lead}Did you mean {', '.join(hints)}?" if hints else ""


class NotProvidedError(AttributeError):
    """A TensorFlow (or Keras) name torchkeras does not provide (``tf.X``,
    ``tf.data.Dataset.X``): an ``AttributeError``, so ``hasattr`` stays False."""
