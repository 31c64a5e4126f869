"""Numeric/categorical preprocessing layers against tf_keras (``preprocessing_numeric.npz``
and ``prepnum_*`` model files, written by ``generate_preprocessing_numeric.py``).

Per case: the layer rebuilt from the recorded kwargs, adapted on the recorded data (as
arrays, with ``batch_size``, or as a batched ``torchkeras.data.Dataset``), called on the
recorded input. Adapt results (weights mean/variance/count, bin boundaries) and outputs must
equal Keras 2's: bins and encodings exactly, float statistics to rtol 1e-6 (float32 streaming
updates; TF reduces a batch in another order), normalized outputs to rtol/atol 1e-5.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import torchkeras as keras
from compat_case import FIXTURES, assert_close, load_case

ARRAYS, META = load_case("preprocessing_numeric")
CASES = {c["name"]: c for c in META["cases"]}


def _kwargs(spec):
    kwargs = dict(spec["kwargs"])
    if isinstance(kwargs.get("axis"), list):
        kwargs["axis"] = tuple(kwargs["axis"])
    return kwargs


def _inputs(spec):
    name = spec["name"]
    if spec["list_input"]:
        return [ARRAYS[f"{name}__x{i}"] for i in range(spec["n_inputs"])]
    return ARRAYS[f"{name}__x"]


def _layer(spec):
    name = spec["name"]
    layer = getattr(keras.layers, spec["class"])(**_kwargs(spec))
    adapt = spec["adapt"]
    if adapt is not None:
        data = ARRAYS[f"{name}__adapt"]
        if "dataset_batch" in adapt:
            layer.adapt(keras.data.Dataset.from_tensor_slices(data)
                        .batch(adapt["dataset_batch"]))
        else:
            layer.adapt(data, batch_size=adapt.get("batch_size"))
    return layer


def _call(spec, layer):
    name = spec["name"]
    call_kwargs = {k: ARRAYS[f"{name}__arg__{k}"] for k in spec["call_kwargs"]}
    return np.asarray(layer(_inputs(spec), **call_kwargs))


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward(name):
    spec = CASES[name]
    layer = _layer(spec)
    output = _call(spec, layer)
    expected = ARRAYS[f"{name}__y"]
    assert output.shape == expected.shape, (output.shape, expected.shape)
    assert str(output.dtype) == spec["out_dtype"]
    if expected.dtype.kind in "iu" or spec["class"] != "Normalization":
        np.testing.assert_array_equal(output, expected)
    else:
        assert_close(output, expected, f"{name} output", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["adapt"]))
def test_adapt_state(name):
    spec = CASES[name]
    layer = _layer(spec)
    if spec["class"] == "Discretization":
        np.testing.assert_allclose(np.asarray(layer.bin_boundaries, "float64"),
                                   ARRAYS[f"{name}__bounds"], rtol=1e-6, atol=1e-7)
        return
    weights = layer.get_weights()
    assert [w.name.split("/", 1)[1] for w in layer.weights] == spec["weight_names"]
    assert len(weights) == 3
    assert_close(weights[0], ARRAYS[f"{name}__w0"], f"{name} mean", rtol=1e-6, atol=1e-6)
    assert_close(weights[1], ARRAYS[f"{name}__w1"], f"{name} variance", rtol=1e-5, atol=1e-7)
    assert int(weights[2]) == int(ARRAYS[f"{name}__w2"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_config(name):
    spec = CASES[name]
    layer = _layer(spec)
    ours = set(layer.get_config())
    keras2 = set(spec["config_keys"]) - {"batch_input_shape"}
    if spec["class"] == "Discretization":  # left out: Keras 3's __init__ rejects it
        keras2 -= {"trainable"}
    assert keras2 <= ours, sorted(keras2 - ours)
    clone = type(layer).from_config(layer.get_config())
    if layer.weights:  # adapted statistics travel as weights, not in the config
        clone(_inputs(spec))
        clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(_call(spec, clone), _call(spec, layer))


@pytest.mark.parametrize("name", sorted(META["errors"]))
def test_error_text(name):
    recorded = META["errors"][name]
    spec = {"cat_out_of_range": {"num_tokens": 3, "output_mode": "one_hot"},
            "cat_negative": {"num_tokens": 3}}[name]
    with pytest.raises(ValueError) as error:
        keras.layers.CategoryEncoding(**spec)(ARRAYS[f"err_{name}__x"])
    core = "Input values must be in the range 0 <= values < num_tokens with num_tokens=3"
    assert core in recorded["message"] and core in str(error.value)


@pytest.mark.parametrize("tag,ext", [("k2", "h5"), ("k3", "keras")])
def test_model_file_with_adapted_normalization(tag, ext):
    model = keras.models.load_model(os.path.join(FIXTURES, f"prepnum_norm__{tag}.{ext}"))
    norm = model.layers[0]
    assert type(norm).__name__ == "Normalization"
    assert [w.name.split("/")[-1].split(":")[0] for w in norm.weights] == \
        ["mean", "variance", "count"]
    assert_close(model.predict(ARRAYS["files__x"], verbose=0), ARRAYS[f"files__norm__{tag}"],
                 f"prepnum_norm {tag}", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("tag,ext", [("k2", "h5"), ("k3", "keras")])
def test_model_file_mixed(tag, ext):
    model = keras.models.load_model(os.path.join(FIXTURES, f"prepnum_mixed__{tag}.{ext}"))
    pred = model.predict([ARRAYS["files__x"], ARRAYS["files__ids"]], verbose=0)
    assert_close(pred, ARRAYS[f"files__mixed__{tag}"], f"prepnum_mixed {tag}", rtol=1e-5,
                 atol=1e-5)


def test_keras3_differences_are_recorded():
    """Keras 3 adapts Discretization on a whole array at once (Keras 2: batches of 32) and
    with another summary start: these bins differ, and torchkeras follows Keras 2."""
    differing = sorted(n for n, c in CASES.items() if c["k3_same"] is False)
    assert "disc_adapt_eps" in differing
    ours = np.asarray(_layer(CASES["disc_adapt_eps"]).bin_boundaries)
    assert not np.allclose(ours, ARRAYS["disc_adapt_eps__k3bounds"])


@pytest.mark.parametrize("tag,ext", [("k2", "h5"), ("k3", "keras")])
def test_torchkeras_files_load_in_real_keras(tag, ext):
    """``prepnum_tk.*`` written by torchkeras (all five layers, adapted Normalization and
    Discretization): tf_keras (.h5) and Keras 3 (.keras) loaded them and predicted the same;
    torchkeras reloads them too."""
    written, _ = load_case("prepnum_tk")
    real, _ = load_case("prepnum_tk_reverse")
    assert_close(real[f"pred__{tag}"], written["pred"], f"prepnum_tk read by {tag}",
                 rtol=1e-5, atol=1e-5)
    model = keras.models.load_model(os.path.join(FIXTURES, f"prepnum_tk.{ext}"))
    pred = model.predict([written["x"], written["ids"], written["other"]], verbose=0)
    assert_close(pred, written["pred"], f"prepnum_tk reloaded {ext}", rtol=1e-6, atol=1e-6)


def test_keras2_h5_with_adapted_discretization(tmp_path):
    """tf_keras keeps an adapted ``num_bins`` Discretization's state only in its ``summary``
    weight (shape (2, n), n data-dependent; config ``bin_boundaries: null``): it loads, the
    boundaries follow from the summary, and the model predicts as tf_keras; saved again by
    torchkeras (boundaries in the config) it reloads the same."""
    path = os.path.join(FIXTURES, "prepnum_disc_adapted__k2.h5")
    model = keras.models.load_model(path, compile=False)
    disc = model.layers[1]
    assert type(disc).__name__ == "Discretization" and disc.is_adapted
    np.testing.assert_array_equal(disc.summary, ARRAYS["files__disc__summary"])
    np.testing.assert_allclose(disc.bin_boundaries, ARRAYS["files__disc__bounds"], rtol=1e-6)
    x = ARRAYS["files__disc__x"]
    assert_close(model.predict(x, verbose=0), ARRAYS["files__disc__k2"], "disc adapted k2",
                 rtol=1e-5, atol=1e-5)
    again = os.path.join(tmp_path, "again.h5")
    model.save(again)
    assert_close(keras.models.load_model(again, compile=False).predict(x, verbose=0),
                 ARRAYS["files__disc__k2"], "disc adapted resaved", rtol=1e-5, atol=1e-5)
    fresh = keras.models.load_model(path, compile=False)  # load_weights by name: the summary too
    fresh.layers[1].summary = np.zeros((2, 0), np.float32)
    fresh.layers[1].bin_boundaries = []
    fresh.load_weights(path, by_name=True)
    np.testing.assert_allclose(fresh.layers[1].bin_boundaries, ARRAYS["files__disc__bounds"],
                               rtol=1e-6)
