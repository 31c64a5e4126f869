"""ConvLSTM1D/2D/3D: layer contract, Keras layout and names, per-gate reference, dropout,
masks, states, data formats and errors (numbers against tf_keras: compat/test_layers_convlstm)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import torchkeras as keras
from tests.layer_test import layer_test
from torchkeras.layers import conv_lstm
from torchkeras.layers.rnn import DropoutRNNCellMixin

RS = np.random.RandomState(3)
X = RS.uniform(-1, 1, (2, 4, 6, 5, 2)).astype("float32")  # (batch, time, rows, cols, ch)


def test_layer_test_2d():
    layer_test(keras.layers.ConvLSTM2D, {"filters": 3, "kernel_size": 3}, input_data=X,
               expected_output_shape=(None, 4, 3, 3),
               expected_weight_shapes=[(3, 3, 2, 12), (3, 3, 3, 12), (12,)])
    layer_test(keras.layers.ConvLSTM2D,
               {"filters": 2, "kernel_size": (2, 3), "padding": "same", "strides": 2,
                "return_sequences": True, "go_backwards": True}, input_data=X,
               expected_output_shape=(None, 4, 3, 3, 2))


def test_layer_test_1d_3d_and_dropout():
    layer_test(keras.layers.ConvLSTM1D, {"filters": 2, "kernel_size": 3, "padding": "same",
                                         "dropout": 0.3, "recurrent_dropout": 0.3},
               input_shape=(2, 3, 5, 2), expected_output_shape=(None, 5, 2),
               expected_weight_shapes=[(3, 2, 8), (3, 2, 8), (8,)])
    layer_test(keras.layers.ConvLSTM3D, {"filters": 2, "kernel_size": 2,
                                         "return_sequences": True},
               input_shape=(2, 3, 3, 4, 3, 1), expected_output_shape=(None, 3, 2, 3, 2, 2),
               expected_weight_shapes=[(2, 2, 2, 1, 8), (2, 2, 2, 2, 8), (8,)])


def test_keras2_defaults_names_and_config():
    layer = keras.layers.ConvLSTM2D(3, 2)
    model = keras.Sequential([keras.Input((4, 6, 5, 2)), layer])
    assert [w.name for w in model.weights] == [
        "conv_lstm2d/kernel:0", "conv_lstm2d/recurrent_kernel:0", "conv_lstm2d/bias:0"]
    assert layer.recurrent_activation is keras.activations.hard_sigmoid  # Keras 2 default
    assert layer.cell.name == "conv_lstm_cell" and layer.filters == 3
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])
    flat = recurrent.reshape(-1, 12)  # Keras's orthogonal init over (prod(shape[:-1]), 4f)
    np.testing.assert_allclose(flat.T @ flat, np.eye(12), atol=1e-5)
    assert list(layer.get_config()) == [  # tf_keras 2.21's keys, in its order
        "name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards",
        "stateful", "unroll", "time_major", "filters", "kernel_size", "strides", "padding",
        "data_format", "dilation_rate", "activation", "recurrent_activation", "use_bias",
        "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias",
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
        "dropout", "recurrent_dropout"]
    # torch storage is the conv weight layout (4f, in, kh, kw); Keras sees (kh, kw, in, 4f)
    assert tuple(layer.cell.kernel.shape) == (12, 2, 2, 2)
    keras.layers.ConvLSTM2D(3, 2, seed=1)  # Keras 3's argument is accepted


def _reference(layer, x, h=None, c=None):
    """tf-keras's ConvLSTMCell.call, gate by gate, per step (channels_last, 2-D)."""
    kernel, recurrent, *bias = [torch.tensor(w) for w in layer.get_weights()]
    f, cell = layer.filters, layer.cell

    def conv(inp, w, strides, padding, dilation):
        inp = inp.permute(0, 3, 1, 2)
        pads = keras.layers.conv_utils.spatial_padding(
            inp.shape[2:], w.shape[:2], strides, dilation, padding)
        inp = F.pad(inp, [p for pair in reversed(pads) for p in pair])
        out = F.conv2d(inp, w.permute(3, 2, 0, 1), None, strides, 0, dilation)
        return out.permute(0, 2, 3, 1)

    x = torch.tensor(x)
    outputs = []
    for t in range(x.shape[1]):
        z = []
        for g in range(4):
            zx = conv(x[:, t], kernel[..., g * f:(g + 1) * f], cell.strides, cell.padding,
                      cell.dilation_rate)
            if bias:
                zx = zx + bias[0][g * f:(g + 1) * f]
            if h is None:
                h = c = torch.zeros_like(zx)
            z.append(zx + conv(h, recurrent[..., g * f:(g + 1) * f], (1, 1), "same", (1, 1)))
        hs = keras.activations.hard_sigmoid
        c = hs(z[1]) * c + hs(z[0]) * torch.tanh(z[2])
        h = hs(z[3]) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs, 1).numpy(), h.numpy(), c.numpy()


