"""Keras 3's ``.keras`` format (a zip) and ``.weights.h5`` weights files.

The archive holds ``metadata.json``, ``config.json`` (the Keras 3 model config, with
``compile_config``) and ``model.weights.h5``. In the latter each layer's variables sit at
``layers/<snake_case_class>[_N]/vars/<i>`` (trainable first, as created), nested models
under ``layers/<name>/layers/...``, RNN cells under ``.../cell/vars``, and the optimizer's
variables at ``optimizer/vars/<i>`` (iteration, learning_rate, then the slots). Names follow
Keras 3's ``saving_lib`` walk so that files go both ways.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import re
import zipfile
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.layers.base import Layer, build_input_shape
from torchkeras.layers.weights import KerasVariable, is_model
from torchkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer
from torchkeras.registry import h5_utils, json_limits, weight_check
from torchkeras.saving import model_config, optimizer_state, training_config
from torchkeras.registry.atomic import atomic_write
from torchkeras.saving.functional_config import KERAS3, layer_entry
from torchkeras.registry.h5_utils import CorruptFileError
from torchkeras.registry.object_registration import custom_object_scope
from torchkeras.registry.serialization import serialize_keras_object

KERAS3_VERSION = "3.15.1"  # the format version written into metadata.json
_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.h5"
# Keras 3 keeps an RNN layer's weights in its cell: layers/lstm/cell/vars/<i>.
_CELL_LAYERS = {"LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}


def keras3_snake_case(name: str) -> str:
    """Keras 3's ``naming.to_snake_case`` (``'Conv2D'`` -> ``'conv2d'``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


# ------------------------------------------------------------------------ variable paths
def _class_key(layer: Any) -> str:
    if isinstance(layer, Sequential):
        return "sequential"
    if getattr(layer, "functional_graph", None) is not None and type(layer).__name__ == "Model":
        return "functional"
    return keras3_snake_case(type(layer).__name__)


def _own_variables(layer: Any) -> List[Any]:
    """A layer's own variables in creation order, trainable ones first (Keras 3)."""
    specs = layer._weight_specs
    return [KerasVariable(layer, s) for s in specs if s.trainable] + \
        [KerasVariable(layer, s) for s in specs if not s.trainable]


def variable_groups(layer: Any, path: str) -> List[Tuple[str, Any, List[Any]]]:
    """``(vars_path, owner, variables)`` for ``layer`` and everything under it."""
    prefix = path + "/" if path else ""
    groups: List[Tuple[str, Any, List[Any]]] = []
    is_graph_model = getattr(layer, "functional_graph", None) is not None or \
        isinstance(layer, Sequential)
    if is_graph_model:
        groups.append((prefix + "vars", layer, _own_variables(layer)))
        used: Dict[str, int] = {}
        for sublayer in layer.layers:
            name = _unique(_class_key(sublayer), used)
            groups.extend(variable_groups(sublayer, prefix + "layers/" + name))
        return groups
    class_name = type(layer).__name__
    if class_name in _CELL_LAYERS and not any(isinstance(m, Layer) for m in
                                              layer._modules.values()):
        groups.append((prefix + "vars", layer, []))
        groups.append((prefix + "cell/vars", layer, list(layer.weights)))
        return groups
    groups.append((prefix + "vars", layer, _own_variables(layer)))
    if is_model(layer):  # a subclassed model
        return groups + _subclassed_model_groups(layer, prefix)
    for attr, child in layer._modules.items():
        if isinstance(child, Layer):
            groups.extend(variable_groups(child, prefix + _saved_attr_name(layer, attr, child)))
    return groups


def _saved_attr_name(layer: Any, attr: str, child: Any) -> str:
    """Keras 3 visits public attributes first: a sub-layer also reachable through a public
    property (MultiHeadAttention's ``query_dense`` for ``_query_dense``) is saved under it."""
    public = attr.lstrip("_")
    if public != attr and isinstance(getattr(type(layer), public, None), property) and \
            getattr(layer, public, None) is child:
        return public
    return attr


