"""``python -m torchkeras run SCRIPT`` runs an unchanged script with the shim."""
import subprocess
import sys

SCRIPT = """
import sys
import tensorflow as tf
from tensorflow import keras
import keras.backend as K
print("argv", sys.argv[1:])
print("name", __name__)
print("tf", tf.__version__, tf.keras.Sequential is keras.Sequential)
x = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(x * x)
print("grad", tape.gradient(y, x).numpy().tolist(), y.numpy())
"""


def test_run_script_with_arguments(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(script), "--epochs",
                             "3"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "argv ['--epochs', '3']" in lines
    assert "name __main__" in lines
    assert "tf 2.15.0 True" in lines
    assert "grad [2.0, 4.0] 5.0" in lines


def test_missing_script_and_help(tmp_path):
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run",
                             str(tmp_path / "nope.py")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "No such file" in result.stderr
    from torchkeras.__main__ import main
    assert main([]) == 2
