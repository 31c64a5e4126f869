"""Two CPU processes (gloo) under ``python -m torch.distributed.run``: same numbers as one."""
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import _scenario  # noqa: E402

torch_distributed = pytest.importorskip("torch.distributed")
if not torch_distributed.is_available():  # pragma: no cover
    pytest.skip("torch.distributed is not available", allow_module_level=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp")
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT",
                "TORCHKERAS_DEVICE"):
        env.pop(key, None)
    env["TORCHKERAS_DEVICE"] = "cpu"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node=2", os.path.join(HERE, "_worker.py"), str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ranks = [dict(np.load(out / f"rank{r}.npz")) for r in range(2)]
    reference = _scenario.train()
    reference.update(_scenario.train_custom_steps())
    return out, ranks, reference


def test_final_weights_equal_one_process_with_uneven_last_batch(runs):
    _, ranks, reference = runs
    for key in [k for k in reference if k.startswith(("w", "after_empty_w"))]:
        for result in ranks:
            np.testing.assert_allclose(result[key], reference[key], atol=1e-5, err_msg=key)
    np.testing.assert_array_equal(ranks[0]["w0"], ranks[1]["w0"])


def test_custom_train_steps_average_gradients(runs):
    _, ranks, reference = runs
    keys = [k for k in reference if k.startswith(("TorchStyleStep", "MinimizeStep"))]
    assert len(keys) == 10
    for result in ranks:
        for key in keys:  # the custom logs are averaged over processes (equal shares here)
            np.testing.assert_allclose(result[key], reference[key], atol=1e-5, err_msg=key)


def test_history_and_evaluate_are_global_values(runs):
    _, ranks, reference = runs
    keys = [k for k in reference if k.startswith("history_")]
    assert keys == ["history_loss", "history_mae", "history_val_loss", "history_val_mae"]
    for result in ranks:
        for key in keys + ["evaluate"]:
            np.testing.assert_allclose(result[key], reference[key], rtol=1e-5, atol=1e-6,
                                       err_msg=key)


def test_predict_gathers_every_row_in_order_on_every_rank(runs):
    _, ranks, reference = runs
    for result in ranks:
        assert result["predict"].shape == (11, 1)
        np.testing.assert_allclose(result["predict"], reference["predict"], atol=1e-5)
        np.testing.assert_allclose(result["predict_val"], reference["predict_val"], atol=1e-5)
        np.testing.assert_allclose(result["predict_generator"], reference["predict"],
                                   atol=1e-5)
        np.testing.assert_allclose(result["evaluate_dataset"], reference["evaluate"],
                                   rtol=1e-5)


def test_only_rank_zero_writes_files_and_prints(runs):
    out, ranks, _ = runs
    assert (out / "ckpt_0.h5").exists() and not (out / "ckpt_1.h5").exists()
    assert (out / "log_0.csv").exists() and not (out / "log_1.csv").exists()
    assert all(bool(r["checkpoint_seen"]) for r in ranks)  # rank 1 waited for the file
    printed = (out / "stdout_0.txt").read_text()
    assert printed.count("Epoch ") == 3 and "val_loss" in printed
    assert (out / "stdout_1.txt").read_text() == ""
    lines = (out / "log_0.csv").read_text().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae" and len(lines) == 4


def test_shuffle_permutation_agrees_across_processes(runs):
    _, ranks, _ = runs
    sizes = [r["shuffled_sizes"] for r in ranks]
    np.testing.assert_array_equal(sizes[0] + sizes[1], [4, 4, 3, 4, 4, 3])
    # Interleave the two shares of each batch back into global batches.
    cursor = [0, 0]
    epochs = []
    for step in range(6):
        for r in range(2):
            n = sizes[r][step]
            epochs.append(ranks[r]["shuffled"][cursor[r]:cursor[r] + n])
            cursor[r] += n
    first, second = np.concatenate(epochs[:6]), np.concatenate(epochs[6:])
    assert sorted(first.tolist()) == list(range(11))  # each sample once: one permutation
    assert sorted(second.tolist()) == list(range(11))
    assert first.tolist() != second.tolist()  # a new permutation each epoch


def test_strategy_scope_script(runs):
    _, ranks, _ = runs
    for result in ranks:
        assert int(result["replicas"]) == 2
        assert float(result["reduced"]) == 3.0  # 1 + 2
    np.testing.assert_array_equal(ranks[0]["strategy_w0"], ranks[1]["strategy_w0"])
