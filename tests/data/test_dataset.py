"""torchkeras.data.Dataset: the pipeline machinery, errors, and fit/evaluate/predict on it.
(Element values against real TensorFlow: compat/test_data.py.)"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

import torchkeras as keras
from torchkeras.compat import NotProvidedError
from torchkeras.compat.finder import tensorflow_module
from torchkeras.data import AUTOTUNE, Dataset, Options, TensorSpec, pipeline
from torchkeras.utils import dataset_utils

tf = tensorflow_module()


def test_old_import_path_and_tf_names_are_the_same_objects():
    assert dataset_utils.Dataset is Dataset and dataset_utils.AUTOTUNE == AUTOTUNE == -1
    assert tf.data.Dataset is Dataset and tf.data.experimental.AUTOTUNE == -1
    assert tf.TensorSpec is TensorSpec
    with pytest.raises(NotProvidedError, match="tf.data.experimental.make_csv_dataset"):
        tf.data.experimental.make_csv_dataset  # noqa: B018


def test_lazy_and_iterated_as_a_torch_iterable_dataset():
    calls = []
    ds = Dataset.range(3).map(lambda x: calls.append(int(x)) or x)
    assert calls == []  # a description: nothing runs before iteration
    assert [int(v) for v in ds] == [0, 1, 2] and calls == [0, 1, 2]
    # iteration is the pipeline's IterableDataset (no DataLoader around it: it cost up to 1.8x
    # in fit, bench/bench_tfdata.py); a DataLoader over it gives the same elements
    assert isinstance(pipeline.Pipeline(ds._make), torch.utils.data.IterableDataset)
    assert [int(v) for v in pipeline.loader(ds._make)] == [0, 1, 2]


def test_prefetch_of_in_memory_batches_runs_inline():
    x = np.arange(10, dtype="float32")
    inline = Dataset.from_tensor_slices(x).shuffle(4, seed=1).batch(3).prefetch(2)
    threaded = Dataset.range(10).map(lambda v: v).batch(3).prefetch(2)
    assert inline._in_memory and not threaded._in_memory
    assert sorted(v for b in inline for v in b.tolist()) == x.tolist()
    assert [b.tolist() for b in threaded] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_parallel_map_runs_concurrently_and_keeps_order():
    threads = set()

    def slow(x):
        threads.add(threading.get_ident())
        time.sleep(0.02 * (5 - int(x) % 5))  # later elements finish first
        return x * 10

    start = time.perf_counter()
    out = [int(v) for v in Dataset.range(10).map(slow, num_parallel_calls=5)]
    parallel = time.perf_counter() - start
    assert out == [v * 10 for v in range(10)]  # deterministic order, as tf.data's default
    assert len(threads) > 1
    assert parallel < 0.02 * 30 * 0.7  # the sequential sum is 0.6 s
    assert pipeline.resolve_parallelism(AUTOTUNE) >= 1
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(2).map(lambda x: x, num_parallel_calls=0)


def test_prefetch_produces_ahead_in_a_background_thread():
    produced = []
    ds = Dataset.range(6).map(lambda x: produced.append(int(x)) or x).prefetch(3)
    iterator = iter(ds)
    first = next(iterator)
    time.sleep(0.2)
    assert int(first) == 0 and len(produced) >= 3  # ran ahead of the consumer
    assert [int(v) for v in iterator] == [1, 2, 3, 4, 5]
    broken = Dataset.range(3).map(lambda x: 1 / 0 if int(x) == 2 else x).prefetch(2)
    with pytest.raises(ZeroDivisionError, match="on element 2"):
        list(broken)


def test_map_error_names_the_function_and_element():
    def parse(x):
        if int(x) == 3:
            raise ValueError("bad record")
        return x

    with pytest.raises(ValueError, match=r"function `.*parse` passed to `Dataset.map`, on "
                                         r"element 3: ValueError: bad record"):
        list(Dataset.range(5).map(parse, num_parallel_calls=2))


def test_structure_errors_name_the_component():
    with pytest.raises(ValueError, match="Cannot batch tensors with different shapes in "
                                         r"component 1. First element had shape \[2\] and "
                                         r"element 1 had shape \[3\]"):
        list(Dataset.range(2).map(lambda x: (x, tf.zeros([int(x) + 2]))).batch(2))
    with pytest.raises(TypeError, match="Component 1 is ndarray"):
        Dataset.zip((Dataset.range(2), np.zeros(2)))
    with pytest.raises(ValueError, match="padded shape structure does not match"):
        list(Dataset.range(2).map(lambda x: (x, x)).padded_batch(2, padded_shapes=[None]))
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))


def test_from_generator_checks_the_signature():
    def gen():
        yield np.zeros(2, "float32")
        yield np.zeros(3, "float32")

    ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec((2,), tf.float32))
    with pytest.raises(ValueError, match=r"yielded an element of shape \(3,\) where an "
                                         r"element of shape \(2,\) was expected"):
        list(ds)
    with pytest.raises(TypeError, match="either the `output_signature` argument or the "
                                        "`output_types`"):
        Dataset.from_generator(gen)


def test_len_options_and_text_lines(tmp_path):
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(Dataset.range(3).repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(Dataset.range(3).filter(lambda x: x > 0))
    options = Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = Dataset.range(2).with_options(options)
    assert ds.options().experimental_distribute.auto_shard_policy == 2 and len(ds) == 2
    (tmp_path / "a.txt").write_text("one\ntwo\r\n")
    (tmp_path / "b.txt").write_text("three\n")
    lines = tf.data.TextLineDataset([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert list(lines.as_numpy_iterator()) == [b"one", b"two", b"three"]
    files = Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert [str(f).rsplit("/", 1)[1] for f in files] == ["a.txt", "b.txt"]


def test_strings_flow_through_map_and_batch():
    ds = Dataset.from_tensor_slices((["ab", "c", "de"], [0, 1, 0])).map(
        lambda s, y: (s, y + 1)).batch(2)
    texts, labels = next(iter(ds))
    assert isinstance(texts, np.ndarray) and texts.tolist() == ["ab", "c"]
    assert labels.dtype == torch.int32 and labels.tolist() == [1, 2]


def _model(inputs_name=None):
    keras.utils.set_random_seed(0)
    if inputs_name:
        inp = keras.Input(shape=(3,), name=inputs_name)
        model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(inp))
    else:
        model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    return model


def test_fit_on_datasets_matches_fit_on_arrays():
    x = np.random.RandomState(1).normal(size=(64, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    w = np.linspace(0.5, 1.5, 64).astype("float32")
    by_arrays = _model().fit(x, y, sample_weight=w, batch_size=16, epochs=2, shuffle=False,
                             verbose=0).history["loss"]
    ds = Dataset.from_tensor_slices((x, y, w)).batch(16).prefetch(AUTOTUNE)
    by_dataset = _model().fit(ds, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(by_dataset, by_arrays, rtol=1e-5)
    named = Dataset.from_tensor_slices(({"feats": x}, y)).batch(16)
    model = _model("feats")
    history = model.fit(named.repeat(), steps_per_epoch=3, epochs=2, validation_data=named,
                        verbose=0).history
    assert sorted(history) == ["loss", "val_loss"]
    assert model.predict(named.map(lambda d, t: d), verbose=0).shape == (64, 1)
    assert np.isfinite(model.evaluate(named, verbose=0))


def test_in_memory_fast_path_gives_the_element_wise_results():
    x = np.arange(40, dtype="float32").reshape(20, 2)
    fast = Dataset.from_tensor_slices((x, np.arange(20)))
    slow = fast.map(lambda a, b: (a, b))  # map leaves the indexed fast path
    assert fast._slices is not None and slow._slices is None

    def run(ds):
        return [(a.tolist(), b.tolist()) for a, b in ds]

    for build in (lambda d: d.shuffle(7, seed=4).batch(6),
                  lambda d: d.shuffle(30, seed=1).repeat(2).batch(7, drop_remainder=True),
                  lambda d: d.skip(3).take(12).shard(3, 2).batch(2),
                  lambda d: d.repeat(3).take(25).batch(8)):
        assert run(build(fast)) == run(build(slow))
    cached = fast.shuffle(20, seed=2).cache()
    assert run(cached) == run(cached)  # cache replays the first shuffled pass, as tf.data
    reshuffled = fast.shuffle(20, seed=2)
    assert run(reshuffled) != run(reshuffled)
