"""pytest glue for the compat replay tests.

``load_case(name)`` (from compat_case.py, re-exported here) returns a recorded case's
arrays and meta. Every ``assert_close`` records its deviation; at session end they are
written to ``compat/last_deviations.json`` (overall maxima first) for quoting.
"""

from __future__ import annotations

import os

# Tests compare runs numerically (jit vs eager, saved vs loaded, recorded references): the
# thread policy (backend/threads.py) must not change torch's thread count, and so the
# reduction order, between two runs of one test. tests/backend/test_threads.py clears this.
os.environ.setdefault("TORCHKERAS_THREAD_POLICY", "off")

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # so test modules can `import compat_case` in any import mode
    sys.path.insert(0, str(HERE))

from compat_case import CURRENT_TEST, DEVIATIONS, load_case, summary  # noqa: E402,F401


@pytest.fixture(autouse=True)
def _name_deviations(request: pytest.FixtureRequest):
    """Key deviation records by the running test's id."""
    CURRENT_TEST["id"] = request.node.nodeid
    yield
    CURRENT_TEST["id"] = "?"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if DEVIATIONS:
        (HERE / "last_deviations.json").write_text(json.dumps(summary(), indent=1) + "\n")
