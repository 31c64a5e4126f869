"""The table of file formats ``saving_api`` dispatches through.

Each :class:`FileFormat` says how it is recognised (the file names that pick it when saving,
the first bytes of its files and, where two formats share those, a look inside) and which
functions read and write it. Saving picks a format by ``save_format=`` or the file name;
loading by the file's first bytes, so a misnamed file still loads. A new format is a module
in ``saving/`` with its read and write functions and one entry in ``MODEL_FORMATS`` or
``WEIGHTS_FORMATS`` below; ``saving_api`` needs no change.

Signatures: a model format's ``write(model, filepath, include_optimizer=...)`` and
``read(filepath, custom_objects, compile=...)``; a weights format's ``write(model,
filepath)`` and ``read(model, filepath, by_name=..., skip_mismatch=...)``.
(``model.to_json()`` returns a string, not a file: it is no format here.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from torchkeras.registry import h5_utils
from torchkeras.saving import hdf5_format, keras_zip


def _any_content(filepath: str) -> bool:
    return True


@dataclass(frozen=True)
class FileFormat:
    """One file format: how it is recognised, how it is read and written."""
    name: str
    extensions: Tuple[str, ...]       # file names that pick it when saving
    save_formats: Tuple[str, ...]     # ``save_format=`` values that pick it
    magic: str                        # ``h5_utils.file_kind`` of its files: 'h5' or 'zip'
    read: Callable[..., Any]
    write: Optional[Callable[..., None]] = None   # None: read only
    holds: Callable[[str], bool] = _any_content   # a look inside, among same-magic formats

    def named(self, filepath: str) -> bool:
        """Whether ``filepath``'s name picks this format when saving."""
        return filepath.endswith(self.extensions) if self.extensions else False

    def detect(self, filepath: str, kind: str) -> bool:
        """Whether the file (of ``h5_utils.file_kind`` ``kind``) is in this format."""
        return kind == self.magic and self.holds(filepath)


# ------------------------------------------------------------------ weights readers
def _is_keras2_weights(filepath: str) -> bool:
    """Keras 2's layout: ``layer_names`` at the root, or a whole-model file's
    ``model_weights`` group."""
    with h5_utils.open_h5(filepath) as h5:
        return "layer_names" in h5.attrs or "layer_names0" in h5.attrs or \
            h5_utils.h5_get(h5, "model_weights", filepath) is not None


def _read_keras3_weights(model: Any, filepath: str, by_name: bool = False,
                         skip_mismatch: bool = False) -> None:
    if by_name:
        raise ValueError("by_name=True is only supported for Keras 2 `.h5` weights files "
                         f"(layer_names/weight_names); '{filepath}' uses Keras 3's layout.")
    keras_zip.load_weights_from_keras3_h5(model, filepath, skip_mismatch=skip_mismatch)


def _read_archive_weights(model: Any, filepath: str, by_name: bool = False,
                          skip_mismatch: bool = False) -> None:
    keras_zip.load_weights_from_keras(model, filepath, skip_mismatch=skip_mismatch)


# ------------------------------------------------------------------------- the table
H5_MODEL = FileFormat("h5", (".h5", ".hdf5"), ("h5", "hdf5", "keras_h5"), "h5",
                      read=hdf5_format.load_model_from_hdf5,
                      write=hdf5_format.save_model_to_hdf5)
KERAS_MODEL = FileFormat("keras", (".keras",), ("keras", "keras_v3"), "zip",
                         read=keras_zip.load_model_from_keras,
                         write=keras_zip.save_model_to_keras)
H5_WEIGHTS = FileFormat("h5 weights", (), (), "h5", read=hdf5_format.load_weights_from_hdf5,
                        write=hdf5_format.save_weights_to_hdf5, holds=_is_keras2_weights)
KERAS3_WEIGHTS = FileFormat("weights.h5", (".weights.h5",), (), "h5",
                            read=_read_keras3_weights,
                            write=keras_zip.save_weights_to_keras3_h5)
ARCHIVE_WEIGHTS = FileFormat("keras weights", (), (), "zip", read=_read_archive_weights)

