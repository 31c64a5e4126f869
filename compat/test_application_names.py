"""keras.applications constructors' ``name`` argument against Keras 3.15 and tf_keras 2.21
signatures (``application_names.json``, written by ``generate_application_names.py``).

Every Keras 3 constructor takes ``name``; its default is Keras 3's except where Keras 2's
model name differs (torchkeras builds Keras 2's graphs and names them as Keras 2 does):
NASNet ("NASNet") and MobileNetV3 ("MobilenetV3small"/"MobilenetV3large"), both checked
against the recorded tf_keras models in test_applications*.py. ConvNeXt keeps Keras 2's
``model_name`` (default Keras 3's name) and takes ``name`` (default None: ``model_name``).
Every tf_keras constructor exists with all of Keras 2's arguments.
"""
from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import torchkeras as keras

RECORD = json.loads((Path(__file__).parent / "fixtures" / "application_names.json")
                    .read_text(encoding="utf8"))
KERAS3 = RECORD["keras3"]
KERAS2 = RECORD["keras2"]
# Keras 2's default model names where they differ from Keras 3's `name` default.
KERAS2_DEFAULTS = {"NASNetMobile": "NASNet", "NASNetLarge": "NASNet",
                   "MobileNetV3Small": "MobilenetV3small",
                   "MobileNetV3Large": "MobilenetV3large"}


def _params(constructor: str):
    return inspect.signature(getattr(keras.applications, constructor)).parameters


@pytest.mark.parametrize("constructor", sorted(KERAS3))
def test_every_keras3_constructor_takes_name_with_keras_default(constructor):
    params = _params(constructor)
    assert "name" in params, f"{constructor} does not take `name`"
    ours = params["name"].default
    expected = KERAS3[constructor]["name_default"]
    if constructor.startswith("ConvNeXt"):  # Keras 2's model_name carries the default
        assert ours is None and params["model_name"].default == expected
    elif constructor in KERAS2_DEFAULTS:
        assert ours == KERAS2_DEFAULTS[constructor] != expected
    else:
        assert ours == expected


@pytest.mark.parametrize("constructor", sorted(KERAS2))
def test_every_keras2_constructor_takes_its_arguments(constructor):
    missing = set(KERAS2[constructor]["params"]) - set(_params(constructor)) - {"kwargs"}
    assert not missing, f"{constructor} lacks Keras 2 argument(s) {sorted(missing)}"


def test_record_covers_both_versions():
    assert len(KERAS3) >= 40 and len(KERAS2) >= 71
    assert KERAS3["ResNet50"]["name_default"] == "resnet50"
    assert "name" not in KERAS2["ResNet50"]["params"]
