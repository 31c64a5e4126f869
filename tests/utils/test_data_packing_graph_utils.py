"""Keras 3's ``keras.utils`` helpers: pack/unpack of ``(x, y, sample_weight)``,
``get_source_inputs``, ``is_keras_tensor``, ``serialize``/``deserialize_keras_object``."""
import numpy as np
import pytest

import torchkeras as keras
from torchkeras import utils


def test_pack_and_unpack_round_trip():
    x, y, sw = np.ones(2), np.zeros(2), np.ones(2)
    assert utils.pack_x_y_sample_weight(x) is x
    assert utils.pack_x_y_sample_weight([x, x]) == ([x, x],)
    assert utils.pack_x_y_sample_weight(x, y) == (x, y)
    assert utils.unpack_x_y_sample_weight(utils.pack_x_y_sample_weight(x, y, sw)) == (x, y, sw)
    assert utils.unpack_x_y_sample_weight(x) == (x, None, None)
    assert utils.unpack_x_y_sample_weight([x, y]) == (x, y, None)
    with pytest.raises(ValueError, match=r"`\(x, y, sample_weight\)`, found"):
        utils.unpack_x_y_sample_weight((x, y, sw, sw))


def test_get_source_inputs_and_is_keras_tensor():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    merged = keras.layers.Concatenate()([keras.layers.Dense(2)(a), b])
    out = keras.layers.Dense(1)(merged)
    sources = utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert utils.get_source_inputs(a) == [a]
    assert utils.is_keras_tensor(out) and not utils.is_keras_tensor(np.ones(2))


def test_serialize_and_deserialize_a_registered_layer():
    @keras.saving.register_keras_serializable(package="K3Utils")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = utils.serialize_keras_object(Scale(3.0))
    again = utils.deserialize_keras_object(config)
    assert type(again) is Scale and again.factor == 3.0
