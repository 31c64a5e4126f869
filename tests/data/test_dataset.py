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
    with pytest.raises(NotProvidedError, match="tf.data.experimental.from_variant"):
        tf.data.experimental.from_variant  # noqa: B018


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
    lock = threading.Lock()
    running = [0, 0]  # calls in flight now, most at once

    def slow(x):
        threads.add(threading.get_ident())
        with lock:
            running[0] += 1
            running[1] = max(running)
        time.sleep(0.02 * (5 - int(x) % 5))  # later elements finish first
        with lock:
            running[0] -= 1
        return x * 10

    out = [int(v) for v in Dataset.range(10).map(slow, num_parallel_calls=5)]
    assert out == [v * 10 for v in range(10)]  # deterministic order, as tf.data's default
    assert len(threads) > 1
    # Calls overlapped (counted, not timed: a wall-clock bound fails on a loaded machine).
    assert 1 < running[1] <= 5
    assert pipeline.resolve_parallelism(AUTOTUNE) >= 1
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(2).map(lambda x: x, num_parallel_calls=0)


def test_prefetch_produces_ahead_in_a_background_thread():
    produced = []
    ds = Dataset.range(6).map(lambda x: produced.append(int(x)) or x).prefetch(3)
    iterator = iter(ds)
    first = next(iterator)
    deadline = time.monotonic() + 10.0  # polled, not one fixed sleep: a loaded machine is slow
    while len(produced) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
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


def test_from_generator_takes_a_whole_part_at_each_spec():
    # data_performance's ArtificialDataset yields ``(i,)`` for one TensorSpec((1,)): TF
    # converts the tuple as one tensor; a string spec takes nested lists of strings.
    ds = Dataset.from_generator(lambda: ((i,) for i in range(2)),
                                output_signature=tf.TensorSpec((1,), tf.int64))
    assert [x.tolist() for x in ds] == [[0], [1]] and next(iter(ds)).dtype == torch.int64
    ds = Dataset.from_generator(lambda: iter([([("Open",), ("Read",)], [(1, 2), (3, 4)])]),
                                output_types=(tf.string, tf.int32), output_shapes=((2, 1), (2, 2)))
    steps, values = next(iter(ds))
    assert steps.tolist() == [[b"Open"], [b"Read"]] and values.dtype == torch.int32
    bad = Dataset.from_generator(lambda: iter([(1, 2)]),
                                 output_signature=(tf.TensorSpec(()),) * 3)
    with pytest.raises(TypeError, match="did not match the expected structure"):
        list(bad)
    numbers = Dataset.from_generator(lambda: iter([[1, 2]]),
                                     output_signature=tf.TensorSpec((2,), tf.string))
    with pytest.raises(TypeError, match="element of type list where an element of type "
                                        "tf.string was expected"):
        list(numbers)


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


# ------------------------------------------------------------------ bad input
def test_unsupported_calls_say_not_provided_by_torchkeras():
    with pytest.raises(NotProvidedError, match=r"`tf.data.Dataset.fingerprint` is not "
                                               "provided by torchkeras"):
        Dataset.range(3).fingerprint()
    with pytest.raises(NotProvidedError, match="`tf.data.Dataset.fingerprint` is not provided"):
        tf.data.Dataset.fingerprint  # noqa: B018  (read on the class, as tutorials do)
    with pytest.raises(NotProvidedError, match="`tf.image.draw_bounding_boxes` is not provided "
                                               "by torchkeras"):
        tf.image.draw_bounding_boxes  # noqa: B018
    with pytest.raises(NotProvidedError, match="`tf.data.experimental.service` is not "
                                               "provided by torchkeras"):
        tf.data.experimental.service  # noqa: B018
    with pytest.raises(NotProvidedError, match="`tf.data.NumpyIterator` is not provided"):
        tf.data.NumpyIterator  # noqa: B018
    # a name that is no tf.data method at all: Python's error, with a hint
    with pytest.raises(AttributeError, match="no attribute 'shufle'. Did you mean 'shuffle'"):
        Dataset.range(3).shufle(3)
    assert not hasattr(Dataset.range(3), "fingerprint") and not hasattr(Dataset.range(3), "_x")


def test_map_failure_keeps_the_original_error_as_its_cause():
    def decode(x):
        return int("not a number") if int(x) == 1 else x

    for parallel in (None, 3):
        with pytest.raises(ValueError) as info:
            list(Dataset.range(3).map(decode, num_parallel_calls=parallel))
        assert "function `" in str(info.value) and "decode` passed to `Dataset.map`, on " \
            "element 1" in str(info.value)
        assert isinstance(info.value.__cause__, ValueError)
        assert "invalid literal" in str(info.value.__cause__)


