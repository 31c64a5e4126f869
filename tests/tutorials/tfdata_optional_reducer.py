"""In the style of TensorFlow's "Distributed input" tutorial (tutorials/distribute/input) and
the tf.data API docs: dataset ``Options`` (auto-shard policy, threading and optimization
groups), per-class statistics with ``tf.data.experimental.group_by_reducer``, an evaluation
set padded to full batches with ``pad_to_cardinality`` (its mask drops the padding from the
metric), and a custom loop that stops on ``iterator.get_next_as_optional()``; then ``fit``.
(Generated data instead of a download.)"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
features = rng.rand(50, 4).astype("float32")
labels = (features.sum(axis=1) > 2.0).astype("int64") + (features[:, 0] > 0.8)

options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
threading = tf.data.experimental.ThreadingOptions()
threading.private_threadpool_size = 2
options.threading = threading
options.experimental_optimization.map_parallelization = True
dataset = tf.data.Dataset.from_tensor_slices((features, labels)).with_options(options)
print("shard policy", dataset.options().experimental_distribute.auto_shard_policy.name)
print("threadpool", dataset.options().threading.private_threadpool_size)

stats = tf.data.experimental.Reducer(
    init_func=lambda label: (label, tf.constant(0, tf.int64), tf.zeros([4])),
    reduce_func=lambda state, element: (state[0], state[1] + 1, state[2] + element[0]),
    finalize_func=lambda label, count, total: {"label": label, "count": count,
                                               "mean": total / tf.cast(count, tf.float32)})
per_class = dataset.apply(tf.data.experimental.group_by_reducer(
    key_func=lambda x, y: y, reducer=stats))
for row in per_class.as_numpy_iterator():
    print("class", int(row["label"]), "count", int(row["count"]),
          "mean0", f"{float(row['mean'][0]):.3f}")

batch_size = 8
evaluation = tf.data.Dataset.from_tensor_slices({"x": features[:21], "y": labels[:21]})
target = -(-int(evaluation.cardinality()) // batch_size) * batch_size
padded = evaluation.apply(tf.data.experimental.pad_to_cardinality(target))
padded = padded.batch(batch_size, drop_remainder=True)
print("padded batches", int(padded.cardinality()), "target", target)
real = 0
for batch in padded:
    real += int(tf.reduce_sum(tf.cast(batch["valid"], tf.int64)))
print("real elements", real)

iterator = iter(dataset.batch(16))
steps = 0
while True:
    optional = iterator.get_next_as_optional()
    if not optional.has_value():
        break
    x, y = optional.get_value()
    steps += 1
print("loop steps", steps)
try:
    iterator.get_next()
except tf.errors.OutOfRangeError:
    print("end of sequence: OutOfRangeError")

model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(3)])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(dataset.shuffle(50, seed=1).batch(10), epochs=2, verbose=0)
print("history keys", sorted(history.history))
masked = padded.map(lambda d: (d["x"], d["y"], tf.cast(d["valid"], tf.float32)))
print("evaluate returns", len(model.evaluate(masked, verbose=0)))
