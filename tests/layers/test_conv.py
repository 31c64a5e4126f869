import numpy as np
import pytest
import torch

import torchkeras as keras
from layer_test import layer_test
from torchkeras.layers import conv_utils

L = keras.layers


@pytest.mark.parametrize("cls,kwargs,shape,out,weights", [
    (L.Conv1D, {"filters": 3, "kernel_size": 2}, (2, 5, 4), (None, 4, 3), [(2, 4, 3), (3,)]),
    (L.Conv1D, {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
     (2, 6, 3), (None, 6, 2), [(3, 3, 2), (2,)]),
    (L.Conv2D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
     (2, 7, 6, 2), (None, 4, 3, 3), [(3, 3, 2, 3), (3,)]),
    (L.Conv2D, {"filters": 4, "kernel_size": 2, "groups": 2, "use_bias": False},
     (2, 5, 5, 4), (None, 4, 4, 4), [(2, 2, 2, 4)]),
    (L.Conv2D, {"filters": 2, "kernel_size": 3, "data_format": "channels_first",
                "padding": "same"}, (2, 3, 5, 6), (None, 2, 5, 6), [(3, 3, 3, 2), (2,)]),
    (L.Conv3D, {"filters": 2, "kernel_size": 2}, (2, 3, 4, 3, 2), (None, 2, 3, 2, 2),
     [(2, 2, 2, 2, 2), (2,)]),
    (L.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 4, 3),
     (None, 9, 2), [(3, 2, 3), (2,)]),
    (L.Conv2DTranspose, {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"},
     (2, 3, 4, 3), (None, 6, 8, 2), [(4, 4, 2, 3), (2,)]),
    (L.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
     (2, 3, 3, 3), (None, 8, 8, 2), [(3, 3, 2, 3), (2,)]),
    (L.Conv3DTranspose, {"filters": 1, "kernel_size": 2, "strides": 2}, (1, 2, 2, 2, 2),
     (None, 4, 4, 4, 1), [(2, 2, 2, 1, 2), (1,)]),
    (L.SeparableConv1D, {"filters": 3, "kernel_size": 3, "depth_multiplier": 2},
     (2, 6, 2), (None, 4, 3), [(3, 2, 2), (1, 4, 3), (3,)]),
    (L.SeparableConv2D, {"filters": 3, "kernel_size": 3, "padding": "same"}, (2, 5, 5, 2),
     (None, 5, 5, 3), [(3, 3, 2, 1), (1, 1, 2, 3), (3,)]),
    (L.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 3), (None, 4, 6),
     [(3, 3, 2), (6,)]),
    (L.DepthwiseConv2D, {"kernel_size": 2, "strides": 2, "padding": "same"}, (2, 5, 5, 3),
     (None, 3, 3, 3), [(2, 2, 3, 1), (3,)]),
])
def test_layer_contract(cls, kwargs, shape, out, weights):
    layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out,
               expected_weight_shapes=weights)


def test_same_padding_arithmetic_is_tensorflows():
    assert conv_utils.same_padding(7, 2, 1) == (0, 1)  # even kernel: extra pixel after
    assert conv_utils.same_padding(6, 3, 2) == (0, 1)
    assert conv_utils.same_padding(7, 3, 2) == (1, 1)
    assert conv_utils.same_padding(5, 3, 1, dilation=2) == (2, 2)
    assert conv_utils.same_padding(4, 5, 3) == (2, 2)


def test_conv2d_matches_numpy_cross_correlation_with_keras_kernel_layout():
    rs = np.random.RandomState(0)
    x = rs.randn(1, 5, 4, 2).astype("float32")
    layer = L.Conv2D(3, (2, 3), padding="same")
    layer(x)
    kernel = rs.randn(2, 3, 2, 3).astype("float32")
    layer.set_weights([kernel, np.zeros(3, "float32")])
    padded = np.pad(x, ((0, 0), (0, 1), (1, 1), (0, 0)))  # TF 'same': (0, 1) rows, (1, 1) cols
    expected = np.zeros((1, 5, 4, 3), "float32")
    for i in range(5):
        for j in range(4):
            expected[0, i, j] = np.einsum("hwc,hwco->o", padded[0, i:i + 2, j:j + 3], kernel)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_kernel_is_stored_oihw_and_seen_in_keras_layout():
    layer = L.Conv2D(4, (2, 3))
    layer.build((None, 6, 6, 5))
    assert tuple(layer.kernel.shape) == (4, 5, 2, 3)
    assert layer.get_weights()[0].shape == (2, 3, 5, 4)
    value = np.arange(2 * 3 * 5 * 4, dtype="float32").reshape(2, 3, 5, 4)
    layer.set_weights([value, np.zeros(4, "float32")])
    np.testing.assert_array_equal(layer.get_weights()[0], value)
    np.testing.assert_array_equal(layer.kernel.detach().numpy(), value.transpose(3, 2, 0, 1))


