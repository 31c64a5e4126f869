"""In the style of older TensorFlow input pipelines (official models' ``input_fn``s, TF 1.x-era
tutorials): shard files read with ``tf.data.experimental.parallel_interleave``, then
``shuffle_and_repeat``, ``map_and_batch`` and ``prefetch_to_device``, feeding a functional
multi-task model with dict outputs (keras.io "multi-input and multi-output models" style).
(In-memory shards instead of TFRecord files.)"""
import numpy as np
import tensorflow as tf

tf.random.set_seed(0)
rng = np.random.RandomState(0)
NUM_SHARDS, PER_SHARD, BATCH_SIZE = 4, 64, 32
shards = rng.rand(NUM_SHARDS, PER_SHARD, 8).astype("float32")


def read_shard(index):
    features = tf.gather(tf.constant(shards), index)
    return tf.data.Dataset.from_tensor_slices(features)


def parse(features):
    score = tf.reduce_sum(features, axis=-1, keepdims=True)
    label = tf.cast(tf.reduce_mean(features) > 0.5, tf.int64)
    return features, {"score": score, "label": label}


files = tf.data.Dataset.range(NUM_SHARDS)
dataset = files.apply(tf.data.experimental.parallel_interleave(
    read_shard, cycle_length=2, block_length=4, sloppy=True))
dataset = dataset.apply(tf.data.experimental.shuffle_and_repeat(buffer_size=128, seed=1))
dataset = dataset.apply(tf.data.experimental.map_and_batch(
    parse, BATCH_SIZE, num_parallel_batches=2, drop_remainder=True))
dataset = dataset.apply(tf.data.experimental.prefetch_to_device("/cpu:0"))
print("element_spec:", tf.data.experimental.get_structure(dataset))
print("cardinality:", int(tf.data.experimental.cardinality(dataset)))

inputs = tf.keras.Input((8,), name="features")
hidden = tf.keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
outputs = {"score": tf.keras.layers.Dense(1, name="score")(hidden),
           "label": tf.keras.layers.Dense(1, activation="sigmoid", name="label")(hidden)}
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss={"score": "mse", "label": "binary_crossentropy"},
              metrics={"label": "accuracy"})
history = model.fit(dataset, steps_per_epoch=8, epochs=2, verbose=2)
print("history keys:", list(history.history))
print("output_names:", model.output_names)

eval_set = tf.data.experimental.from_list(list(shards[0][:10])).apply(
    tf.data.experimental.assert_cardinality(10)).batch(5)
predictions = model.predict(eval_set, verbose=0)
print("predict keys:", list(predictions), "shapes:",
      [tuple(v.shape) for v in predictions.values()])
print("first eval element:", tuple(tf.data.experimental.at(eval_set, 0).shape))
