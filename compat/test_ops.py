"""``keras.ops`` against Keras 3 (torch backend) recorded by generate_ops.py: every case's
values and result dtypes."""
import numpy as np
import pytest

from compat_case import assert_close, load_case
from generate_ops import OPS_CALLS, run_ops
from torchkeras import ops
from torchkeras.backend.dtypes import standardize_dtype

ARRAYS, META = load_case("ops")
RECORDED = sorted(META["dtypes"])
# float16 outputs are stored as float32; half precision gets a looser tolerance
LOOSE = {"float16": dict(rtol=2e-3, atol=2e-3)}
# Where Keras 3's torch backend departs from NumPy (and from its own TensorFlow/JAX backends),
# torchkeras follows NumPy; the value is compared after reshaping to our shape.
NUMPY_SHAPE = {"sum_keep": (1, 1)}  # torch backend drops keepdims=True when axis=None


@pytest.fixture(scope="module")
def ours():
    return run_ops(ops, ops.convert_to_numpy, lambda t: standardize_dtype(t.dtype), RECORDED)


def test_every_case_was_recorded():
    missing = sorted(set(OPS_CALLS) - set(META["dtypes"]))
    assert len(RECORDED) >= 200 and missing == [], missing


@pytest.mark.parametrize("name", RECORDED)
def test_op(ours, name):
    values, dtypes = ours[name]
    assert dtypes == META["dtypes"][name], f"{name}: dtype {dtypes}, Keras 3 {META['dtypes'][name]}"
    assert len(values) == META["n_outputs"][name], name
    for k, value in enumerate(values):
        expected = ARRAYS[f"out__{name}__{k}"]
        if name in NUMPY_SHAPE:
            assert value.shape == NUMPY_SHAPE[name], name
            expected = expected.reshape(value.shape)
        assert value.shape == expected.shape, f"{name}[{k}]: {value.shape} vs {expected.shape}"
        if expected.dtype == bool or value.dtype == bool:
            np.testing.assert_array_equal(value, expected, err_msg=name)
        else:
            tol = LOOSE.get(dtypes[k], dict(rtol=1e-5, atol=1e-5))
            assert_close(value, expected, f"ops {name}[{k}]", **tol)
