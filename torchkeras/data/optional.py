"""``tf.experimental.Optional`` (also ``tf.data.experimental.Optional``): a value that may be
missing, as ``iterator.get_next_as_optional()`` returns it."""
from __future__ import annotations

from typing import Any

import torch

from torchkeras.data.errors import InvalidArgumentError
from torchkeras.data.structure import map_leaves, spec_of, to_element

__all__ = ["Optional"]


class Optional:
    """A value that may be missing: ``Optional.from_value(v)`` or ``Optional.empty(spec)``;
    ``has_value()`` is a boolean tensor, ``get_value()`` the value (or
    ``InvalidArgumentError`` when empty)."""

    def __init__(self) -> None:
        if type(self) is Optional:
            raise TypeError("Can't instantiate abstract class Optional with abstract methods "
                            "element_spec, get_value, has_value: use `Optional.from_value` or "
                            "`Optional.empty`.")

    @staticmethod
    def from_value(value: Any) -> "Optional":
        """An ``Optional`` holding ``value`` (converted as a dataset element)."""
        element = to_element(value)
        return _OptionalImpl(True, element, map_leaves(spec_of, element))

    @staticmethod
    def empty(element_spec: Any) -> "Optional":
        """An ``Optional`` with no value, of the given ``element_spec``."""
        return _OptionalImpl(False, None, element_spec)

    def has_value(self, name: Any = None) -> torch.Tensor:
        raise NotImplementedError

    def get_value(self, name: Any = None) -> Any:
        raise NotImplementedError

    @property
    def element_spec(self) -> Any:
        raise NotImplementedError


class _OptionalImpl(Optional):
    def __init__(self, present: bool, value: Any, element_spec: Any) -> None:
        super().__init__()
        self._present = present
        self._value = value
        self._spec = element_spec

    def has_value(self, name: Any = None) -> torch.Tensor:
        return torch.tensor(self._present)

    def get_value(self, name: Any = None) -> Any:
        if not self._present:
            raise InvalidArgumentError("`Optional.get_value`: the given optional does not have "
                                       "a value (check `has_value()` first).")
        return self._value

    @property
    def element_spec(self) -> Any:
        return self._spec

    def __repr__(self) -> str:
        return f"<Optional has_value={self._present} element_spec={self._spec}>"