@pytest.mark.parametrize("kwargs", [{"kernel_size": 3},
                                    {"kernel_size": (2, 3), "padding": "same", "strides": 2},
                                    {"kernel_size": 2, "dilation_rate": 2, "use_bias": False}])
def test_matches_per_gate_reference(kwargs):
    layer = keras.layers.ConvLSTM2D(3, return_sequences=True, return_state=True, **kwargs)
    seq, h, c = [np.asarray(t) for t in layer(X)]
    ref_seq, ref_h, ref_c = _reference(layer, X)
    np.testing.assert_allclose(seq, ref_seq, atol=1e-5)
    np.testing.assert_allclose(h, ref_h, atol=1e-5)
    np.testing.assert_allclose(c, ref_c, atol=1e-5)
    assert seq.shape[1:] == layer.compute_output_shape((None,) + X.shape[1:])[0][1:]


def test_channels_first_matches_channels_last():
    last = keras.layers.ConvLSTM2D(3, (3, 2), padding="same", strides=(2, 1),
                                   return_sequences=True)
    first = keras.layers.ConvLSTM2D(3, (3, 2), padding="same", strides=(2, 1),
                                    return_sequences=True, data_format="channels_first")
    x_first = np.ascontiguousarray(X.transpose(0, 1, 4, 2, 3))
    out_last = np.asarray(last(X))
    first(x_first)
    first.set_weights(last.get_weights())
    out_first = np.asarray(first(x_first))
    np.testing.assert_allclose(out_first.transpose(0, 1, 3, 4, 2), out_last, atol=1e-6)
    assert first.compute_output_shape((None,) + x_first.shape[1:]) == (None, 4, 3, 3, 5)


def test_dropout_masks_one_per_gate(monkeypatch):
    """Four masks (one per gate) for inputs and for h, drawn once per sequence."""
    layer = keras.layers.ConvLSTM2D(3, 3, dropout=0.5, recurrent_dropout=0.5,
                                    return_sequences=True)
    layer(X)
    drawn = []

    def draw(like, rate):
        mask = torch.tensor(RS.randint(0, 2, like.shape), dtype=like.dtype) * 2
        drawn.append(mask)
        return mask

    monkeypatch.setattr(DropoutRNNCellMixin, "_draw_mask", staticmethod(draw))
    out = np.asarray(layer(X, training=True))
    assert len(drawn) == 8  # 4 input masks + 4 recurrent masks for the whole sequence
    kernel, recurrent, bias = [torch.tensor(w) for w in layer.get_weights()]
    x, f = torch.tensor(X), 3
    h = c = torch.zeros(out.shape[:1] + out.shape[2:])
    for t in range(X.shape[1]):
        z = [F.conv2d((x[:, t] * drawn[g]).permute(0, 3, 1, 2),
                      kernel[..., g * f:(g + 1) * f].permute(3, 2, 0, 1)).permute(0, 2, 3, 1)
             + bias[g * f:(g + 1) * f]
             + F.conv2d((h * drawn[4 + g]).permute(0, 3, 1, 2),
                        recurrent[..., g * f:(g + 1) * f].permute(3, 2, 0, 1),
                        padding=1).permute(0, 2, 3, 1) for g in range(4)]
        hs = keras.activations.hard_sigmoid
        c = hs(z[1]) * c + hs(z[0]) * torch.tanh(z[2])
        h = hs(z[3]) * torch.tanh(c)
        np.testing.assert_allclose(out[:, t], h.numpy(), atol=1e-5)
    monkeypatch.undo()
    np.testing.assert_array_equal(np.asarray(layer(X)), np.asarray(layer(X)))  # inference


