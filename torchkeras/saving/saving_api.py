"""``save_model``/``load_model``/``save_weights``/``load_weights``: pick the format, then
hand over to :mod:`hdf5_format` (Keras 2 ``.h5``) or :mod:`keras_zip` (Keras 3 ``.keras``,
``.weights.h5``).

Formats are chosen by extension when saving (``save_format='h5'`` forces HDF5) and by the
file's first bytes when loading, so a misnamed file still loads. Every save goes through
:func:`torchkeras.saving.atomic.atomic_write`: a failed save leaves the old file intact.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from typing import Any, Dict, Iterator, Optional

from torchkeras.backend.messages import did_you_mean
from torchkeras.saving import h5_utils, hdf5_format, keras_zip, model_config
from torchkeras.saving.functional_config import layer_entry
from torchkeras.saving.object_registration import CustomObjectScope
from torchkeras.saving.serialization import SafeModeScope, unsafe_deserialization_enabled

_IGNORED_SAVE_KWARGS = {"signatures", "options", "save_traces", "zipped"}


def _reject_unknown(method: str, kwargs: Dict[str, Any], valid: list,
                    error: type = ValueError) -> None:
    """Keras's error for unknown keyword arguments, with the near name when there is one."""
    if not kwargs:
        return
    hint = did_you_mean(list(kwargs), valid)
    if error is TypeError:
        raise TypeError(f"{method}() got an unexpected keyword argument "
                        f"'{next(iter(kwargs))}'.{hint}")
    raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}.{hint}")


@contextlib.contextmanager
def _h5py_errors_as_corrupt(filepath: str) -> Iterator[None]:
    """h5py reports damaged HDF5 metadata (bad B-tree or heap signatures, addresses past
    the end of the file) as RuntimeError/OSError from deep inside a read; name the file."""
    try:
        yield
    except (RuntimeError, OSError) as error:
        if isinstance(error, h5_utils.CorruptFileError) or not _raised_in_h5py(error):
            raise
        raise h5_utils.CorruptFileError(
            f"Unable to read '{filepath}': its HDF5 data is truncated or corrupted "
            f"({error}).") from error


def _raised_in_h5py(error: BaseException) -> bool:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"h5py{os.sep}" in tb.tb_frame.f_code.co_filename


def _path(filepath: Any) -> str:
    return os.fspath(filepath) if not isinstance(filepath, str) else filepath


