"""keras.config (Keras 3 names)."""
import numpy as np
import pytest

import torchkeras as keras


def test_backend_and_set_backend():
    assert keras.config.backend() == "torch"
    keras.config.set_backend("torch")
    with pytest.raises(ValueError, match="set_backend accepts 'torch'. Received: backend='jax'"):
        keras.config.set_backend("jax")
    assert keras.config.is_nnx_enabled() is False


def test_dtype_policy_round_trip():
    try:
        keras.config.set_dtype_policy("mixed_float16")
        assert keras.config.dtype_policy().name == "mixed_float16"
        assert keras.layers.Dense(2).compute_dtype == "float16"
    finally:
        keras.config.set_dtype_policy(None)
    assert keras.config.dtype_policy().name == "float32"


def test_traceback_filtering_switch():
    assert keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()
    assert not keras.config.is_traceback_filtering_enabled()
    keras.config.enable_traceback_filtering()
    assert keras.config.is_traceback_filtering_enabled()


def test_disable_interactive_logging_silences_fit(capsys):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    data = (np.ones((4, 2)), np.ones((4, 1)))
    try:
        keras.config.disable_interactive_logging()
        assert not keras.config.is_interactive_logging_enabled()
        model.fit(*data, epochs=1, verbose=2)
        assert capsys.readouterr().out == ""
    finally:
        keras.config.enable_interactive_logging()
    model.fit(*data, epochs=1, verbose=2)
    assert "loss:" in capsys.readouterr().out
