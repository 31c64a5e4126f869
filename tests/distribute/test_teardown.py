"""The exit hook: the process group torn down before finalization (gloo's worker threads
aborted scripts that simply ended), once, without hiding exit codes or user atexit handlers."""
import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.distributed as dist

from torchkeras import layers
from torchkeras.distribute import ddp, teardown
from torchkeras.engine.sequential import Sequential

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

if not dist.is_available():  # pragma: no cover
    pytest.skip("torch.distributed is not available", allow_module_level=True)


def _gloo_threads():
    """How many gloo worker threads this process runs (Linux), or None."""
    if not os.path.isdir("/proc/self/task"):
        return None
    count = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as handle:
                count += handle.read().strip() == "pt_gloo_runloop"
        except OSError:  # the thread ended meanwhile
            pass
    return count


@pytest.fixture
def fresh(monkeypatch):
    """A fresh hook state with one counting releaser; atexit left alone."""
    calls = []
    monkeypatch.setattr(teardown, "_STATE", {"installed": False, "done": False})
    monkeypatch.setattr(teardown, "_RELEASERS", [lambda: calls.append(1)])
    return calls


@pytest.fixture
def one_process_group():
    """A real gloo group of one process (its worker threads running)."""
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        yield  # holding no reference to the group (that would keep it alive)
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_install_registers_once(fresh, monkeypatch):
    registered = []
    monkeypatch.setattr(teardown.atexit, "register", registered.append)
    teardown.install()
    teardown.install()
    assert registered == [teardown.at_exit]


def test_runs_once_and_tolerates_no_process_group(fresh):
    assert not dist.is_initialized()
    assert teardown.at_exit() is False  # nothing to destroy, nothing raised
    assert teardown.at_exit() is False
    assert fresh == [1]  # the references were released, once


def test_a_failing_release_is_logged_not_raised(fresh, monkeypatch, caplog):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(teardown, "_RELEASERS", [broken])
    assert teardown.at_exit() is False
    assert "boom" in caplog.text


def test_release_group_joins_the_gloo_threads(one_process_group):
    import torch.distributed.nn.functional as functional  # torch's own (heavy) module
    op = functional.all_reduce.__defaults__[0]  # defaults: (op, group)
    if functional.all_reduce.__defaults__[-1] is None:  # imported before the group: capture
        functional.all_reduce.__defaults__ = (op, dist.group.WORLD)  # it as DDP's import does
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    model(torch.zeros(1, 3))
    assert ddp.wrap_model(model) is not None
    assert "_torchkeras_ddp" in model.__dict__
    before = _gloo_threads()
    assert teardown.release_group() is True
    assert not dist.is_initialized()
    assert "_torchkeras_ddp" not in model.__dict__
    assert functional.all_reduce.__defaults__[-1] is None
    if before is not None:
        assert before > 0
        assert _gloo_threads() == 0  # the group's destructor ran: its threads are joined


def test_a_failing_script_leaves_the_group(fresh, one_process_group, monkeypatch):
    monkeypatch.setattr(sys, "last_value", ValueError("the script failed"), raising=False)
    assert teardown.at_exit() is False
    assert dist.is_initialized()  # a collective may be pending: no destroy, no join
    assert fresh == [1]


@pytest.mark.parametrize("ending, code, destroyed", [
    ("pass", 0, True), ("raise SystemExit(3)", 3, True),
    ("raise ValueError('boom')", 1, False)])
def test_exit_code_and_user_atexit_handlers_are_kept(ending, code, destroyed):
    script = textwrap.dedent(f"""
        import atexit
        import torch.distributed as dist
        atexit.register(lambda: print("user hook; group alive:", dist.is_initialized()))
        from torchkeras.distribute import teardown
        dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
        teardown.install()
        {ending}
        """)
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == code, done.stderr[-2000:]
    # The user's handler, registered first, runs after torchkeras's.
    assert f"user hook; group alive: {not destroyed}" in done.stdout, done.stderr[-2000:]


def test_user_scripts_end_cleanly_under_torchrun(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore",
               TORCHKERAS_DEVICE="cpu", PYTHONPATH=ROOT)
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    for run in range(2):
        out = tmp_path / str(run)
        out.mkdir()
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                   "--nproc_per_node=2", os.path.join(HERE, "_user_script.py"), str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        for rank in range(2):
            record = json.loads((out / f"exit_{rank}.json").read_text())
            assert record["ran"]
            if record["threads"] is not None:  # the group's threads joined before finalizing
                assert "pt_gloo_runloop" not in record["threads"], record
