"""In the style of TensorFlow's "Load CSV data" tutorial (tutorials/load_data/csv): a
preprocessing head built from a dict of symbolic inputs (``2*input + 1``, ``tf.concat``,
``Normalization``, ``StringLookup`` + ``CategoryEncoding``), a model on top, fit, save and
reload. Generated titanic-like data stands in for the download."""
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow.keras import layers

# A symbolic calculator, as the tutorial's first preprocessing example
input = tf.keras.Input(shape=(), dtype=tf.float32)
result = 2 * input + 1
calc = tf.keras.Model(inputs=input, outputs=result)
print("calc", calc(np.array([1.0])).numpy()[0], calc(np.array([2.0])).numpy()[0])

rng = np.random.RandomState(0)
n = 400
titanic = pd.DataFrame({
    "sex": rng.choice(["male", "female"], n), "age": rng.uniform(1, 80, n).round(),
    "n_siblings_spouses": rng.randint(0, 5, n).astype("float32"),
    "parch": rng.randint(0, 4, n).astype("float32"), "fare": rng.exponential(30, n),
    "class": rng.choice(["First", "Second", "Third"], n),
    "alone": rng.choice(["y", "n"], n)})
for name in ("sex", "class", "alone"):  # object columns, as read_csv gave before pandas 3
    titanic[name] = titanic[name].astype(object)
titanic["survived"] = ((titanic["sex"] == "female") | (titanic["class"] == "First")).astype(int)
titanic_features = titanic.copy()
titanic_labels = titanic_features.pop("survived")

inputs = {}
for name, column in titanic_features.items():
    dtype = column.dtype
    if dtype == object:
        dtype = tf.string
    else:
        dtype = tf.float32
    inputs[name] = tf.keras.Input(shape=(1,), name=name, dtype=dtype)

numeric_inputs = {name: input for name, input in inputs.items() if input.dtype == tf.float32}
print("numeric", sorted(numeric_inputs) == ["age", "fare", "n_siblings_spouses", "parch"])
x = tf.concat(list(numeric_inputs.values()), axis=-1)
norm = layers.Normalization()
norm.adapt(np.array(titanic[numeric_inputs.keys()]))
all_numeric_inputs = norm(x)
preprocessed_inputs = [all_numeric_inputs, tf.math.log1p(inputs["fare"]) * 0.5]

for name, input in inputs.items():
    if input.dtype == tf.float32:
        continue
    lookup = layers.StringLookup(vocabulary=np.unique(titanic_features[name]))
    one_hot = layers.CategoryEncoding(num_tokens=lookup.vocabulary_size())
    x = lookup(input)
    x = one_hot(x)
    preprocessed_inputs.append(x)

preprocessed_inputs_cat = layers.Concatenate()(preprocessed_inputs)
titanic_preprocessing = tf.keras.Model(inputs, preprocessed_inputs_cat)
titanic_features_dict = {name: np.array(value) for name, value in titanic_features.items()}
features_dict = {name: values[:1] for name, values in titanic_features_dict.items()}
print("head_width", titanic_preprocessing(features_dict).shape[-1])


def titanic_model(preprocessing_head, inputs):
    body = tf.keras.Sequential([layers.Dense(64), layers.Dense(1)])
    # (the tutorial calls the head model on `inputs`: a nested model taking a dict with
    # string inputs does not run in torchkeras yet, so its output tensor is used directly)
    result = body(preprocessing_head)
    model = tf.keras.Model(inputs, result)
    model.compile(loss=tf.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=tf.optimizers.Adam())
    return model


tf.random.set_seed(0)
titanic_model = titanic_model(preprocessed_inputs_cat, inputs)
history = titanic_model.fit(x=titanic_features_dict, y=titanic_labels, epochs=10, verbose=0)
print("first_last_loss", history.history["loss"][0], history.history["loss"][-1])
titanic_model.save("test.keras")
reloaded = tf.keras.models.load_model("test.keras")
# (rank-2 arrays: a reloaded .keras model keeps its inputs as a list, and torchkeras adds the
# missing axis of (batch,) arrays only for a model whose inputs are a dict)
features_dict = {name: values[:1, None] for name, values in titanic_features_dict.items()}
before = titanic_model(features_dict)
after = reloaded(features_dict)
print("reload_same", bool(abs(float(before[0, 0]) - float(after[0, 0])) < 1e-3))
