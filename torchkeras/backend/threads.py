"""torch's intra-op thread count, chosen so that a busy neighbour does not stall training.

torch's OpenMP team spins at the end of every parallel region waiting for all its threads;
when the team is as large as the machine and one other process is runnable, the OS
deschedules a team member and every op waits for it (bench/contention.py: MLP 784-128-10,
2 cores, one busy neighbour: 14.4 s with torch's 2 threads, 0.62 s with 1 thread; quiet:
1.6 s vs 0.67 s). The policy: ``usable CPUs - 1`` threads (at least 1), where usable CPUs
are the ones this process may run on (``os.sched_getaffinity``) capped by the cgroup CPU
quota. Applied once, at the first ``fit``/``evaluate``/``predict``.

What the user set wins: ``TORCHKERAS_THREAD_POLICY=off`` turns the policy off;
``TORCHKERAS_NUM_THREADS=N`` sets N threads; ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` in
the environment, or a ``torch.set_num_threads`` call made after torchkeras was imported,
leave torch's count alone.
"""
from __future__ import annotations

import math
import os
from typing import Mapping, Optional

import torch

POLICY_ENV = "TORCHKERAS_THREAD_POLICY"
NUM_THREADS_ENV = "TORCHKERAS_NUM_THREADS"
_USER_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
CGROUP_V2_CPU_MAX = "/sys/fs/cgroup/cpu.max"
CGROUP_V1_QUOTA = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"
CGROUP_V1_PERIOD = "/sys/fs/cgroup/cpu/cpu.cfs_period_us"

# torch's thread count when torchkeras was imported: a different count at the first fit
# means the user called torch.set_num_threads in between.
_TORCH_DEFAULT_THREADS: int = torch.get_num_threads()
_applied: bool = False


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


def policy_threads(cpus: int) -> int:
    """Intra-op threads for ``cpus`` usable CPUs: one CPU left for a neighbour."""
    return max(1, cpus - 1)


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
    if torch.get_num_threads() != _TORCH_DEFAULT_THREADS:
        return None  # torch.set_num_threads was called: the user's choice
    return policy_threads(usable_cpus())


def apply_thread_policy() -> Optional[int]:
    """Set torch's intra-op threads by the policy, once per process; returns the count set
    (None when the policy left torch alone or had already run)."""
    global _applied
    if _applied:
        return None
    _applied = True
    threads = choose_num_threads()
    if threads is not None and threads != torch.get_num_threads():
        torch.set_num_threads(threads)
    return threads
