"""The benchmark runs end to end on tiny sizes (a smoke test: no timing assertions)."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_smoke(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench_run
        out = tmp_path / "bench.json"
        assert bench_run.main(["--smoke", "--only", "mlp,xor,predict", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = json.loads(out.read_text())
    assert [r["workload"] for r in report["results"]] == ["mlp", "xor", "predict"]
    assert all(r["ratio"] > 0 and r["steps"] > 0 for r in report["results"])


def test_optimizer_bench_smoke(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import optimizers as optimizer_bench
        out = tmp_path / "opt.json"
        assert optimizer_bench.main(["--smoke", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rows = json.loads(out.read_text())["results"]
    assert {r["optimizer"] for r in rows} >= {"SGD", "Adam", "RMSprop", "Adafactor"}
    assert all(r["torchkeras_us"] > 0 for r in rows)
