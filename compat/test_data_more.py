"""Replay of ``fixtures/data_more.json`` (recorded by generate_data_more.py from real TensorFlow,
tf_keras and Keras 3): ``tf.image.resize`` with the ScaleAndTranslate kernels, ``Resizing``
with them, ragged batches, ``tf.audio`` WAV decode/encode give TF's values, dtypes and shapes
on torchkeras; every public ``tf.data.Dataset`` method is provided or says it is not."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import torchkeras
from compat_case import FIXTURES, array_record
from data_more_cases import CASES, KERAS3_CASES, inputs
from torchkeras.backend.messages import NotProvidedError
from torchkeras.compat.finder import tensorflow_module

tf = tensorflow_module()
RECORD = json.loads((FIXTURES / "data_more.json").read_text())


def leaf(value) -> dict:
    if isinstance(value, tuple):
        return {"tuple": [leaf(v) for v in value]}
    if isinstance(value, list):
        return {"list": [leaf(v) for v in value]}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    return array_record(value, "latin-1")


def compare(got: dict, want: dict, name: str, atol: float) -> None:
    assert got.keys() == want.keys(), (name, got, want)
    for key in ("tuple", "list"):
        if key in want:
            assert len(got[key]) == len(want[key]), name
            for g, w in zip(got[key], want[key]):
                compare(g, w, name, atol)
            return
    if "bytes" in want:
        assert got["bytes"] == want["bytes"], name
        return
    assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"]), name
    if want["dtype"] in ("string", "bool") or "int" in want["dtype"]:
        assert got["value"] == want["value"], name
    else:
        np.testing.assert_allclose(np.asarray(got["value"], "float64"),
                                   np.asarray(want["value"], "float64"), atol=atol, rtol=1e-5,
                                   err_msg=name)


def test_cases_match_the_record():
    assert sorted(CASES) == sorted(RECORD["cases"])
    assert sorted(KERAS3_CASES) == sorted(RECORD["keras3_cases"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    compare(leaf(CASES[name](tf, torchkeras, inputs())), RECORD["cases"][name], name, 2e-4)


@pytest.mark.parametrize("name", sorted(KERAS3_CASES))
def test_keras3_resizing(name):
    compare(leaf(KERAS3_CASES[name](tf, torchkeras, inputs())), RECORD["keras3_cases"][name],
            name, 2e-4)


@pytest.mark.parametrize("name", RECORD["dataset_methods"])
def test_every_tf_dataset_method_is_provided_or_says_not(name):
    """TF's public ``Dataset`` names: each is an attribute of torchkeras's Dataset (class and
    instance), or reading it raises the runner's "not provided by torchkeras" error."""
    dataset = tf.data.Dataset.range(3)
    try:
        found = getattr(tf.data.Dataset, name)
    except NotProvidedError as error:
        assert f"tf.data.Dataset.{name}" in str(error)
        assert "not provided by torchkeras" in str(error)
        with pytest.raises(NotProvidedError, match=name):
            getattr(dataset, name)
        return
    assert found is not None
    assert getattr(dataset, name) is not None


@pytest.mark.parametrize("name", RECORD["experimental_names"])
def test_every_tf_data_experimental_name_is_provided_or_says_not(name):
    try:
        found = getattr(tf.data.experimental, name)
    except NotProvidedError as error:
        assert "not provided by torchkeras" in str(error) and name in str(error)
        return
    assert found is not None
