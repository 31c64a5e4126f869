"""The table of file formats (saving/formats.py): what each save and load picks, Keras's
errors for what none takes, and saving_api dispatching through the table."""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

import torchkeras as keras
from torchkeras.saving import formats


def _model():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name="d")], name="s")


@pytest.mark.parametrize("name, save_format, expected", [
    ("m.keras", None, formats.KERAS_MODEL), ("m.h5", None, formats.H5_MODEL),
    ("m.hdf5", None, formats.H5_MODEL), ("m.keras", "h5", formats.H5_MODEL),
    ("m", "HDF5", formats.H5_MODEL), ("m", "keras_h5", formats.H5_MODEL),
    ("m.h5", "keras", formats.KERAS_MODEL), ("m", "keras_v3", formats.KERAS_MODEL)])
def test_model_format_for_save(name, save_format, expected):
    assert formats.model_format_for_save(name, save_format) is expected


def test_model_format_for_save_errors():
    for savedmodel in ("tf", "tensorflow", "SavedModel"):
        with pytest.raises(NotImplementedError, match="SavedModel format needs TensorFlow"):
            formats.model_format_for_save("m.h5", savedmodel)
    with pytest.raises(ValueError, match=re.escape("Unknown `save_format`: 'onnx'. Expected "
                                                   "'keras' or 'h5'.")):
        formats.model_format_for_save("m.h5", "onnx")
    with pytest.raises(ValueError, match=re.escape("Invalid filepath extension for saving. ")
                       + ".*" + re.escape("Received: filepath=m.weights.json.")):
        formats.model_format_for_save("m.weights.json", None)


@pytest.mark.parametrize("name, save_format, expected", [
    ("w.weights.h5", None, formats.KERAS3_WEIGHTS), ("w.h5", None, formats.H5_WEIGHTS),
    ("w", None, formats.H5_WEIGHTS), ("w.weights.h5", "h5", formats.H5_WEIGHTS),
    ("w.ckpt", "keras", formats.H5_WEIGHTS)])
def test_weights_format_for_save(name, save_format, expected):
    assert formats.weights_format_for_save(name, save_format) is expected


def test_weights_format_for_save_errors():
    with pytest.raises(ValueError, match=re.escape(
            "The filename must end in `.weights.h5`. Received: filepath=w.keras")):
        formats.weights_format_for_save("w.keras", None)
    with pytest.raises(NotImplementedError, match="TensorFlow checkpoints need TensorFlow"):
        formats.weights_format_for_save("w.h5", "tf")


def test_load_detects_by_content_not_name(tmp_path):
    model = _model()
    model.save(tmp_path / "h5model.keras", save_format="h5")   # HDF5 under a .keras name
    model.save(tmp_path / "zipmodel.h5", save_format="keras")  # zip under a .h5 name
    model.save_weights(tmp_path / "k2.weights.h5", save_format="h5")
    model.save_weights(tmp_path / "k3.weights.h5")
    model.save_weights(tmp_path / "k2.h5")
    assert formats.model_format_for_load(str(tmp_path / "h5model.keras")) is formats.H5_MODEL
    assert formats.model_format_for_load(str(tmp_path / "zipmodel.h5")) is formats.KERAS_MODEL
    weights = {name: formats.weights_format_for_load(str(tmp_path / name)) for name in
               ("k2.weights.h5", "k3.weights.h5", "k2.h5", "h5model.keras", "zipmodel.h5")}
    assert weights == {"k2.weights.h5": formats.H5_WEIGHTS,
                       "k3.weights.h5": formats.KERAS3_WEIGHTS, "k2.h5": formats.H5_WEIGHTS,
                       "h5model.keras": formats.H5_WEIGHTS,
                       "zipmodel.h5": formats.ARCHIVE_WEIGHTS}
    for name in weights:
        other = _model()
        other.load_weights(tmp_path / name)
        for a, b in zip(other.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="by_name=True is only supported for Keras 2"):
        _model().load_weights(tmp_path / "k3.weights.h5", by_name=True)


def test_load_errors_for_missing_files_and_directories(tmp_path):
    missing = str(tmp_path / "nothing.keras")
    with pytest.raises(OSError, match=re.escape(f"No file or directory found at {missing}")):
        formats.model_format_for_load(missing)
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"Unable to load weights: the file {missing} does not exist.")):
        formats.weights_format_for_load(missing)
    with pytest.raises(ValueError, match="is a directory \\(a TensorFlow SavedModel\\?\\)"):
        formats.model_format_for_load(str(tmp_path))
    with pytest.raises(ValueError, match="is a directory \\(a TensorFlow checkpoint\\?\\)"):
        formats.weights_format_for_load(str(tmp_path))


def test_every_format_reads_and_the_writers_have_distinct_names():
    for file_format in formats.MODEL_FORMATS + formats.WEIGHTS_FORMATS:
        assert callable(file_format.read) and file_format.magic in ("h5", "zip")
    assert all(f.write is not None for f in formats.MODEL_FORMATS)
    extensions = [e for f in formats.MODEL_FORMATS for e in f.extensions]
    assert len(extensions) == len(set(extensions))
    assert formats.DEFAULT_WEIGHTS_FORMAT.write is not None


def test_saving_api_dispatches_through_the_table(tmp_path, monkeypatch):
    """A new format is one table entry: save_model and load_model use it unchanged."""
    calls = []

    def write(model, filepath, include_optimizer=True):
        calls.append(("write", model.name, include_optimizer))
        formats.KERAS_MODEL.write(model, filepath, include_optimizer=include_optimizer)

    def read(filepath, custom_objects=None, compile=True):
        calls.append(("read", compile))
        return formats.KERAS_MODEL.read(filepath, custom_objects, compile=compile)

    custom = dataclasses.replace(formats.KERAS_MODEL, name="custom", extensions=(".tkz",),
                                 save_formats=("tkz",), read=read, write=write)
    monkeypatch.setattr(formats, "MODEL_FORMATS", (custom,) + formats.MODEL_FORMATS)
    model = _model()
    model.save(tmp_path / "m.tkz", include_optimizer=False)
    loaded = keras.models.load_model(tmp_path / "m.tkz", compile=False)
    assert calls == [("write", "s", False), ("read", False)]
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])
