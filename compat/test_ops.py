"""``keras.ops`` against Keras 3 (torch backend) recorded by generate_ops.py: every case's
values and result dtypes (ops.npz, ops2.npz, ops_image.npz), and gradients recorded with Keras 3 on
TensorFlow (ops2.npz ``grad__*``)."""
import numpy as np
import pytest
import torch

from compat_case import assert_close, load_case
from generate_ops import (GRAD_CALLS, OPS_CALLS, OPS_CALLS_2, OPS_CALLS_IMAGE, grad_weights,
                          op_inputs, op_inputs2, run_ops)
from torchkeras import ops
from torchkeras.backend.dtypes import standardize_dtype

FIXTURES = {"ops": load_case("ops"), "ops2": load_case("ops2"),
            "ops_image": load_case("ops_image")}
CASES = [(fixture, name) for fixture, (_, meta) in FIXTURES.items()
         for name in sorted(meta["dtypes"])]
# float16 outputs are stored as float32; half precision gets a looser tolerance
LOOSE = {"float16": dict(rtol=2e-3, atol=2e-3)}
# Where Keras 3's torch backend departs from NumPy (and from its own TensorFlow/JAX backends),
# torchkeras follows NumPy; the value is compared after reshaping to our shape.
NUMPY_SHAPE = {"sum_keep": (1, 1)}  # torch backend drops keepdims=True when axis=None


@pytest.fixture(scope="module")
def ours():
    return run_ops(ops, ops.convert_to_numpy, lambda t: standardize_dtype(t.dtype),
                   [name for _, name in CASES])


@pytest.mark.parametrize("fixture,table,at_least", [("ops", OPS_CALLS, 140),
                                                     ("ops2", OPS_CALLS_2, 140),
                                                     ("ops_image", OPS_CALLS_IMAGE, 22)])
def test_every_case_was_recorded(fixture, table, at_least):
    meta = FIXTURES[fixture][1]
    missing = sorted(set(table) - set(meta["dtypes"]))
    assert len(meta["dtypes"]) >= at_least and missing == [], missing


@pytest.mark.parametrize("fixture,name", CASES)
def test_op(ours, fixture, name):
    arrays, meta = FIXTURES[fixture]
    values, dtypes = ours[name]
    assert dtypes == meta["dtypes"][name], f"{name}: dtype {dtypes}, Keras 3 {meta['dtypes'][name]}"
    assert len(values) == meta["n_outputs"][name], name
    for k, value in enumerate(values):
        expected = arrays[f"out__{name}__{k}"]
        if name in NUMPY_SHAPE:
            assert value.shape == NUMPY_SHAPE[name], name
            expected = expected.reshape(value.shape)
        assert value.shape == expected.shape, f"{name}[{k}]: {value.shape} vs {expected.shape}"
        if expected.dtype == bool or value.dtype == bool:
            np.testing.assert_array_equal(value, expected, err_msg=name)
        else:
            tol = LOOSE.get(dtypes[k], dict(rtol=1e-5, atol=1e-5))
            assert_close(value, expected, f"ops {name}[{k}]", **tol)


@pytest.mark.parametrize("name", sorted(GRAD_CALLS))
def test_gradient(name):
    """d sum(y * w) / dx through torch autograd equals Keras 3's tf.GradientTape gradient."""
    expr, var = GRAD_CALLS[name]
    env = dict(op_inputs(), **op_inputs2(), ops=ops, np=np)
    x = torch.tensor(env[var], requires_grad=True)
    y = eval(expr, dict(env, x=x))  # noqa: S307 (the generator's own table)
    loss = torch.sum(y * torch.as_tensor(grad_weights(tuple(y.shape))))
    (grad,) = torch.autograd.grad(loss, x)
    expected = FIXTURES["ops2"][0][f"grad__{name}"]
    assert grad.shape == expected.shape, name
    assert_close(grad, expected, f"grad {name}", rtol=1e-4, atol=1e-5)