def test_combined_datasets_name_the_mismatched_component():
    pairs = Dataset.range(3).map(lambda x: (x, {"a": x, "b": x}))
    other = Dataset.range(3).map(lambda x: (x, {"a": x}))
    with pytest.raises(TypeError, match=r"Incompatible dataset elements:(.|\n)*component "
                                        r"\[1\]: a dict with keys \['a', 'b'\] vs. a dict "
                                        r"with keys \['a'\]"):
        pairs.concatenate(other)
    with pytest.raises(TypeError, match="component 0 has dtype tf.int64 vs. tf.float32"):
        Dataset.range(3).concatenate(Dataset.from_tensor_slices([1.0]))
    with pytest.raises(TypeError, match="must have compatible element specs"):
        Dataset.sample_from_datasets([Dataset.range(2), Dataset.from_tensor_slices(["a"])])
    with pytest.raises(ValueError, match=r"padded shape structure does not match the dataset "
                                         r"element structure at the top level: a tuple of 2 "
                                         r"vs. a single component"):
        list(Dataset.range(2).map(lambda x: (x, x)).padded_batch(2, padded_shapes=[None]))
    with pytest.raises(ValueError, match=r"padding values structure .* at component \[1\]"):
        list(Dataset.range(2).map(lambda x: (x, (x, x))).padded_batch(
            2, padding_values=(np.int64(0), np.int64(0))))
    with pytest.raises(ValueError, match="valid choices: 0 to 1"):
        list(Dataset.choose_from_datasets([Dataset.range(2)] * 2, Dataset.range(3)))
    with pytest.raises(ValueError, match=r"len\(bucket_batch_sizes\) must equal "
                                         r"len\(bucket_boundaries\) \+ 1"):
        Dataset.range(3).bucket_by_sequence_length(lambda x: x, [2], [1])


# ------------------------------------------------------- random sources, errors
def test_sample_from_datasets_draws_by_weight_and_is_repeatable_with_a_seed():
    a, b = Dataset.range(0, 300), Dataset.range(1000, 1100)
    sampled = Dataset.sample_from_datasets([a, b], weights=[0.75, 0.25], seed=7)
    first = [int(v) for v in sampled]
    assert sorted(first) == list(range(300)) + list(range(1000, 1100))  # each element once
    head = first[:200]
    share_b = sum(v >= 1000 for v in head) / len(head)
    assert 0.15 < share_b < 0.35  # weights 3:1
    assert [int(v) for v in Dataset.sample_from_datasets([a, b], [0.75, 0.25], seed=7)] == first
    assert [int(v) for v in sampled] != first  # a new draw each iteration by default
    fixed = Dataset.sample_from_datasets([a, b], [0.5, 0.5], seed=7,
                                         rerandomize_each_iteration=False)
    assert [int(v) for v in fixed] == [int(v) for v in fixed]
    stopped = [int(v) for v in Dataset.sample_from_datasets(
        [Dataset.range(2), Dataset.range(10, 100)], seed=1, stop_on_empty_dataset=True)]
    assert len(stopped) < 92 and sum(v < 2 for v in stopped) == 2


def test_random_dataset():
    ds = Dataset.random(seed=3)
    first = [int(v) for v in ds.take(5)]
    assert first == [int(v) for v in ds.take(5)]  # the same stream per iteration with a seed
    assert all(0 <= v < 2 ** 32 for v in first) and len(set(first)) == 5
    again = Dataset.random(seed=3, rerandomize_each_iteration=True).take(5)
    assert [int(v) for v in again] != [int(v) for v in again]
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY


def test_ignore_errors_drops_failed_elements_also_in_parallel_map():
    def parse(x):
        if int(x) % 3 == 0:
            raise ValueError("corrupt")
        return x

    for parallel in (None, AUTOTUNE):
        out = Dataset.range(10).map(parse, num_parallel_calls=parallel).ignore_errors()
        assert [int(v) for v in out] == [1, 2, 4, 5, 7, 8]
    with pytest.warns(UserWarning, match="Ignoring an error"):
        list(Dataset.range(4).map(parse).ignore_errors(log_warning=True))


