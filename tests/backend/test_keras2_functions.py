"""Keras 2 ``K.*`` functions on torch tensors (values are checked against tf-keras in
compat/test_dropin.py; here: semantics, gradients, use inside compile)."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import torchkeras as keras
import torchkeras.backend as K


def test_reductions_default_to_all_axes():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert K.mean(x).shape == () and K.mean(x).item() == 2.5
    assert K.sum(x, axis=1, keepdims=True).shape == (2, 1)
    assert K.max(x, axis=[0, 1]).item() == 4.0
    assert K.mean(torch.tensor([True, False, True])).dtype == torch.float32


def test_sqrt_clip_round_follow_keras2():
    assert K.sqrt(torch.tensor([-4.0, 4.0])).tolist() == [0.0, 2.0]
    assert K.clip(torch.tensor([0.0, 1.0]), 0.5, 0.1).tolist() == [0.5, 0.5]
    assert K.round(torch.tensor([0.5, 1.5, 2.5])).tolist() == [0.0, 2.0, 2.0]


def test_dot_nd_shape():
    assert K.dot(torch.ones(2, 3, 4), torch.ones(5, 4, 6)).shape == (2, 3, 5, 6)
    assert K.int_shape(torch.ones(2, 3)) == (2, 3)
    assert K.shape(torch.ones(2, 3)).tolist() == [2, 3]


def test_keeps_gradients_and_accepts_keras_weights():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    total = K.sum(K.square(layer.kernel_weight if hasattr(layer, "kernel_weight")
                           else layer.weights[0]))
    assert total.requires_grad
    total.backward()


def test_variables_and_optimizer_hyperparameters():
    v = K.variable([1.0, 2.0], name="v")
    K.set_value(v, [3.0, 4.0])
    assert K.get_value(v).tolist() == [3.0, 4.0] and v.name == "v:0"
    opt = keras.optimizers.SGD(learning_rate=0.1)
    K.set_value(opt.learning_rate, 0.01)
    assert np.isclose(K.get_value(opt.learning_rate), 0.01)
    with pytest.raises(ValueError, match="cannot be updated in place"):
        K.set_value(0.5, 1.0)


def test_custom_metric_in_compile():
    def true_positive_rate(y_true, y_pred):
        tp = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
        return tp / (K.sum(K.round(K.clip(y_true, 0, 1))) + K.epsilon())

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile(loss="binary_crossentropy", metrics=[true_positive_rate])
    x = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    result = model.evaluate(x, np.array([[1.0], [0.0]], "float32"), verbose=0)
    assert len(result) == 2 and 0.0 <= result[1] <= 1.0


def test_floatx_and_formats():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    assert K.image_data_format() == "channels_last"
    assert K.learning_phase() == 0


def test_backend_serves_exactly_the_keras2_functions():
    from torchkeras.compat import keras2_functions
    assert K._KERAS2_FUNCTIONS == set(keras2_functions.__all__) | {"to_tensor"}
    assert K._KERAS2_FUNCTIONS <= set(dir(K))
    assert K.mean is keras2_functions.mean and K.to_tensor is keras2_functions.to_tensor
    with pytest.raises(AttributeError, match="'torchkeras.backend' has no attribute 'nope'"):
        K.nope


def test_k_functions_load_on_first_use_without_compat_at_import():
    code = ("import sys, torchkeras as keras\n"
            "print('torchkeras.compat' in sys.modules, 'mean' in dir(keras.backend))\n"
            "from torchkeras.backend import mean\n"
            "print(float(mean(keras.backend.to_tensor([1.0, 3.0]))))\n")
    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=root), check=True).stdout
    assert out.split() == ["False", "True", "2.0"]
