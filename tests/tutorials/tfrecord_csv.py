"""TFRecord, tf.train.Example and CSV loading in the style of TensorFlow's "TFRecord and
tf.train.Example" and "Load CSV data" tutorials, on generated data: build Examples, write
them (plain and GZIP), read them back, parse them in `map`, train a small model on the
parsed features; then the same data as CSV through make_csv_dataset and CsvDataset.
Runs unchanged under TensorFlow and under `python -m torchkeras run`."""
import numpy as np
import tensorflow as tf

n = 256
rng = np.random.RandomState(0)
feature0 = rng.choice([False, True], n)
feature1 = rng.randint(0, 5, n)
strings = np.array([b"cat", b"dog", b"chicken", b"horse", b"goat"])
feature2 = strings[feature1]
feature3 = rng.randn(n)


def _bytes_feature(value):
    if isinstance(value, type(tf.constant(0))):
        value = value.numpy()
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _float_feature(value):
    return tf.train.Feature(float_list=tf.train.FloatList(value=[value]))


def _int64_feature(value):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def serialize_example(f0, f1, f2, f3):
    feature = {"feature0": _int64_feature(int(f0)), "feature1": _int64_feature(f1),
               "feature2": _bytes_feature(f2), "feature3": _float_feature(f3),
               "vector": tf.train.Feature(float_list=tf.train.FloatList(
                   value=[f3, f3 * 2, float(f1)]))}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


print("float feature bytes:", _float_feature(np.exp(1)).SerializeToString())
example = tf.train.Example.FromString(serialize_example(False, 4, b"goat", 0.9876))
print("feature1 value:", example.features.feature["feature1"].int64_list.value)
print("kind:", example.features.feature["feature2"].WhichOneof("kind"))

tensor_bytes = tf.io.serialize_tensor(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
print("parse_tensor:", tf.io.parse_tensor(tensor_bytes, out_type=tf.float32).numpy().tolist())

for filename, options in (("data.tfrecord", None), ("data.tfrecord.gz", "GZIP")):
    with tf.io.TFRecordWriter(filename, options) as writer:
        for i in range(n):
            writer.write(serialize_example(feature0[i], feature1[i], feature2[i], feature3[i]))

raw = tf.data.TFRecordDataset(["data.tfrecord"])
raw_gz = tf.data.TFRecordDataset("data.tfrecord.gz", compression_type="GZIP")
print("records equal:", all(a.numpy() == b.numpy() for a, b in zip(raw, raw_gz)))
for record in raw.take(1):
    first = tf.train.Example()
    first.ParseFromString(record.numpy())
    print("first feature2:", first.features.feature["feature2"].bytes_list.value)

description = {
    "feature0": tf.io.FixedLenFeature([], tf.int64, default_value=0),
    "feature1": tf.io.FixedLenFeature([], tf.int64, default_value=0),
    "feature2": tf.io.FixedLenFeature([], tf.string, default_value=""),
    "feature3": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    "vector": tf.io.VarLenFeature(tf.float32),
}


def parse(record):
    parsed = tf.io.parse_single_example(record, description)
    x = tf.reshape(tf.sparse.to_dense(parsed["vector"]), [3])
    return x, tf.cast(parsed["feature0"], tf.float32)


for parsed in raw.map(lambda r: tf.io.parse_single_example(r, description)).take(2):
    print("parsed feature2:", parsed["feature2"].numpy())

train = raw.map(parse).batch(32)
model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer="adam",
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
history = model.fit(train, epochs=2, verbose=0)
print("trained epochs:", len(history.history["loss"]))

batched = tf.io.parse_example(next(iter(raw.batch(4))), {
    "feature1": tf.io.FixedLenFeature([], tf.int64)})
print("batch feature1:", batched["feature1"].numpy().tolist() == feature1[:4].tolist())

with open("data.csv", "w") as handle:
    handle.write("survived,sex,age,fare\n")
    for i in range(n):
        handle.write(f"{int(feature0[i])},{feature2[i].decode()},{20 + feature1[i]},"
                     f"{abs(feature3[i]):.3f}\n")
csv_ds = tf.data.experimental.make_csv_dataset("data.csv", batch_size=5, label_name="survived",
                                               num_epochs=1, shuffle=False)
for batch, label in csv_ds.take(1):
    for key, value in batch.items():
        print(f"{key:10s}: {value}")
    print("label:", label.numpy().tolist() == feature0[:5].astype(int).tolist())
rows = tf.data.experimental.CsvDataset("data.csv", record_defaults=[int(), str(), float(),
                                                                    float()], header=True)
for row in rows.take(1):
    print("csv row:", [e.numpy() for e in row][1])
lines = tf.data.TextLineDataset("data.csv").skip(1).map(
    lambda line: tf.io.decode_csv(line, [int(), str(), float(), float()]))
print("decode_csv rows:", sum(1 for _ in lines))
