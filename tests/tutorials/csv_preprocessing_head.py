"""The preprocessing head of TensorFlow's "Load CSV data" tutorial (Titanic, "mixed data
types" section), on generated columns (a dict of NumPy arrays standing in for the pandas
DataFrame, so that the reference TensorFlow environment needs no pandas): a dict of string
and float ``Input``s, numeric columns concatenated and normalized, string columns through
StringLookup + CategoryEncoding, all concatenated as a head model; the outer model calls
``head(inputs)``, trains on the dict of 1-D columns, is saved (.h5: the tutorial writes a SavedModel, and tf_keras 2.21 fails to
write a StringLookup with a NumPy vocabulary to .keras) and reloaded, and
predicts on the dict again. Prints ``key value`` lines for the test (and for
``compat/generate_dict_inputs.py``, which runs this same program under real TensorFlow)."""
import os

import numpy as np
import tensorflow as tf

from tensorflow.keras import layers

tf.keras.utils.set_random_seed(0)
rng = np.random.RandomState(0)
n = 256
titanic = {
    "sex": rng.choice(["male", "female"], n).astype(object),
    "age": rng.uniform(1, 80, n).round(),
    "n_siblings_spouses": rng.randint(0, 5, n).astype(float),
    "class": rng.choice(["First", "Second", "Third"], n).astype(object),
    "fare": rng.uniform(5, 200, n).round(2),
    "alone": rng.choice(["y", "n"], n).astype(object)}
titanic["survived"] = ((titanic["sex"] == "female") ^ (titanic["class"] == "Third")).astype(int)

titanic_features = dict(titanic)
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
x = layers.Concatenate()(list(numeric_inputs.values()))
norm = layers.Normalization()
norm.adapt(np.stack([titanic[name] for name in numeric_inputs], axis=1))
all_numeric_inputs = norm(x)
print("numeric_shape", tuple(all_numeric_inputs.shape))

preprocessed_inputs = [all_numeric_inputs]
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
print("head_output_shape", tuple(preprocessed_inputs_cat.shape))
print("head_layers", len(titanic_preprocessing.layers))

titanic_features_dict = {name: np.array(value) for name, value in titanic_features.items()}
features_dict = {name: values[:1] for name, values in titanic_features_dict.items()}
print("head_call_shape", tuple(titanic_preprocessing(features_dict).shape))


def titanic_model(preprocessing_head, inputs):
    body = tf.keras.Sequential([layers.Dense(64), layers.Dense(1)])
    preprocessed_inputs = preprocessing_head(inputs)
    result = body(preprocessed_inputs)
    model = tf.keras.Model(inputs, result)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam())
    return model


titanic_model = titanic_model(titanic_preprocessing, inputs)
print("model_layers", len(titanic_model.layers))
print("model_input_names", ",".join(titanic_model.input_names))
history = titanic_model.fit(x=titanic_features_dict, y=titanic_labels, epochs=10, verbose=0)
print("first_last_loss", history.history["loss"][0], history.history["loss"][-1])

titanic_model.save("test.h5")  # the tutorial saves a SavedModel; tf_keras writes .h5 here

reloaded = tf.keras.models.load_model("test.h5")
print("reloaded_input", type(reloaded.input).__name__, ",".join(sorted(reloaded.input)))
print("reloaded_head_input", type(reloaded.layers[-2].input).__name__)

before = titanic_model(features_dict)
after = reloaded(features_dict)
print("reload_same", bool(np.abs(np.asarray(before) - np.asarray(after)).max() < 1e-3))
predictions = reloaded.predict(titanic_features_dict, verbose=0)
print("predict_shape", tuple(predictions.shape))
accuracy = float(np.mean((predictions[:, 0] > 0) == titanic_labels))
print("train_accuracy", accuracy)
os.remove("test.h5")
