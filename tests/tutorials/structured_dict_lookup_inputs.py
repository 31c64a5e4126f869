"""Structured data with Keras 3-style preprocessing inside tf.data, in the style of keras.io's
examples/structured_data/structured_data_classification_from_scratch.py (backend-agnostic
revision): a dict of columns through ``Dataset.from_tensor_slices``, a map that picks
StringLookup or IntegerLookup by ``features[name].dtype == "string"`` (one-hot, "binary"),
Normalization adapted on a mapped feature dataset, and a model whose dict of inputs holds a
Normalization output (Keras makes it a new Input: the normalization is not part of the model).
Every printed line is deterministic; the test compares them with real Keras 2 and 3."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # the recorder runs it on "tensorflow"

import keras
import numpy as np
import tensorflow as tf
from keras import layers

columns = {
    "age": np.array([63, 37, 41, 56, 57, 44, 52, 57], dtype="int64"),
    "cp": np.array([1, 3, 2, 2, 0, 1, 2, 0], dtype="int64"),
    "oldpeak": np.array([2.3, 3.5, 1.4, 0.8, 0.6, 0.0, 1.6, 0.4]),
    "thal": np.array(["fixed", "normal", "normal", "reversible", "normal", "fixed",
                      "reversible", "normal"]),
}
labels = np.array([1, 0, 0, 1, 0, 1, 1, 0], dtype="int64")
VOCABULARY = {"cp": [0, 1, 2, 3], "thal": ["fixed", "normal", "reversible"]}


def encode_categorical(features, target):
    for feature_name in features:
        if feature_name in VOCABULARY:
            lookup_class = (
                layers.StringLookup
                if features[feature_name].dtype == "string"
                else layers.IntegerLookup
            )
            index = lookup_class(vocabulary=VOCABULARY[feature_name], mask_token=None,
                                 num_oov_indices=0, output_mode="binary")
            features[feature_name] = index(features[feature_name])
    return dict(features), target


ds = tf.data.Dataset.from_tensor_slices((columns, labels)).map(encode_categorical)
for x, y in ds.take(1):
    print("first", {k: np.asarray(v).tolist() for k, v in sorted(x.items())}, int(y))
ds = ds.batch(4)


def encode_numerical_feature(feature, name, dataset):
    normalizer = layers.Normalization()
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
    normalizer.adapt(feature_ds)
    mean, variance = np.asarray(normalizer.mean), np.asarray(normalizer.variance)
    print("adapted", name, mean.shape, f"{mean.item():.4f} {variance.item():.4f}")
    return normalizer(feature)


inputs = {
    "age": encode_numerical_feature(layers.Input(name="age", shape=(1,)), "age", ds),
    "oldpeak": encode_numerical_feature(layers.Input(name="oldpeak", shape=(1,)),
                                        "oldpeak", ds),
    "cp": layers.Input(name="cp", shape=(4,)),  # float32: Keras 2 concatenates one dtype
    "thal": layers.Input(name="thal", shape=(3,)),
}
features = layers.concatenate([inputs[k] for k in ("age", "oldpeak", "cp", "thal")])
dense = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
model = keras.Model(inputs, dense(features))
print("layers", [layer.__class__.__name__ for layer in model.layers])
print("num_inputs", len(model.inputs))
batch = next(iter(ds))[0]
print("predict", " ".join(f"{v:.4f}" for v in model.predict(batch, verbose=0)[:, 0]))
