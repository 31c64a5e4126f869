"""Lets the callback tests import their shared ``_helpers`` module (importlib import mode)."""
import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
