"""registry/function_lookup.py: built-in functions come from what activations, losses and
metrics register (they sit above saving's registry layer); lookup order as Keras."""
import pytest

import torchkeras as keras
from torchkeras.registry import function_lookup


def test_activations_losses_and_metrics_register_their_functions():
    table = function_lookup.builtin_functions()
    assert table["relu"] is keras.activations.relu
    assert table["mean_squared_error"] is keras.losses.mean_squared_error
    assert table["binary_accuracy"] is keras.metrics.binary_accuracy
    assert set(function_lookup._BUILTIN_SOURCES) == {"activations", "losses", "metrics"}


def test_resolve_function_finds_builtins_and_refuses_module_names():
    assert function_lookup.resolve_function("relu") is keras.activations.relu
    with pytest.raises(ValueError, match="could not locate function 'os.system'"):
        function_lookup.resolve_function("system", "os")


def test_unknown_builtin_source_is_an_error():
    with pytest.raises(ValueError, match="unknown built-in source 'optimizers'"):
        function_lookup.register_builtin_functions("optimizers", dict)