def _subclassed_model_groups(model: Any, prefix: str) -> List[Tuple[str, Any, List[Any]]]:
    """Keras 3's walk of a subclassed model: its public attributes (and its ``layers``
    property) in sorted order; a layer is saved under the first path that reaches it, a layer
    in a list under ``<attr>/<snake class name>[_n]`` (counted over the whole list)."""
    attrs: Dict[str, Any] = {"layers": model.layers}
    attrs.update({k: v for k, v in vars(model).items()
                  if not k.startswith("_") and isinstance(v, (list, tuple, dict))})
    attrs.update({k: v for k, v in model._modules.items()
                  if isinstance(v, Layer) and not k.startswith("_")})
    groups: List[Tuple[str, Any, List[Any]]] = []
    seen = {id(model)}
    for attr in sorted(attrs):
        value = attrs[attr]
        if isinstance(value, Layer):
            if id(value) not in seen:
                seen.add(id(value))
                groups.extend(variable_groups(value, prefix + attr))
            continue
        items = list(value.values()) if isinstance(value, dict) else list(value)
        used: Dict[str, int] = {}
        for item in items:
            if not isinstance(item, Layer):
                continue
            name = _unique(_class_key(item), used)
            if id(item) not in seen:
                seen.add(id(item))
                groups.extend(variable_groups(item, f"{prefix}{attr}/{name}"))
    return groups


