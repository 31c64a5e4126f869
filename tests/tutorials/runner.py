"""Runs the drop-in tutorial programs of this folder through ``python -m torchkeras run``,
each in its own subprocess, on the CPU with one thread and warnings off."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional

HERE = Path(__file__).resolve().parent


def program_env(**extra: str) -> Dict[str, str]:
    """The environment the programs run in: ``os.environ`` plus CPU/one-thread settings."""
    return dict(os.environ, TORCHKERAS_DEVICE="cpu", PYTHONWARNINGS="ignore",
                OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", **extra)


def program_command(name: str, *args: str) -> List[str]:
    """``python -m torchkeras run tests/tutorials/<name>.py *args``."""
    return [sys.executable, "-m", "torchkeras", "run", str(HERE / f"{name}.py"), *args]


def run_program(name: str, tmp_path: Path, timeout: float = 300,
                env: Optional[Mapping[str, str]] = None) -> subprocess.CompletedProcess:
    """Runs ``<name>.py`` in ``tmp_path`` and asserts it exited with 0."""
    proc = subprocess.run(program_command(name), capture_output=True, text=True,
                          env=dict(env) if env is not None else program_env(),
                          cwd=str(tmp_path), timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


def key_values(stdout: str) -> Dict[str, str]:
    """The program's ``key value`` lines as a dict (the value is the rest of the line)."""
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in stdout.splitlines()
            if " " in line}


def start_program(name: str, folder: Path, *args: str,
                  env: Optional[Mapping[str, str]] = None) -> subprocess.Popen:
    """Starts ``<name>.py`` in ``folder`` (stdout and stderr together) without waiting."""
    return subprocess.Popen(program_command(name, *args), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env=dict(env) if env is not None else program_env(),
                            cwd=str(folder))


def finish(name: str, proc: subprocess.Popen, timeout: float = 300) -> str:
    """Waits for a started program; asserts it exited with 0 and returns its output."""
    output, _ = proc.communicate(timeout=timeout)
    code = proc.returncode
    assert code == 0, f"{name}.py failed (exit {code}):\n{output[-4000:]}"
    return output


def stop(procs: Iterable[subprocess.Popen]) -> None:
    """Kills the started programs that are still running."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_programs(names: Iterable[str], folder_for: Callable[[str], Path],
                 timeout: float = 300) -> Dict[str, str]:
    """Starts every program at once (each in ``folder_for(name)``) and returns their outputs."""
    procs = {name: start_program(name, folder_for(name)) for name in names}
    try:
        return {name: finish(name, proc, timeout) for name, proc in procs.items()}
    finally:
        stop(procs.values())
