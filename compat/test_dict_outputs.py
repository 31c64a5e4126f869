"""Replay of ``fixtures/dict_outputs.json`` (recorded by generate_dict_outputs.py from
tf_keras 2.21 and Keras 3.15): a functional model with dict outputs keeps the user's key order
in ``model(x)``, ``predict``, ``predict_on_batch``, ``get_config()['output_layers']`` and the
model rebuilt from it, while ``output_names`` and the loss/metric names follow the sorted keys
(Keras 2; Keras 3 sorts its History/evaluate keys alphabetically). With dict keys other than
the output layers' names, ``output_names`` and the loss/metric names are the layers' names."""
from __future__ import annotations

import json

import pytest

import torchkeras as keras
from compat_case import FIXTURES
from dict_output_cases import key_orders, renamed_orders

RECORD = json.loads((FIXTURES / "dict_outputs.json").read_text())


@pytest.fixture(scope="module")
def orders():
    return key_orders(keras)


@pytest.mark.parametrize("what", sorted(RECORD["keras2"]["orders"]))
def test_key_order_matches_keras2(orders, what):
    assert orders[what] == RECORD["keras2"]["orders"][what]


@pytest.mark.parametrize("what", ["call", "predict", "predict_on_batch", "output_names",
                                  "config_output_layers", "from_config_call"])
def test_keras3_agrees_on_the_prediction_orders(what):
    assert RECORD["keras3"]["orders"][what] == RECORD["keras2"]["orders"][what]


@pytest.mark.parametrize("what", sorted(RECORD["keras2"]["renamed"]))
def test_keys_other_than_layer_names_match_keras2(what):
    assert renamed_orders(keras)[what] == RECORD["keras2"]["renamed"][what]
