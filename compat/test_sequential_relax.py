"""A ``Sequential`` without an ``Input`` called or fitted on a novel shape, and
``model.metrics`` / ``metrics_names`` at each stage, against tf_keras
(``fixtures/sequential_relax.json``, written by ``generate_sequential_relax.py``).

The model's ``input_shape`` is compared after the batch dimension: tf-keras keeps the batch
size of the first call (32), torchkeras builds with ``None``. A TensorFlow kernel error
(``backend``) is matched by any exception: torchkeras raises the layer's Keras error there.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import torchkeras as keras
from sequential_relax_cases import metric_stages

RECORD = json.loads((Path(__file__).resolve().parent / "fixtures" /
                     "sequential_relax.json").read_text())
SHAPE_CASES = {case["name"]: case for case in RECORD["shape_cases"]}
rng = np.random.RandomState(7)
# (case, shape) -> what torchkeras raises where tf_keras runs: torch's convolution refuses a
# kernel longer than the (unpadded) input, TensorFlow returns an empty (32, 0, filters).
KNOWN_DIFFERENCES = {("conv", (2, 19)): "Kernel size can't be greater than actual input size"}


def _batch(shape, batch=32):
    return rng.randn(batch, *shape).astype("float32")


def _make(case):
    layers = [keras.Input(tuple(case["explicit_input"]))] if case["explicit_input"] else []
    for cls, kwargs in case["layers"]:
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        layers.append(getattr(keras.layers, cls)(**kwargs))
    return keras.Sequential(layers, name=case["name"])


def _target(model, shape, batch):
    out = model.compute_output_shape((batch,) + tuple(shape))
    return rng.randn(*[d if d is not None else 1 for d in out]).astype("float32")


def _step(model, step):
    shape = tuple(step["shape"])
    if step["kind"] == "call":
        return tuple(model(_batch(shape)).shape)
    target = rng.randn(64, *shape[:-1], 1).astype("float32")  # the fit steps' Dense(1)
    model.fit(_batch(shape, 64), target, batch_size=32, epochs=1, verbose=0)
    return None


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_novel_input_shapes_run_or_raise_as_in_tf_keras(name):
    case = SHAPE_CASES[name]
    model = _make(case)
    model.compile(loss="mse", optimizer="adam")
    if case["fit_shape"] is not None:
        shape = tuple(case["fit_shape"])
        model.fit(_batch(shape, 64), _target(model, shape, 64), batch_size=32, epochs=1,
                  verbose=0)
    for step in case["steps"]:
        where = f"{name}: {step['kind']} on {step['shape']}"
        if (name, tuple(step["shape"])) in KNOWN_DIFFERENCES:
            with pytest.raises(RuntimeError, match=KNOWN_DIFFERENCES[name, tuple(step["shape"])]):
                _step(model, step)
        elif step["result"] == "ok":
            output_shape = _step(model, step)
            if step["output_shape"] is not None:
                assert list(output_shape) == step["output_shape"], where
        elif step.get("backend"):
            with pytest.raises(Exception):
                _step(model, step)
        else:
            with pytest.raises(getattr(__builtins__, step["type"], ValueError)) as info:
                _step(model, step)
            assert str(info.value) == step["message"], where
        assert list(model.input_shape)[1:] == step["input_shape"][1:], where


def test_metrics_lists_match_tf_keras_at_each_stage():
    x, y = _batch((4,), 64), _batch((1,), 64)
    assert metric_stages(keras, x, y) == RECORD["metrics_cases"]

