"""Shared test setup: make ``tests/`` importable (for ``layer_test``) and reset names."""
import os

# Tests compare runs numerically (jit vs eager, saved vs loaded, recorded references): the
# thread policy (backend/threads.py) must not change torch's thread count, and so the
# reduction order, between two runs of one test. tests/backend/test_threads.py clears this.
os.environ.setdefault("TORCHKERAS_THREAD_POLICY", "off")

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(autouse=True)
def _fresh_session():
    import torchkeras
    torchkeras.backend.clear_session()
    yield
    torchkeras.backend.clear_session()  # a module-scoped fixture made next starts fresh too
