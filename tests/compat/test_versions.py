"""Version strings: torchkeras follows Keras 2, so ``keras.__version__``, ``tf.__version__``
and ``tf.version.VERSION`` report the tf.keras generation it follows ("2.15.0"), and
tutorials' version checks take their Keras 2 branch; torchkeras's own release is
``torchkeras.__torchkeras_version__``."""
import subprocess
import sys

import pytest

import torchkeras
from torchkeras import compat
from torchkeras.compat import tf_namespace
from torchkeras.saving import hdf5_format


@pytest.fixture
def shim():
    compat.install()
    yield
    compat.uninstall()


def test_keras_version_is_the_keras_2_followed():
    assert torchkeras.__version__ == "2.15.0" == tf_namespace.VERSION == hdf5_format.KERAS_VERSION
    assert torchkeras.__version__.startswith("2") and torchkeras.__version__ >= "2."
    assert torchkeras.__torchkeras_version__ == "0.1.0"


def test_shim_modules_report_versions(shim):
    import keras
    import tensorflow as tf
    from tensorflow import keras as tf_keras
    assert keras.__version__ == tf.__version__ == tf.version.VERSION == "2.15.0"
    assert tf_keras.__version__ == tf.keras.__version__ == "2.15.0"
    assert tf.__version__ >= "2." and keras.__version__.startswith("2")


def test_command_line_version_names_both():
    out = subprocess.run([sys.executable, "-m", "torchkeras", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "torchkeras 0.1.0 (Keras API 2.15.0)"
