"""Keras 3 optimizers and optimizer options against Keras 3.15 (``optimizers_k3.npz``,
written by ``generate_optimizers_k3.py``): ``optimizer.apply(grads, variables)`` step by step
for Lamb, Muon, ScheduleFreeAdamW, ``gradient_accumulation_steps`` and ``loss_scale_factor``;
the variables after every step, ``iterations`` and ``learning_rate``.

Tolerances: rtol 1e-5 / atol 1e-6 (largest deviation seen: 3e-7, ScheduleFreeAdamW).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchkeras as keras
from compat_case import assert_close, load_case

ARRAYS, META = load_case("optimizers_k3")
CASES = {c["name"]: c for c in META["cases"]}


def _variables():
    return [torch.nn.Parameter(torch.tensor(ARRAYS[f"var{j}"]))
            for j in range(len(META["shapes"]))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_apply_trajectory(name):
    spec = CASES[name]
    variables = _variables()
    opt = getattr(keras.optimizers, spec["class"])(**spec["kwargs"])
    for step in range(spec["steps"]):
        grads = [torch.tensor(ARRAYS[f"{name}__g{step}_{j}"]) for j in range(len(variables))]
        opt.apply(grads, variables)
        for j, v in enumerate(variables):
            assert_close(v, ARRAYS[f"{name}__v{step}_{j}"], f"{name} step {step} var {j}")
        assert int(opt.iterations) == spec["iterations"][step]
        assert float(opt.learning_rate) == pytest.approx(spec["learning_rate"][step])


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trip(name):
    spec = CASES[name]
    opt = getattr(keras.optimizers, spec["class"])(**spec["kwargs"])
    config = opt.get_config()
    for key, value in spec["kwargs"].items():
        assert config[key] == pytest.approx(value), key
    class_keys = set(spec["config_keys"]) - {"name", "jit_compile", "loss_scale_factor",
                                             "gradient_accumulation_steps"}
    assert class_keys <= set(config), class_keys - set(config)
    again = type(opt).from_config(config)
    assert again.get_config() == config


def test_apply_after_build_uses_the_built_variables():
    spec = CASES["lamb"]
    variables = _variables()
    opt = keras.optimizers.Lamb(**spec["kwargs"])
    opt.build(variables)
    grads = [torch.tensor(ARRAYS[f"lamb__g0_{j}"]) for j in range(len(variables))]
    opt.apply(grads)  # no variables: the ones given to build
    for j, v in enumerate(variables):
        assert_close(v, ARRAYS[f"lamb__v0_{j}"], f"lamb after build var {j}")
    with pytest.raises(ValueError, match="must match `optimizer.variables`"):
        opt.apply(grads[:2])
    with pytest.raises(ValueError, match="must already be built"):
        keras.optimizers.Lamb().apply(grads)


def test_apply_gradients_zip_matches_apply():
    spec = CASES["adam_accumulate"]
    variables = _variables()
    opt = keras.optimizers.Adam(**spec["kwargs"])
    for step in range(spec["steps"]):
        grads = [torch.tensor(ARRAYS[f"adam_accumulate__g{step}_{j}"])
                 for j in range(len(variables))]
        opt.apply_gradients(zip(grads, variables))
    for j, v in enumerate(variables):
        assert_close(v, ARRAYS[f"adam_accumulate__v{spec['steps'] - 1}_{j}"], f"zip var {j}")


def test_accumulation_steps_must_be_an_integer_of_at_least_two():
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        keras.optimizers.Adam(gradient_accumulation_steps=1)
