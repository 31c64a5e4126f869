"""keras.io Keras 3 guides ("The Functional API", "Training & evaluation with the built-in
methods", "Making new layers and models via subclassing", "Writing a training loop from
scratch", "Serialization and saving" / "Customizing saving"): drop-in programs in their style,
each run unchanged through ``python -m torchkeras run`` in its own subprocess (all started at
once). The asserted lines are what Keras 3.15.1 on torch prints for the same programs (where
Keras 2 and 3 differ, as the Progbar's averaged values, Keras 2's; see README)."""
from __future__ import annotations

from typing import Dict

import pytest

from tutorials.runner import run_programs

SCRIPTS = ("keras3_guide_layers_optimizer", "keras3_guide_saving_hooks",
           "keras3_guide_builtin_functional")
TIMEOUT = 300


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Dict[str, str]:
    return run_programs(SCRIPTS, tmp_path_factory.mktemp, TIMEOUT)


def test_layer_state_progbar_and_optimizer_state(outputs):
    out = outputs["keras3_guide_layers_optimizer"]
    assert "sum 1: [2.0, 2.0]" in out and "sum 2: [4.0, 4.0]" in out  # add_weight.assign_add
    assert "weights: 1 non-trainable: 1" in out
    assert "4/4 - 0s - loss: 0.5000 - acc: 0.8000 - " in out  # tf-keras's Progbar averages
    assert "accumulating slots: 3" in out and "plain slots: 2" in out  # + accumulator
    assert "stateless params: [0.8999999761581421, 0.8999999761581421, 0.8999999761581421]" \
        in out
    assert "variable unchanged: [1.0, 1.0, 1.0]" in out
    assert "iterations after: 1 0" in out


def test_saving_hooks(outputs):
    out = outputs["keras3_guide_saving_hooks"]
    assert "regularizer: L1 0.005" in out  # serialize/deserialize_keras_object round trip
    assert "numbered entries seen: ['0', '1']" in out  # load_own_variables gets them all
    assert "extra state: [0.0, 2.0]" in out  # save_own_variables' named entry came back
    assert "vocab: Mary had a little lamb." in out  # save_assets / load_assets
    assert "built by hand: True" in out  # build(shape, extra_arg) called directly
    assert "layer_init: random_normal built: True" in out  # get_build_config round trip
    assert "compile restored: SGD True accuracy True" in out  # compile_from_config


def test_functional_batch_shape_and_builtin_training(outputs):
    out = outputs["keras3_guide_builtin_functional"]
    assert "batch_shape input: (16, 10, 5) output: (16, 8, 1)" in out
    assert "CustomMSE: 0.235417" in out
    assert "true positives: 2.5" in out and "after reset: 0.0" in out  # add_variable, .value
    assert "endpoint keys: ['loss']" in out
    assert "PyDataset keys: ['categorical_true_positives', 'loss'] 2" in out
    assert "DataLoader evaluate: 2 True" in out
