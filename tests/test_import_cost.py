"""Importing torchkeras and a first fit stay light: torch._dynamo (over 1 s to import) is
only loaded when the user compiles something."""
import subprocess
import sys

SCRIPT = """
import sys
import numpy as np
import torchkeras as keras
assert "torch._dynamo" not in sys.modules, "import torchkeras imported torch._dynamo"
model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((8, 3)), np.zeros(8), verbose=0)
assert "torch._dynamo" not in sys.modules, "the first fit imported torch._dynamo"
print("ok")
"""


def test_import_and_first_fit_do_not_load_dynamo():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
