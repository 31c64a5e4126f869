"""A worker that dies mid-fit: the other one must not hang; torchrun exits with an error."""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 120


def test_killed_worker_makes_the_run_fail_within_the_timeout():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore",
               TORCHKERAS_DEVICE="cpu")
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node=2", os.path.join(HERE, "_dying_worker.py")]
    start = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    elapsed = time.monotonic() - start
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    assert "finished training" not in done.stdout  # rank 0 did not carry on alone
    assert elapsed < TIMEOUT
    # torchrun names the dead worker as the root cause and stops the survivor.
    assert re.search(r"rank\s*:\s*1 \(local_rank: 1\)\s*\n\s*exitcode\s*:\s*3", output), \
        output[-3000:]
