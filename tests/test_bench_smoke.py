"""The benchmark runs end to end on tiny sizes (a smoke test: no timing assertions)."""
import json
import sys
import warnings
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


def test_attention_bench_smoke(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import attention as attention_bench
        out = tmp_path / "attention.json"
        assert attention_bench.main(["--smoke", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = json.loads(out.read_text())
    assert [r["path"] for r in report["results"]] == ["torch", "torchkeras_call",
                                                      "torchkeras_eager"]
    assert report["max_abs_diff"] < 1e-5  # the hand-written module computes the same


def _bench_module(name):
    import importlib
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_peak_probe_sees_an_allocation():
    import mmap

    import numpy as np
    import torch
    memory = _bench_module("memory")
    probe = memory.PeakProbe(torch.device("cpu"))
    probe.start()
    # 64 MiB of fresh pages, touched. Not np.ones: malloc may serve it from heap memory an
    # earlier test left resident, and then the RSS does not grow (seen in a full-suite run).
    block = mmap.mmap(-1, 64 * 2 ** 20)
    np.frombuffer(block, dtype=np.uint8)[:] = 1
    block.close()
    result = probe.stop()
    assert result["method"] in ("VmHWM", "ru_maxrss")
    if result["method"] == "VmHWM":  # exact on Linux; ru_maxrss only bounds it from below
        assert 60 <= result["growth_mib"] < 100


def test_memory_child_prints_one_sides_growth():
    import subprocess
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--memory-child",
                          "xor", "torch", "--smoke"], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert (result["workload"], result["side"]) == ("xor", "torch")
    assert result["growth_mib"] >= 0 and result["peak_mib"] >= result["before_mib"]


def test_keras3_missing_interpreter_is_reported_not_raised(capsys):
    bench_run = _bench_module("run")
    results = [{"workload": "xor"}]
    keras3 = bench_run.add_keras3(results, "/nonexistent/python", 1, True)
    assert "error" in keras3 and results == [{"workload": "xor"}]
    assert "keras3: skipped" in capsys.readouterr().out


def test_jit_bench_smoke_compiles_with_inductor(tmp_path):
    """The jit workload: torchkeras's jit_compile=True and a torch.compile'd loop, both
    through the default inductor backend (a C++ compiler on this machine)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench_run
        out = tmp_path / "jit.json"
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="jit_compile")  # no eager fallback
            assert bench_run.main(["--smoke", "--only", "jit", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    (result,) = json.loads(out.read_text())["results"]
    assert result["workload"] == "jit" and result["torch_compiled_s"] > 0
    assert result["ratio_to_compiled_loop"] > 0


def test_bench_loaded_mode_reports_both_and_ends_its_neighbours(tmp_path, monkeypatch):
    bench_run = _bench_module("run")
    started = []
    real_start = bench_run.start_neighbours

    def spy(count, seconds):
        procs = real_start(count, seconds)
        started.extend(procs)
        return procs

    monkeypatch.setattr(bench_run, "start_neighbours", spy)
    out = tmp_path / "bench.json"
    assert bench_run.main(["--smoke", "--only", "xor", "--loaded", "1", "--no-memory",
                           "--out", str(out)]) == 0
    result = json.loads(out.read_text())["results"][0]
    assert result["neighbours"] == 1
    assert result["torchkeras_loaded_s"] > 0 and result["torch_loaded_s"] > 0
    assert len(started) == 1 and all(p.poll() is not None for p in started)


def test_contention_neighbours_are_bounded_in_time():
    import time
    contention = _bench_module("contention")
    start = time.perf_counter()
    procs = contention.start_neighbours(1, 0.5)
    procs[0].wait(timeout=30)  # ends by itself, without stop_neighbours
    assert procs[0].returncode == 0 and time.perf_counter() - start < 30


def test_tutorial_load_bench_runs_the_program_and_reads_its_timings():
    tutorial_load = _bench_module("tutorial_load")
    parsed = tutorial_load.parse_output(
        "TORCH_IMPORTED 101.0\nIMPORT_DONE 102.0\nDATA_READY 104.0\nx\nFIRST_STEP 105.5\n"
        "ITERATION 1 2.5 0.1\n", 100.0)
    assert parsed == {"first_step_s": 5.5, "iteration_fit_s": [2.5], "start_to_import_s": 2.0,
                      "import_to_first_step_s": 3.5, "build_to_first_step_s": 1.5,
                      "torch_import_s": 1.0, "after_torch_s": 2.5}
    cell = tutorial_load.run_cell("torchkeras", neighbours=0, policy=True, iterations=1,
                                  rows=64, timeout=300)
    assert not cell["stalled"]
    assert cell["first_step_s"] > 0 and len(cell["iteration_fit_s"]) == 1
    assert cell["after_torch_s"] > 0 and cell["wall_s"] >= cell["first_step_s"]


def test_tutorial_load_bench_times_the_three_whole_tutorials(tmp_path, capsys):
    tutorial_load = _bench_module("tutorial_load")
    out = tmp_path / "tutorials.json"
    assert tutorial_load.main(["--programs", "mnist_mlp,cifar_cnn,imdb_lstm", "--smoke",
                               "--neighbours", "0", "--policies", "on", "--no-warmup",
                               "--markdown", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [r["program"] for r in rows] == ["mnist_mlp", "cifar_cnn", "imdb_lstm"]
    for row in rows:
        assert not row["stalled"] and row["runner"] == "torchkeras policy on"
        assert 0 < row["start_to_import_s"] < row["first_step_s"] <= row["wall_s"]
        assert 0 < row["build_to_first_step_s"] <= row["import_to_first_step_s"]
        assert 0 < row["after_torch_s"] and row["load_avg"] >= 0
    table = capsys.readouterr().out
    assert "| imdb_lstm | torchkeras policy on | 0 |" in table


def test_ops_overhead_bench_measures_every_pair():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import ops_overhead
        rows = ops_overhead.measure(n=20, repeats=1)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert [r["op"] for r in rows] == list(ops_overhead.pairs())
    assert all(r["ops_us"] > 0 and r["torch_us"] > 0 and r["ratio"] > 0 for r in rows)


def test_applications_bench_smoke(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import applications as applications_bench
        out = tmp_path / "apps.json"
        assert applications_bench.main(["--smoke", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = json.loads(out.read_text())
    assert set(report["results"]) == {"forward vs torch nchw", "forward vs torch channels_last",
                                      "train step vs torch nchw",
                                      "train step vs torch channels_last"}
    assert all(r["ratio"] > 0 for r in report["results"].values())


def test_transformer_text_bench_smoke(tmp_path):
    """The keras.io transformer text classifier bench: torchkeras side on tiny sizes (the
    Keras 3 side needs --keras3-python)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import transformer_text
        out = tmp_path / "transformer.json"
        assert transformer_text.main(["--smoke", "--out", str(out)]) == 0
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = json.loads(out.read_text())
    assert report["torchkeras_epoch_s"] > 0 and len(report["torchkeras_epochs_s"]) == 1
    assert "keras3_epoch_s" not in report
