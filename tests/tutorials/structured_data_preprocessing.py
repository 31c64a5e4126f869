"""Structured data with Keras preprocessing layers, in the style of TensorFlow's
"Classify structured data using Keras preprocessing layers" tutorial (PetFinder mini), on a
generated pandas DataFrame. String columns are hashed in the tf.data pipeline (Hashing,
HashedCrossing) so the model starts from numeric inputs; numeric columns are normalized
(Normalization adapted on a mapped Dataset) and discretized; integer categories go through
CategoryEncoding. Prints ``key value`` lines for the test."""
import numpy as np
import pandas as pd
import tensorflow as tf

from tensorflow.keras import layers

tf.random.set_seed(0)
rng = np.random.RandomState(0)
n = 400
dataframe = pd.DataFrame({
    "Type": rng.choice(["Cat", "Dog"], n), "Age": rng.randint(0, 20, n),
    "Color1": rng.choice(["Black", "White", "Brown", "Golden"], n),
    "Fee": rng.randint(0, 300, n), "PhotoAmt": rng.randint(0, 10, n)})
dataframe["target"] = ((dataframe["Type"] == "Cat") ^ (dataframe["PhotoAmt"] > 4)).astype(int)

train = dataframe.iloc[:320]
test = dataframe.iloc[320:]

type_hash = layers.Hashing(num_bins=8)
color_hash = layers.Hashing(num_bins=8)
crossing = layers.HashedCrossing(num_bins=16)


def encode_strings(features, label):
    features = dict(features)
    features["Type_cross_Color1"] = crossing((features["Type"], features["Color1"]))
    features["Type"] = type_hash(features["Type"])
    features["Color1"] = color_hash(features["Color1"])
    # tf.keras expands (batch,) features to an Input of shape (1,) itself; torchkeras's
    # fit does not yet (reported), so the columns are given their feature axis here.
    features = {k: tf.reshape(v, (-1, 1)) for k, v in features.items()}
    return features, label


def df_to_dataset(dataframe, shuffle=True, batch_size=32):
    dataframe = dataframe.copy()
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    if shuffle:
        ds = ds.shuffle(buffer_size=len(dataframe), seed=1)
    ds = ds.batch(batch_size).map(encode_strings)
    return ds.prefetch(batch_size)


def get_normalization_layer(name, dataset):
    normalizer = layers.Normalization(axis=None)
    feature_ds = dataset.map(lambda x, y: x[name])
    normalizer.adapt(feature_ds)
    return normalizer


train_ds = df_to_dataset(train)
test_ds = df_to_dataset(test, shuffle=False)

all_inputs, encoded = [], []
for header in ["PhotoAmt", "Fee"]:
    col = tf.keras.Input(shape=(1,), name=header)
    normalizer = get_normalization_layer(header, train_ds)
    all_inputs.append(col)
    encoded.append(normalizer(col))
print("photo_mean", float(np.asarray(normalizer.mean).ravel()[0]) > 0)

fee = all_inputs[1]
fee_bins = layers.Discretization(num_bins=4)
fee_bins.adapt(train["Fee"].to_numpy().astype("float32"))
encoded.append(layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(fee_bins(fee)))

for header, tokens in [("Age", 20), ("Type", 8), ("Color1", 8), ("Type_cross_Color1", 16)]:
    col = tf.keras.Input(shape=(1,), name=header, dtype="int64")
    all_inputs.append(col)
    encoded.append(layers.CategoryEncoding(num_tokens=tokens)(col))

all_features = tf.keras.layers.concatenate(encoded)
x = tf.keras.layers.Dense(32, activation="relu")(all_features)
x = tf.keras.layers.Dropout(0.1)(x)
output = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(all_inputs, output)
model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
history = model.fit(train_ds, epochs=15, verbose=0)
loss, accuracy = model.evaluate(test_ds, verbose=0)
print("first_last_loss", history.history["loss"][0], history.history["loss"][-1])
print("test_accuracy", accuracy)

model.save("pet_classifier.keras")
reloaded = tf.keras.models.load_model("pet_classifier.keras")
sample = {"Type": "Cat", "Age": 3, "Color1": "Black", "Fee": 100, "PhotoAmt": 2}
features, _ = encode_strings({k: np.array([v]) for k, v in sample.items()}, None)
input_dict = {name: np.asarray(value).reshape(1, 1) for name, value in features.items()}
a, b = model.predict(input_dict, verbose=0), reloaded.predict(input_dict, verbose=0)
print("reload_same", bool(np.allclose(a, b, atol=1e-6)))
print("probability", float(tf.nn.sigmoid(b[0][0])))