MODEL_FORMATS: Tuple[FileFormat, ...] = (H5_MODEL, KERAS_MODEL)
# Detection tries them in order: Keras 2's layout is recognised by a look inside, Keras 3's
# is every other HDF5 weights file. Saving: a `.weights.h5` name picks Keras 3's layout,
# every other name (or any `save_format`) Keras 2's.
WEIGHTS_FORMATS: Tuple[FileFormat, ...] = (H5_WEIGHTS, KERAS3_WEIGHTS, ARCHIVE_WEIGHTS)
DEFAULT_WEIGHTS_FORMAT = H5_WEIGHTS

_SAVEDMODEL = ("tf", "tensorflow", "savedmodel")


# ------------------------------------------------------------------------ detection
def model_format_for_save(filepath: str, save_format: Optional[str]) -> FileFormat:
    """``save_format`` when given, else the file name; Keras's errors for the rest."""
    if save_format is not None:
        fmt = str(save_format).lower()
        for file_format in MODEL_FORMATS:
            if fmt in file_format.save_formats:
                return file_format
        if fmt in _SAVEDMODEL:
            raise NotImplementedError(
                "The TensorFlow SavedModel format needs TensorFlow; torchkeras saves `.keras` "
                "(Keras 3) and `.h5` (Keras 2) files. Use `model.save('model.keras')` or "
                "`model.save('model.h5')`.")
        raise ValueError(f"Unknown `save_format`: {save_format!r}. Expected 'keras' or 'h5'.")
    for file_format in MODEL_FORMATS:
        if file_format.named(filepath):
            return file_format
    raise ValueError("Invalid filepath extension for saving. Please add either a `.keras` "
                     "extension for the native Keras format (recommended) or a `.h5` "
                     "extension. Use `model.export(filepath)` if you want to export a "
                     f"SavedModel for use with TFLite/TFServing/etc. Received: "
                     f"filepath={filepath}.")


def check_weights_name(filepath: str) -> None:
    """A `.keras` name is a model file: Keras 3 asks for `.weights.h5`."""
    if KERAS_MODEL.named(filepath):
        raise ValueError("The filename must end in `.weights.h5`. Received: "
                         f"filepath={filepath}")


def weights_format_for_save(filepath: str, save_format: Optional[str]) -> FileFormat:
    """Keras 3's layout for a `.weights.h5` name, Keras 2's for any other name or when a
    ``save_format`` is given; TensorFlow checkpoints are refused."""
    check_weights_name(filepath)
    if save_format is not None and str(save_format).lower() == "tf":
        raise NotImplementedError("TensorFlow checkpoints need TensorFlow; save weights to "
                                  "an `.h5` or `.weights.h5` file.")
    if save_format is None:
        for file_format in WEIGHTS_FORMATS:
            if file_format.write is not None and file_format.named(filepath):
                return file_format
    return DEFAULT_WEIGHTS_FORMAT


def model_format_for_load(filepath: str) -> FileFormat:
    """The format of a model file, by its first bytes."""
    kind = h5_utils.file_kind(filepath)
    if kind == "missing":
        raise OSError(f"No file or directory found at {filepath}")
    if kind == "dir":
        raise ValueError(f"'{filepath}' is a directory (a TensorFlow SavedModel?). torchkeras "
                         "loads `.keras` and `.h5` files; SavedModel needs TensorFlow.")
    return _detect(MODEL_FORMATS, filepath, kind)


def weights_format_for_load(filepath: str) -> FileFormat:
    """The format of a weights (or whole-model) file, by its first bytes and layout."""
    kind = h5_utils.file_kind(filepath)
    if kind == "missing":
        raise FileNotFoundError(f"Unable to load weights: the file {filepath} does not exist.")
    if kind == "dir":
        raise ValueError(f"'{filepath}' is a directory (a TensorFlow checkpoint?); torchkeras "
                         "loads weights from `.h5`, `.weights.h5` and `.keras` files.")
    return _detect(WEIGHTS_FORMATS, filepath, kind)


def _detect(formats: Tuple[FileFormat, ...], filepath: str, kind: str) -> FileFormat:
    for file_format in formats:
        if file_format.detect(filepath, kind):
            return file_format
    raise h5_utils.CorruptFileError(  # file_kind returns only kinds the tables cover
        f"The file '{filepath}' is in no format torchkeras reads.")
