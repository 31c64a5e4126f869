"""Importing torchkeras and a first fit stay light: torch._dynamo (over 1 s to import) is
only loaded when the user compiles something; heavy optional packages (PIL, h5py, scipy,
tqdm, tensorboard, pandas) and the application / dataset modules load on first use; the
import runs no cyclic-GC pass over torch's objects (issue 21, time to first step)."""
import importlib
import subprocess
import sys

import pytest

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

LAZY_SCRIPT = """
import gc
import sys
import torch
full_collections = []
gc.callbacks.append(lambda phase, info: full_collections.append(1)
                    if phase == "start" and info["generation"] == 2 else None)
before = set(sys.modules)  # torch itself imports tqdm and torch.export
import torchkeras as keras
loaded = set(sys.modules)
heavy = sorted(m for m in ("PIL", "h5py", "scipy", "tqdm", "tensorboard", "pandas",
                           "torch._dynamo", "torch.export", "torch.onnx")
               if m in loaded - before)
assert not heavy, f"import torchkeras imported {heavy}"
eager = sorted(m for m in loaded if m.startswith(("torchkeras.applications.",
                                                   "torchkeras.datasets.")))
assert eager == ["torchkeras.applications._common", "torchkeras.applications._layers",
                 "torchkeras.applications.imagenet_utils",
                 "torchkeras.applications.inception_resnet_v2"], eager
assert gc.isenabled(), "import torchkeras left the garbage collector off"
assert not full_collections, f"{len(full_collections)} full GC pass(es) during the import"
# The layers saved application models name resolve without loading the builders.
assert keras.saving.get_registered_object("Custom>CustomScaleLayer").__name__ == "CustomScaleLayer"
assert keras.saving.get_registered_object("convnext>StochasticDepth").__name__ == "StochasticDepth"
# First use loads them.
assert "ResNet50" in dir(keras.applications) and "mnist" in dir(keras.datasets)
assert keras.applications.ResNet50 is keras.applications.resnet.ResNet50
from torchkeras.applications.efficientnet import EfficientNetB0
assert keras.applications.EfficientNetB0 is EfficientNetB0
assert callable(keras.datasets.mnist.load_data)
from torchkeras.datasets import cifar10
assert "torchkeras.datasets.cifar10" in sys.modules
for missing in (lambda: keras.applications.NoSuchNet, lambda: keras.datasets.no_such_set):
    try:
        missing()
        raise SystemExit("a missing name resolved")
    except AttributeError:
        pass
print("ok")
"""


def test_import_and_first_fit_do_not_load_dynamo():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_loads_heavy_and_rarely_used_modules_on_first_use():
    result = subprocess.run([sys.executable, "-c", LAZY_SCRIPT], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_keeps_the_users_garbage_collector_setting():
    script = "import gc; gc.disable(); import torchkeras; print(gc.isenabled())"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("package", ["applications", "datasets"])
@pytest.mark.parametrize("hostile", ["os", "..compat", "_layers.os", "__main__", "sys"])
def test_lazy_loaders_import_only_their_own_listed_modules(package, hostile):
    """The first-use loaders take names from fixed tables in the package: any other name is
    an error, and nothing new is imported (no module path built from a caller's string)."""
    module = importlib.import_module(f"torchkeras.{package}")
    before = set(sys.modules)
    with pytest.raises(AttributeError):
        getattr(module, hostile)
    assert set(sys.modules) == before
