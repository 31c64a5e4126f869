"""``tf.experimental.Optional``: a value or nothing, with its element spec."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from torchkeras.data import InvalidArgumentError, Optional, TensorSpec


def test_from_value_converts_as_a_dataset_element():
    opt = Optional.from_value((1.5, {"s": "a", "v": [1, 2]}))
    assert bool(opt.has_value()) and isinstance(opt.has_value(), torch.Tensor)
    value = opt.get_value()
    assert value[0].dtype == torch.float32 and value[1]["v"].tolist() == [1, 2]
    assert str(value[1]["s"]) == "a"
    assert opt.element_spec[1]["v"] == TensorSpec((2,), "int32")


def test_empty_has_no_value_and_says_so():
    spec = TensorSpec((), "int64")
    empty = Optional.empty(spec)
    assert not bool(empty.has_value()) and empty.element_spec is spec
    with pytest.raises(InvalidArgumentError, match="`Optional.get_value`: the given optional "
                                                   "does not have a value"):
        empty.get_value()
    assert issubclass(InvalidArgumentError, ValueError)
    assert "has_value=False" in repr(empty)


def test_optional_is_abstract():
    with pytest.raises(TypeError, match="Can't instantiate abstract class Optional"):
        Optional()


def test_numpy_value_kept():
    assert Optional.from_value(np.arange(3)).get_value().tolist() == [0, 1, 2]
