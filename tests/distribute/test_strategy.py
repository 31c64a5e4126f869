"""The Keras strategy API in one process."""
import logging

import numpy as np

import torchkeras
from torchkeras import distribute
from torchkeras.distribute import strategy as strategy_module


def test_mirrored_strategy_runs_on_one_device_and_says_so_once(monkeypatch, caplog):
    monkeypatch.setattr(strategy_module, "_ANNOUNCED", False)
    with caplog.at_level(logging.WARNING, logger="torchkeras.distribute"):
        first = distribute.MirroredStrategy()
        distribute.MultiWorkerMirroredStrategy()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "one process" in messages[0] and "torchrun" in messages[0]
    assert first.num_replicas_in_sync == 1


def test_scope_builds_and_fits_a_model():
    strategy = distribute.MirroredStrategy()
    assert not distribute.has_strategy()
    with strategy.scope() as inside:
        assert inside is strategy and distribute.get_strategy() is strategy
        model = torchkeras.Sequential([torchkeras.layers.Dense(1, input_shape=(3,))])
        model.compile("sgd", "mse")
    assert not distribute.has_strategy()
    history = model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"),
                        batch_size=4 * strategy.num_replicas_in_sync, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_run_reduce_and_datasets_pass_through():
    strategy = distribute.MirroredStrategy()
    assert strategy.run(lambda a, b=0: a + b, args=(1,), kwargs={"b": 2}) == 3
    assert float(strategy.reduce(distribute.ReduceOp.SUM, np.array([1.0, 2.0]), axis=0)) == 3.0
    assert float(strategy.reduce("MEAN", np.array([1.0, 3.0]), axis=0)) == 2.0
    dataset = object()
    assert strategy.experimental_distribute_dataset(dataset) is dataset
    context = strategy.distribute_datasets_from_function(lambda ctx: ctx)
    assert context.get_per_replica_batch_size(64) == 64


def test_tf_namespace_exposes_the_strategies():
    from torchkeras.compat.tf_namespace import build_tensorflow

    class _Keras:
        optimizers = losses = metrics = initializers = activations = None
    tf = build_tensorflow(_Keras)
    assert tf.distribute.MirroredStrategy is distribute.MirroredStrategy
    assert tf.distribute.MultiWorkerMirroredStrategy is distribute.MultiWorkerMirroredStrategy
    assert tf.distribute.ReduceOp.SUM is distribute.ReduceOp.SUM
