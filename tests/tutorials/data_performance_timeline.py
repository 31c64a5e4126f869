"""TensorFlow's "Better performance with the tf.data API" guide (guide/data_performance), run
unchanged through ``python -m torchkeras run`` with the sleeps shortened: the
``ArtificialDataset`` (a ``tf.data.Dataset`` subclass whose ``__new__`` returns
``from_generator`` with ``args``), prefetch, (parallel) interleave, ``tf.py_function`` maps,
cache, vectorized maps, and the ``TimeMeasuredDataset`` timeline built with string tensors
(``tf.zeros(..., tf.dtypes.string)``, ``tf.concat``, ``tf.tile``). It prints what the
pipelines yield (times vary, so they are only checked to be positive).

Known differences with TensorFlow, left out of the printed lines: TF traces the functions of
``flat_map``/``interleave`` once, so ``TimeMeasuredDataset``'s instance counter advances once
per trace there and per call here; a parallel interleave's default ``cycle_length`` follows
the machine's cores (TF 2.21 took 1 on this 2-CPU machine, torchkeras takes 2)."""
import itertools
import time
from collections import defaultdict

import numpy as np
import tensorflow as tf

SLEEP = 0.001


class ArtificialDataset(tf.data.Dataset):
    def _generator(num_samples):
        # Opening the file
        time.sleep(SLEEP)

        for sample_idx in range(num_samples):
            # Reading data (line, record) from the file
            time.sleep(SLEEP)

            yield (sample_idx,)

    def __new__(cls, num_samples=3):
        return tf.data.Dataset.from_generator(
            cls._generator,
            output_signature=tf.TensorSpec(shape=(1,), dtype=tf.int64),
            args=(num_samples,)
        )


def benchmark(dataset, num_epochs=2, ordered=True):
    seen = []
    start_time = time.perf_counter()
    for epoch_num in range(num_epochs):
        for sample in dataset:
            # Performing a training step
            seen.append(int(sample.numpy()[0]) if sample.shape == (1,) else sample.numpy().tolist())
    # a parallel interleave's default cycle_length depends on the machine's cores
    print("elements:", seen if ordered else sorted(seen),
          "positive time:", time.perf_counter() - start_time > 0)


benchmark(ArtificialDataset())
benchmark(ArtificialDataset().prefetch(tf.data.AUTOTUNE))
benchmark(tf.data.Dataset.range(2).interleave(lambda _: ArtificialDataset()))
benchmark(tf.data.Dataset.range(2).interleave(lambda _: ArtificialDataset(),
                                              num_parallel_calls=tf.data.AUTOTUNE),
          ordered=False)


def mapped_function(s):
    # Do some hard pre-processing
    tf.py_function(lambda: time.sleep(SLEEP), [], ())
    return s


benchmark(ArtificialDataset().map(mapped_function))
benchmark(ArtificialDataset().map(mapped_function, num_parallel_calls=tf.data.AUTOTUNE))
benchmark(ArtificialDataset().map(mapped_function).cache(), 5)

fast_dataset = tf.data.Dataset.range(1000)


def increment(x):
    return x + 1


scalar = fast_dataset.map(increment).batch(256)
vectorized = fast_dataset.batch(256).map(increment)
print("scalar map then batch:", [int(tf.reduce_sum(b)) for b in scalar])
print("batch then vectorized map:", [int(tf.reduce_sum(b)) for b in vectorized])
print("spec:", vectorized.element_spec)


class TimeMeasuredDataset(tf.data.Dataset):
    # OUTPUT: (steps, timings, counters)
    OUTPUT_TYPES = (tf.dtypes.string, tf.dtypes.float32, tf.dtypes.int32)
    OUTPUT_SHAPES = ((2, 1), (2, 2), (2, 3))

    _INSTANCES_COUNTER = itertools.count()  # Number of datasets generated
    _EPOCHS_COUNTER = defaultdict(itertools.count)  # Number of epochs done for each dataset

    def _generator(instance_idx, num_samples):
        epoch_idx = next(TimeMeasuredDataset._EPOCHS_COUNTER[instance_idx])

        # Opening the file
        open_enter = time.perf_counter()
        time.sleep(SLEEP)
        open_elapsed = time.perf_counter() - open_enter

        for sample_idx in range(num_samples):
            # Reading data (line, record) from the file
            read_enter = time.perf_counter()
            time.sleep(SLEEP)
            read_elapsed = time.perf_counter() - read_enter

            yield (
                [("Open",), ("Read",)],
                [(open_enter, open_elapsed), (read_enter, read_elapsed)],
                [(instance_idx, epoch_idx, -1), (instance_idx, epoch_idx, sample_idx)]
            )
            open_enter, open_elapsed = -1., -1.  # Negative values will be filtered

    def __new__(cls, num_samples=3):
        return tf.data.Dataset.from_generator(
            cls._generator,
            output_types=cls.OUTPUT_TYPES,
            output_shapes=cls.OUTPUT_SHAPES,
            args=(next(cls._INSTANCES_COUNTER), num_samples)
        )