def test_channels_last_input_goes_to_torch_as_a_view(monkeypatch):
    seen = {}
    original = torch.nn.functional.conv2d

    def spy(x, *args, **kwargs):
        seen["x"] = x
        return original(x, *args, **kwargs)

    monkeypatch.setitem(keras.layers.conv.CONV_FUNCTIONS, 2, spy)
    layer = L.Conv2D(2, 3)
    x = torch.randn(2, 6, 6, 3)
    layer(x)
    assert seen["x"].data_ptr() == x.data_ptr()  # permuted view, no copy
    assert seen["x"].shape == (2, 3, 6, 6)


@pytest.mark.parametrize("cls,data_format,shape,memory_format", [
    (L.Conv2D, "channels_last", (None, 6, 6, 5), torch.channels_last),
    (L.Conv3D, "channels_last", (None, 4, 4, 4, 5), torch.channels_last_3d),
    (L.Conv2D, "channels_first", (None, 5, 6, 6), torch.contiguous_format),
])
def test_kernel_memory_format_matches_the_inputs_view(cls, data_format, shape, memory_format):
    # channels_last data reaches torch as a channels_last view; a kernel with the same
    # strides spares the convolution a weight copy per call. set_weights keeps the strides.
    layer = cls(4, 3, data_format=data_format)
    layer.build(shape)
    assert layer.kernel.is_contiguous(memory_format=memory_format)
    value = np.random.RandomState(0).randn(*layer.get_weights()[0].shape).astype("float32")
    layer.set_weights([value, np.zeros(4, "float32")])
    assert layer.kernel.is_contiguous(memory_format=memory_format)
    np.testing.assert_array_equal(layer.get_weights()[0], value)
    x = torch.randn(2, *shape[1:])
    expected = CONV_REFERENCE[layer.rank](x if data_format == "channels_first" else
                                          x.movedim(-1, 1), layer.kernel.contiguous(),
                                          layer.bias)
    expected = expected if data_format == "channels_first" else expected.movedim(1, -1)
    torch.testing.assert_close(layer(x).detach(), expected.detach(), rtol=1e-5, atol=1e-5)


CONV_REFERENCE = {2: torch.nn.functional.conv2d, 3: torch.nn.functional.conv3d}


def test_depthwise_kernel_layout_round_trip():
    layer = L.DepthwiseConv2D(2, depth_multiplier=3)
    layer.build((None, 4, 4, 2))
    value = np.random.RandomState(1).randn(2, 2, 2, 3).astype("float32")
    layer.set_weights([value, np.zeros(6, "float32")])
    np.testing.assert_array_equal(layer.get_weights()[0], value)
    # output channel c * multiplier + m uses kernel[..., c, m]
    x = np.zeros((1, 2, 2, 2), "float32")
    x[..., 1] = 1.0
    y = np.asarray(layer(x))[0, 0, 0]
    np.testing.assert_allclose(y[3:], value[:, :, 1, :].sum(axis=(0, 1)), rtol=1e-6)
    np.testing.assert_allclose(y[:3], 0.0)


def test_conv_errors_are_keras_messages():
    with pytest.raises(ValueError, match='Input 0 of layer "conv2d_bad" is incompatible with '
                                         "the layer: expected min_ndim=4, found ndim=3"):
        L.Conv2D(2, 3, name="conv2d_bad")(keras.Input((8, 8)))
    with pytest.raises(ValueError, match="Causal padding is only supported for `Conv1D`"):
        L.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="The `kernel_size` argument must be a tuple of 2"):
        L.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="number of filters must be evenly divisible"):
        L.Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match="`strides > 1` not supported in conjunction with"):
        L.Conv2D(3, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="One of the dimensions in the output is <= 0"):
        L.Conv2D(3, 5)(np.zeros((1, 3, 3, 1), "float32"))
    with pytest.raises(ValueError, match="Strides must be greater than output padding"):
        L.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="Invalid value for argument `filters`"):
        L.Conv1D(0, 3)


def test_conv_in_sequential_summary_params_and_shapes():
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 2, padding="same"),
                              L.SeparableConv2D(6, 3), L.Conv2DTranspose(2, 3, strides=2)])
    assert [layer.count_params() for layer in model.layers] == [20, 4 * 9 + 4 * 6 + 6,
                                                                9 * 2 * 6 + 2]
    assert model.output_shape == (None, 13, 13, 2)


def test_aliases_and_activity_regularizer():
    assert L.Convolution2D is L.Conv2D and L.SeparableConvolution2D is L.SeparableConv2D
    layer = L.Conv1D(2, 2, activity_regularizer="l2")
    layer(np.ones((2, 4, 1), "float32"))
    assert "_activity_loss" in layer.__dict__
