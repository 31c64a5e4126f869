"""A Keras name torchkeras does not provide yet raises an AttributeError that says so."""
import pytest

import torchkeras as keras
from torchkeras.backend import _not_provided


@pytest.mark.parametrize("module, name, keras_name", [
    (keras.layers, "TFSMLayer", "keras.layers.TFSMLayer"),
    (keras, "distribution", "keras.distribution"),
    (keras.utils, "OrderedEnqueuer", "keras.utils.OrderedEnqueuer"),
    (keras.preprocessing.image, "smart_resize", "keras.preprocessing.image.smart_resize"),
])
def test_missing_keras_name_says_not_provided_yet(module, name, keras_name):
    with pytest.raises(AttributeError, match=f"`{keras_name}` is a Keras name that torchkeras "
                                             "does not provide yet") as info:
        getattr(module, name)
    assert info.value.name == name and info.value.obj is module
    assert not hasattr(module, name)


def test_other_missing_names_keep_pythons_message():
    with pytest.raises(AttributeError) as info:
        keras.layers.NoSuchLayer  # noqa: B018
    assert str(info.value) == "module 'torchkeras.layers' has no attribute 'NoSuchLayer'"
    assert not hasattr(keras, "__wrapped__")
    assert hasattr(keras.layers, "Dense") and hasattr(keras, "Sequential")


def test_from_import_of_a_missing_name_is_an_import_error():
    with pytest.raises(ImportError, match="TFSMLayer"):
        from torchkeras.layers import TFSMLayer  # noqa: F401


def test_missing_names_per_namespace():
    assert "TFSMLayer" in _not_provided.missing_names("layers")
    assert "Dense" not in _not_provided.missing_names("layers")
    assert _not_provided.missing_names("no.such.namespace") == frozenset()
