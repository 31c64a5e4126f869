"""Keras 2's HDF5 format (``model.save('m.h5')``, ``save_weights('w.h5')``).

Layout (tf-keras ``hdf5_format.py``): root attributes ``keras_version``, ``backend``,
``model_config`` and ``training_config`` (JSON); group ``model_weights`` with attribute
``layer_names`` and one group per layer with attribute ``weight_names`` and datasets named
like ``dense/kernel:0``; group ``optimizer_weights``. ``save_weights`` writes the
``model_weights`` layout at the file root.

Reading also takes Keras 3's legacy ``.h5`` (weight names without ``':0'``, a
``learning_rate`` among the optimizer weights): weights are matched by position within the
layers that have weights (or by layer name with ``by_name=True``), as both Kerases do.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from torchkeras.layers import index_lookup
from torchkeras.registry import h5_utils, weight_check
from torchkeras.saving import model_config, optimizer_state, training_config
from torchkeras.registry.atomic import atomic_write
from torchkeras.saving.functional_config import layer_entry
from torchkeras.registry.h5_utils import (CorruptFileError, load_attributes_from_hdf5_group,
                                        save_attributes_to_hdf5_group)

KERAS_VERSION = "2.15.0"  # the tf-keras format version written (readers check only "1" vs not)
BACKEND = "tensorflow"    # what tf-keras expects in the attribute; the weights are backend-free


# ------------------------------------------------------------------------------ saving
def save_model_to_hdf5(model: Any, filepath: str, include_optimizer: bool = True) -> None:
    """Write the architecture, weights and compile state of ``model`` (atomically)."""
    if not model.built:
        raise ValueError("Weights for model '%s' have not yet been created. Weights are "
                         "created when the model is first called on inputs or `build()` is "
                         "called with an `input_shape`." % model.name)
    with index_lookup.vocabulary_in_config():  # adapted vocabularies travel in the config
        config_json = model_config.dumps(layer_entry(model))
    train_config = training_config.training_config(model) if include_optimizer else None
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    with atomic_write(filepath) as tmp_path:
        with h5py.File(tmp_path, mode="w") as f:
            f.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
            f.attrs["backend"] = BACKEND.encode("utf8")
            h5_utils.save_json_attribute(f, "model_config", config_json)
            if train_config is not None:
                h5_utils.save_json_attribute(f, "training_config",
                                             model_config.dumps(train_config))
            save_weights_to_hdf5_group(f.create_group("model_weights"), model)
            optimizer = getattr(model, "optimizer", None)
            if include_optimizer and optimizer is not None and optimizer.built:
                save_optimizer_weights_to_hdf5_group(f, optimizer, model)


def save_weights_to_hdf5(model: Any, filepath: str) -> None:
    """``save_weights('w.h5')``: the ``model_weights`` layout at the root (atomically)."""
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    with atomic_write(filepath) as tmp_path:
        with h5py.File(tmp_path, mode="w") as f:
            save_weights_to_hdf5_group(f, model)


def save_weights_to_hdf5_group(group: Any, model: Any) -> None:
    layers = model.layers
    save_attributes_to_hdf5_group(group, "layer_names",
                                  [layer.name.encode("utf8") for layer in layers])
    group.attrs["backend"] = BACKEND.encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda x: x.name):
        host = host_weights(layer)
        if host and not layer.weights:
            _save_arrays(group.create_group(layer.name), [f"{n}:0" for n in host],
                         list(host.values()))
            continue
        _save_subset(group.create_group(layer.name), layer.weights)
    _save_subset(group.create_group("top_level_model_weights"), [])


def host_weights(layer: Any) -> Dict[str, np.ndarray]:
    """Keras 2 ``.h5`` weights a layer keeps on the host as NumPy arrays of data-dependent
    shape (an adapted ``Discretization``'s ``summary``), by name; ``{}`` for other layers."""
    hook = getattr(layer, "h5_host_weights", None)
    return hook() if hook is not None else {}


def _save_subset(group: Any, variables: List[Any]) -> None:
    _save_arrays(group, [v.name for v in variables], [v.numpy() for v in variables])


def _save_arrays(group: Any, names: List[str], values: List[np.ndarray]) -> None:
    names = [n.encode("utf8") for n in names]
    save_attributes_to_hdf5_group(group, "weight_names", names)
    for name, value in zip(names, values):
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if not value.shape:
            dataset[()] = value
        else:
            dataset[:] = value


def save_optimizer_weights_to_hdf5_group(group: Any, optimizer: Any, model: Any) -> None:
    names, values = optimizer_state.get_optimizer_weights(optimizer, model)
    weights_group = group.create_group("optimizer_weights")
    names = [n.encode("utf8") for n in names]
    save_attributes_to_hdf5_group(weights_group, "weight_names", names)
    for name, value in zip(names, values):
        dataset = weights_group.create_dataset(name, value.shape, dtype=value.dtype)
        if not value.shape:
            dataset[()] = value
        else:
            dataset[:] = value


# ------------------------------------------------------------------------------ loading
def load_model_from_hdf5(filepath: str, custom_objects: Optional[Dict[str, Any]] = None,
                         compile: bool = True) -> Any:
    """A model from a Keras 2 / Keras 3 legacy ``.h5`` file, compiled when it was."""
    f = h5_utils.open_h5(filepath)
    try:
        raw = _read_attribute(f, "model_config", filepath)
        if raw is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        config = model_config.decode_json(raw, f"the 'model_config' attribute of '{filepath}'",
                                          CorruptFileError)
        model = model_config.deserialize_model(config, custom_objects)
        weights = h5_utils.h5_get(f, "model_weights", filepath)
        if weights is None:
            raise CorruptFileError(f"The file '{filepath}' has a model config but no "
                                   "'model_weights' group: it is incomplete or corrupted.")
        load_weights_from_hdf5_group(weights, model, filepath=filepath)
        if compile:
            raw_training = _read_attribute(f, "training_config", filepath)
            if raw_training is None:
                warnings.warn("No training configuration found in the save file, so the "
                              "model was *not* compiled. Compile it manually.", stacklevel=3)
                return model
            args = training_config.compile_args_from_training_config(
                model_config.decode_json(
                    raw_training, f"the 'training_config' attribute of '{filepath}'",
                    CorruptFileError), len(model.outputs or [None]),
                custom_objects)
            model.compile(**args)
            group = h5_utils.h5_get(f, "optimizer_weights", filepath)
            if group is not None:
                values = _load_optimizer_weights(group, filepath)
                optimizer_state.set_optimizer_weights(model.optimizer, model, values,
                                                      source=f"'{filepath}'")
        return model
    finally:
        f.close()


def _read_attribute(f: Any, name: str, filepath: str) -> Any:
    try:
        return h5_utils.load_json_attribute(f, name)
    except (OSError, RuntimeError) as error:
        raise CorruptFileError(f"Unable to read the '{name}' attribute of '{filepath}': the "
                               f"file is truncated or corrupted ({error}).") from error


def _load_optimizer_weights(group: Any, filepath: str) -> List[np.ndarray]:
    names = load_attributes_from_hdf5_group(group, "weight_names")
    return [h5_utils.read_dataset(group, name, filepath) for name in names]


def load_weights_from_hdf5(model: Any, filepath: str, by_name: bool = False,
                           skip_mismatch: bool = False) -> None:
    """``load_weights('w.h5')``: a weights file, or the weights of a whole-model file."""
    f = h5_utils.open_h5(filepath)
    try:
        weights = h5_utils.h5_get(f, "model_weights", filepath) \
            if "layer_names" not in f.attrs else None
        group = weights if weights is not None else f
        if by_name:
            load_weights_from_hdf5_group_by_name(group, model, skip_mismatch, filepath)
        else:
            load_weights_from_hdf5_group(group, model, skip_mismatch, filepath)
    finally:
        f.close()


def _layer_names(group: Any, filepath: str) -> List[str]:
    names = load_attributes_from_hdf5_group(group, "layer_names")
    if not names and "layer_names0" not in group.attrs:
        raise CorruptFileError(f"The file '{filepath}' holds no Keras weights (no "
                               "'layer_names' attribute).")
    return names


def _saved_weights(group: Any, name: str, filepath: str) -> List[np.ndarray]:
    layer_group = h5_utils.h5_get(group, name, filepath) if name else None
    if layer_group is None:
        raise CorruptFileError(f"The file '{filepath}' lists layer '{name}' but has no group "
                               "for it: it is truncated or corrupted.")
    names = load_attributes_from_hdf5_group(layer_group, "weight_names")
    return [h5_utils.read_dataset(layer_group, n, filepath) for n in names]


def load_weights_from_hdf5_group(group: Any, model: Any, skip_mismatch: bool = False,
                                 filepath: str = "") -> None:
    """Topological loading: the i-th layer with weights gets the i-th saved layer's."""
    layers = [layer for layer in model.layers if layer.weights or host_weights(layer)]
    saved = []
    for name in _layer_names(group, filepath):
        values = _saved_weights(group, name, filepath)
        if values:
            saved.append((name, values))
    if len(saved) != len(layers):
        model_names = [layer.name for layer in layers]
        file_names = [name for name, _ in saved]
        raise ValueError(
            "Layer count mismatch when loading weights from file. Model expected "
            f"{len(layers)} layers, found {len(saved)} saved layers (file '{filepath}'). "
            f"Layers with weights in the model: {model_names}; in the file: {file_names}.")
    assignments, host_loads = [], []
    for k, (layer, (name, values)) in enumerate(zip(layers, saved)):
        variables = layer.weights
        if not variables:
            host_loads.append(_host_load(layer, values, skip_mismatch, filepath) or [])
            continue
        assignments.extend(weight_check.check_layer_weights(
            variables, values, layer=f"#{k} (named {layer.name})",
            where=f"layer '{name}' in '{filepath}'", skip_mismatch=skip_mismatch,
            count_error=f"Weight count mismatch for layer #{k} (named {layer.name} in the "
                        f"current model, {name} in the save file '{filepath}'). Layer expects "
                        f"{len(variables)} weight(s). Received {len(values)} saved weight(s)",
            shape_warning_prefix=_SKIPPING) or [])
    weight_check.assign(assignments)
    _assign_host(host_loads)


def _host_load(layer: Any, values: List[np.ndarray], skip_mismatch: bool,
               filepath: str) -> Optional[List[Tuple[Any, Dict[str, np.ndarray]]]]:
    """``[(layer, {name: value})]`` for a layer with host weights (count checked)."""
    names = list(host_weights(layer))
    if len(values) != len(names):
        weight_check.mismatch(
            f"Weight count mismatch for layer '{layer.name}': it expects {len(names)} "
            f"weight(s) ({names}). Received {len(values)} saved weight(s) (file "
            f"'{filepath}')", skip_mismatch)
        return None
    return [(layer, dict(zip(names, values)))]


def _assign_host(host_loads: List[List[Tuple[Any, Dict[str, np.ndarray]]]]) -> None:
    for entries in host_loads:
        for layer, values in entries:
            layer.load_h5_host_weights(values)


def load_weights_from_hdf5_group_by_name(group: Any, model: Any, skip_mismatch: bool = False,
                                         filepath: str = "") -> None:
    """Loading by layer name: layers whose names are not in the file keep their weights."""
    index: Dict[str, List[Any]] = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    assignments, host_loads = [], []
    for k, name in enumerate(_layer_names(group, filepath)):
        values = _saved_weights(group, name, filepath)
        for layer in index.get(name, []):
            if not layer.weights and host_weights(layer):
                host_loads.append(_host_load(layer, values, skip_mismatch, filepath) or [])
                continue
            counts = (f"Layer expects {len(layer.weights)} weight(s). Received {len(values)} "
                      f"saved weight(s) (file '{filepath}')")
            assignments.extend(weight_check.check_layer_weights(
                layer.weights, values, layer=f"#{k} (named {layer.name})",
                where=f"layer '{name}' in '{filepath}'", skip_mismatch=skip_mismatch,
                count_error=f"Weight count mismatch for layer #{k} (named {layer.name}). "
                            + counts,
                count_warning=f"Skipping loading of weights for layer #{k} (named "
                              f"{layer.name}) due to mismatch in number of weights. " + counts,
                shape_warning_prefix=_SKIPPING) or [])
    weight_check.assign(assignments)
    _assign_host(host_loads)


_SKIPPING = "Skipping loading weights: "
