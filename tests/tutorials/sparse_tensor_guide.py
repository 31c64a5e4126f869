"""In the style of TensorFlow's "Working with sparse tensors" guide (guide/sparse_tensor) and
the TFRecord tutorial's VarLenFeature parsing: tf.sparse construction, from_dense/to_dense,
add, sparse_dense_matmul, concat/slice, map_values, transpose, reduce_max; SparseTensor
elements through tf.data (from_tensor_slices, batch, unbatch, map); a TFRecord file of
variable-length features parsed in map, batched and made dense; make_batched_features_dataset.
Prints ``key value`` lines (the test compares them with the lines real TensorFlow printed,
recorded by compat/generate_sparse_data.py)."""
import os
import tempfile

import tensorflow as tf


def dense(st):
    return tf.sparse.to_dense(st).numpy().tolist()


def show(key, st):
    print(key, st.indices.numpy().tolist(), st.values.numpy().tolist(),
          st.dense_shape.numpy().tolist())


st1 = tf.sparse.SparseTensor(indices=[[0, 2], [1, 4]], values=[7, 9], dense_shape=[2, 6])
show("st1", st1)
st2 = tf.sparse.from_dense([[2, 0, 0, 5], [0, 0, 0, 0], [0, 4, 0, 0]])
show("from_dense", st2)
print("to_dense", dense(st2))
st_sum = tf.sparse.add(tf.sparse.SparseTensor([[0, 1], [2, 3]], [11, 3], [3, 4]),
                       tf.sparse.SparseTensor([[0, 1], [1, 0]], [5, 8], [3, 4]))
show("add", st_sum)
product = tf.sparse.sparse_dense_matmul(
    tf.sparse.SparseTensor(indices=([0, 1], [1, 0], [1, 1]), values=[3, 5, 7], dense_shape=(2, 2)),
    tf.constant([[2], [10]]))
print("matmul", product.numpy().tolist())
pattern_a = tf.sparse.SparseTensor([[1, 1], [2, 0]], [1, 1], [3, 2])
pattern_b = tf.sparse.SparseTensor([[0, 2], [2, 1]], [1, 1], [3, 3])
joined = tf.sparse.concat(axis=1, sp_inputs=[pattern_a, pattern_b])
print("concat", dense(joined))
print("slice", dense(tf.sparse.slice(joined, start=[0, 1], size=[3, 3])))
print("map_values", dense(tf.sparse.map_values(tf.add, st2, 5)))
print("transpose", dense(tf.sparse.transpose(st1)))
print("reduce_max", tf.sparse.reduce_max(tf.sparse.from_dense([-4, 0, -2])).numpy().tolist())

# tf.data with SparseTensor elements
sparse_data = tf.sparse.SparseTensor(indices=[(0, 0), (0, 2), (3, 1), (4, 0), (4, 3)],
                                     values=[1, 2, 3, 4, 5], dense_shape=(5, 4))
dataset = tf.data.Dataset.from_tensor_slices(sparse_data)
print("slices_spec", dataset.element_spec)
for i, element in enumerate(dataset):
    show(f"slice_{i}", element)
batched = dataset.batch(2)
print("batched_spec", batched.element_spec)
for i, element in enumerate(batched):
    show(f"batch_{i}", element)
for i, element in enumerate(batched.unbatch()):
    show(f"unbatch_{i}", element)
for i, element in enumerate(dataset.map(lambda x: x * 3).take(2)):
    show(f"map_{i}", element)

# A TFRecord file with a variable-length feature (as the TFRecord tutorial writes one)
path = os.path.join(tempfile.mkdtemp(), "varlen.tfrecord")
with tf.io.TFRecordWriter(path) as writer:
    for i in range(5):
        example = tf.train.Example(features=tf.train.Features(feature={
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 2])),
            "tokens": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(1, i + 2)))),
            "tags": tf.train.Feature(bytes_list=tf.train.BytesList(
                value=[b"t%d" % k for k in range(i % 3)]))}))
        writer.write(example.SerializeToString())
feature_description = {"label": tf.io.FixedLenFeature([], tf.int64),
                       "tokens": tf.io.VarLenFeature(tf.int64),
                       "tags": tf.io.VarLenFeature(tf.string)}


def parse(record):
    return tf.io.parse_single_example(record, feature_description)


parsed = tf.data.TFRecordDataset([path]).map(parse)
print("parsed_spec", parsed.element_spec["tokens"], parsed.element_spec["tags"])
for i, batch in enumerate(parsed.batch(2)):
    print(f"tokens_{i}", dense(batch["tokens"]))
    print(f"tags_{i}", [[t.decode() for t in row] for row in
                        tf.sparse.to_dense(batch["tags"]).numpy().tolist()])
features_ds = tf.data.experimental.make_batched_features_dataset(
    path, batch_size=3, features=feature_description, label_key="label", num_epochs=1,
    shuffle=False)
for i, (features, label) in enumerate(features_ds):
    print(f"features_{i}", dense(features["tokens"]), label.numpy().tolist())
