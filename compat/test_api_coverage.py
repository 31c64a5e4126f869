"""The committed API coverage table matches torchkeras as it is now."""
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _generator():
    spec = importlib.util.spec_from_file_location("generate_api", HERE / "generate_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_coverage_table_is_current():
    generator = _generator()
    expected = generator.build_table()
    actual = generator.TABLE.read_text()
    assert actual == expected, (
        "compat/api_coverage.md is stale (torchkeras gained or lost public names). Regenerate "
        "it with:  .venv/bin/python compat/generate_api.py --table")


def test_recorded_api_covers_every_namespace():
    import json
    api = json.loads((HERE / "keras_api.json").read_text())
    generator = _generator()
    for namespace in generator.NAMESPACES:
        assert namespace in api["keras2"] and namespace in api["keras3"]
    assert "Dense" in api["keras2"]["layers"] and "Dense" in api["keras3"]["layers"]
    assert generator.provided("layers", "Dense")
    assert not generator.provided("layers", "NoSuchLayer")
