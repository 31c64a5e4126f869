"""Shared test setup: make ``tests/`` importable (for ``layer_test``) and reset names."""
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