def timelined_benchmark(dataset, num_epochs=2):
    # Initialize accumulators
    steps_acc = tf.zeros([0, 1], dtype=tf.dtypes.string)
    times_acc = tf.zeros([0, 2], dtype=tf.dtypes.float32)
    values_acc = tf.zeros([0, 3], dtype=tf.dtypes.int32)

    start_time = time.perf_counter()
    for epoch_num in range(num_epochs):
        epoch_enter = time.perf_counter()
        for (steps, times, values) in dataset:
            # Record dataset preparation informations
            steps_acc = tf.concat((steps_acc, steps), axis=0)
            times_acc = tf.concat((times_acc, times), axis=0)
            values_acc = tf.concat((values_acc, values), axis=0)

            # Simulate training time
            train_enter = time.perf_counter()
            time.sleep(SLEEP)
            train_elapsed = time.perf_counter() - train_enter

            # Record training informations
            steps_acc = tf.concat((steps_acc, [["Train"]]), axis=0)
            times_acc = tf.concat((times_acc, [(train_enter, train_elapsed)]), axis=0)
            values_acc = tf.concat((values_acc, [values[-1]]), axis=0)

        epoch_elapsed = time.perf_counter() - epoch_enter
        # Record epoch informations
        steps_acc = tf.concat((steps_acc, [["Epoch"]]), axis=0)
        times_acc = tf.concat((times_acc, [(epoch_enter, epoch_elapsed)]), axis=0)
        values_acc = tf.concat((values_acc, [[-1, epoch_num, -1]]), axis=0)

    print("positive time:", time.perf_counter() - start_time > 0)
    return {"steps": steps_acc, "times": times_acc, "values": values_acc}


def map_decorator(func):
    def wrapper(steps, times, values):
        # Use a tf.py_function to prevent auto-graph from compiling the method
        return tf.py_function(
            func,
            inp=(steps, times, values),
            Tout=(steps.dtype, times.dtype, values.dtype)
        )
    return wrapper


_batch_map_num_items = 4


def dataset_generator_fun(*args):
    return TimeMeasuredDataset(num_samples=_batch_map_num_items)


@map_decorator
def naive_map(steps, times, values):
    map_enter = time.perf_counter()
    time.sleep(SLEEP)  # Time consuming step
    map_elapsed = time.perf_counter() - map_enter

    return (
        tf.concat((steps, [["Map"]]), axis=0),
        tf.concat((times, [[map_enter, map_elapsed]]), axis=0),
        tf.concat((values, [values[-1]]), axis=0)
    )


naive_timeline = timelined_benchmark(
    tf.data.Dataset.range(2)
    .flat_map(dataset_generator_fun)
    .map(naive_map)
    .batch(_batch_map_num_items, drop_remainder=True)
    .unbatch(),
    2
)


@map_decorator
def time_consuming_map(steps, times, values):
    map_enter = time.perf_counter()
    time.sleep(SLEEP * values.shape[0])  # Time consuming step
    map_elapsed = time.perf_counter() - map_enter

    return (
        tf.concat((steps, tf.tile([[["1st map"]]], [steps.shape[0], 1, 1])), axis=1),
        tf.concat((times, tf.tile([[[map_enter, map_elapsed]]], [times.shape[0], 1, 1])), axis=1),
        tf.concat((values, tf.tile([[values[:][-1][0]]], [values.shape[0], 1, 1])), axis=1)
    )


optimized_timeline = timelined_benchmark(
    tf.data.Dataset.range(2)
    .interleave(dataset_generator_fun, num_parallel_calls=tf.data.AUTOTUNE)
    .batch(_batch_map_num_items, drop_remainder=True)
    .map(time_consuming_map, num_parallel_calls=tf.data.AUTOTUNE)
    .cache()
    .prefetch(tf.data.AUTOTUNE)
    .unbatch(),
    2
)

for name, timeline in (("naive", naive_timeline), ("optimized", optimized_timeline)):
    steps = timeline["steps"].numpy()
    times = timeline["times"].numpy()
    values = timeline["values"].numpy()
    step_ids, indices = np.unique(steps, return_index=True)
    print(name, "shapes:", steps.shape, times.shape, values.shape, times.dtype, values.dtype)
    print(name, "steps:", step_ids[np.argsort(indices)].tolist())
    print(name, "counts:", {s.decode(): int((steps == s).sum()) for s in step_ids})
    # (the instance column differs: TF traces dataset_generator_fun once, eager calls it
    # per element; the sample column does not)
    print(name, "sample column:", values[:, 2].tolist() if name == "naive"
          else sorted(values[:, 2].tolist()))
