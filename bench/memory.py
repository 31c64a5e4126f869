"""Peak memory of one side of a benchmark workload, each measured in a fresh process.

A process's high-water mark only ever grows, so the two sides cannot be compared inside one
process. ``measure`` starts ``run.py --memory-child WORKLOAD SIDE`` once per side; the child
(``measure_side``) first runs that side on smoke sizes, which pays the one-time costs a
process pays once whatever the data size (module imports: torch.optim's first step imports
torch._dynamo, ~80 MiB; oneDNN kernels and thread pools), then builds the full-size data,
resets the high-water mark and runs the side once. The figure is the peak growth over the
resident size just before that run: what the training or prediction itself needs on top of
the data the caller already holds.

On CPU that is VmHWM - VmRSS from /proc/self/status, VmHWM reset by writing 5 to
/proc/self/clear_refs (Linux); elsewhere the coarser ru_maxrss growth (a lower bound). On
CUDA it is the caching allocator's peak over what was allocated before.
"""
from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import numpy as np
import torch

SIDES = ("torchkeras", "torch")
RUN = Path(__file__).resolve().parent / "run.py"
_MIB = 2.0 ** 20


def _proc_status_mib() -> Optional[Dict[str, float]]:
    """VmRSS and VmHWM in MiB, or None where /proc/self/status is missing."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    values = {}
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB -> MiB
    return values if len(values) == 2 else None


def _reset_high_water_mark() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    status = _proc_status_mib()
    return status is not None and status["VmHWM"] <= status["VmRSS"] + 1


def _maxrss_mib() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / _MIB


class PeakProbe:
    """Peak memory growth over the start of a measured region."""

    def __init__(self, device: torch.device):
        self.device = device
        self.method = ""
        self.before = 0.0

    def start(self) -> None:
        gc.collect()
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.method = "cuda max_memory_allocated"
            self.before = torch.cuda.memory_allocated(self.device) / _MIB
        elif _reset_high_water_mark():
            self.method = "VmHWM"
            self.before = _proc_status_mib()["VmRSS"]
        else:
            self.method = "ru_maxrss"
            self.before = _maxrss_mib()

    def stop(self) -> Dict[str, object]:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            peak = torch.cuda.max_memory_allocated(self.device) / _MIB
        elif self.method == "VmHWM":
            peak = _proc_status_mib()["VmHWM"]
        else:
            peak = _maxrss_mib()
        return {"method": self.method, "before_mib": self.before, "peak_mib": peak,
                "growth_mib": max(peak - self.before, 0.0)}


def measure_side(name: str, side: str, smoke: bool) -> Dict[str, object]:
    """Run in the child: the peak memory growth of one run of ``side`` of ``name``."""
    import torchkeras as keras
    from workloads import WORKLOADS

    device = keras.backend.get_device()
    make = WORKLOADS[name]
    warm = make(smoke=True, device=device)  # one-time costs, on tiny data
    if warm is None:
        return {"workload": name, "side": side, "skipped": True}
    getattr(warm, side)()
    del warm
    workload = make(smoke=smoke, device=device)
    data_mib = sum(v.nbytes for v in vars(workload).values()
                   if isinstance(v, np.ndarray)) / _MIB  # the NumPy data both sides start from
    probe = PeakProbe(device)
    probe.start()
    getattr(workload, side)()
    return {"workload": name, "side": side, "device": str(device), "data_mib": data_mib,
            **probe.stop()}


def _child(name: str, side: str, smoke: bool) -> Dict[str, object]:
    command = [sys.executable, str(RUN), "--memory-child", name, side]
    out = subprocess.run(command + (["--smoke"] if smoke else []), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name: str, smoke: bool, repeats: int = 1) -> Optional[Dict[str, object]]:
    """Each side's peak growth (MiB; the median of ``repeats`` fresh processes) and the
    ratio torchkeras / torch."""
    growth = {}
    for side in SIDES:
        runs = [_child(name, side, smoke) for _ in range(max(repeats, 1))]
        if runs[0].get("skipped"):
            return None
        growth[side] = statistics.median(r["growth_mib"] for r in runs)
        method = runs[0]["method"]
        data_mib = runs[0]["data_mib"]
    ours, theirs = growth["torchkeras"], growth["torch"]
    return {"peak_mem_mib": {"torchkeras": round(ours, 1), "torch": round(theirs, 1)},
            # A ratio of near-zero growths says nothing; 1 MiB is about this method's noise.
            "peak_mem_ratio": ours / theirs if theirs >= 1.0 else None,
            "peak_mem_method": method, "data_mib": round(data_mib, 1)}
