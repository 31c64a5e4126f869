"""Keras 3 training-step and optimizer idioms (keras.io "Customizing what happens in fit()
with PyTorch", "Writing a training loop from scratch in PyTorch", "Knowledge Distillation"),
each script run unchanged through ``python -m torchkeras run`` in its own subprocess (all
started at once) and its printed results checked."""
from __future__ import annotations

from typing import Dict

import pytest

from tutorials.runner import run_programs

SCRIPTS = ("keras3_custom_train_step_torch", "keras3_training_loop_torch",
           "keras3_distillation_multi_output")
TIMEOUT = 300


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Dict[str, str]:
    return run_programs(SCRIPTS, tmp_path_factory.mktemp, TIMEOUT)


def test_custom_train_step_torch(outputs):
    out = outputs["keras3_custom_train_step_torch"]
    assert "custom step keys: ['loss', 'mae']" in out  # compiled metrics in self.metrics
    assert "custom step loss falls: True" in out
    assert "sample_weight keys: ['loss', 'mae']" in out
    assert "evaluate keys: ['loss', 'mae']" in out
    assert "steps per epoch (reset each epoch): [4.0, 4.0, 4.0]" in out
    assert "metrics_names: ['loss', 'mae', 'steps']" in out
    assert "metrics result: ['loss', 'mae', 'steps']" in out
    assert "after reset_metrics: 0.0" in out
    assert "gan keys: ['d_loss', 'g_loss']" in out
    assert "conv kernel trained: True" in out  # v.value.grad of a permuted (conv) kernel
    assert "optimizer iterations: 4 4" in out


def test_training_loop_torch(outputs):
    out = outputs["keras3_training_loop_torch"]
    assert "torch optimizer last loss:" in out
    assert "keras optimizer iterations: 40" in out
    assert "validation accuracy rises: True" in out
    assert "model.losses per forward: [1]" in out  # add_loss values of this forward only
    assert "added loss is this call's: True" in out
    assert "evaluate includes add_loss: True" in out


def test_distillation_and_multi_output(outputs):
    out = outputs["keras3_distillation_multi_output"]
    assert "distiller keys: ['loss', 'sparse_categorical_accuracy']" in out
    assert "distiller evaluate keys: ['loss', 'sparse_categorical_accuracy']" in out
    assert "teacher unchanged: False" in out  # as Keras 3
    assert ("keras 2 distiller keys: ['sparse_categorical_accuracy', 'student_loss', "
            "'distillation_loss']") in out
    assert ("tuple outputs keys: ['loss', 'output_1_loss', 'output_2_loss', "
            "'output_1_accuracy', 'output_2_mae']") in out  # tf-keras names
    assert ("tuple metrics_names: ['loss', 'output_1_loss', 'output_2_loss', "
            "'output_1_accuracy', 'output_2_mae']") in out
    assert "dict outputs keys: ['loss', 'cls_loss', 'reg_loss', 'cls_accuracy', 'reg_mae']" in out
    assert "dict predict keys: ['cls', 'reg']" in out
