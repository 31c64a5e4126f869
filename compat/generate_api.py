"""Public API of real Keras (tf-keras 2.x and Keras 3) and what torchkeras provides of it.

Record the names (needs real Keras; run in the reference venv)::

    TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 /tmp/ref/bin/python compat/generate_api.py --record

writes ``compat/keras_api.json``. Regenerate the coverage table (no TensorFlow needed)::

    .venv/bin/python compat/generate_api.py --table

writes ``compat/api_coverage.md``; ``compat/test_api_coverage.py`` fails when it is stale.
"""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
API_JSON = HERE / "keras_api.json"
TABLE = HERE / "api_coverage.md"
NAMESPACES = ("layers", "losses", "metrics", "optimizers", "callbacks", "activations",
              "initializers", "regularizers", "constraints", "utils", "backend",
              "preprocessing.text", "preprocessing.sequence", "preprocessing.image", "datasets",
              "ops", "ops.image", "random")


# Why a Keras name is left out (namespace, name) -> reason: shown in the table's torchkeras
# column next to the "-", so the coverage file says what is missing on purpose.
NOT_PROVIDED_REASONS: Dict[Tuple[str, str], str] = {
    ("layers", "FlaxLayer"): "backend-specific (wraps a Flax module; JAX backend only)",
    ("layers", "JaxLayer"): "backend-specific (wraps a JAX function; JAX backend only)",
    ("layers", "TFSMLayer"): "backend-specific (loads a TensorFlow SavedModel; TF backend only)",
    ("layers", "DenseFeatures"): "Keras 2 feature columns (tf.feature_column); use "
                                 "preprocessing layers or utils.FeatureSpace",
    ("layers", "experimental"): "Keras 2 namespace alias; the layers are under keras.layers",
}


def _public(module: Any) -> List[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def record_names(keras3: bool) -> Dict[str, List[str]]:
    """Names per namespace of the Keras importable here (``import tf_keras`` / ``keras``)."""
    root = importlib.import_module("keras" if keras3 else "tf_keras")
    names = {}
    for namespace in NAMESPACES:
        module = root
        try:
            for part in namespace.split("."):
                module = getattr(module, part)
        except AttributeError:
            names[namespace] = []
            continue
        names[namespace] = _public(module)
    return names


def record() -> None:
    import tf_keras
    result = {"tf_keras_version": tf_keras.__version__,
              "keras2": record_names(keras3=False)}
    # Keras 3 in a clean process (TF_USE_LEGACY_KERAS must not be set for it).
    script = ("import json, sys; sys.path.insert(0, %r); import generate_api as g, keras; "
              "print(json.dumps({'v': keras.__version__, 'n': g.record_names(True)}))" % str(HERE))
    env = {k: v for k, v in __import__("os").environ.items() if k != "TF_USE_LEGACY_KERAS"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, check=True).stdout.strip().splitlines()[-1]
    keras3 = json.loads(out)
    result["keras3_version"] = keras3["v"]
    result["keras3"] = keras3["n"]
    API_JSON.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {API_JSON}")


def provided(namespace: str, name: str) -> bool:
    """Whether ``torchkeras.<namespace>.<name>`` exists (on torchkeras itself, no shim)."""
    import torchkeras
    module: Any = torchkeras
    try:
        for part in namespace.split("."):
            module = getattr(module, part)
        getattr(module, name)
    except AttributeError:
        return False
    return True


def _status(namespace: str, name: str, have: bool) -> str:
    """``yes``, or ``-`` with the reason it is left out when one is recorded."""
    if have:
        return "yes"
    reason = NOT_PROVIDED_REASONS.get((namespace, name))
    return f"- ({reason})" if reason else "-"


def build_table() -> str:
    """The Markdown coverage table for the recorded names."""
    api = json.loads(API_JSON.read_text())
    lines = ["# Keras API coverage", "",
             f"Public names of tf-keras {api['tf_keras_version']} (Keras 2) and Keras "
             f"{api['keras3_version']}, recorded by `compat/generate_api.py --record` into "
             "`compat/keras_api.json`, and whether `torchkeras` provides them "
             "(`yes`/`-`, with the reason after `-` where a name is left out on purpose; a blank "
             "Keras column: that Keras has no such name).",
             "", "Regenerate after adding names: `.venv/bin/python compat/generate_api.py --table`.",
             "", "| namespace | Keras 2 names provided | Keras 3 names provided |", "|---|---|---|"]
    sections = []
    for namespace in NAMESPACES:
        k2, k3 = set(api["keras2"].get(namespace, [])), set(api["keras3"].get(namespace, []))
        names = sorted(k2 | k3)
        have = {n for n in names if provided(namespace, n)}
        lines.append(f"| {namespace} | {len(have & k2)}/{len(k2)} | {len(have & k3)}/{len(k3)} |")
        rows = [f"## {namespace}", "", "| name | Keras 2 | Keras 3 | torchkeras |",
                "|---|---|---|---|"]
        for name in names:
            rows.append(f"| `{name}` | {'x' if name in k2 else ''} | {'x' if name in k3 else ''} "
                        f"| {_status(namespace, name, name in have)} |")
        sections.append("\n".join(rows))
    return "\n".join(lines) + "\n\n" + "\n\n".join(sections) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="record names from real Keras")
    parser.add_argument("--table", action="store_true", help="write compat/api_coverage.md")
    options = parser.parse_args()
    if options.record:
        record()
    if options.table or not options.record:
        TABLE.write_text(build_table())
        print(f"wrote {TABLE}")


if __name__ == "__main__":
    main()
