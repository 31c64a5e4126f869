"""README's "What is not supported yet" and the package's missing-name list match what
compat/not_supported.py generates from compat/api_coverage.md."""
import importlib
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGENERATE = "Regenerate with:  .venv/bin/python compat/not_supported.py --write"


def _script():
    spec = importlib.util.spec_from_file_location("not_supported", HERE / "not_supported.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_section_is_current():
    script = _script()
    readme = script.README.read_text()
    expected = script.readme_section(script.all_missing())
    start = readme.index(script.BEGIN)
    assert readme[start:readme.index(script.END) + len(script.END)] == expected, REGENERATE


def test_package_missing_names_are_current():
    script = _script()
    assert script.DATA_MODULE.read_text() == script.data_module(script.all_missing()), \
        REGENERATE


def test_most_used_names_come_first_and_are_missing():
    script = _script()
    missing = script.all_missing()
    section = script.readme_section(missing)
    table = section[section.index("| Keras name"):section.index("The rest")]
    assert table.index("`keras.Loss`") < table.index("`keras.Metric`")
    flat = {f"{ns}.{name}" for ns, rows in missing.items() for name, _, _ in rows}
    assert "layers.Dense" not in flat and "layers.TFSMLayer" in flat
    assert [key for key in script.MOST_USED if key not in flat] == [], \
        "MOST_USED lists names torchkeras now provides; drop them"


def test_every_namespace_with_missing_names_has_the_hook():
    script = _script()
    from torchkeras.backend import _not_provided
    for namespace, rows in script.all_missing().items():
        if not rows:
            continue
        module = importlib.import_module("torchkeras" + ("." + namespace if namespace else ""))
        name = rows[0][0]
        try:
            getattr(module, name)
        except AttributeError as error:
            assert "does not provide yet" in str(error), (module.__name__, name)
        else:
            raise AssertionError(f"{module.__name__}.{name} exists but is listed as missing")
        assert name in _not_provided.missing_names(namespace)
