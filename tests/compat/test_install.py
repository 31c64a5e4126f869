"""``import torchkeras; torchkeras.compat.install()`` (the README's line) works, and takes
over ``tensorflow``/``keras`` even where the real packages are installed, unless they are
already imported (then a clear error). Each case runs in a fresh interpreter, with stand-in
"real" packages on ``PYTHONPATH`` whose import would create a marker file."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[2])


@pytest.fixture
def real_packages(tmp_path):
    """Stand-ins for an installed TensorFlow and Keras (Colab); importing one writes a marker."""
    site = tmp_path / "site"
    for name in ("tensorflow", "keras"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(
            f"open({str(tmp_path / (name + '.imported'))!r}, 'w').close()\n"
            f"__version__ = 'real-{name}'\n")
    return tmp_path


def _run(code, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, str(tmp_path / "site")]))
    return subprocess.run([sys.executable, "-W", "error::UserWarning", "-c",
                           textwrap.dedent(code)], capture_output=True, text=True, env=env)


def test_readme_line_works_without_importing_compat_first(tmp_path):
    result = _run("""
        import torchkeras
        torchkeras.compat.install()
        from tensorflow import keras
        print(keras.Sequential is torchkeras.Sequential)
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_import_torchkeras_does_not_import_compat():
    code = "import sys, torchkeras; print('torchkeras.compat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=ROOT), check=True).stdout
    assert out.split() == ["False"]


def test_install_takes_over_really_installed_packages(real_packages):
    result = _run("""
        import torchkeras
        roots = torchkeras.compat.install()
        import tensorflow as tf, keras
        from tensorflow import keras as tf_keras
        print(sorted(roots), tf_keras.Sequential is torchkeras.Sequential,
              keras.layers.Dense is torchkeras.layers.Dense)
    """, real_packages)
    assert result.returncode == 0, result.stderr  # and no warning (-W error)
    assert result.stdout.split() == ["['keras',", "'tensorflow',", "'tf_keras']", "True",
                                     "True"]
    assert not (real_packages / "tensorflow.imported").exists()
    assert not (real_packages / "keras.imported").exists()


def test_install_after_the_real_package_was_imported_says_to_call_it_first(real_packages):
    result = _run("""
        import tensorflow
        import torchkeras
        torchkeras.compat.install()
    """, real_packages)
    assert result.returncode != 0
    assert "RuntimeError: torchkeras.compat.install() must run before `import tensorflow`" \
        in result.stderr
    assert "override=False" in result.stderr


def test_override_false_leaves_installed_packages_alone(real_packages):
    result = _run("""
        import warnings
        warnings.simplefilter("ignore")
        import torchkeras
        roots = torchkeras.compat.install(override=False)
        import tensorflow
        print(roots, tensorflow.__version__)
    """, real_packages)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['tf_keras']", "real-tensorflow"]
    assert (real_packages / "tensorflow.imported").exists()
