"""Record reference numbers for the conv / pooling / reshaping / activation / normalization
layers from real tf_keras into ``compat/fixtures/conv_*.npz``.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_layers_conv.py

Fixtures:

* ``conv_layers.npz``: one forward call per layer config with fixed weights (numpy
  RandomState, set with ``set_weights``): input ``<case>__x<i>``, weights ``<case>__w<j>``,
  output ``<case>__y``; for ``training=True`` calls also the weights after the call
  (``<case>__after_w<j>``: BatchNormalization's moving statistics). ``meta.cases`` lists the
  class, kwargs, Keras's param count, weight shapes and ``compute_output_shape``.
* ``conv_same_sweep.npz``: the same for Conv1D/Conv2D/pooling over kernels 2-5, strides 1-3,
  odd and even input sizes, ``padding='same'`` (and 'valid').
* ``conv_fit_cnn.npz``, ``conv_fit_bn.npz``, ``conv_fit_activity.npz``: small models trained
  with ``fit`` (History, final weights, predictions).

TensorFlow's CPU kernels only take channels_last; the replay test checks channels_first by
transposing these channels_last references.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (shared deterministic npz writer)

FIXTURES = os.path.join(HERE, "fixtures")

# (case name, class, kwargs, input shapes (batch first), call kwargs, channels_first replay)
FORWARD: List[tuple] = [
    ("conv1d_valid", "Conv1D", {"filters": 3, "kernel_size": 3}, [(2, 9, 2)], {}, True),
    ("conv1d_same_k4_s2", "Conv1D", {"filters": 3, "kernel_size": 4, "strides": 2,
                                     "padding": "same"}, [(2, 9, 2)], {}, True),
    ("conv1d_causal_d2", "Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal",
                                    "dilation_rate": 2}, [(2, 8, 3)], {}, True),
    ("conv1d_groups_relu", "Conv1D", {"filters": 4, "kernel_size": 2, "groups": 2,
                                      "activation": "relu"}, [(2, 7, 4)], {}, True),
    ("conv2d_valid", "Conv2D", {"filters": 3, "kernel_size": 3}, [(2, 6, 7, 2)], {}, True),
    ("conv2d_same_k2", "Conv2D", {"filters": 3, "kernel_size": 2, "padding": "same"},
     [(2, 5, 6, 2)], {}, True),
    ("conv2d_same_k3_s2", "Conv2D", {"filters": 3, "kernel_size": 3, "strides": 2,
                                     "padding": "same"}, [(2, 6, 7, 2)], {}, True),
    ("conv2d_same_s21_nobias", "Conv2D", {"filters": 2, "kernel_size": (3, 2),
                                          "strides": (2, 1), "padding": "same",
                                          "use_bias": False}, [(2, 7, 6, 3)], {}, True),
    ("conv2d_same_d2", "Conv2D", {"filters": 2, "kernel_size": 3, "dilation_rate": 2,
                                  "padding": "same"}, [(2, 8, 7, 2)], {}, True),
    ("conv2d_groups", "Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2,
                                 "padding": "same"}, [(2, 5, 5, 4)], {}, True),
    ("conv3d_same_s2", "Conv3D", {"filters": 2, "kernel_size": 3, "strides": 2,
                                  "padding": "same"}, [(2, 5, 4, 5, 2)], {}, True),
    ("conv3d_valid_k2", "Conv3D", {"filters": 2, "kernel_size": 2}, [(1, 4, 3, 4, 2)], {},
     True),
    ("conv1dt_valid_k3_s2", "Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2},
     [(2, 5, 3)], {}, True),
    ("conv1dt_same_k4_s2", "Conv1DTranspose", {"filters": 2, "kernel_size": 4, "strides": 2,
                                               "padding": "same"}, [(2, 5, 3)], {}, True),
    ("conv1dt_same_op1", "Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                             "padding": "same", "output_padding": 1},
     [(2, 5, 3)], {}, True),
    ("conv2dt_valid_k3_s2", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2},
     [(2, 4, 5, 3)], {}, True),
    ("conv2dt_same_k3_s2", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                               "padding": "same"}, [(2, 4, 5, 3)], {}, True),
    ("conv2dt_same_k4_s2", "Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 2,
                                               "padding": "same"}, [(2, 4, 5, 3)], {}, True),
    ("conv2dt_same_k2_s3", "Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3,
                                               "padding": "same"}, [(2, 3, 4, 2)], {}, True),
    ("conv2dt_valid_k2_s3", "Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3},
     [(2, 3, 4, 2)], {}, True),
    ("conv2dt_valid_op", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                             "output_padding": (1, 0)}, [(2, 4, 4, 2)], {},
     True),
    ("conv2dt_same_op", "Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 3,
                                            "padding": "same", "output_padding": (2, 1)},
     [(2, 4, 4, 2)], {}, True),
    ("conv2dt_same_d2", "Conv2DTranspose", {"filters": 2, "kernel_size": 3,
                                            "dilation_rate": 2, "padding": "same"},
     [(2, 5, 6, 2)], {}, True),
    ("conv3dt_same_k3_s2", "Conv3DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                               "padding": "same"}, [(1, 3, 4, 3, 2)], {}, True),
    ("sepconv1d_same_dm2", "SeparableConv1D", {"filters": 3, "kernel_size": 3,
                                               "depth_multiplier": 2, "padding": "same"},
     [(2, 7, 2)], {}, True),
    ("sepconv1d_causal", "SeparableConv1D", {"filters": 3, "kernel_size": 3,
                                             "padding": "causal"}, [(2, 7, 2)], {}, True),
    ("sepconv2d_same_s2_dm2", "SeparableConv2D", {"filters": 3, "kernel_size": 3,
                                                  "strides": 2, "padding": "same",
                                                  "depth_multiplier": 2}, [(2, 7, 6, 2)], {},
     True),
    ("sepconv2d_valid_d2", "SeparableConv2D", {"filters": 2, "kernel_size": 2,
                                               "dilation_rate": 2}, [(2, 6, 6, 3)], {}, True),
    ("dwconv1d_same_s2_dm2", "DepthwiseConv1D", {"kernel_size": 3, "strides": 2,
                                                 "padding": "same", "depth_multiplier": 2},
     [(2, 9, 3)], {}, True),
    ("dwconv2d_same_dm2", "DepthwiseConv2D", {"kernel_size": 3, "padding": "same",
                                              "depth_multiplier": 2}, [(2, 5, 6, 3)], {}, True),
    ("dwconv2d_valid_k2_s2", "DepthwiseConv2D", {"kernel_size": 2, "strides": 2},
     [(2, 5, 6, 3)], {}, True),
    ("maxpool3d_same", "MaxPooling3D", {"pool_size": 2, "padding": "same"},
     [(2, 5, 4, 3, 2)], {}, True),
    ("avgpool3d_same", "AveragePooling3D", {"pool_size": 2, "padding": "same"},
     [(2, 5, 4, 3, 2)], {}, True),
    ("avgpool2d_same_k3_s2", "AveragePooling2D", {"pool_size": 3, "strides": 2,
                                                  "padding": "same"}, [(2, 6, 7, 2)], {}, True),
    ("gmaxpool1d", "GlobalMaxPooling1D", {}, [(2, 5, 3)], {}, True),
    ("gavgpool1d_keep", "GlobalAveragePooling1D", {"keepdims": True}, [(2, 5, 3)], {}, True),
    ("gmaxpool2d_keep", "GlobalMaxPooling2D", {"keepdims": True}, [(2, 4, 5, 3)], {}, True),
    ("gavgpool2d", "GlobalAveragePooling2D", {}, [(2, 4, 5, 3)], {}, True),
    ("gmaxpool3d", "GlobalMaxPooling3D", {}, [(2, 3, 4, 2, 3)], {}, True),
    ("gavgpool3d", "GlobalAveragePooling3D", {}, [(2, 3, 4, 2, 3)], {}, True),
    ("zeropad1d", "ZeroPadding1D", {"padding": (1, 2)}, [(2, 4, 3)], {}, False),
    ("zeropad2d", "ZeroPadding2D", {"padding": ((1, 2), (0, 1))}, [(2, 3, 4, 2)], {}, True),
    ("zeropad3d", "ZeroPadding3D", {"padding": 1}, [(1, 2, 3, 2, 2)], {}, True),
    ("crop1d", "Cropping1D", {"cropping": (1, 2)}, [(2, 6, 3)], {}, False),
    ("crop2d", "Cropping2D", {"cropping": ((1, 0), (2, 1))}, [(2, 5, 6, 2)], {}, True),
    ("crop3d", "Cropping3D", {"cropping": ((1, 1), (0, 1), (1, 0))}, [(1, 4, 4, 3, 2)], {},
     True),
    ("upsample1d", "UpSampling1D", {"size": 3}, [(2, 4, 3)], {}, False),
    ("upsample2d_nearest", "UpSampling2D", {"size": (2, 3)}, [(2, 3, 4, 2)], {}, True),
    ("upsample2d_bilinear", "UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"},
     [(2, 3, 4, 2)], {}, True),
    ("upsample3d", "UpSampling3D", {"size": 2}, [(1, 2, 3, 2, 2)], {}, True),
    ("permute", "Permute", {"dims": (2, 3, 1)}, [(2, 3, 4, 5)], {}, False),
    ("repeatvector", "RepeatVector", {"n": 3}, [(2, 4)], {}, False),
    ("relu", "ReLU", {}, [(3, 8)], {}, False),
    ("relu_full", "ReLU", {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.2},
     [(3, 8)], {}, False),
    ("relu6", "ReLU", {"max_value": 6.0}, [(3, 8)], {}, False),
    ("leakyrelu", "LeakyReLU", {}, [(3, 8)], {}, False),
    ("leakyrelu_a01", "LeakyReLU", {"alpha": 0.1}, [(3, 8)], {}, False),
    ("prelu", "PReLU", {}, [(3, 8)], {}, False),
    ("prelu_shared", "PReLU", {"shared_axes": [1, 2]}, [(2, 3, 4, 5)], {}, False),
    ("elu", "ELU", {"alpha": 0.5}, [(3, 8)], {}, False),
    ("softmax_axis1", "Softmax", {"axis": 1}, [(2, 4, 3)], {}, False),
    ("thresholdedrelu", "ThresholdedReLU", {"theta": 0.3}, [(3, 8)], {}, False),
    ("bn2d_infer", "BatchNormalization", {}, [(4, 5)], {}, False),
    ("bn4d_infer", "BatchNormalization", {}, [(3, 4, 5, 3)], {}, False),
    ("bn2d_train", "BatchNormalization", {"momentum": 0.9}, [(6, 5)], {"training": True},
     False),
    ("bn3d_train", "BatchNormalization", {"momentum": 0.9}, [(3, 4, 5)], {"training": True},
     False),
    ("bn4d_train", "BatchNormalization", {"momentum": 0.9}, [(3, 4, 5, 3)],
     {"training": True}, False),
    ("bn5d_train", "BatchNormalization", {"momentum": 0.9}, [(2, 3, 2, 4, 3)],
     {"training": True}, False),
    ("bn4d_axis1_train", "BatchNormalization", {"axis": 1, "momentum": 0.9},
     [(3, 4, 5, 3)], {"training": True}, False),
    ("bn4d_axis2_train", "BatchNormalization", {"axis": 2, "momentum": 0.9},
     [(3, 4, 5, 3)], {"training": True}, False),
    ("bn_noscale_train", "BatchNormalization", {"scale": False, "center": False,
                                                "epsilon": 0.01}, [(6, 5)],
     {"training": True}, False),
    ("layernorm", "LayerNormalization", {}, [(3, 4, 6)], {}, False),
    ("layernorm_axes12", "LayerNormalization", {"axis": [1, 2]}, [(3, 4, 6)], {}, False),
    ("layernorm_axis1_nocenter", "LayerNormalization", {"axis": 1, "center": False},
     [(3, 4, 6)], {}, False),
    ("groupnorm", "GroupNormalization", {"groups": 2}, [(2, 3, 4, 6)], {}, False),
    ("groupnorm_axis1", "GroupNormalization", {"groups": 3, "axis": 1}, [(2, 6, 5)], {},
     False),
    ("unitnorm", "UnitNormalization", {}, [(3, 5)], {}, False),
    ("unitnorm_axes", "UnitNormalization", {"axis": [1, 2]}, [(2, 3, 4)], {}, False),
    ("dot_axes1_norm", "Dot", {"axes": 1, "normalize": True}, [(3, 5), (3, 5)], {}, False),
    ("dot_axes12", "Dot", {"axes": (1, 2)}, [(2, 5, 3), (2, 4, 5)], {}, False),
    ("dot_axes_neg", "Dot", {"axes": -1}, [(2, 3, 4), (2, 5, 4)], {}, False),
]


def _sweep() -> List[tuple]:
    cases = []
    for k in (2, 3, 4, 5):
        for s in (1, 2, 3):
            for shape2d in ((2, 7, 8, 2), (2, 10, 5, 2)):
                tag = f"k{k}_s{s}_{shape2d[1]}x{shape2d[2]}"
                cases.append((f"conv2d_same_{tag}", "Conv2D",
                              {"filters": 2, "kernel_size": k, "strides": s, "padding": "same"},
                              [shape2d], {}, True))
                cases.append((f"maxpool2d_same_{tag}", "MaxPooling2D",
                              {"pool_size": k, "strides": s, "padding": "same"}, [shape2d], {},
                              True))
                cases.append((f"avgpool2d_same_{tag}", "AveragePooling2D",
                              {"pool_size": k, "strides": s, "padding": "same"}, [shape2d], {},
                              True))
            for n in (9, 10):
                tag = f"k{k}_s{s}_{n}"
                cases.append((f"conv1d_same_{tag}", "Conv1D",
                              {"filters": 2, "kernel_size": k, "strides": s, "padding": "same"},
                              [(2, n, 2)], {}, True))
                cases.append((f"maxpool1d_same_{tag}", "MaxPooling1D",
                              {"pool_size": k, "strides": s, "padding": "same"}, [(2, n, 2)], {},
                              True))
                cases.append((f"avgpool1d_same_{tag}", "AveragePooling1D",
                              {"pool_size": k, "strides": s, "padding": "same"}, [(2, n, 2)], {},
                              True))
            cases.append((f"conv2d_valid_k{k}_s{s}", "Conv2D",
                          {"filters": 2, "kernel_size": k, "strides": s}, [(2, 9, 8, 2)], {},
                          True))
            cases.append((f"maxpool2d_valid_k{k}_s{s}", "MaxPooling2D",
                          {"pool_size": k, "strides": s}, [(2, 9, 8, 2)], {}, True))
    return cases


def _weights_for(rs: np.random.RandomState, layer) -> List[np.ndarray]:
    values = []
    for w in layer.weights:
        shape = tuple(int(d) for d in w.shape)
        name = w.name
        if "variance" in name or "gamma" in name:
            values.append(rs.uniform(0.5, 1.5, size=shape).astype("float32"))
        else:
            values.append(rs.uniform(-0.5, 0.5, size=shape).astype("float32"))
    return values


def record_forward(keras, cases: List[tuple], seed: int) -> Dict[str, Any]:
    rs = np.random.RandomState(seed)
    arrays: Dict[str, np.ndarray] = {}
    metas = []
    for name, cls, kwargs, shapes, call_kwargs, channels_first in cases:
        keras.backend.clear_session()
        inputs = [(rs.uniform(-2, 2, size=s) + 0.3).astype("float32") for s in shapes]
        layer = getattr(keras.layers, cls)(**kwargs)
        feed = inputs if len(inputs) > 1 else inputs[0]
        layer(feed)  # build
        weights = _weights_for(rs, layer)
        layer.set_weights(weights)
        output = np.asarray(layer(feed, **call_kwargs))
        in_shapes = [(None,) + tuple(s[1:]) for s in shapes]
        out_shape = layer.compute_output_shape(in_shapes if len(in_shapes) > 1 else in_shapes[0])
        for i, x in enumerate(inputs):
            arrays[f"{name}__x{i}"] = x
        for j, w in enumerate(weights):
            arrays[f"{name}__w{j}"] = w
        arrays[f"{name}__y"] = output
        if call_kwargs.get("training"):
            for j, w in enumerate(layer.get_weights()):
                arrays[f"{name}__after_w{j}"] = w
        metas.append({
            "name": name, "class": cls, "kwargs": kwargs, "n_inputs": len(inputs),
            "call_kwargs": call_kwargs, "channels_first": channels_first,
            "n_weights": len(weights), "weight_shapes": [list(w.shape) for w in weights],
            "weight_names": [w.name for w in layer.weights],
            "count_params": int(layer.count_params()),
            "output_shape": [None if d is None else int(d) for d in out_shape],
        })
    return {"arrays": arrays, "cases": metas}


# ------------------------------------------------------------------------------ fits
def _put_fit(arrays: Dict[str, np.ndarray], model, history, x) -> Dict[str, Any]:
    for i, w in enumerate(model.get_weights()):
        arrays[f"final_w{i}"] = w
    for key, values in history.history.items():
        arrays[f"hist__{key}"] = np.asarray(values, dtype=np.float64)
    arrays["pred"] = model.predict(x, verbose=0)
    return {"history_keys": list(history.history), "n_final_weights": len(model.get_weights())}


def _init(rs: np.random.RandomState, model, arrays: Dict[str, np.ndarray]) -> int:
    weights = []
    for w in model.weights:
        shape = tuple(int(d) for d in w.shape)
        if "moving_variance" in w.name or "gamma" in w.name:
            weights.append(np.ones(shape, "float32"))
        elif "moving_mean" in w.name or "beta" in w.name:
            weights.append(np.zeros(shape, "float32"))
        else:
            weights.append(rs.uniform(-0.4, 0.4, size=shape).astype("float32"))
    model.set_weights(weights)
    for i, w in enumerate(weights):
        arrays[f"init_w{i}"] = w
    return len(weights)


def _digits_like(rs: np.random.RandomState, n: int, k: int = 3):
    x = rs.uniform(0, 1, size=(n, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) * 10).astype("int64") % k
    return x, y


def fit_cnn(keras) -> Dict[str, Any]:
    rs = np.random.RandomState(7)
    arrays: Dict[str, np.ndarray] = {}
    x, y = _digits_like(rs, 48)
    model = keras.Sequential([
        keras.layers.Conv2D(4, 2, padding="same", activation="relu", input_shape=(8, 8, 1)),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    n_init = _init(rs, model, arrays)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    arrays.update({"x": x, "y": y})
    outputs = _put_fit(arrays, model, history, x)
    return {"arrays": arrays, "config": {"n_init_weights": n_init, "batch_size": 16,
                                         "epochs": 2, **outputs}}


def fit_bn(keras) -> Dict[str, Any]:
    rs = np.random.RandomState(8)
    arrays: Dict[str, np.ndarray] = {}
    x, y = _digits_like(rs, 40)
    model = keras.Sequential([
        keras.layers.Conv2D(3, 3, padding="same", input_shape=(8, 8, 1)),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(6),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.Dense(3, activation="softmax"),
    ])
    n_init = _init(rs, model, arrays)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    arrays.update({"x": x, "y": y})
    outputs = _put_fit(arrays, model, history, x)
    arrays["evaluate"] = np.asarray(model.evaluate(x, y, batch_size=16, verbose=0))
    return {"arrays": arrays, "config": {"n_init_weights": n_init, "batch_size": 16,
                                         "epochs": 2, **outputs}}


def fit_activity(keras) -> Dict[str, Any]:
    rs = np.random.RandomState(9)
    arrays: Dict[str, np.ndarray] = {}
    x = rs.uniform(-1, 1, size=(32, 4)).astype("float32")
    y = rs.uniform(-1, 1, size=(32, 2)).astype("float32")
    model = keras.Sequential([
        keras.layers.Dense(6, activation="relu", input_shape=(4,)),
        keras.layers.ActivityRegularization(l1=0.01, l2=0.02),
        keras.layers.Dense(2),
    ])
    n_init = _init(rs, model, arrays)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    arrays.update({"x": x, "y": y})
    outputs = _put_fit(arrays, model, history, x)
    arrays["evaluate"] = np.asarray(model.evaluate(x, y, batch_size=8, verbose=0))
    return {"arrays": arrays, "config": {"n_init_weights": n_init, "batch_size": 8,
                                         "epochs": 2, **outputs}}


def main() -> None:
    import tensorflow as tf
    import tf_keras as keras

    versions = {"tf_keras_version": keras.__version__, "tensorflow_version": tf.__version__,
                "numpy_version": np.__version__}
    os.makedirs(FIXTURES, exist_ok=True)
    for fixture, cases, seed in (("conv_layers", FORWARD, 1), ("conv_same_sweep", _sweep(), 2)):
        tf.random.set_seed(0)
        result = record_forward(keras, cases, seed)
        meta = dict(versions, case=fixture, cases=result["cases"])
        arrays = dict(result["arrays"], meta=np.array(json.dumps(meta, sort_keys=True)))
        save_npz(os.path.join(FIXTURES, f"{fixture}.npz"), arrays)
        print(fixture, len(cases), "cases")
    for fixture, fn in (("conv_fit_cnn", fit_cnn), ("conv_fit_bn", fit_bn),
                        ("conv_fit_activity", fit_activity)):
        keras.backend.clear_session()
        tf.random.set_seed(0)
        result = fn(keras)
        meta = dict(versions, case=fixture, doc=fn.__doc__, config=result["config"])
        arrays = dict(result["arrays"], meta=np.array(json.dumps(meta, sort_keys=True)))
        save_npz(os.path.join(FIXTURES, f"{fixture}.npz"), arrays)
        print(fixture, "recorded")


if __name__ == "__main__":
    main()
