"""``layer_test``: the checks every layer gets (as Keras's own ``run_layer_test``).

Builds the layer from kwargs, calls it eagerly and symbolically, and checks the output
shape, the weights (count, Keras shapes), ``get_config``/``from_config`` round trip with
identical outputs after ``set_weights``, a torch ``state_dict`` round trip, and that one
training step through ``fit`` runs and changes the trainable weights.
"""
from __future__ import annotations

import io
from typing import Any, Dict, Optional, Sequence

import numpy as np
import torch

import torchkeras as keras


def layer_test(layer_cls: type, kwargs: Optional[Dict[str, Any]] = None,
               input_shape: Sequence[int] = (2, 3), input_data: Optional[np.ndarray] = None,
               expected_output_shape: Optional[Sequence[Optional[int]]] = None,
               expected_num_trainable_weights: Optional[int] = None,
               expected_num_non_trainable_weights: Optional[int] = None,
               expected_weight_shapes: Optional[Sequence[Sequence[int]]] = None,
               input_dtype: str = "float32", run_training: bool = True) -> np.ndarray:
    kwargs = dict(kwargs or {})
    if input_data is None:
        rng = np.random.RandomState(0)
        if input_dtype.startswith("int"):
            input_data = rng.randint(0, 5, size=input_shape).astype(input_dtype)
        else:
            input_data = rng.uniform(-1, 1, size=input_shape).astype(input_dtype)
    input_shape = tuple(input_data.shape)

    # Eager call on NumPy: builds the layer, returns a tensor that converts to NumPy.
    layer = layer_cls(**kwargs)
    output = layer(input_data)
    assert isinstance(output, torch.Tensor)
    assert not output.requires_grad, "a call on NumPy must not record gradients"
    output = np.asarray(output.cpu())
    if expected_output_shape is not None:
        expected = tuple(input_shape[0] if d is None else d for d in expected_output_shape)
        assert output.shape == expected, f"{layer_cls.__name__}: {output.shape} != {expected}"

    # Weights.
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    if expected_weight_shapes is not None:
        assert [tuple(w.shape) for w in layer.get_weights()] == \
            [tuple(s) for s in expected_weight_shapes]
    assert layer.count_params() == sum(int(np.prod(w.shape)) for w in layer.get_weights())

    # Symbolic call: compute_output_shape agrees with the eager output.
    symbolic_input = keras.Input(batch_shape=(None,) + input_shape[1:], dtype=input_dtype)
    symbolic_output = layer(symbolic_input)
    assert tuple(symbolic_output.shape) == (None,) + output.shape[1:], \
        f"{layer_cls.__name__}: symbolic {symbolic_output.shape} vs eager {output.shape}"

    # Config round trip: same config, same outputs once the weights are copied.
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    clone(input_data)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(input_data).cpu()), output, rtol=1e-6,
                               atol=1e-6)
    config_without_name = {k: v for k, v in clone.get_config().items() if k != "name"}
    assert config_without_name == {k: v for k, v in config.items() if k != "name"}
    via_registry = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(via_registry) is layer_cls

    # torch state_dict round trip.
    buffer = io.BytesIO()
    torch.save(layer.state_dict(), buffer)
    buffer.seek(0)
    restored = layer_cls.from_config(config)
    restored(input_data)
    restored.load_state_dict(torch.load(buffer))
    np.testing.assert_allclose(np.asarray(restored(input_data).cpu()), output, rtol=1e-6,
                               atol=1e-6)

    # One training step inside a model.
    if run_training:
        model = keras.Sequential([keras.Input(batch_shape=(None,) + input_shape[1:],
                                              dtype=input_dtype), layer_cls(**kwargs)])
        model.compile(optimizer="sgd", loss="mse")
        target = np.zeros((input_shape[0],) + output.shape[1:], dtype="float32")
        before = [w.copy() for w in model.get_weights()]
        history = model.fit(input_data, target, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])
        if model.trainable_weights:
            after = model.get_weights()
            assert any(not np.allclose(a, b) for a, b in zip(before, after)), \
                "training did not change any trainable weight"
    return output
