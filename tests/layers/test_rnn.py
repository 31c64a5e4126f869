"""Generic RNN(cell): Keras's loop semantics, user cells, stacked cells, states, errors."""
import numpy as np
import pytest
import torch

import torchkeras as keras
from tests.layer_test import layer_test

RNG = np.random.RandomState(0)
X = RNG.uniform(-1, 1, (3, 5, 4)).astype("float32")


class MinimalCell(keras.layers.Layer):
    """The user cell from Keras's RNN docstring."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units),
                                                initializer="uniform")
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        output = inputs @ self.kernel + prev_output @ self.recurrent_kernel
        return output, [output]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def _reference(cell, x, mask=None, go_backwards=False, zero_output=False):
    """Keras's backend.rnn written out in NumPy for a MinimalCell."""
    k, r = (w.numpy() for w in cell.weights)
    x = x[:, ::-1] if go_backwards else x
    mask = None if mask is None else (mask[:, ::-1] if go_backwards else mask)
    h = np.zeros((x.shape[0], k.shape[1]), "float32")
    prev = np.zeros_like(h)
    outs = []
    for t in range(x.shape[1]):
        new = x[:, t] @ k + h @ r
        if mask is not None:
            m = mask[:, t:t + 1]
            new_h = np.where(m, new, h)
            out = np.where(m, new, 0.0 if zero_output else prev)
        else:
            new_h, out = new, new
        h, prev = new_h, out
        outs.append(out)
    return prev, np.stack(outs, 1), h


@pytest.mark.parametrize("go_backwards", [False, True])
def test_custom_cell_masked_loop_matches_keras_semantics(go_backwards):
    cell = MinimalCell(3)
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True,
                             go_backwards=go_backwards)
    mask = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]], bool)
    seq, state = layer(torch.tensor(X), mask=torch.tensor(mask))
    last_ref, seq_ref, state_ref = _reference(cell, X, mask, go_backwards)
    np.testing.assert_allclose(seq.detach().numpy(), seq_ref, atol=1e-6)
    np.testing.assert_allclose(state.detach().numpy(), state_ref, atol=1e-6)
    last = keras.layers.RNN(cell, go_backwards=go_backwards)(torch.tensor(X),
                                                              mask=torch.tensor(mask))
    np.testing.assert_allclose(last.detach().numpy(), last_ref, atol=1e-6)


def test_zero_output_for_mask():
    cell = MinimalCell(2)
    layer = keras.layers.RNN(cell, return_sequences=True, zero_output_for_mask=True)
    mask = np.array([[1, 1, 0, 1, 0]] * 3, bool)
    seq = layer(torch.tensor(X), mask=torch.tensor(mask)).detach().numpy()
    _, seq_ref, _ = _reference(cell, X, mask, zero_output=True)
    np.testing.assert_allclose(seq, seq_ref, atol=1e-6)
    assert layer.get_config()["zero_output_for_mask"] is True


def test_layer_test_with_custom_cell():
    layer_test(keras.layers.RNN, {"cell": keras.layers.SimpleRNNCell(3)},
               input_shape=(2, 4, 5), expected_output_shape=(None, 3))


def test_stacked_cells_shapes_and_states():
    cells = [keras.layers.LSTMCell(3), keras.layers.GRUCell(2)]
    layer = keras.layers.RNN(cells, return_sequences=True, return_state=True)
    outputs = layer(X)
    assert [tuple(o.shape) for o in outputs] == [(3, 5, 2), (3, 3), (3, 3), (3, 2)]
    assert layer.compute_output_shape((None, 5, 4)) == [(None, 5, 2), (None, 3), (None, 3),
                                                        (None, 2)]
    assert [w.shape for w in layer.get_weights()] == [(4, 12), (3, 12), (12,), (3, 6), (2, 6),
                                                      (2, 6)]
    clone = keras.layers.RNN.from_config(layer.get_config())
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(X)[0]), np.asarray(outputs[0]), atol=1e-6)


