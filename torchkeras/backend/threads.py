"""torch's intra-op thread count, chosen so that a busy neighbour does not stall training.

torch's OpenMP team spins at the end of every parallel region waiting for all its threads;
when the team is as large as the free CPUs allow and one other process is runnable, the OS
deschedules a team member and every op waits for it. bench/contention.py (MLP 784-128-10,
60,000 rows, 2 cores): torch's 2 threads take 0.36-0.42 s quiet but 1.6-14 s with one busy
neighbour; 1 thread takes 0.5-0.8 s either way; OMP_WAIT_POLICY=PASSIVE costs 3x quiet.
So the policy sizes the team to the CPUs free right now: the CPUs this process may use
(``os.sched_getaffinity``, capped by the cgroup CPU quota) minus the other runnable
processes (``/proc/stat`` procs_running, less this process's own running threads), at
least 1. It runs at the start of ``fit``/``evaluate``/``predict`` and of every epoch.

What the user set wins: ``TORCHKERAS_THREAD_POLICY=off`` turns the policy off;
``TORCHKERAS_NUM_THREADS=N`` sets N threads; ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` in
the environment, or a ``torch.set_num_threads`` call (one that changed the count from what
torch or this policy last set), leave torch's count alone from then on.
"""
from __future__ import annotations

import math
import os
import time
from typing import Any, Callable, Mapping, Optional

import torch

POLICY_ENV = "TORCHKERAS_THREAD_POLICY"
NUM_THREADS_ENV = "TORCHKERAS_NUM_THREADS"
_USER_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
CGROUP_V2_CPU_MAX = "/sys/fs/cgroup/cpu.max"
CGROUP_V1_QUOTA = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"
CGROUP_V1_PERIOD = "/sys/fs/cgroup/cpu/cpu.cfs_period_us"
PROC_STAT = "/proc/stat"

# The count torch had when torchkeras was imported, then the count this policy last set:
# any other count means the user called torch.set_num_threads, and the policy stops.
_expected_threads: int = torch.get_num_threads()
_user_took_over: bool = False
_last_check: float = -math.inf


def _read(path: str) -> Optional[str]:
    try:
        with open(path, "r", encoding="ascii") as f:
            return f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def cgroup_cpu_quota() -> Optional[float]:
    """CPUs allowed by the cgroup CPU quota (cgroup v2 ``cpu.max`` or v1 CFS), or None."""
    text = _read(CGROUP_V2_CPU_MAX)
    if text:
        parts = text.split()
        if len(parts) == 2 and parts[0] != "max":
            try:
                quota, period = float(parts[0]), float(parts[1])
            except ValueError:
                return None
            return quota / period if quota > 0 and period > 0 else None
        return None
    quota_text, period_text = _read(CGROUP_V1_QUOTA), _read(CGROUP_V1_PERIOD)
    try:
        quota, period = float(quota_text or ""), float(period_text or "")
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def usable_cpus() -> int:
    """CPUs this process may really use: its affinity set, capped by the cgroup quota."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    if quota is not None:
        count = min(count, max(1, math.ceil(quota)))
    return max(1, count)


def _own_running_threads() -> int:
    """This process's threads in state R (its OpenMP team may still be spinning)."""
    count = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for task in tasks:
        stat = _read(f"/proc/self/task/{task}/stat")
        if stat and stat[stat.rfind(")") + 2:].startswith("R"):
            count += 1
    return max(1, count)


def busy_neighbours() -> int:
    """Runnable threads of other processes right now (0 where /proc is not readable)."""
    text = _read(PROC_STAT)
    if not text:
        return 0
    for line in text.splitlines():
        if line.startswith("procs_running"):
            try:
                running = int(line.split()[1])
            except (IndexError, ValueError):
                return 0
            return max(0, running - _own_running_threads())
    return 0


def policy_threads(cpus: int, neighbours: int) -> int:
    """Intra-op threads for ``cpus`` usable CPUs with ``neighbours`` runnable elsewhere:
    the free CPUs, at least 1."""
    return max(1, cpus - neighbours)


def choose_num_threads(environ: Optional[Mapping[str, str]] = None) -> Optional[int]:
    """The thread count the policy would set now, or None when it leaves torch alone."""
    env = os.environ if environ is None else environ
    if env.get(POLICY_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return None
    override = env.get(NUM_THREADS_ENV, "").strip()
    if override:
        try:
            value = int(override)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"{NUM_THREADS_ENV} must be a positive integer. "
                             f"Received: {NUM_THREADS_ENV}={override!r}")
        return value
    if any(env.get(name, "").strip() for name in _USER_ENV):
        return None
    if _user_took_over or torch.get_num_threads() != _expected_threads:
        return None  # torch.set_num_threads was called: the user's choice
    return policy_threads(usable_cpus(), busy_neighbours())