def test_mask_carries_states():
    layer = keras.layers.ConvLSTM2D(2, 3, return_sequences=True, return_state=True)
    mask = np.array([[True, True, False, True], [True, True, True, True]])
    seq, h, _ = [np.asarray(t) for t in layer(X, mask=torch.tensor(mask))]
    np.testing.assert_array_equal(seq[0, 2], seq[0, 1])  # masked step repeats the output
    kept = np.asarray(layer(X[:1, [0, 1, 3]])[0])
    np.testing.assert_allclose(h[:1], kept[:, -1], atol=1e-6)


def test_initial_state_and_stateful():
    layer = keras.layers.ConvLSTM2D(2, 3, padding="same", return_state=True)
    h0 = np.full((2, 6, 5, 2), 0.5, "float32")
    out, h, c = layer(X, initial_state=[h0, -h0])
    ref = _reference(layer, X, torch.tensor(h0), torch.tensor(-h0))
    np.testing.assert_allclose(np.asarray(h), ref[1], atol=1e-5)
    np.testing.assert_allclose(np.asarray(c), ref[2], atol=1e-5)

    stateful = keras.layers.ConvLSTM2D(2, 3, stateful=True, return_sequences=True)
    whole = keras.layers.ConvLSTM2D(2, 3, return_sequences=True)
    stateful(X[:, :2])
    whole(X)
    whole.set_weights(stateful.get_weights())
    stateful.reset_states()
    halves = np.concatenate([np.asarray(stateful(X[:, :2])), np.asarray(stateful(X[:, 2:]))], 1)
    np.testing.assert_allclose(halves, np.asarray(whole(X)), atol=1e-6)
    stateful.reset_states()
    assert all(float(s.abs().sum()) == 0 for s in stateful.states)
    assert stateful.states[0].shape == (2, 4, 3, 2)
    with pytest.raises(ValueError, match="expected shape=\\(2, 4, 3, 2\\)"):
        stateful.reset_states([np.zeros((2, 4, 4, 2)), np.zeros((2, 4, 4, 2))])
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        whole.reset_states()


def test_fit_in_functional_model_and_h5_round_trip(tmp_path):
    inputs = keras.Input((4, 6, 5, 2))
    y = keras.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inputs)
    y = keras.layers.ConvLSTM2D(2, 3)(y)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(y)))
    model.compile("adam", "mse")
    model.fit(X, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    path = str(tmp_path / "m.h5")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0),
                               atol=1e-6)
    assert [w.name for w in model.weights][:3] == [
        "conv_lstm2d/kernel:0", "conv_lstm2d/recurrent_kernel:0", "conv_lstm2d/bias:0"]


def test_errors():
    with pytest.raises(ValueError, match="expected ndim=5, found ndim=4"):
        keras.layers.ConvLSTM2D(3, 2)(X[:, 0])
    with pytest.raises(TypeError, match="Unrolling is not possible with convolutional RNNs"):
        keras.layers.ConvLSTM2D(3, 2, unroll=True)
    with pytest.raises(ValueError, match="The channel dimension of the inputs"):
        keras.layers.ConvLSTM2D(3, 2).build((None, 4, 6, 5, None))
    with pytest.raises(ValueError, match="Rank 4 convolutions are not currently implemented"):
        conv_lstm.ConvLSTMCell(4, 3, 2)
    with pytest.raises(ValueError, match="`kernel_size` argument must be a tuple of 2"):
        keras.layers.ConvLSTM2D(3, (2, 2, 2))
