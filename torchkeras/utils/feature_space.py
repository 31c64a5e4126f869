"""``keras.utils.FeatureSpace``: preprocess and encode a dict of structured features.

Built on torchkeras's preprocessing layers (Normalization, Discretization, IntegerLookup,
StringLookup, Hashing, HashedCrossing, CategoryEncoding); follows tf_keras's
``tf_keras/src/utils/feature_space.py`` (Keras 3 adds dict input to ``adapt``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import torch

from torchkeras import layers
from torchkeras.backend import unique_object_name
from torchkeras.data import Dataset
from torchkeras.layers.base import Layer
from torchkeras.registry.serialization import deserialize_keras_object, serialize_keras_object


class Cross:
    """A feature cross: ``feature_names`` hashed together into ``crossing_dim`` bins."""

    def __init__(self, feature_names: Sequence[str], crossing_dim: int,
                 output_mode: str = "one_hot") -> None:
        if output_mode not in {"int", "one_hot"}:
            raise ValueError("Invalid value for argument `output_mode`. "
                             "Expected one of {'int', 'one_hot'}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self) -> Dict[str, Any]:
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Cross":
        return cls(**config)


class Feature:
    """One feature: its input ``dtype``, its ``preprocessor`` layer and its ``output_mode``."""

    def __init__(self, dtype: str, preprocessor: Any, output_mode: str) -> None:
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError("Invalid value for argument `output_mode`. "
                             "Expected one of {'int', 'one_hot', 'float'}. "
                             f"Received: output_mode={output_mode}")
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = layers.deserialize(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self) -> Dict[str, Any]:
        return {"dtype": self.dtype, "preprocessor": layers.serialize(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Feature":
        return cls(**config)


_SPEC_CLASSES = {"Feature": Feature, "Cross": Cross}


def _dtype_name(x: Any) -> str:
    """``'int64'``, ``'float32'``, ``'string'`` for a KerasTensor, torch tensor or array."""
    dtype = x.dtype
    if isinstance(dtype, torch.dtype):
        return str(dtype).replace("torch.", "")
    if isinstance(dtype, str):
        return dtype
    name = getattr(dtype, "name", str(dtype))
    if name in ("string", "object") or np.dtype(dtype).kind in "OUS":
        return "string"
    return name


def _to_column(value: Any, dtype: str) -> Any:
    """A feature value as a tensor (numbers, cast to a float feature's dtype) or a string array."""
    if isinstance(value, torch.Tensor):
        return value.float() if dtype == "float32" and value.is_floating_point() else value
    array = np.asarray(value)
    if array.dtype.kind in "OUS":
        return array
    tensor = torch.as_tensor(array)
    return tensor.float() if dtype == "float32" else tensor


def _rank(x: Any) -> int:
    return len(x.shape)


def _expand_last(x: Any) -> Any:
    """``tf.expand_dims(x, -1)`` for a tensor or a string array."""
    return x.unsqueeze(-1) if isinstance(x, torch.Tensor) else np.expand_dims(np.asarray(x), -1)


class FeatureSpace(Layer):
    """One-stop utility for preprocessing and encoding structured data.

    Args:
        features: dict mapping each feature name to a type name (``"integer_categorical"``)
            or a spec (``FeatureSpace.integer_categorical()``).
        output_mode: ``"concat"`` (one vector per sample) or ``"dict"``.
        crosses: feature-name tuples (or ``FeatureSpace.cross(...)``) hashed together.
        crossing_dim: default size of a cross's hashing space.
        hashing_dim: default number of bins of ``"integer_hashed"``/``"string_hashed"``.
        num_discretization_bins: default number of bins of ``"float_discretized"``.
    """

    @classmethod
    def cross(cls, feature_names: Sequence[str], crossing_dim: int,
              output_mode: str = "one_hot") -> Cross:
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor: Any, output_mode: str) -> Feature:
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("float")
        preprocessor = layers.Identity(dtype="float32", name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_rescaled(cls, scale: float = 1.0, offset: float = 0.0,
                       name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("float_rescaled")
        preprocessor = layers.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_normalized(cls, name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("float_normalized")
        preprocessor = layers.Normalization(axis=-1, name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_discretized(cls, num_bins: int, bin_boundaries: Optional[Sequence[float]] = None,
                          output_mode: str = "one_hot", name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("float_discretized")
        preprocessor = layers.Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                                             name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens: Optional[int] = None, num_oov_indices: int = 1,
                            output_mode: str = "one_hot", name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("integer_categorical")
        preprocessor = layers.IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                            num_oov_indices=num_oov_indices)
        return Feature(dtype="int64", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def string_categorical(cls, max_tokens: Optional[int] = None, num_oov_indices: int = 1,
                           output_mode: str = "one_hot", name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("string_categorical")
        preprocessor = layers.StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                           num_oov_indices=num_oov_indices)
        return Feature(dtype="string", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def string_hashed(cls, num_bins: int, output_mode: str = "one_hot",
                      name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("string_hashed")
        preprocessor = layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins)
        return Feature(dtype="string", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def integer_hashed(cls, num_bins: int, output_mode: str = "one_hot",
                       name: Optional[str] = None) -> Feature:
        name = name or unique_object_name("integer_hashed")
        preprocessor = layers.Hashing(name=f"{name}_preprocessor", num_bins=num_bins)
        return Feature(dtype="int64", preprocessor=preprocessor, output_mode=output_mode)

    def __init__(self, features: Dict[str, Any], output_mode: str = "concat",
                 crosses: Optional[Sequence[Any]] = None, crossing_dim: int = 32,
                 hashing_dim: int = 32, num_discretization_bins: int = 32,
                 name: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value)
                         for key, value in features.items()}
        self.crosses: List[Cross] = [self._standardize_cross(cross, features)
                                     for cross in crosses or []]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        if output_mode not in {"dict", "concat"}:
            raise ValueError("Invalid value for argument `output_mode`. "
                             "Expected one of {'dict', 'concat'}. "
                             f"Received: output_mode={output_mode}")
        self.output_mode = output_mode
        self.inputs = {key: layers.Input(shape=(1,), dtype=feature.dtype, name=key)
                       for key, feature in self.features.items()}
        self.preprocessors = {key: feature.preprocessor for key, feature in self.features.items()}
        self.crossers = {cross.name: layers.HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        self.one_hot_encoders: Dict[str, Layer] = {}
        self.encoded_features: Any = None
        self.concat: Optional[Layer] = None
        self._is_adapted = False
        self._sublayers_built = False
        self._preprocessed_features_names: Optional[List[str]] = None
        self._crossed_features_names: List[str] = []

    def _standardize_cross(self, cross: Any, features: Dict[str, Any]) -> Cross:
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross, module_objects=_SPEC_CLASSES)
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError("When specifying `crosses`, the argument `crossing_dim` "
                             "(dimensionality of the crossing space) "
                             "should be specified as well.")
        for key in cross:
            if key not in features:
                raise ValueError("All features referenced in the `crosses` argument "
                                 "should be present in the `features` dict. "
                                 f"Received unknown features: {cross}")
        return Cross(cross, crossing_dim=self.crossing_dim)

    def _standardize_feature(self, name: str, feature: Any) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_keras_object(feature, module_objects=_SPEC_CLASSES)
        makers = {"float": lambda: self.float(name=name),
                  "float_normalized": lambda: self.float_normalized(name=name),
                  "float_rescaled": lambda: self.float_rescaled(name=name),
                  "float_discretized": lambda: self.float_discretized(
                      name=name, num_bins=self.num_discretization_bins),
                  "integer_categorical": lambda: self.integer_categorical(name=name),
                  "string_categorical": lambda: self.string_categorical(name=name),
                  "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
                  "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name)}
        if not isinstance(feature, str) or feature not in makers:
            raise ValueError(f"Invalid feature type: {feature}")
        return makers[feature]()

    def _list_adaptable_preprocessors(self) -> List[str]:
        names = []
        for name, preprocessor in self.preprocessors.items():
            # A Normalization layer with preset mean/variance is not adaptable.
            if isinstance(preprocessor, layers.Normalization) and \
                    preprocessor.input_mean is not None:
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset: Union[Dataset, Dict[str, Any]]) -> None:
        """Adapt every adaptable preprocessor on its column of ``dataset`` (dicts, no labels)."""
        if isinstance(dataset, dict):  # Keras 3: a dict of arrays/lists
            dataset = Dataset.from_tensor_slices(dataset)
        if not isinstance(dataset, Dataset):
            raise ValueError("`adapt()` can only be called on a tf.data.Dataset. "
                             f"Received instead: {dataset} (of type {type(dataset)})")
        for name in self._list_adaptable_preprocessors():
            feature_dataset = dataset.map(lambda x, key=name: x[key])
            sample = next(iter(feature_dataset.take(1)))
            if _rank(sample) == 0:  # unbatched scalars: batch them
                feature_dataset = feature_dataset.batch(32)
            if _rank(sample) in {0, 1}:  # so that the layer reduces over axis=-1
                feature_dataset = feature_dataset.map(_expand_last)
            self.preprocessors[name].adapt(feature_dataset)
        self._is_adapted = True
        self.get_encoded_features()  # finish building
        self.built = True

    def get_inputs(self) -> Dict[str, Any]:
        """The dict of ``keras.Input`` the encoded features are computed from."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self) -> Any:
        """The encoded features (one KerasTensor, or a dict in ``"dict"`` mode)."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            crossed = self._cross_features(preprocessed)
            self.encoded_features = self._merge_features(preprocessed, crossed)
        return self.encoded_features

    def _preprocess_features(self, features: Dict[str, Any]) -> Dict[str, Any]:
        return {name: self.preprocessors[name](features[name]) for name in features}

    def _cross_features(self, features: Dict[str, Any]) -> Dict[str, Any]:
        return {cross.name: self.crossers[cross.name]([features[n] for n in cross.feature_names])
                for cross in self.crosses}

    def _merge_features(self, preprocessed: Dict[str, Any], crossed: Dict[str, Any]) -> Any:
        if not self._preprocessed_features_names:
            self._preprocessed_features_names = sorted(preprocessed)
            self._crossed_features_names = sorted(crossed)
        names = self._preprocessed_features_names + self._crossed_features_names
        values = [preprocessed[n] for n in self._preprocessed_features_names] + \
                 [crossed[n] for n in self._crossed_features_names]
        if not self._sublayers_built:
            self._build_encoders(names, values)
        encoded = {}
        for name, value in zip(names, values):
            encoder = self.one_hot_encoders.get(name)
            encoded[name] = encoder(value) if encoder is not None else value
        if self.output_mode == "dict":
            return encoded
        return self.concat([encoded[name] for name in names])

    def _build_encoders(self, names: List[str], values: List[Any]) -> None:
        """Make the one-hot encoders (and the concat layer) on the first, symbolic, pass."""
        for name, value in zip(names, values):
            spec = self.features.get(name) or self.crosses_by_name[name]
            dtype = _dtype_name(value)
            if spec.output_mode == "one_hot":
                if not dtype.startswith("int"):
                    raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. "
                                     "Thus its preprocessor should return an int64 dtype. "
                                     f"Instead it returns a {dtype} dtype.")
                cardinality = self._cardinality(name)
                self.one_hot_encoders[name] = layers.CategoryEncoding(
                    num_tokens=cardinality, output_mode="multi_hot")
                dtype = "float32"
            if self.output_mode == "concat" and (dtype.startswith("int") or dtype == "string"):
                raise ValueError(f"Cannot concatenate features because feature '{name}' "
                                 f"has not been encoded (it has dtype {dtype}). "
                                 "Consider using `output_mode='dict'`.")
        if self.output_mode == "concat":
            self.concat = layers.Concatenate(axis=-1)
        self._sublayers_built = True

    def _cardinality(self, name: str) -> int:
        preprocessor = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(preprocessor, (layers.IntegerLookup, layers.StringLookup)):
            return preprocessor.vocabulary_size()
        if isinstance(preprocessor, layers.CategoryEncoding):
            return preprocessor.num_tokens
        if isinstance(preprocessor, (layers.Discretization, layers.HashedCrossing,
                                     layers.Hashing)):
            return preprocessor.num_bins
        raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. "
                         "However it isn't a standard feature and the "
                         "dimensionality of its output space is not known, "
                         "thus it cannot be one-hot encoded. "
                         "Try using `output_mode='int'`.")

    def _check_if_adapted(self) -> None:
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace "
                                 "before you can start using it.")
            self._is_adapted = True

    def _check_if_built(self) -> None:
        if not self._sublayers_built or self.encoded_features is None:
            self._check_if_adapted()
            self.get_encoded_features()
        self.built = True

    def __call__(self, data: Dict[str, Any]) -> Any:  # type: ignore[override]
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError("A FeatureSpace can only be called with a dict. "
                             f"Received: data={data} (of type {type(data)}")
        columns = {}
        rebatched = False
        for name, value in data.items():
            feature = self.features.get(name)
            x = _to_column(value, feature.dtype if feature is not None else "")
            if _rank(x) == 0:
                x = x.reshape(1, 1)  # (1, 1)
                rebatched = True
            elif _rank(x) == 1:
                x = _expand_last(x)  # (batch, 1)
            columns[name] = x
        preprocessed = self._preprocess_features(columns)
        crossed = self._cross_features(preprocessed)
        merged = self._merge_features(preprocessed, crossed)
        if rebatched:
            if self.output_mode == "concat":
                return merged.squeeze(0)
            merged = {name: x.squeeze(0) if _rank(x) == 2 and x.shape[0] == 1 else x
                      for name, x in merged.items()}
        return merged

    def get_config(self) -> Dict[str, Any]:
        return {"features": {name: serialize_keras_object(feature)
                             for name, feature in self.features.items()},
                "output_mode": self.output_mode,
                "crosses": [serialize_keras_object(cross) for cross in self.crosses],
                "crossing_dim": self.crossing_dim,
                "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "FeatureSpace":
        return cls(**config)
