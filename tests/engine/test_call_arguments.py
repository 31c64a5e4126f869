"""``training`` and ``mask`` reach ``call`` only when it accepts them (or takes **kwargs),
as Keras inspects ``call``'s signature; ``training`` also passes down to the layers a call
calls without it (tf-keras's call context)."""
import numpy as np
import pytest

import torchkeras as keras


class NoTraining(keras.Model):
    """TensorFlow's "quickstart for experts" model shape: ``call(self, x)``."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(2, kernel_initializer="ones")

    def call(self, x):
        return self.dense(x)


class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2


class TakesKwargs(keras.layers.Layer):
    def call(self, inputs, **kwargs):
        self.seen = dict(kwargs)
        return inputs


class InnerDropout(keras.layers.Layer):
    """Calls a Dropout without passing ``training``: it follows the outer call."""

    def __init__(self):
        super().__init__()
        self.dropout = keras.layers.Dropout(0.999, seed=1)

    def call(self, inputs):
        return self.dropout(inputs)


X = np.ones((4, 3), "float32")


@pytest.mark.parametrize("training", [True, False])
def test_model_without_training_parameter_accepts_training(training):
    out = np.asarray(NoTraining()(X, training=training))
    np.testing.assert_allclose(out, np.full((4, 2), 3.0))


def test_layer_without_training_or_mask_parameter_accepts_both():
    mask = np.ones((4, 3), bool)
    np.testing.assert_allclose(np.asarray(Doubler()(X, training=True, mask=mask)), 2 * X)


def test_call_with_kwargs_receives_training():
    layer = TakesKwargs()
    layer(X, training=True)
    assert layer.seen.get("training") is True


def test_training_passes_down_to_inner_layers():
    layer = InnerDropout()
    assert np.count_nonzero(np.asarray(layer(np.ones((64, 16)), training=True))) < 64 * 16
    np.testing.assert_allclose(np.asarray(layer(np.ones((4, 4)), training=False)), 1.0)
    np.testing.assert_allclose(np.asarray(layer(np.ones((4, 4)))), 1.0)  # inference default


def test_functional_node_called_with_training_on_a_layer_without_it():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Doubler()(inputs, training=True))
    np.testing.assert_allclose(model.predict(X, verbose=0), 2 * X)


def test_fit_trains_a_model_whose_call_has_no_training_parameter():
    model = NoTraining()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, np.zeros((4, 2)), epochs=3, verbose=0)
    losses = history.history["loss"]
    assert losses[0] == pytest.approx(9.0) and losses[-1] < losses[0]
    np.testing.assert_allclose(model.evaluate(X, np.zeros((4, 2)), verbose=0),
                               np.mean(model.predict(X, verbose=0) ** 2), rtol=1e-5)


def test_fit_runs_inner_dropout_in_training_mode():
    # The inner Dropout(0.999) is called without `training`: in fit's step it must drop
    # (Keras propagates training=True), so the loss of zero targets is far from 3**2 = 9.
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)(
        InnerDropout()(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    y = np.zeros((64, 1))
    train_loss = model.train_on_batch(np.ones((64, 3)), y)
    assert model.test_on_batch(np.ones((64, 3)), y) == pytest.approx(9.0)
    assert train_loss != pytest.approx(9.0)


def test_explicit_training_none_in_a_graph_inherits_the_models_flag():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dropout(0.5)(inputs, training=None))
    keras.utils.set_random_seed(0)
    dropped = np.asarray(model(np.ones((64, 3), "float32"), training=True))
    assert set(np.unique(dropped)) == {0.0, 2.0}  # training=True reached Dropout
    np.testing.assert_array_equal(np.asarray(model(np.ones((4, 3), "float32"))), 1.0)
