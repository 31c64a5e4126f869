"""``tf.data.Options`` and its typed groups: unknown names and wrong types refused as TF,
merged by ``with_options`` (later settings win), read-only from ``Dataset.options()``."""
from __future__ import annotations

import pytest

from torchkeras.data import Dataset
from torchkeras.data.options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions,
                                     DistributeOptions, ExternalStatePolicy,
                                     OptimizationOptions, Options, ThreadingOptions)


def test_defaults_and_groups():
    options = Options()
    assert options.deterministic is None and options.threading.private_threadpool_size is None
    assert options.experimental_distribute.auto_shard_policy is AutoShardPolicy.AUTO
    assert isinstance(options.autotune, AutotuneOptions)
    assert options.experimental_threading is options.threading
    assert "map_fusion" in dir(OptimizationOptions()) and "experimental_threading" in dir(options)


def test_group_objects_are_assignable_and_merged():
    threading = ThreadingOptions()
    threading.private_threadpool_size = 8
    options = Options()
    options.threading = threading
    options.experimental_deterministic = False
    options.autotune.autotune_algorithm = AutotuneAlgorithm.HILL_CLIMB
    other = Options()
    other.threading.max_intra_op_parallelism = 1
    other.experimental_external_state_policy = ExternalStatePolicy.IGNORE
    got = Dataset.range(2).with_options(options).with_options(other).options()
    assert (got.threading.private_threadpool_size, got.threading.max_intra_op_parallelism) \
        == (8, 1)
    assert got.deterministic is False and got.experimental_external_state_policy is \
        ExternalStatePolicy.IGNORE and got.autotune.autotune_algorithm is \
        AutotuneAlgorithm.HILL_CLIMB
    threading.private_threadpool_size = 2  # the caller's group stays its own (and mutable)
    assert got.threading.private_threadpool_size == 8


def test_merge_framework_type_lists_and_equality():
    first, second = Options(), Options()
    first.framework_type = ["keras"]
    second.framework_type = ["torch"]
    assert first.merge(second).framework_type == ["keras", "torch"]
    assert Options() == Options() and first != second
    assert DistributeOptions() == DistributeOptions()
    with pytest.raises(TypeError, match="Could not merge incompatible options"):
        Options().merge(ThreadingOptions())


def test_bad_names_and_types_are_refused_as_tf():
    with pytest.raises(AttributeError, match="Cannot set the property foo on ThreadingOptions."):
        ThreadingOptions().foo = 1
    with pytest.raises(TypeError, match='Property "map_parallelization" must be of type '
                                        "<class 'bool'>, got: 1"):
        OptimizationOptions().map_parallelization = 1
    with pytest.raises(TypeError, match='Property "threading" must be of type'):
        Options().threading = 3
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        Options().nothing  # noqa: B018


def test_dataset_options_are_read_only():
    options = Dataset.range(2).options()
    with pytest.raises(ValueError, match="Use `tf.data.Dataset.with_options"):
        options.deterministic = True
    with pytest.raises(ValueError, match="Mutating `tf.data.Options"):
        options.experimental_optimization.map_fusion = True
