"""Drop-in utilities against real tf-keras: ``keras.backend`` functions, ``Tokenizer``,
``pad_sequences``, image augmentation, ``timeseries_dataset_from_array``."""
import json

import numpy as np
import pytest

import torchkeras.backend as K
from compat_case import assert_close, load_case
from generate_dropin import (BACKEND_CALLS, image_outputs, run_backend, timeseries_outputs,
                             tokenizer_outputs)
from torchkeras.preprocessing import image, sequence, text
from torchkeras.utils import timeseries_dataset_from_array


def _to_numpy(value):
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


@pytest.mark.parametrize("name", sorted(BACKEND_CALLS))
def test_backend_function(name):
    arrays, _ = load_case("dropin_backend")
    actual = run_backend(K, _to_numpy)[name]
    expected = arrays[f"out__{name}"]
    assert actual.shape == expected.shape, name
    assert_close(actual.astype("float64"), expected.astype("float64"), f"K.{name}")


def _normalized(value):
    """Tokenizer JSON embeds json.dumps'd dicts whose key order follows Python's (randomised)
    set order: compare them parsed."""
    if isinstance(value, dict) and "json" in value:
        config = value["json"]["config"]
        value = dict(value, json=dict(value["json"], config={
            k: json.loads(v) if k in ("word_counts", "word_docs", "index_docs", "index_word",
                                      "word_index") else v for k, v in config.items()}))
    return json.loads(json.dumps(value))


def test_tokenizer():
    arrays, meta = load_case("dropin_text")
    ours = tokenizer_outputs(text)
    for key, expected in meta["outputs"].items():
        assert _normalized(ours[key]) == _normalized(expected), key
    for key, expected in arrays.items():
        assert_close(ours[key], expected, f"texts_to_matrix {key}")


def test_pad_sequences():
    arrays, meta = load_case("dropin_sequence")
    for name, kwargs in meta["cases"].items():
        actual = sequence.pad_sequences(meta["sequences"], **kwargs)
        assert actual.dtype == arrays[name].dtype, name
        np.testing.assert_array_equal(actual, arrays[name], err_msg=name)


def test_image_augmentation():
    arrays, _ = load_case("dropin_image")
    ours = image_outputs(image)
    for key, value in ours.items():
        assert_close(value, arrays[key], f"image {key}", atol=1e-4)


def test_timeseries_dataset():
    arrays, _ = load_case("dropin_timeseries")
    for key, value in timeseries_outputs(timeseries_dataset_from_array).items():
        np.testing.assert_array_equal(value, arrays[key], err_msg=key)
