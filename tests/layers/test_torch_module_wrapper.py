"""TorchModuleWrapper: torch modules as Keras layers (shapes, weights, fit, files)."""
import base64
import io

import numpy as np
import pytest
import torch
from torch import nn

import torchkeras as keras
from tests.layer_test import layer_test
from torchkeras.layers import TorchModuleWrapper


@keras.utils.register_keras_serializable("tests_tmw")
class TwoLayer(nn.Module):
    """A torch module with a Keras-style config, so files rebuild it with no help."""

    def __init__(self, features: int = 3, hidden: int = 5):
        super().__init__()
        self.features, self.hidden = features, hidden
        self.fc1 = nn.Linear(features, hidden)
        self.norm = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.norm(self.fc1(x))))

    def get_config(self):
        return {"features": self.features, "hidden": self.hidden}


def make_encoder():
    torch.manual_seed(1)
    return nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)


def _transformer_model():
    torch.manual_seed(0)
    inputs = keras.Input((6, 8))
    x = keras.layers.TorchModuleWrapper(make_encoder(), name="encoder")(inputs)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(1)(keras.layers.Dense(4, activation="relu")(x))
    return keras.Model(inputs, outputs)


def test_layer_contract_with_registered_module_class():
    layer_test(TorchModuleWrapper, {"module": TwoLayer}, input_shape=(4, 3),
               expected_output_shape=(None, 2), expected_num_trainable_weights=6,
               expected_num_non_trainable_weights=3,
               expected_weight_shapes=[(5, 3), (5,), (5,), (5,), (2, 5), (2,), (5,), (5,), ()])


def test_weights_are_the_module_parameters_with_names():
    module = TwoLayer()
    layer = TorchModuleWrapper(module, name="block")
    assert layer.built
    names = [v.name for v in layer.weights]
    assert names == ["block/fc1/weight:0", "block/fc1/bias:0", "block/norm/weight:0",
                     "block/norm/bias:0", "block/fc2/weight:0", "block/fc2/bias:0",
                     "block/norm/running_mean:0", "block/norm/running_var:0",
                     "block/norm/num_batches_tracked:0"]
    assert layer.trainable_weights[0].tensor is module.fc1.weight
    assert [p for p in layer.parameters()] == list(module.parameters())
    values = [np.full(w.shape, i, dtype=w.dtype) for i, w in enumerate(layer.get_weights())]
    layer.set_weights(values)
    np.testing.assert_array_equal(module.fc2.bias.detach().numpy(), [5, 5])
    np.testing.assert_array_equal(module.norm.running_var.numpy(), np.full(5, 7))


def test_trainable_false_freezes_the_module():
    layer = TorchModuleWrapper(nn.Linear(3, 2))
    layer.trainable = False
    assert not any(p.requires_grad for p in layer.module.parameters())
    assert len(layer.trainable_weights) == 0 and len(layer.non_trainable_weights) == 2


def test_transformer_in_functional_model_trains_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)  # weights and dropout masks: "loss falls" must not be luck
    model = _transformer_model()
    assert model.get_layer("encoder").output_shape == (None, 6, 8)
    rng = np.random.RandomState(0)
    x = rng.rand(48, 6, 8).astype("float32")
    y = x.mean(axis=(1, 2))[:, None]
    model.compile(optimizer="adam", loss="mse")
    encoder_before = model.get_layer("encoder").get_weights()
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    encoder_after = model.get_layer("encoder").get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(encoder_before, encoder_after))
    # The optimizer holds the module's parameters.
    optimizer_params = {id(p) for g in model.optimizer.param_groups for p in g["params"]}
    assert all(id(p) in optimizer_params for p in model.get_layer("encoder").module.parameters())
    expected = model.predict(x, verbose=0)
    untrained = _transformer_model().predict(x, verbose=0)
    assert not np.allclose(untrained, expected)
    for name in ("m.keras", "m.h5"):
        path = str(tmp_path / name)
        model.save(path)
        with pytest.raises(ValueError, match="custom_objects=.*TransformerEncoderLayer"):
            keras.models.load_model(path)
        loaded = keras.models.load_model(
            path, custom_objects={"TransformerEncoderLayer": make_encoder})
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6,
                                   atol=1e-6)
        # Training goes on from the loaded optimizer state.
        loaded.fit(x, y, batch_size=16, epochs=1, verbose=0)


def test_factory_name_and_layer_name_keys(tmp_path):
    @keras.utils.register_keras_serializable("tests_tmw")
    def small_linear():
        return nn.Linear(4, 3)

    inputs = keras.Input((4,))
    a = TorchModuleWrapper(small_linear, name="registered")(inputs)
    b = TorchModuleWrapper(nn.Linear(3, 1), name="by_layer_name")(a)
    model = keras.Model(inputs, b)
    assert model.get_layer("registered").get_config()["module"] == {
        "class_name": "tests_tmw>small_linear", "config": {}}
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"by_layer_name": nn.Linear(3, 1)})
    x = np.random.rand(5, 4).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_lazy_modules_materialize_on_first_call():
    model = keras.Sequential([keras.Input((5,)), TorchModuleWrapper(nn.LazyLinear(3)),
                              keras.layers.Dense(1)])
    assert [w.shape for w in model.layers[0].weights] == [(3, 5), (3,)]
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 5)), np.ones((8, 1)), verbose=0)
    eager = TorchModuleWrapper(nn.Sequential(nn.LazyConv1d(4, 3), nn.LazyBatchNorm1d()))
    assert not eager.built and eager.weights == []
    out = eager(torch.ones(2, 2, 7))
    assert tuple(out.shape) == (2, 4, 5) and len(eager.trainable_weights) == 4
    # Building ran the module in eval mode: the batch statistics were not touched.
    np.testing.assert_array_equal(eager.module[1].running_mean.numpy(), np.zeros(4))


def test_training_argument_sets_the_module_mode():
    layer = TorchModuleWrapper(nn.Dropout(0.5))
    x = torch.ones(200, 10)
    assert torch.equal(layer(x, training=False), x)
    assert not layer.module.training
    assert (layer(x, training=True) == 0).any()
    assert layer.module.training


def test_output_shape_argument_and_integer_inputs():
    layer = TorchModuleWrapper(nn.Embedding(10, 4), output_shape=(None, 3, 4))
    inputs = keras.Input((3,), dtype="int64")
    assert layer(inputs).shape == (None, 3, 4)
    probed = TorchModuleWrapper(nn.Embedding(10, 4))(keras.Input((3,), dtype="int64"))
    assert probed.shape == (None, 3, 4)
    config = layer.get_config()
    assert config["output_shape"] == (None, 3, 4)


def test_keras3_pickled_module_config_needs_unsafe_mode():
    buffer = io.BytesIO()
    torch.save(nn.Linear(2, 2), buffer)
    config = {"name": "k3", "trainable": True, "dtype": "float32", "output_shape": None,
              "module": base64.b64encode(buffer.getvalue()).decode("ascii")}
    with pytest.raises(ValueError, match="safe_mode=False"):
        TorchModuleWrapper.from_config(dict(config))
    layer = TorchModuleWrapper.from_config(dict(config), safe_mode=False)
    assert isinstance(layer.module, nn.Linear) and layer.name == "k3"


def test_rejects_non_modules():
    with pytest.raises(TypeError, match="expects a torch.nn.Module"):
        TorchModuleWrapper(42)