def _unique(name: str, used: Dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# ------------------------------------------------------------------------------ writing
def write_weights_store(h5: Any, model: Any, include_optimizer: bool) -> None:
    """Fill an open h5py file with Keras 3's variable layout."""
    for vars_path, owner, variables in variable_groups(model, ""):
        group = h5.require_group(vars_path)
        if getattr(owner, "name", None):
            group.attrs["name"] = owner.name
        for index, variable in enumerate(variables):
            group.create_dataset(str(index), data=variable.numpy())
        if hasattr(owner, "save_own_variables"):  # named state (a lookup's idf_weights)
            store: Dict[str, Any] = {}
            owner.save_own_variables(store)
            for key, value in store.items():
                if key not in group:  # numbered variables are already written
                    group.create_dataset(key, data=value)
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and optimizer.built:
        _, values = optimizer_state.get_optimizer_weights(optimizer, model, keras3=True)
        group = h5.require_group("optimizer/vars")
        group.attrs["name"] = optimizer.name
        for index, value in enumerate(values):
            group.create_dataset(str(index), data=value)
        if isinstance(optimizer, LossScaleOptimizer):  # Keras 3 also writes the inner
            inner = optimizer.inner_optimizer          # optimizer's own variables
            group = h5.require_group("optimizer/inner_optimizer/vars")
            group.attrs["name"] = inner.name
            for index, value in enumerate(values[4:]):
                group.create_dataset(str(index), data=value)


def keras3_model_config(model: Any, include_optimizer: bool = True) -> Dict[str, Any]:
    entry = layer_entry(model, KERAS3)
    if getattr(model, "functional_graph", None) is None and not isinstance(model, Sequential):
        # a subclassed model: its class (registered) + get_config(); rebuilt by calling it
        # on zeros of the recorded input shape, then its weights load by attribute path
        shape = build_input_shape(model)
        entry["build_config"] = {"input_shape": model_config._shape_list(shape) if shape
                                 else None}
    else:
        entry["build_config"] = {"input_shape": None}
    compile_config = training_config.keras3_compile_config(model) if include_optimizer \
        else None
    if include_optimizer and _overrides(model, "get_compile_config"):  # Keras 3: the model's
        compile_config = _serialize_tree(model.get_compile_config())
    if compile_config is not None:
        entry["compile_config"] = compile_config
    return entry


def save_model_to_keras(model: Any, filepath: str, include_optimizer: bool = True) -> None:
    """Write a Keras 3 ``.keras`` archive (atomically)."""
    config = keras3_model_config(model, include_optimizer)
    metadata = {"keras_version": KERAS3_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "saved_by": "torchkeras"}
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    buffer = io.BytesIO()
    with h5py.File(buffer, mode="w") as h5:
        write_weights_store(h5, model, include_optimizer)
    with atomic_write(filepath) as tmp_path:
        with zipfile.ZipFile(tmp_path, "w") as archive:
            archive.writestr(_METADATA, json.dumps(metadata))
            archive.writestr(_CONFIG, model_config.dumps(config))
            archive.writestr(_WEIGHTS, buffer.getvalue(), compress_type=zipfile.ZIP_STORED)
            for name, data in _asset_files(model):
                archive.writestr(name, data)


# ------------------------------------------------------------------------------- assets
def _asset_owners(model: Any) -> List[Tuple[str, Any]]:
    """``(assets/<layer path>, layer)`` for layers with assets (a lookup's vocabulary);
    a TextVectorization's inner lookup also gets Keras 3's ``_lookup_layer`` folder."""
    owners = []
    for vars_path, owner, _ in variable_groups(model, ""):
        if hasattr(owner, "save_assets"):
            path = "assets/" + vars_path[:-len("vars")].rstrip("/")
            owners.append((path, owner))
            inner = owner.__dict__.get("_lookup_layer")
            if inner is not None:
                owners.append((path + "/_lookup_layer", inner))
    return owners


def _asset_files(model: Any) -> List[Tuple[str, bytes]]:
    import tempfile  # only when saving
    files = []
    for path, owner in _asset_owners(model):
        with tempfile.TemporaryDirectory() as tmp:
            owner.save_assets(tmp)
            for name in sorted(os.listdir(tmp)):
                with open(os.path.join(tmp, name), "rb") as f:
                    files.append((f"{path}/{name}", f.read()))
    return files


def _load_assets(model: Any, archive: Any, filepath: str) -> None:
    import tempfile  # only when loading a file with assets
    names = archive.namelist()
    for path, owner in _asset_owners(model):
        members = [n for n in names if n.startswith(path + "/") and "/" not in n[len(path) + 1:]]
        if not members or not hasattr(owner, "load_assets"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for name in members:
                data = h5_utils.read_member(archive, name, filepath)
                with open(os.path.join(tmp, name[len(path) + 1:]), "wb") as f:
                    f.write(data)
            owner.load_assets(tmp)


def save_weights_to_keras3_h5(model: Any, filepath: str) -> None:
    """``save_weights('m.weights.h5')``: Keras 3's weights layout (atomically)."""
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    with atomic_write(filepath) as tmp_path:
        with h5py.File(tmp_path, mode="w") as h5:
            write_weights_store(h5, model, include_optimizer=False)


# ------------------------------------------------------------------------------ reading
def load_model_from_keras(filepath: str, custom_objects: Optional[Dict[str, Any]] = None,
                          compile: bool = True) -> Any:
    """A model from a Keras 3 ``.keras`` archive."""
    archive = h5_utils.open_zip(filepath)
    try:
        names = set(archive.namelist())
        if _CONFIG not in names:
            raise CorruptFileError(f"The archive '{filepath}' has no {_CONFIG}: it is not a "
                                   "Keras model file, or it is incomplete.")
        raw = h5_utils.read_member(archive, _CONFIG, filepath, json_limits.MAX_JSON_BYTES)
        config = model_config.decode_json(raw, f"{_CONFIG} of '{filepath}'", CorruptFileError)
        weights = h5_utils.read_member(archive, _WEIGHTS, filepath) if _WEIGHTS in names \
            else None
        compile_config = config.get("compile_config") if isinstance(config, dict) else None
        build_config = config.get("build_config") if isinstance(config, dict) else None
        model = model_config.deserialize_model(config, custom_objects)
        shape = (build_config or {}).get("input_shape")
        if shape and getattr(model, "functional_graph", None) is None and \
                not isinstance(model, Sequential) and not model.weights:
            model.build(tuple(shape) if not isinstance(shape[0], list) else
                        [tuple(s) for s in shape])  # a subclassed model: create its weights
        if any(name.startswith("assets/") for name in names):
            _load_assets(model, archive, filepath)
    finally:
        archive.close()
    if weights is not None:
        import h5py  # heavy (~0.1 s): loaded for file I/O only
        with h5py.File(io.BytesIO(weights), mode="r") as h5:
            load_weights_store(h5, model, filepath=filepath)
            if compile and compile_config:
                _compile(model, compile_config, custom_objects)
                group = h5_utils.h5_get(h5, "optimizer/vars", filepath)
                if group is not None:
                    values = _numbered(group, filepath)
                    optimizer_state.set_optimizer_weights(model.optimizer, model, values,
                                                          source=f"'{filepath}'")
    elif compile and compile_config:
        _compile(model, compile_config, custom_objects)
    return model


def _overrides(model: Any, method: str) -> bool:
    """Whether ``model``'s class defines its own Keras 3 ``method``."""
    return getattr(type(model), method, None) is not getattr(Model, method)


def _serialize_tree(value: Any) -> Any:
    """``get_compile_config()``'s dict with every object in it serialized (Keras 3)."""
    if isinstance(value, dict):
        return {key: _serialize_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_serialize_tree(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return serialize_keras_object(value)


def _compile(model: Any, compile_config: Dict[str, Any],
             custom_objects: Optional[Dict[str, Any]]) -> None:
    if _overrides(model, "compile_from_config"):
        with custom_object_scope(custom_objects or {}):
            model.compile_from_config(compile_config)
        return
    args = training_config.compile_args_from_training_config(
        compile_config, len(model.outputs or [None]), custom_objects)
    model.compile(**args)


def load_weights_from_keras3_h5(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    with h5_utils.open_h5(filepath) as h5:
        load_weights_store(h5, model, skip_mismatch=skip_mismatch, filepath=filepath)


def load_weights_from_keras(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    """``load_weights('m.keras')``: the weights of a whole-model archive."""
    import h5py  # heavy (~0.1 s): loaded for file I/O only
    archive = h5_utils.open_zip(filepath)
    try:
        data = h5_utils.read_member(archive, _WEIGHTS, filepath)
    except KeyError as error:
        raise CorruptFileError(f"The archive '{filepath}' has no {_WEIGHTS}.") from error
    finally:
        archive.close()
    with h5py.File(io.BytesIO(data), mode="r") as h5:
        load_weights_store(h5, model, skip_mismatch, filepath)


def _numbered(group: Any, filepath: str) -> List[np.ndarray]:
    keys = sorted((k for k in group.keys() if k.isdigit()), key=int)
    return [h5_utils.read_dataset(group, k, filepath) for k in keys]


def _overrides_load_own_variables(owner: Any) -> bool:
    """Whether ``owner`` reads entries of its own in Keras 3's ``load_own_variables`` hook
    (Layer's default reads nothing: the loader assigns the numbered variables itself, and
    other entries of the group are left unread)."""
    hook = getattr(type(owner), "load_own_variables", None)
    return hook is not None and hook is not Layer.load_own_variables


def load_weights_store(h5: Any, model: Any, skip_mismatch: bool = False,
                       filepath: str = "") -> None:
    """Set the model's variables from Keras 3's layout; all checks before any assignment."""
    assignments = []
    for vars_path, owner, variables in variable_groups(model, ""):
        if _overrides_load_own_variables(owner):  # named state (a lookup's idf_weights)
            group = h5_utils.h5_get(h5, vars_path, filepath)
            if group is not None:
                owner.load_own_variables({k: h5_utils.read_dataset(group, k, filepath)
                                          for k in group.keys()})
        if not variables:
            continue
        group = h5_utils.h5_get(h5, vars_path, filepath)
        if group is None:
            weight_check.mismatch(
                f"Layer '{owner.name}' expects {len(variables)} variables, but the weights "
                f"file '{filepath}' has none at '{vars_path}' (the file belongs to a "
                "different model).", skip_mismatch)
            continue
        values = _numbered(group, filepath)
        count_error = (f"Layer '{owner.name}' expected {len(variables)} variables, but "
                       f"received {len(values)} variables during loading from '{filepath}'. "
                       f"Expected: {[v.name for v in variables]}")
        assignments.extend(weight_check.check_layer_weights(
            variables, values, layer=f"'{owner.name}'", where=f"'{vars_path}' in '{filepath}'",
            count_error=count_error, count_warning=count_error,
            skip_mismatch=skip_mismatch) or [])
    weight_check.assign(assignments)
