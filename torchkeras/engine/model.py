"""``Model``: functional (``Model(inputs, outputs)``) or subclassed (override ``call``).

Training lives in :mod:`torchkeras.engine.trainer`; this class only forwards to it, so the
model stays a thin ``Layer`` with a graph.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Union

import numpy as np
import torch

from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.shapes import _flatten_shapes, conform_ranks
from torchkeras import backend
from torchkeras.distribute.environment import is_chief
from torchkeras.engine import data as data_module, extensions, step_hooks, \
    trainer as trainer_module
from torchkeras.engine.compiled_model import CompiledModel
from torchkeras.engine.functional import FunctionalGraph
from torchkeras.engine.step_runner import keras_default, model_call
from torchkeras.export import export_model
from torchkeras.layers.base import (Layer, accepts_string_inputs, passes_string_inputs,
                                    probe_output_shape)
from torchkeras.layers.autocast import prepare_mixed
from torchkeras.layers.input_spec import InputSpec, assert_input_compatibility
from torchkeras.backend import nest


class Model(Layer):
    """A trainable graph of layers.

    Functional::

        inputs = keras.Input(shape=(4,))
        outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
        model = keras.Model(inputs, outputs)

    Subclassed: define layers in ``__init__`` and the forward pass in ``call``.
    """

    _is_model = True  # models add no name scope to their layers' weight names

    def __init__(self, *args: Any, **kwargs: Any):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._graph: Optional[FunctionalGraph] = None
        self.compiled: Optional[CompiledModel] = None  # set by compile()
        self.history = None
        self.stop_training = False
        self.optimizer = None
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError("A functional Model needs both `inputs` and `outputs`.")
            self._init_graph(inputs, outputs)

    def _default_name(self) -> str:
        if type(self) is Model:
            return backend.unique_object_name("model")
        return super()._default_name()

    # ------------------------------------------------------------------ graph
    def _init_graph(self, inputs: Any, outputs: Any) -> None:
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        self._graph = FunctionalGraph(inputs, outputs)
        for index, layer in enumerate(self._graph.layers):
            self.add_module(_module_name(layer, index, self), layer)
        self._autocast_dtype = prepare_mixed(self)  # a model holding mixed layers autocasts
        self.built = True
        self._batch_input_shape = None

    @property
    def _is_graph_network(self) -> bool:
        return self._graph is not None

    @property
    def functional_graph(self) -> Optional[FunctionalGraph]:
        """The graph of a functional model (``Model(inputs, outputs)``); ``None`` for a
        subclassed model and a Sequential."""
        return self._graph

    @property
    def is_sequential(self) -> bool:
        """Whether this is a ``Sequential`` (its layers are a stack, not a graph)."""
        return False

    @property
    def layers(self) -> List[Layer]:
        if self._graph is not None:
            return list(self._graph.layers)
        return self._sublayers()

    @property
    def inputs(self) -> Optional[List[Any]]:
        return list(self._graph.inputs) if self._graph is not None else None

    @property
    def outputs(self) -> Optional[List[Any]]:
        return list(self._graph.outputs) if self._graph is not None else None

    def _check_input_spec(self, flat_shapes: List[Any]) -> None:
        """tf-keras's ``Functional.input_spec`` for a single-input functional model: each
        known dimension after the batch must match the ``Input``'s (a trailing 1 may be
        squeezed), else Keras's 'Input 0 of layer "model" is incompatible' error."""
        graph = self._graph
        if self.input_spec is None and graph is not None and len(graph.inputs) == 1 and \
                len(flat_shapes) == 1:
            shape = (None,) + tuple(graph.inputs[0].shape[1:])
            assert_input_compatibility([InputSpec(shape=shape, allow_last_axis_squeeze=True)],
                                       flat_shapes, self.name)
            return
        super()._check_input_spec(flat_shapes)

    @property
    def _accepts_sparse_inputs(self) -> bool:  # type: ignore[override]
        """A sparse ``Input``: ``call`` densifies what its layers do not take sparse."""
        return self._graph is not None and any(t.sparse for t in self._graph.inputs)

    @property
    def _accepts_string_inputs(self) -> bool:  # type: ignore[override]
        """A string ``Input``, or a first layer that takes strings (TextVectorization)."""
        if self._graph is not None:
            return any(t.dtype == "string" for t in self._graph.inputs)
        layers = self.layers
        return bool(layers) and accepts_string_inputs(layers[0])

    @property
    def _passes_string_inputs(self) -> bool:  # type: ignore[override]
        """Strings reach ``call`` unconverted: a string ``Input``, or a first layer whose
        ``call`` takes them (a user's Layer subclass)."""
        if self._graph is not None:
            return self._accepts_string_inputs
        layers = self.layers
        return bool(layers) and passes_string_inputs(layers[0])

    @property
    def input(self) -> Any:
        if self._graph is None:
            return super().input
        return self._graph.input_structure

    @property
    def output(self) -> Any:
        if self._graph is None:
            return super().output
        return self._graph.output_structure

    @property
    def input_names(self) -> List[str]:
        return [t._keras_history[0].name for t in self.inputs or []]

    @property
    def output_names(self) -> List[str]:
        if self._graph is None:  # subclassed: known after the first call (fit's first batch)
            return list(self.__dict__.get("_subclass_output_names", ["output_1"]))
        # dict outputs too: their layers' names, in sorted key order (Keras 2 and 3)
        names, seen = [], {}
        for tensor in self._graph.outputs:
            name = tensor._keras_history[0].name
            if name in seen:
                seen[name] += 1
                name = f"{name}_{seen[name]}"
            else:
                seen[name] = 0
            names.append(name)
        return names

    @property
    def input_shape(self) -> Any:
        if self._graph is not None:
            shapes = [t.shape for t in self._graph.inputs]
            return shapes[0] if len(shapes) == 1 else shapes
        return super().input_shape

    @property
    def output_shape(self) -> Any:
        if self._graph is not None:
            shapes = [t.shape for t in self._graph.outputs]
            return shapes[0] if len(shapes) == 1 else shapes
        return super().output_shape

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """A layer by name or by index in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model "
                                 f"only has {len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[layer.name for layer in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    # ------------------------------------------------------------------- call
    def call(self, inputs: Any, training: Optional[bool] = None, mask: Any = None) -> Any:
        if self._graph is None:
            raise NotImplementedError(f"Model {self.name} has no `call()`: subclass Model "
                                      "and implement `call(self, inputs, training=None)`, or "
                                      "use the functional API `Model(inputs, outputs)`.")
        flat = conform_ranks(self._flatten_model_inputs(inputs), self._graph.inputs,
                             self._graph.keep_sparse)
        outputs = self._graph.run(flat, training)
        return nest.pack_sequence_as(self._graph.output_structure, outputs)

    def _flatten_model_inputs(self, inputs: Any) -> List[Any]:
        """``inputs`` flattened in the order of the graph inputs (a dict matched by name)."""
        graph = self._graph
        expected = len(graph.inputs)
        if isinstance(inputs, dict):
            structure = graph.input_structure
            if not isinstance(structure, dict):
                return inputs_from_dict(inputs, self.input_names)
            if inputs.keys() != structure.keys() and not any(
                    nest.is_nested(v) for v in structure.values()):
                inputs = dict(zip(sorted(structure), inputs_from_dict(
                    inputs, sorted(structure))))
        flat = nest.flatten(inputs)
        if len(flat) != expected:
            raise ValueError(f'Layer "{self.name}" expects {expected} input(s), but it received '
                             f"{len(flat)} input tensors. Inputs received: "
                             f"{[tuple(getattr(x, 'shape', ())) for x in flat]}")
        return flat

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """KerasTensors of a functional model called on KerasTensors ``inputs``, through its
        own graph (Keras 3's ``Functional.compute_output_spec``; no run on zeros, so string
        inputs stay strings). ``None`` for other models: their output shape is probed."""
        if self._graph is None:
            return None
        return self._graph.output_spec(self._flatten_model_inputs(inputs))

    def compute_output_shape(self, input_shape: Any, input_dtypes: Any = None) -> Any:
        """Output shape(s) of a functional model for ``input_shape``, through its graph
        (Keras 2's ``Functional.compute_output_shape``); other models probe ``call``."""
        if self._graph is None:
            return super().compute_output_shape(input_shape, input_dtypes)
        flat_shapes = _flatten_shapes(input_shape)
        if len(flat_shapes) != len(self._graph.inputs):
            raise ValueError(f"Invalid `input_shape` argument {input_shape}: the model "
                             f"expects {len(self._graph.inputs)} input tensors.")
        inputs = [KerasTensor(shape, ref.dtype)
                  for shape, ref in zip(flat_shapes, self._graph.inputs)]
        outputs = self._graph.output_spec(inputs)
        shapes = [tuple(t.shape) for t in nest.flatten(outputs)]
        return shapes[0] if len(shapes) == 1 else shapes

    def _note_outputs(self, outputs: Any) -> None:
        """A subclassed model's output names, from what its ``call`` returned: the keys of
        a dict (sorted, as Keras flattens dicts), else ``output_1``, ``output_2``... (tf-keras)."""
        if self._graph is not None:
            return
        if isinstance(outputs, dict):
            names = sorted(outputs)
        else:
            names = [f"output_{i + 1}" for i in range(max(len(nest.flatten(outputs)), 1))]
        self.__dict__["_subclass_output_names"] = names

    def build(self, input_shape: Any) -> None:
        """Create the weights of a subclassed model by calling it on zeros."""
        if self._graph is not None or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling `build()` on a `Model` "
                             "subclass.")
        self.built = True  # call() may build sub-layers lazily
        probe_output_shape(self, input_shape)
        self._build_input_shape = input_shape

    def _build_unlocked(self, input_shape: Any) -> None:
        self._build_input_shape = input_shape
        self.built = True  # sub-layers build themselves on the first call

    # --------------------------------------------------------------- training
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None, weighted_metrics: Any = None,
                run_eagerly: Optional[bool] = None, steps_per_execution: Any = None,
                jit_compile: Optional[bool] = None, **kwargs: Any) -> None:
        """Configure the model for training (see Keras's ``Model.compile``)."""
        trainer_module.compile_model(self, optimizer=optimizer, loss=loss, metrics=metrics,
                                     loss_weights=loss_weights,
                                     weighted_metrics=weighted_metrics,
                                     run_eagerly=run_eagerly,
                                     steps_per_execution=steps_per_execution,
                                     jit_compile=jit_compile, **kwargs)

    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
            epochs: int = 1, verbose: Union[str, int] = "auto", callbacks: Any = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: Any = True,
            class_weight: Optional[Dict[int, float]] = None, sample_weight: Any = None,
            initial_epoch: int = 0, steps_per_epoch: Optional[int] = None,
            validation_steps: Optional[int] = None, validation_batch_size: Optional[int] = None,
            validation_freq: Any = 1, **kwargs: Any):
        """Train for ``epochs`` epochs; returns a ``History``."""
        return trainer_module.fit(
            self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_split=validation_split,
            validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
            sample_weight=sample_weight, initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
            validation_batch_size=validation_batch_size, validation_freq=validation_freq,
            **kwargs)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
                 verbose: Union[str, int] = "auto", sample_weight: Any = None,
                 steps: Optional[int] = None, callbacks: Any = None,
                 return_dict: bool = False, **kwargs: Any):
        """Loss and metrics on the data: a scalar, ``[loss, *metrics]`` or a dict."""
        return trainer_module.evaluate(self, x, y, batch_size=batch_size, verbose=verbose,
                                       sample_weight=sample_weight, steps=steps,
                                       callbacks=callbacks, return_dict=return_dict, **kwargs)

    def predict(self, x: Any, batch_size: Optional[int] = None,
                verbose: Union[str, int] = "auto", steps: Optional[int] = None,
                callbacks: Any = None, **kwargs: Any):
        """Outputs for ``x`` as NumPy (a list or dict for several outputs)."""
        return trainer_module.predict(self, x, batch_size=batch_size, verbose=verbose,
                                      steps=steps, callbacks=callbacks, **kwargs)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Any = None, reset_metrics: bool = True,
                       return_dict: bool = False):
        return trainer_module.train_on_batch(self, x, y, sample_weight=sample_weight,
                                             class_weight=class_weight,
                                             reset_metrics=reset_metrics,
                                             return_dict=return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      reset_metrics: bool = True, return_dict: bool = False):
        return trainer_module.test_on_batch(self, x, y, sample_weight=sample_weight,
                                            reset_metrics=reset_metrics,
                                            return_dict=return_dict)

    def predict_on_batch(self, x: Any):
        return trainer_module.predict_on_batch(self, x)

    # Keras's customisation points: override these in a subclass (see Keras's "Customizing
    # what happens in fit()"); fit/evaluate/predict call the overrides.
    @keras_default
    def train_step(self, data: Any) -> Dict[str, Any]:
        """One training step on ``data`` (``x``, ``(x, y)`` or ``(x, y, sample_weight)``);
        returns ``{metric name: value}`` for the progress bar and History."""
        return step_hooks.default_train_step(self, data)

    @keras_default
    def test_step(self, data: Any) -> Dict[str, Any]:
        return step_hooks.default_test_step(self, data)

    @keras_default
    def predict_step(self, data: Any) -> Any:
        x, _, _ = data_module.unpack_batch(data)
        return model_call(self, x, False)

    @keras_default
    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True,
                     allow_empty: bool = False) -> torch.Tensor:
        """The compiled loss of ``y_pred`` against ``y`` plus the model's added and
        regularization losses (Keras 2 and 3 signature); updates the loss trackers. A
        subclass may override it: the built-in ``train_step``/``test_step`` then call it."""
        return step_hooks.compute_loss(self, x, y, y_pred, sample_weight)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any,
                        sample_weight: Any = None) -> Dict[str, Any]:
        return step_hooks.compute_metrics(self, x, y, y_pred, sample_weight)

    @property
    def compiled_loss(self) -> step_hooks.CompiledLoss:
        return step_hooks.CompiledLoss(self)

    @property
    def compiled_metrics(self) -> step_hooks.CompiledMetrics:
        return step_hooks.CompiledMetrics(self)

    def reset_metrics(self) -> None:
        """Reset every metric in ``metrics`` (also a subclass's own ``metrics`` list)."""
        if self.compiled is not None:
            self.compiled.reset_metrics()
        else:
            step_hooks.reset_listed_metrics(self)

    @property
    def metrics(self) -> list:
        """The loss tracker and compiled metrics (after the first step, as Keras), then the
        metrics the model holds as attributes (``self.loss_tracker = Mean(...)``, Keras 3)."""
        compiled = self.compiled.metric_objects() if self.compiled is not None else []
        return compiled + [m for m in step_hooks.own_metrics(self)
                           if all(m is not c for c in compiled)]

    def get_metrics_result(self) -> Dict[str, Any]:
        """``{name: result}`` of ``metrics`` as Python floats (Keras 3)."""
        return step_hooks.metrics_result(self)

    @property
    def metrics_names(self) -> List[str]:
        return [m.name for m in self.metrics]

    @property
    def loss(self) -> Any:
        return self.compiled.loss_identifier if self.compiled is not None else None

    @property
    def weights(self) -> list:
        """tf-keras's Model order: layer by layer, each layer's trainable then non-trainable
        weights (``[..., gamma, beta, moving_mean, moving_variance, ...]`` for BatchNorm)."""
        return [v for layer in self._flatten_layers()
                for v in layer._own_variables(True) + layer._own_variables(False)]

    variables = weights

    # ---------------------------------------------------------------- display
    def summary(self, line_length: Optional[int] = None, positions: Any = None,
                print_fn: Any = None, expand_nested: bool = False,
                show_trainable: bool = False, layer_range: Any = None) -> None:
        """Print Keras's summary table."""
        extensions.provided("print_summary")(
            self, line_length=line_length, positions=positions, print_fn=print_fn,
            expand_nested=expand_nested, show_trainable=show_trainable)

    # ------------------------------------------------------------------ files
    # The formats live in torchkeras.saving (above engine); these methods forward to the
    # functions it registers in engine/extensions.py.
    def save(self, filepath: Any, overwrite: bool = True, save_format: Optional[str] = None,
             **kwargs: Any) -> None:
        """Save architecture, weights and compile state (``.h5`` or ``.keras``). Under
        ``torchrun`` only rank 0 writes."""
        if not is_chief():
            return
        extensions.provided("save_model")(self, filepath, overwrite=overwrite,
                                          save_format=save_format, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True,
                     save_format: Optional[str] = None, **kwargs: Any) -> None:
        if not is_chief():  # under torchrun only rank 0 writes
            return
        extensions.provided("save_weights")(self, filepath, overwrite=overwrite,
                                            save_format=save_format, **kwargs)

    def load_weights(self, filepath: Any, by_name: bool = False, skip_mismatch: bool = False,
                     **kwargs: Any) -> None:
        extensions.provided("load_weights")(self, filepath, by_name=by_name,
                                            skip_mismatch=skip_mismatch, **kwargs)

    def export(self, filepath: Any, format: str = "torch_export", verbose: bool = False,
               input_signature: Any = None, **kwargs: Any) -> None:
        """Export the inference forward: ``'torch_export'``, ``'torchscript'`` or ``'onnx'``
        (see :mod:`torchkeras.export`)."""
        export_model(self, filepath, format=format, input_signature=input_signature,
                     verbose=verbose, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture as Keras JSON (``model_from_json`` reads it back)."""
        return extensions.provided("model_to_json")(self, **kwargs)

    # ----------------------------------------------------------------- config
    def get_compile_config(self) -> Dict[str, Any]:
        """Keras 3's hook for ``.keras`` saving: a model that overrides it (with
        :meth:`compile_from_config`) saves this dict, its values serialized, in place of
        the ``compile()`` arguments the saver records by default (``{}`` here)."""
        return {}

    def compile_from_config(self, config: Dict[str, Any]) -> None:
        """Keras 3's hook for ``.keras`` loading: compile from :meth:`get_compile_config`'s
        saved dict (the default calls ``compile(**config)``; a model whose ``compile`` is
        custom is left uncompiled, with Keras 3's warning)."""
        if type(self).compile is not Model.compile:
            warnings.warn("`compile()` was not called as part of model loading because the "
                          "model's `compile()` method is custom. All subclassed Models that "
                          "have `compile()` overridden should also override "
                          "`get_compile_config()` and `compile_from_config(config)`. "
                          "Alternatively, you can call `compile()` manually after loading.",
                          stacklevel=2)
            return
        self.compile(**config)

    def get_config(self) -> Dict[str, Any]:
        if self._graph is None:
            return {"name": self.name, "trainable": self.trainable}
        return extensions.provided("functional_config")(self)

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "Model":
        if "layers" in config and "input_layers" in config:
            return extensions.provided("functional_from_config")(cls, config, custom_objects)
        return cls(**config)


def inputs_from_dict(inputs: Dict[str, Any], names: List[str]) -> List[Any]:
    """The values of a data dict for the model inputs ``names``, in that order: tf-keras's
    error naming the expected and the received keys when one is missing, its warning for
    keys that match no input (they are ignored)."""
    missing = [n for n in names if n not in inputs]
    if missing:
        raise ValueError(f"Missing data for input \"{missing[0]}\". You passed a data "
                         f"dictionary with keys {sorted(inputs)}. Expected the following "
                         f"keys: {names}")
    unused = [key for key in inputs if key not in names]
    if unused:
        warnings.warn(f"Input dict contained keys {unused} which did not match any model "
                      "input. They will be ignored by the model.", stacklevel=4)
    return [inputs[n] for n in names]


def _module_name(layer: Layer, index: int, owner: torch.nn.Module) -> str:
    """A torch submodule name for ``layer``: its Keras name when torch allows it."""
    name = layer.name
    if not name or "." in name or name in owner._modules or hasattr(type(owner), name) or \
            name in owner.__dict__:
        name = f"layer_{index}"
    return name

