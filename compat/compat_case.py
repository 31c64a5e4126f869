"""Helpers for the compat replay tests: load a recorded case, compare, record deviations.

The replay tests run without TensorFlow; everything a test needs is in
``compat/fixtures/<case>.npz`` (arrays plus a JSON ``meta`` string, see generate.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# "<test id> :: <what>" -> {"max_abs", "max_rel", "tol_used", "rtol", "atol"}; written to
# compat/last_deviations.json at session end by conftest.py.
DEVIATIONS: Dict[str, Dict[str, float]] = {}
CURRENT_TEST = {"id": "?"}


def load_case(name: str) -> Tuple[Dict[str, np.ndarray], Dict[str, Any]]:
    """Arrays and meta of ``fixtures/<name>.npz``.

    Example:
        >>> arrays, meta = load_case("xor")
        >>> arrays["x"].shape, meta["config"]["epochs"]
        ((4, 2), 50)
    """
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"]))
    return arrays, meta


def weights(arrays: Dict[str, np.ndarray], meta: Dict[str, Any], prefix: str) -> List[np.ndarray]:
    """The recorded weight list ``<prefix>_w0, <prefix>_w1, ...`` (prefix 'init' or 'final')."""
    return [arrays[f"{prefix}_w{i}"] for i in range(meta["config"][f"n_{prefix}_weights"])]


def history(arrays: Dict[str, np.ndarray], meta: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """The recorded History.history, keys in Keras 2 order."""
    return {k: arrays[f"hist__{k}"] for k in meta["outputs"]["history_keys"]}


def array_record(value: Any, encoding: str = "utf-8") -> Dict[str, Any]:
    """A tensor or array as the generators write it to JSON: dtype name, shape and values
    (strings decoded with ``encoding``; torch tensors as their own dtype)."""
    if hasattr(value, "dtype") and str(value.dtype).startswith("torch."):
        array = value.numpy()
        return {"dtype": str(value.dtype).replace("torch.", ""), "shape": list(array.shape),
                "value": array.tolist()}
    array = np.asarray(value)
    if array.dtype.kind in "USO":
        text = np.vectorize(lambda s: s.decode(encoding) if isinstance(s, bytes) else str(s),
                            otypes=[object])
        return {"dtype": "string", "shape": list(array.shape),
                "value": text(array).tolist() if array.size else []}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def to_numpy(value: Any) -> np.ndarray:
    """numpy view of a torch tensor, numpy array, list or Python number."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def assert_close(actual: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """np.testing.assert_allclose, after recording the deviation under ``what``.

    Recorded: max_abs = max|a - e|; max_rel = max |a - e| / max(|e|, 1e-6);
    tol_used = max |a - e| / (atol + rtol*|e|) (the check passes while <= 1).
    """
    a, e = to_numpy(actual), np.asarray(expected, dtype=np.float64)
    key = f"{CURRENT_TEST['id']} :: {what}"
    if a.shape != e.shape:
        DEVIATIONS[key] = {"shape_mismatch": f"{a.shape} vs {e.shape}"}
    else:
        err = np.abs(a - e)
        DEVIATIONS[key] = {
            "max_abs": float(np.max(err, initial=0.0)),
            "max_rel": float(np.max(err / np.maximum(np.abs(e), 1e-6), initial=0.0)),
            "tol_used": float(np.max(err / (atol + rtol * np.abs(e)), initial=0.0)),
            "rtol": rtol,
            "atol": atol,
        }
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=what)


def assert_weights_close(actual: List[Any], expected: List[np.ndarray], what: str,
                         rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Compare two weight lists (same length, order and shapes) array by array."""
    assert len(actual) == len(expected), f"{what}: {len(actual)} weights, Keras has {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert tuple(np.shape(a)) == e.shape, f"{what}[{i}]: shape {np.shape(a)}, Keras {e.shape}"
        assert_close(a, e, f"{what}[{i}]", rtol=rtol, atol=atol)


def assert_history_close(hist: Dict[str, Any], arrays: Dict[str, np.ndarray], meta: Dict[str, Any],
                         rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """History keys (names and order) and per-epoch values against the recording."""
    expected = history(arrays, meta)
    assert list(hist) == list(expected), f"History keys {list(hist)}, Keras 2 gives {list(expected)}"
    for key, values in expected.items():
        assert_close(hist[key], values, f"history[{key!r}]", rtol=rtol, atol=atol)


def summary() -> Dict[str, Any]:
    """Overall maxima plus every record, for last_deviations.json."""
    numeric = [v for v in DEVIATIONS.values() if "max_abs" in v]
    return {
        "overall": {
            "checks": len(DEVIATIONS),
            "max_abs": max((v["max_abs"] for v in numeric), default=None),
            "max_rel": max((v["max_rel"] for v in numeric), default=None),
            "max_tol_used": max((v["tol_used"] for v in numeric), default=None),
        },
        "checks": dict(sorted(DEVIATIONS.items())),
    }