def test_get_single_element_errors():
    with pytest.raises(ValueError, match="Dataset was empty."):
        Dataset.range(0).get_single_element()
    with pytest.raises(ValueError, match="Dataset had more than one element."):
        Dataset.range(2).get_single_element()


# -------------------------------------------------------------- fit on datasets
def test_fit_with_steps_per_epoch_goes_on_through_a_repeated_dataset():
    seen = []
    x = np.arange(12, dtype="float32").reshape(12, 1)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    batches = Dataset.from_tensor_slices((x, x)).batch(4).map(
        lambda a, b: (seen.append(int(a[0, 0])) or a, b))
    model.fit(batches.repeat(), steps_per_epoch=2, epochs=3, verbose=0)
    assert seen == [0, 4, 8, 0, 4, 8]  # as Keras 2: the epochs continue one stream
    seen.clear()
    model.fit(batches, steps_per_epoch=3, epochs=2, verbose=0)  # steps == cardinality:
    assert seen == [0, 4, 8, 0, 4, 8]  # a new pass each epoch
    seen.clear()
    model.fit(batches.repeat(), steps_per_epoch=1, epochs=2, validation_data=batches,
              validation_steps=2, verbose=0)
    assert seen == [0, 0, 4, 4, 0, 4]  # validation restarts each epoch, as Keras 2
    seen.clear()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        model.fit(batches, steps_per_epoch=2, epochs=2, verbose=0)
    assert seen == [0, 4, 8]


def test_fit_on_dataset_with_sample_weights_and_validation_steps():
    x = np.random.RandomState(2).normal(size=(48, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    w = np.where(y[:, 0] > 0, 2.0, 0.5).astype("float32")
    by_arrays = _model().fit(x, y, sample_weight=w, batch_size=12, epochs=1, shuffle=False,
                             verbose=0).history["loss"]
    model = _model()
    history = model.fit(Dataset.from_tensor_slices((x, y, w)).batch(12).repeat(),
                        steps_per_epoch=4, epochs=1, verbose=0,
                        validation_data=Dataset.from_tensor_slices((x, y)).batch(12).repeat(),
                        validation_steps=2).history
    np.testing.assert_allclose(history["loss"], by_arrays, rtol=1e-5)
    expected_val = model.evaluate(x[:24], y[:24], batch_size=12, verbose=0)
    np.testing.assert_allclose(history["val_loss"][0], expected_val, rtol=1e-5)


def test_list_files_order_and_shuffle(tmp_path):
    for name in ("c.txt", "a.txt", "b.txt", "d.csv"):
        (tmp_path / name).write_text(name)
    pattern = str(tmp_path / "*.txt")

    def names(ds):
        return [str(f).rsplit("/", 1)[1] for f in ds]

    assert names(Dataset.list_files(pattern, shuffle=False)) == ["a.txt", "b.txt", "c.txt"]
    seeded = Dataset.list_files(pattern, seed=3)  # shuffled by default, as TF
    first = names(seeded)
    assert sorted(first) == ["a.txt", "b.txt", "c.txt"]
    assert names(Dataset.list_files(pattern, seed=3)) == first  # a seed repeats the order
    orders = {tuple(names(seeded)) for _ in range(12)}
    assert len(orders) > 1  # reshuffled each iteration
    with pytest.raises(ValueError, match="No files matched pattern"):
        Dataset.list_files(str(tmp_path / "*.png"))


@pytest.mark.parametrize("cpus", [1, 2, 4, 8])
def test_interleave_cycle_length_defaults_as_tensorflow(monkeypatch, cpus):
    from torchkeras.data import dataset as dataset_module
    from torchkeras.data import pipeline
    real = pipeline.resolve_parallelism
    monkeypatch.setattr(pipeline, "resolve_parallelism",
                        lambda n: cpus if n == AUTOTUNE else real(n))
    cycle = dataset_module._interleave_cycle
    assert cycle(None, None) == cpus  # sequential: the CPU count
    assert cycle(None, AUTOTUNE) == -(-cpus // 3)  # two prefetched elements per slot
    assert cycle(None, 2) == min(2, cpus)
    assert cycle(3, None) == 3 and cycle(3, AUTOTUNE) == 3


def test_interleave_parallel_calls_above_a_fixed_cycle_is_tensorflows_error():
    with pytest.raises(ValueError, match="`num_parallel_calls` is 3 and `cycle_length` is 2"):
        Dataset.range(4).interleave(lambda x: Dataset.from_tensors(x), cycle_length=2,
                                    num_parallel_calls=3)