def _proceed_with_overwrite(filepath: str) -> bool:
    """Keras's interactive ``[WARNING] ... already exists - overwrite? [y/n]`` prompt."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _save_format(filepath: str, save_format: Optional[str]) -> str:
    if save_format is not None:
        fmt = str(save_format).lower()
        if fmt in ("h5", "hdf5", "keras_h5"):
            return "h5"
        if fmt in ("keras", "keras_v3"):
            return "keras"
        if fmt in ("tf", "tensorflow", "savedmodel"):
            raise NotImplementedError(
                "The TensorFlow SavedModel format needs TensorFlow; torchkeras saves `.keras` "
                "(Keras 3) and `.h5` (Keras 2) files. Use `model.save('model.keras')` or "
                "`model.save('model.h5')`.")
        raise ValueError(f"Unknown `save_format`: {save_format!r}. Expected 'keras' or 'h5'.")
    if filepath.endswith(".keras"):
        return "keras"
    if filepath.endswith((".h5", ".hdf5")):
        return "h5"
    raise ValueError("Invalid filepath extension for saving. Please add either a `.keras` "
                     "extension for the native Keras format (recommended) or a `.h5` "
                     "extension. Use `model.export(filepath)` if you want to export a "
                     f"SavedModel for use with TFLite/TFServing/etc. Received: "
                     f"filepath={filepath}.")


def save_model(model: Any, filepath: Any, overwrite: bool = True,
               save_format: Optional[str] = None, include_optimizer: bool = True,
               **kwargs: Any) -> None:
    """``model.save(filepath)``: ``.keras`` (Keras 3 zip) or ``.h5`` (Keras 2 HDF5)."""
    _reject_unknown("save", {k: v for k, v in kwargs.items() if k not in _IGNORED_SAVE_KWARGS},
                    ["filepath", "overwrite", "save_format", "include_optimizer"])
    filepath = _path(filepath)
    fmt = _save_format(filepath, save_format)
    if not overwrite and os.path.exists(filepath) and not _proceed_with_overwrite(filepath):
        return
    if getattr(model, "_graph", None) is None and not hasattr(model, "_stack"):
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model or a "
            "Sequential model. It does not work for subclassed models, because such models "
            "are defined via the body of a Python method, which isn't safely serializable. "
            "Consider saving to the .keras format, or using `save_weights`.") \
            if fmt == "h5" else NotImplementedError(
            "Saving a subclassed model needs a config that rebuilds it; use a Functional or "
            "Sequential model, or `save_weights()`.")
    if fmt == "h5":
        hdf5_format.save_model_to_hdf5(model, filepath, include_optimizer=include_optimizer)
    else:
        keras_zip.save_model_to_keras(model, filepath, include_optimizer=include_optimizer)


def load_model(filepath: Any, custom_objects: Optional[Dict[str, Any]] = None,
               compile: bool = True, safe_mode: bool = True, map_location: Any = None,
               **kwargs: Any) -> Any:
    """A model from a ``.keras`` or ``.h5`` file written by Keras 2, Keras 3 or torchkeras.

    ``safe_mode=False`` (or an earlier ``keras.config.enable_unsafe_deserialization()``)
    allows running a ``Lambda`` layer's stored bytecode and unpickling a Keras 3
    ``TorchModuleWrapper``'s module; no module named in the file is ever imported;
    ``map_location`` moves the model to a device (files hold NumPy values, so a model saved
    on CUDA loads anywhere).
    """
    kwargs.pop("options", None)
    _reject_unknown("load_model", kwargs,
                    ["filepath", "custom_objects", "compile", "safe_mode", "map_location"])
    filepath = _path(filepath)
    kind = h5_utils.file_kind(filepath)
    if kind == "missing":
        raise OSError(f"No file or directory found at {filepath}")
    if kind == "dir":
        raise ValueError(f"'{filepath}' is a directory (a TensorFlow SavedModel?). torchkeras "
                         "loads `.keras` and `.h5` files; SavedModel needs TensorFlow.")
    safe_mode = safe_mode and not unsafe_deserialization_enabled()  # as Keras 3
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode), \
            _h5py_errors_as_corrupt(filepath):
        if kind == "h5":
            model = hdf5_format.load_model_from_hdf5(filepath, custom_objects, compile=compile)
        else:
            model = keras_zip.load_model_from_keras(filepath, custom_objects, compile=compile)
    if map_location is not None:
        model.to(map_location)
    return model


def save_weights(model: Any, filepath: Any, overwrite: bool = True,
                 save_format: Optional[str] = None, **kwargs: Any) -> None:
    """``model.save_weights``: ``.weights.h5`` in Keras 3's layout, other names in Keras 2's
    HDF5 layout (``layer_names``/``weight_names``)."""
    kwargs.pop("options", None)
    if kwargs.get("max_shard_size") is None:  # Keras 3's argument; files are never sharded
        kwargs.pop("max_shard_size", None)
    _reject_unknown("save_weights", kwargs, ["filepath", "overwrite", "save_format"],
                    TypeError)
    filepath = _path(filepath)
    if filepath.endswith(".keras"):
        raise ValueError("The filename must end in `.weights.h5`. Received: "
                         f"filepath={filepath}")
    if not overwrite and os.path.exists(filepath) and not _proceed_with_overwrite(filepath):
        return
    if save_format is not None and str(save_format).lower() == "tf":
        raise NotImplementedError("TensorFlow checkpoints need TensorFlow; save weights to "
                                  "an `.h5` or `.weights.h5` file.")
    if filepath.endswith(".weights.h5") and save_format is None:
        keras_zip.save_weights_to_keras3_h5(model, filepath)
    else:
        hdf5_format.save_weights_to_hdf5(model, filepath)


def load_weights(model: Any, filepath: Any, by_name: bool = False, skip_mismatch: bool = False,
                 **kwargs: Any) -> None:
    """``model.load_weights``: any of the weights layouts, or a whole-model file."""
    kwargs.pop("options", None)
    _reject_unknown("load_weights", kwargs, ["filepath", "by_name", "skip_mismatch"],
                    TypeError)
    filepath = _path(filepath)
    kind = h5_utils.file_kind(filepath)
    if kind == "missing":
        raise FileNotFoundError(f"Unable to load weights: the file {filepath} does not exist.")
    if kind == "dir":
        raise ValueError(f"'{filepath}' is a directory (a TensorFlow checkpoint?); torchkeras "
                         "loads weights from `.h5`, `.weights.h5` and `.keras` files.")
    with _h5py_errors_as_corrupt(filepath):
        _load_weights(model, filepath, kind, by_name, skip_mismatch)


def _load_weights(model: Any, filepath: str, kind: str, by_name: bool,
                  skip_mismatch: bool) -> None:
    if kind == "zip":
        import h5py  # heavy (~0.1 s): loaded for file I/O only
        archive = h5_utils.open_zip(filepath)
        try:
            data = h5_utils.read_member(archive, "model.weights.h5", filepath)
        except KeyError as error:
            raise h5_utils.CorruptFileError(f"The archive '{filepath}' has no "
                                            "model.weights.h5.") from error
        finally:
            archive.close()
        with h5py.File(io.BytesIO(data), mode="r") as h5:
            keras_zip.load_weights_store(h5, model, skip_mismatch, filepath)
        return
    with h5_utils.open_h5(filepath) as h5:
        keras2 = "layer_names" in h5.attrs or "layer_names0" in h5.attrs or \
            h5_utils.h5_get(h5, "model_weights", filepath) is not None
    if keras2:
        hdf5_format.load_weights_from_hdf5(model, filepath, by_name=by_name,
                                           skip_mismatch=skip_mismatch)
    else:
        if by_name:
            raise ValueError("by_name=True is only supported for Keras 2 `.h5` weights files "
                             f"(layer_names/weight_names); '{filepath}' uses Keras 3's layout.")
        keras_zip.load_weights_from_keras3_h5(model, filepath, skip_mismatch=skip_mismatch)


def model_to_json(model: Any, **kwargs: Any) -> str:
    """``model.to_json()``: the Keras 2 config plus ``keras_version`` and ``backend``."""
    entry = layer_entry(model)
    entry["keras_version"] = hdf5_format.KERAS_VERSION
    entry["backend"] = hdf5_format.BACKEND
    return json.dumps(entry, default=model_config.to_json_compatible, **kwargs)
