"""The thread policy (backend/threads.py): what it reads and what the user's settings win."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.backend import threads

_real_busy_neighbours = threads.busy_neighbours


@pytest.fixture(autouse=True)
def _keep_torch_threads(monkeypatch):
    before = torch.get_num_threads()
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", threads.POLICY_ENV,
                 threads.NUM_THREADS_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "_expected_threads", before)
    monkeypatch.setattr(threads, "_user_took_over", False)
    monkeypatch.setattr(threads, "busy_neighbours", lambda: 0)
    monkeypatch.setattr(threads, "_last_check", float("-inf"))
    yield
    torch.set_num_threads(before)


def _fake_files(monkeypatch, files):
    monkeypatch.setattr(threads, "_read", lambda path: files.get(path))


def test_affinity_is_the_cpu_count(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5})
    _fake_files(monkeypatch, {})
    assert threads.usable_cpus() == 6
    assert threads.choose_num_threads({}) == 6


def test_cgroup_v2_quota_caps_affinity(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: set(range(16)))
    _fake_files(monkeypatch, {threads.CGROUP_V2_CPU_MAX: "250000 100000"})
    assert threads.cgroup_cpu_quota() == 2.5
    assert threads.usable_cpus() == 3
    assert threads.choose_num_threads({}) == 3


def test_cgroup_v2_max_means_no_quota(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    _fake_files(monkeypatch, {threads.CGROUP_V2_CPU_MAX: "max 100000"})
    assert threads.cgroup_cpu_quota() is None
    assert threads.usable_cpus() == 4


def test_cgroup_v1_quota(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: set(range(8)))
    _fake_files(monkeypatch, {threads.CGROUP_V1_QUOTA: "100000",
                              threads.CGROUP_V1_PERIOD: "100000"})
    assert threads.usable_cpus() == 1
    assert threads.choose_num_threads({}) == 1


def test_cgroup_v1_unlimited_and_garbage(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    _fake_files(monkeypatch, {threads.CGROUP_V1_QUOTA: "-1",
                              threads.CGROUP_V1_PERIOD: "100000"})
    assert threads.usable_cpus() == 3
    _fake_files(monkeypatch, {threads.CGROUP_V2_CPU_MAX: "lots 100000"})
    assert threads.cgroup_cpu_quota() is None


def test_one_cpu_gets_one_thread(monkeypatch):
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: {0})
    _fake_files(monkeypatch, {})
    assert threads.choose_num_threads({}) == 1


@pytest.mark.parametrize("name", ["OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_user_thread_env_is_respected(name):
    assert threads.choose_num_threads({name: "3"}) is None


def test_policy_off():
    assert threads.choose_num_threads({threads.POLICY_ENV: "off"}) is None


def test_torchkeras_num_threads_overrides_everything():
    env = {threads.NUM_THREADS_ENV: "3", "OMP_NUM_THREADS": "1"}
    assert threads.choose_num_threads(env) == 3


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_override_is_a_clear_error(value):
    with pytest.raises(ValueError, match=f"TORCHKERAS_NUM_THREADS must be a positive "
                                         f"integer. Received: TORCHKERAS_NUM_THREADS='{value}'"):
        threads.choose_num_threads({threads.NUM_THREADS_ENV: value})


def test_earlier_set_num_threads_is_respected(monkeypatch):
    monkeypatch.setattr(threads, "_expected_threads", torch.get_num_threads() + 1)
    assert threads.choose_num_threads({}) is None


def test_busy_neighbours_leave_their_cpus(monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 4)
    monkeypatch.setattr(threads, "busy_neighbours", lambda: 1)
    assert threads.choose_num_threads({}) == 3
    monkeypatch.setattr(threads, "busy_neighbours", lambda: 9)
    assert threads.choose_num_threads({}) == 1


def test_busy_neighbours_reads_proc_stat_less_own_threads(monkeypatch):
    monkeypatch.setattr(threads, "_read", lambda path: "cpu 1 2 3\nprocs_running 5\n"
                        if path == threads.PROC_STAT else None)
    monkeypatch.setattr(threads, "_own_running_threads", lambda: 2)
    assert _real_busy_neighbours() == 3
    monkeypatch.setattr(threads, "_read", lambda path: None)
    assert _real_busy_neighbours() == 0


def test_policy_follows_neighbours_then_stops_at_user_call(monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 2)
    neighbours = [1]
    monkeypatch.setattr(threads, "busy_neighbours", lambda: neighbours[0])
    torch.set_num_threads(2)
    monkeypatch.setattr(threads, "_expected_threads", 2)
    assert threads.apply_thread_policy() == 1 and torch.get_num_threads() == 1
    neighbours[0] = 0  # the neighbour ended: the policy takes the CPU back
    assert threads.apply_thread_policy() == 2 and torch.get_num_threads() == 2
    torch.set_num_threads(1)  # the user's choice: never undone afterwards
    neighbours[0] = 0
    assert threads.apply_thread_policy() is None and torch.get_num_threads() == 1
    torch.set_num_threads(1)
    assert threads.apply_thread_policy() is None


def test_applied_at_fit_and_not_after_user_call(monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 4)
    torch.set_num_threads(1)
    monkeypatch.setattr(threads, "_expected_threads", 1)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 2), "float32"), np.zeros((4, 1), "float32"), verbose=0)
    assert torch.get_num_threads() == 4
    torch.set_num_threads(2)  # the user's later choice is not undone by the next call
    model.predict(np.zeros((4, 2), "float32"), verbose=0)
    assert torch.get_num_threads() == 2


def test_predict_applies_the_override(monkeypatch):
    monkeypatch.setenv(threads.NUM_THREADS_ENV, "1")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.predict(np.zeros((2, 2), "float32"), verbose=0)
    assert torch.get_num_threads() == 1


def test_min_interval_skips_a_recent_check(monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 1)
    assert threads.apply_thread_policy() == 1
    calls = []
    monkeypatch.setattr(threads, "choose_num_threads", lambda: calls.append(1) or 1)
    assert threads.apply_thread_policy(min_interval=60.0) is None and calls == []
    assert threads.apply_thread_policy() == 1 and calls == [1]


def test_a_neighbour_starting_mid_epoch_is_seen_before_the_epoch_ends(monkeypatch):
    monkeypatch.setattr(threads, "usable_cpus", lambda: 2)
    clock = [1000.0]
    monkeypatch.setattr(threads.time, "monotonic", lambda: clock[0])
    seen = []

    class Neighbour(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(torch.get_num_threads())
            if batch == 1:  # a busy process starts; a second passes
                monkeypatch.setattr(threads, "busy_neighbours", lambda: 1)
                clock[0] += 1.5

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32"), batch_size=2,
              epochs=1, verbose=0, callbacks=[Neighbour()])
    assert seen == [2, 2, 1, 1]


def test_orthogonal_init_sizes_the_team_before_its_qr(monkeypatch):
    # QR is a barrier per column: with a spinning 2-thread team and a busy neighbour an LSTM's
    # recurrent kernel took ~1 s at build (before fit's own check), 0.2 ms with the team sized.
    torch.set_num_threads(2)
    monkeypatch.setattr(threads, "_expected_threads", 2)
    monkeypatch.setattr(threads, "usable_cpus", lambda: 2)
    monkeypatch.setattr(threads, "busy_neighbours", lambda: 1)
    w = keras.initializers.Orthogonal()((16, 64))
    assert torch.get_num_threads() == 1
    np.testing.assert_allclose(w @ w.T, np.eye(16), atol=1e-5)  # (16, 16): orthonormal rows


def test_a_helper_thread_runs_its_ops_alone_and_leaves_the_process_count():
    import threading
    before = torch.get_num_threads()
    seen = []

    def helper():
        seen.append(threads.single_thread_ops_in_this_thread())
        seen.append(torch.get_num_threads())
        seen.append(float(torch.ones(300, 300).sum()))  # an op above torch's grain still runs

    worker = threading.Thread(target=helper)
    worker.start()
    worker.join()
    assert seen == [True, 1, 90000.0]
    assert torch.get_num_threads() == before  # the main thread's team is untouched


def test_parallel_map_and_prefetch_threads_run_single_threaded_ops():
    from torchkeras.data import AUTOTUNE, Dataset
    before = torch.get_num_threads()
    counts = Dataset.range(16).map(lambda i: torch.tensor(torch.get_num_threads()),
                                   num_parallel_calls=2).prefetch(AUTOTUNE)
    assert [int(c) for c in counts] == [1] * 16
    sequential = Dataset.range(4).map(lambda i: torch.tensor(torch.get_num_threads()))
    assert [int(c) for c in sequential.prefetch(2)] == [1] * 4  # run in the prefetch thread
    assert [int(c) for c in sequential] == [before] * 4  # run in this thread: its own team
    assert torch.get_num_threads() == before


def test_heap_tuning_runs_once_and_yields_to_the_user(monkeypatch):
    calls = []
    monkeypatch.setattr(threads, "_glibc_mallopt", lambda p, v: calls.append((p, v)) or True)
    for env, want in [({"TORCHKERAS_MALLOC_TUNING": "off"}, False),
                      ({"MALLOC_TRIM_THRESHOLD_": "1000"}, False), ({}, True)]:
        monkeypatch.setattr(threads, "_heap_tuned", None)
        for name in ("TORCHKERAS_MALLOC_TUNING", "MALLOC_TRIM_THRESHOLD_",
                     "MALLOC_MMAP_THRESHOLD_"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert threads.keep_freed_heap_for_reuse() is want
        assert threads.keep_freed_heap_for_reuse() is want  # decided once
    assert calls == [(threads._M_MMAP_THRESHOLD, threads.MMAP_THRESHOLD_BYTES),
                     (threads._M_TRIM_THRESHOLD, threads.TRIM_THRESHOLD_BYTES)]