def test_initial_state_as_kwarg_and_list_input():
    layer = keras.layers.RNN(keras.layers.GRUCell(3), return_state=True)
    h0 = RNG.uniform(-1, 1, (3, 3)).astype("float32")
    out_a, state_a = layer(X, initial_state=[h0])
    out_b, state_b = layer([X, h0])
    np.testing.assert_allclose(np.asarray(out_a), np.asarray(out_b))
    out_zero, _ = layer(X)
    assert not np.allclose(np.asarray(out_a), np.asarray(out_zero))
    with pytest.raises(ValueError, match="Layer has 1 states but was passed 2 initial states"):
        layer(X, initial_state=[h0, h0])


def test_functional_initial_state():
    x = keras.Input((5, 4))
    h = keras.Input((3,))
    y = keras.layers.SimpleRNN(3)(x, initial_state=[h])
    model = keras.Model([x, h], y)
    h0 = RNG.uniform(-1, 1, (3, 3)).astype("float32")
    a = model.predict([X, h0], verbose=0)
    b = model.predict([X, np.zeros_like(h0)], verbose=0)
    assert a.shape == (3, 3) and not np.allclose(a, b)


def test_time_major():
    cell = keras.layers.SimpleRNNCell(3)
    batch_major = keras.layers.RNN(cell, return_sequences=True)
    time_major = keras.layers.RNN(cell, return_sequences=True, time_major=True)
    a = np.asarray(batch_major(X))
    b = np.asarray(time_major(X.transpose(1, 0, 2)))
    np.testing.assert_allclose(a, b.transpose(1, 0, 2), atol=1e-6)
    assert time_major.compute_output_shape((5, None, 4)) == (5, None, 3)


def test_stateful_carries_and_resets():
    layer = keras.layers.LSTM(3, stateful=True, batch_input_shape=(3, 5, 4))
    model = keras.Sequential([layer])
    first = model.predict(X, verbose=0)
    second = model.predict(X, verbose=0)
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(model.predict(X, verbose=0), first, atol=1e-6)
    assert all(np.all(np.asarray(s) == 0) for s in (layer.reset_states() or layer.states))
    h = np.ones((3, 3), "float32")
    layer.reset_states([h, h])
    np.testing.assert_array_equal(np.asarray(layer.states[0]), h)
    with pytest.raises(ValueError, match="State 0 is incompatible"):
        layer.reset_states([np.ones((2, 3)), h])
    with pytest.raises(AttributeError, match="Layer must be stateful."):
        keras.layers.LSTM(3).reset_states()


def test_errors():
    with pytest.raises(ValueError, match="should have a `call` method"):
        keras.layers.RNN(object())
    with pytest.raises(ValueError, match="should have a `state_size` attribute"):
        keras.layers.RNN(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        keras.layers.LSTM(3)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="expected a positive integer, got 0"):
        keras.layers.LSTM(0)


def test_output_mask_and_shape_with_state():
    layer = keras.layers.LSTM(3, return_sequences=True, return_state=True)
    mask = torch.ones(2, 5, dtype=torch.bool)
    masks = layer.compute_mask(torch.zeros(2, 5, 4), mask)
    assert masks[0] is mask and masks[1:] == [None, None]
    assert keras.layers.LSTM(3).compute_mask(None, mask) is None
    assert layer.compute_output_shape((None, 5, 4)) == [(None, 5, 3), (None, 3), (None, 3)]


def test_dropout_masks_constant_over_time_and_only_in_training():
    layer = keras.layers.SimpleRNN(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    a, b = np.asarray(layer(X)), np.asarray(layer(X))
    np.testing.assert_array_equal(a, b)  # inactive outside training
    torch.manual_seed(0)
    trained = layer(torch.tensor(X), training=True)
    assert not np.allclose(trained.detach().numpy(), a)
    cell = layer.cell
    assert cell._dropout_mask_cache[0].shape == (3, 4)  # one (batch, features) mask per call
