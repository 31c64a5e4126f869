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


SET_SHAPE_SCRIPT = """
import tensorflow as tf
x = tf.zeros([2, 3])
print("set", x.set_shape([None, 3]), tuple(x.shape))
x.set_shape(None)
for shape in ([2, 4], [2]):
    try:
        x.set_shape(shape)
    except ValueError as error:
        print(error)
ds = tf.data.Dataset.from_tensor_slices(tf.zeros([4, 3])).batch(2)
def split(batch):
    batch.set_shape([None, 3])
    return batch
print("mapped", [tuple(b.shape) for b in ds.map(split)])
"""


def test_runner_gives_tensors_tf_eager_set_shape(tmp_path):
    # time_series's WindowGenerator.split_window calls set_shape inside Dataset.map; the
    # messages are TensorFlow 2.21's for the same calls.
    script = tmp_path / "script.py"
    script.write_text(SET_SHAPE_SCRIPT)
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(script)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "set None (2, 3)",
        "Tensor's shape (2, 3) is not compatible with supplied shape (2, 4).",
        "Tensor's shape (2, 3) is not compatible with supplied shape (2,).",
        "mapped [(2, 3), (2, 3)]"]


def test_runner_says_which_imported_name_is_not_provided(tmp_path):
    # Python turns the shim's NotProvidedError into "cannot import name ... (unknown location)"
    script = tmp_path / "script.py"
    script.write_text("from keras.utils import OrderedEnqueuer\n")
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(script)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ImportError: cannot import name 'OrderedEnqueuer' from 'keras.utils': "
        "`keras.utils.OrderedEnqueuer` is not provided by torchkeras.")
    other = tmp_path / "other.py"
    other.write_text("from os import no_such_name\n")  # not a shim module: Python's message
    result = subprocess.run([sys.executable, "-m", "torchkeras", "run", str(other)],
                            capture_output=True, text=True, timeout=120)
    assert "cannot import name 'no_such_name' from 'os'" in result.stderr
    assert "not provided by torchkeras" not in result.stderr
