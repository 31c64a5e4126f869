"""The import shim: keras/tensorflow paths resolve to torchkeras only when installed."""
import subprocess
import sys

import pytest

import torchkeras
from torchkeras import compat
from torchkeras.compat.finder import resolve


@pytest.fixture
def shim():
    roots = compat.install(override=True)
    yield roots
    compat.uninstall()


def test_importing_torchkeras_does_not_hijack_tensorflow():
    code = ("import sys, torchkeras, importlib.util; "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules, "
            "any(type(f).__name__ == 'KerasFinder' for f in sys.meta_path))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_keras_paths_resolve_to_torchkeras(shim):
    assert set(shim) == {"keras", "tensorflow", "tf_keras"}
    from keras.layers import Dense
    from keras.layers.core import Dense as CoreDense
    from tensorflow.keras.layers import Conv2D
    from tensorflow.python.keras.layers.convolutional import Conv2D as OldConv2D
    from keras.src.layers import Dense as SrcDense
    from keras.utils.np_utils import to_categorical
    from keras.models import Sequential
    from tf_keras.engine.training import Model
    import keras.backend as K
    assert Dense is CoreDense is SrcDense is torchkeras.layers.Dense
    assert Conv2D is OldConv2D is torchkeras.layers.Conv2D
    assert to_categorical is torchkeras.utils.to_categorical
    assert Sequential is torchkeras.Sequential and Model is torchkeras.Model
    assert K.mean is torchkeras.backend.mean


def test_star_import_and_attribute_submodules(shim):
    namespace = {}
    exec("from keras.layers import *", namespace)
    assert namespace["Dense"] is torchkeras.layers.Dense
    import keras
    assert keras.utils.np_utils.to_categorical is torchkeras.utils.to_categorical
    assert keras.preprocessing.text.Tokenizer is torchkeras.preprocessing.text.Tokenizer


def test_not_provided_paths_and_names_raise_clearly(shim):
    with pytest.raises(ImportError, match="`keras.distribution` is not provided by torchkeras"):
        import keras.distribution  # noqa: F401
    import keras
    with pytest.raises(AttributeError, match="`keras.layers.NoSuchLayer` is not provided"):
        keras.layers.NoSuchLayer
    with pytest.raises(ImportError, match="NoSuchLayer"):
        from keras.layers import NoSuchLayer  # noqa: F401


def test_uninstall_removes_shim_modules(shim):
    import tensorflow  # noqa: F401
    assert "tensorflow" in sys.modules
    compat.uninstall()
    assert "tensorflow" not in sys.modules and not compat.is_installed()
    assert not any(type(f).__name__ == "KerasFinder" for f in sys.meta_path)


def test_real_installation_is_not_shadowed_with_override_false(monkeypatch):
    monkeypatch.setattr(compat, "_really_installed", lambda root: root == "tensorflow")
    with pytest.warns(UserWarning, match="`tensorflow` is installed"):
        roots = compat.install(override=False)
    try:
        assert "tensorflow" not in roots and "keras" in roots
    finally:
        compat.uninstall()


def test_resolve_table():
    assert resolve("keras") == ("torchkeras",)
    assert resolve("tensorflow.keras.layers.recurrent") == ("torchkeras.layers",)
    assert resolve("keras.utils.vis_utils") == ("torchkeras.utils.vis_utils",)
    assert resolve("tensorflow") == ("<tensorflow>",)
    with pytest.raises(ImportError):
        resolve("keras.wrappers.scikit_learn")
