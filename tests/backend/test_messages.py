"""The one "Did you mean ...?" helper (backend/messages.py) and its call sites."""
import pytest

from torchkeras.backend.messages import close_name, did_you_mean


def test_close_name_finds_the_nearest_valid_name():
    assert close_name("patiance", ["patience", "monitor"]) == "patience"
    assert close_name("xyz", ["patience", "monitor"]) is None


def test_close_name_ignore_case_matches_lowercased():
    assert close_name("ADAMM", ["Adam", "SGD"]) is None
    assert close_name("ADAMM", ["Adam", "SGD"], ignore_case=True) == "Adam"


def test_did_you_mean_formats_one_or_several_hints():
    assert did_you_mean("unitz", ["units", "activation"]) == " Did you mean 'units'?"
    assert did_you_mean("unitz", ["units"], lead=". ") == ". Did you mean 'units'?"
    assert did_you_mean(["unitz", "activatio"], ["units", "activation"], name_each=True) == \
        " Did you mean 'units' for 'unitz', 'activation' for 'activatio'?"
    assert did_you_mean(["qqq"], ["units"]) == ""


def test_call_sites_use_the_helper_text():
    import torchkeras as keras
    with pytest.raises(TypeError, match=r"Keyword argument not understood: 'unitz'\. "
                                        r"Did you mean 'units'\?"):
        keras.layers.Dense(3, unitz=3)
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'adamm'.* Did you mean 'adam'\?"):
        keras.optimizers.get("adamm")
    with pytest.raises(TypeError, match=r"Did you mean 'patience'\?"):
        keras.callbacks.EarlyStopping(patiance=3)
