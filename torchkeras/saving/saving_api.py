"""``save_model``/``load_model``/``save_weights``/``load_weights``: check the arguments, pick
the format from the table in :mod:`torchkeras.saving.formats`, call its read or write.

Formats are chosen by extension when saving (``save_format='h5'`` forces HDF5) and by the
file's first bytes when loading, so a misnamed file still loads. Every save goes through
:func:`torchkeras.registry.atomic.atomic_write`: a failed save leaves the old file intact.
"""
from __future__ import annotations

import contextlib
import json
import os
from typing import Any, Dict, Iterator, Optional

from torchkeras.layers import index_lookup
from torchkeras.backend.messages import did_you_mean
from torchkeras.saving import formats, hdf5_format, model_config
from torchkeras.registry import h5_utils
from torchkeras.saving.functional_config import layer_entry
from torchkeras.registry.object_registration import CustomObjectScope
from torchkeras.registry.serialization import SafeModeScope, unsafe_deserialization_enabled

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


def save_model(model: Any, filepath: Any, overwrite: bool = True,
               save_format: Optional[str] = None, include_optimizer: bool = True,
               **kwargs: Any) -> None:
    """``model.save(filepath)``: ``.keras`` (Keras 3 zip) or ``.h5`` (Keras 2 HDF5)."""
    _reject_unknown("save", {k: v for k, v in kwargs.items() if k not in _IGNORED_SAVE_KWARGS},
                    ["filepath", "overwrite", "save_format", "include_optimizer"])
    filepath = _path(filepath)
    file_format = formats.model_format_for_save(filepath, save_format)
    if not overwrite and os.path.exists(filepath) and not _proceed_with_overwrite(filepath):
        return
    if getattr(model, "functional_graph", None) is None and \
            not getattr(model, "is_sequential", False) and file_format is formats.H5_MODEL:
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model or a "
            "Sequential model. It does not work for subclassed models, because such models "
            "are defined via the body of a Python method, which isn't safely serializable. "
            "Consider saving to the .keras format, or using `save_weights`.")
    file_format.write(model, filepath, include_optimizer=include_optimizer)


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
    file_format = formats.model_format_for_load(filepath)
    safe_mode = safe_mode and not unsafe_deserialization_enabled()  # as Keras 3
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode), \
            _h5py_errors_as_corrupt(filepath):
        model = file_format.read(filepath, custom_objects, compile=compile)
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
    formats.check_weights_name(filepath)
    if not overwrite and os.path.exists(filepath) and not _proceed_with_overwrite(filepath):
        return
    formats.weights_format_for_save(filepath, save_format).write(model, filepath)


def load_weights(model: Any, filepath: Any, by_name: bool = False, skip_mismatch: bool = False,
                 **kwargs: Any) -> None:
    """``model.load_weights``: any of the weights layouts, or a whole-model file."""
    kwargs.pop("options", None)
    _reject_unknown("load_weights", kwargs, ["filepath", "by_name", "skip_mismatch"],
                    TypeError)
    filepath = _path(filepath)
    with _h5py_errors_as_corrupt(filepath):
        formats.weights_format_for_load(filepath).read(model, filepath, by_name=by_name,
                                                       skip_mismatch=skip_mismatch)


def model_to_json(model: Any, **kwargs: Any) -> str:
    """``model.to_json()``: the Keras 2 config plus ``keras_version`` and ``backend``."""
    with index_lookup.vocabulary_in_config():  # adapted vocabularies travel in the config
        entry = layer_entry(model)
    entry["keras_version"] = hdf5_format.KERAS_VERSION
    entry["backend"] = hdf5_format.BACKEND
    return json.dumps(entry, default=model_config.to_json_compatible, **kwargs)