def apply_thread_policy(min_interval: float = 0.0) -> Optional[int]:
    """Set torch's intra-op threads by the policy now; returns the count (None when the
    policy leaves torch alone, or when it last ran under ``min_interval`` seconds ago).
    One check costs ~0.1 ms (reading /proc): per-epoch calls pass a ``min_interval``."""
    global _expected_threads, _user_took_over, _last_check
    now = time.monotonic()
    if now - _last_check < min_interval:
        return None
    _last_check = now
    threads = choose_num_threads()
    if threads is None:
        if torch.get_num_threads() != _expected_threads:
            _user_took_over = True
        return None
    if threads != torch.get_num_threads():
        torch.set_num_threads(threads)
    _expected_threads = threads
    return threads


# ------------------------------------------------------------------ helper threads
_omp_setter: Any = None  # libgomp/libiomp's omp_set_num_threads, looked up once (False: none)


def _omp_set_num_threads() -> Optional[Callable[[int], Any]]:
    """The OpenMP runtime's ``omp_set_num_threads`` that torch already loaded, or None."""
    global _omp_setter
    if _omp_setter is None:
        import ctypes  # standard library: only helper threads need it
        try:
            _omp_setter = ctypes.CDLL(None).omp_set_num_threads
        except (AttributeError, OSError):
            _omp_setter = False
    return _omp_setter or None


def single_thread_ops_in_this_thread() -> bool:
    """Make the torch ops this thread calls run on it alone: an OpenMP team of 1 for this
    thread only (OpenMP keeps the team size per thread); the process's count and every other
    thread stay as they are. For helper threads that run ops side by side (tf.data's parallel
    map and prefetch): with torch's default each of N helpers opens a team of
    ``torch.get_num_threads()`` on ops above torch's grain (a photo-sized resize), and the
    N x team threads oversubscribe the CPUs, spinning at every barrier. True when set."""
    torch.get_num_threads()  # torch sizes a thread's team on its first op: let it, then set
    setter = _omp_set_num_threads()
    if setter is None:
        return False
    setter(1)
    return torch.get_num_threads() == 1


# ------------------------------------------------------------------ the C heap
MALLOC_TUNING_ENV = "TORCHKERAS_MALLOC_TUNING"
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD_BYTES = 32 << 20  # glibc's own ceiling for its dynamic threshold
TRIM_THRESHOLD_BYTES = 128 << 20
_heap_tuned: Optional[bool] = None


def keep_freed_heap_for_reuse() -> bool:
    """Let glibc's heap keep freed image-sized buffers for reuse, once per process.

    Pipelines allocate and free a few 100 KB-10 MB buffers per element (decoded image,
    resized copy, batch) in several threads. glibc serves them with fresh ``mmap`` pages or
    trims its per-thread heaps as soon as they are freed, so every element page-faults its
    buffers in again: ~100 faults and 0.1-0.3 ms of kernel time per 320x240 photo
    (bench/README.md). This raises the mmap threshold to 32 MiB (glibc's own dynamic
    maximum) and keeps up to 128 MiB of free heap top before returning it to the OS. Only on
    glibc; ``TORCHKERAS_MALLOC_TUNING=off`` (or ``MALLOC_MMAP_THRESHOLD_`` /
    ``MALLOC_TRIM_THRESHOLD_`` in the environment) leaves the allocator alone. True when set.
    """
    global _heap_tuned
    if _heap_tuned is None:
        _heap_tuned = False
        off = os.environ.get(MALLOC_TUNING_ENV, "").strip().lower() in ("off", "0", "false",
                                                                        "no")
        user_set = any(os.environ.get(name) for name in ("MALLOC_MMAP_THRESHOLD_",
                                                         "MALLOC_TRIM_THRESHOLD_"))
        if not off and not user_set:
            _heap_tuned = _glibc_mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) and \
                _glibc_mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    return _heap_tuned


def _glibc_mallopt(parameter: int, value: int) -> bool:
    import ctypes  # standard library: only the heap tuning needs it
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only: other C libraries' mallopt differ
        return bool(libc.mallopt(parameter, value))
    except (AttributeError, OSError):
        return False
