"""``keras.utils.FeatureSpace``: bad input gets Keras's messages; unadapted use, config,
custom features and the functional model path (numbers: compat/test_feature_space.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.data import Dataset
from torchkeras.utils import FeatureSpace

RAW = {"f": [0.0, 0.1, 0.2, 0.3], "s": ["a", "b", "a", "c"], "i": [0, 1, 2, 1]}


def _space(**kwargs):
    return FeatureSpace(features={"f": "float_normalized", "s": "string_categorical",
                                  "i": "integer_categorical"}, **kwargs)


def test_unknown_feature_in_crosses():
    with pytest.raises(ValueError, match=re.escape(
            "All features referenced in the `crosses` argument should be present in the "
            "`features` dict. Received unknown features: ('s', 'nope')")):
        _space(crosses=[("s", "nope")])


@pytest.mark.parametrize("make, message", [
    (lambda: _space(output_mode="list"),
     "Expected one of {'dict', 'concat'}. Received: output_mode=list"),
    (lambda: FeatureSpace.cross(("s", "i"), crossing_dim=8, output_mode="float"),
     "Expected one of {'int', 'one_hot'}. Received: output_mode=float"),
    (lambda: FeatureSpace.integer_categorical(output_mode="multi_hot"),
     "Expected one of {'int', 'one_hot', 'float'}. Received: output_mode=multi_hot"),
])
def test_wrong_output_mode(make, message):
    with pytest.raises(ValueError, match=re.escape(
            "Invalid value for argument `output_mode`. " + message)):
        make()


def test_invalid_feature_type_and_empty_features():
    with pytest.raises(ValueError, match="Invalid feature type: float_squashed"):
        FeatureSpace(features={"f": "float_squashed"})
    with pytest.raises(ValueError, match=re.escape(
            "The `features` argument cannot be None or empty.")):
        FeatureSpace(features={})


def test_use_before_adapt_raises_keras_message():
    fs = _space()
    message = re.escape("You need to call `.adapt(dataset)` on the FeatureSpace before you "
                        "can start using it.")
    for use in (lambda: fs(RAW), fs.get_inputs, fs.get_encoded_features):
        with pytest.raises(ValueError, match=message):
            use()


def test_nothing_to_adapt_needs_no_adapt():
    fs = FeatureSpace(features={"f": "float", "h": FeatureSpace.string_hashed(num_bins=4)})
    out = fs({"f": [1.5, 2.0], "h": ["x", "y"]})  # (2, 1 + 4)
    assert tuple(out.shape) == (2, 5)
    np.testing.assert_allclose(np.asarray(out)[:, 0], [1.5, 2.0])
    np.testing.assert_allclose(np.asarray(out)[:, 1:].sum(axis=1), [1.0, 1.0])


def test_adapt_and_call_reject_wrong_types():
    fs = _space()
    with pytest.raises(ValueError, match=re.escape(
            "`adapt()` can only be called on a tf.data.Dataset. Received instead: [1, 2]")):
        fs.adapt([1, 2])
    fs.adapt(RAW)  # Keras 3: a dict of lists
    with pytest.raises(ValueError, match="A FeatureSpace can only be called with a dict."):
        fs([0.0, 1.0])


def test_concat_of_an_int_feature_is_refused():
    fs = FeatureSpace(features={"i": FeatureSpace.integer_categorical(output_mode="int")})
    with pytest.raises(ValueError, match=re.escape(  # adapt builds the encoded features
            "Cannot concatenate features because feature 'i' has not been encoded "
            "(it has dtype int64). Consider using `output_mode='dict'`.")):
        fs.adapt(Dataset.from_tensor_slices({"i": [1, 2, 3]}))


def test_one_hot_of_a_float_preprocessor_is_refused():
    custom = FeatureSpace.feature(dtype="float32", preprocessor=keras.layers.Rescaling(2.0),
                                  output_mode="one_hot")
    with pytest.raises(ValueError, match=re.escape(
            "Feature 'r' has `output_mode='one_hot'`. Thus its preprocessor should return an "
            "int64 dtype. Instead it returns a float32 dtype.")):
        FeatureSpace(features={"r": custom}).get_encoded_features()


def test_dict_mode_keys_sorted_then_crosses_and_functional_model():
    fs = _space(output_mode="dict", crosses=[("s", "i")], crossing_dim=5)
    fs.adapt(Dataset.from_tensor_slices(RAW).batch(2))
    out = fs(RAW)
    assert list(out) == ["f", "i", "s", "s_X_i"]
    assert [tuple(v.shape) for v in out.values()] == [(4, 1), (4, 4), (4, 4), (4, 5)]
    encoded = fs.get_encoded_features()
    model = keras.Model(fs.get_inputs(), keras.layers.concatenate(list(encoded.values())))
    predicted = model.predict({k: np.asarray(v)[:, None] for k, v in RAW.items()}, verbose=0)
    np.testing.assert_allclose(
        predicted, np.concatenate([np.asarray(v) for v in out.values()], axis=1), atol=1e-6)


def test_config_round_trip_keeps_specs():
    fs = FeatureSpace(features={"f": FeatureSpace.float_rescaled(scale=2.0),
                                "s": FeatureSpace.string_hashed(num_bins=3, output_mode="int")},
                      crosses=[FeatureSpace.cross(("f", "s"), crossing_dim=7)],
                      output_mode="dict")
    clone = FeatureSpace.from_config(fs.get_config())
    assert clone.get_config()["crosses"] == fs.get_config()["crosses"]
    assert clone.features["s"].output_mode == "int"
    assert clone.preprocessors["s"].num_bins == 3
    assert isinstance(clone.preprocessors["f"], keras.layers.Rescaling)
    assert clone.output_mode == "dict" and clone.crossers["f_X_s"].num_bins == 7
