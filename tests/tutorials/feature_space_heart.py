"""keras.io "Structured data classification with FeatureSpace" style (heart-disease table,
generated here instead of downloaded): FeatureSpace with type names, helpers and crosses,
adapt on ``train_ds.map(lambda x, _: x)``, the FeatureSpace inside ``Dataset.map``, a training
model on the encoded features, an end-to-end inference model on the raw dict inputs, predict
on ``tf.convert_to_tensor`` values, save/load of the inference model."""
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from keras.utils import FeatureSpace

rng = np.random.RandomState(0)
n = 300
dataframe = pd.DataFrame({
    "age": rng.randint(29, 78, n), "sex": rng.randint(0, 2, n), "cp": rng.randint(0, 5, n),
    "chol": rng.randint(126, 564, n), "thalach": rng.randint(71, 202, n),
    "oldpeak": np.round(rng.uniform(0, 6.2, n), 1),
    "thal": rng.choice(["fixed", "normal", "reversible"], n)})
dataframe["target"] = ((dataframe["cp"] >= 2) ^ (dataframe["thal"] == "fixed")).astype("int64")
val_dataframe = dataframe.sample(frac=0.2, random_state=1337)
train_dataframe = dataframe.drop(val_dataframe.index)


def dataframe_to_dataset(dataframe):
    dataframe = dataframe.copy()
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    return ds.shuffle(buffer_size=len(dataframe))


train_ds = dataframe_to_dataset(train_dataframe).batch(32)
val_ds = dataframe_to_dataset(val_dataframe).batch(32)

feature_space = FeatureSpace(
    features={
        "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
        "cp": "integer_categorical",
        "thal": FeatureSpace.string_categorical(num_oov_indices=0),
        "age": FeatureSpace.float_discretized(num_bins=10),
        "chol": "float_normalized",
        "thalach": FeatureSpace.float_normalized(),
        "oldpeak": FeatureSpace.float_rescaled(scale=0.1),
    },
    crosses=[FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=16),
             ("thal", "cp")],
    crossing_dim=8,
    output_mode="concat",
)
feature_space.adapt(train_ds.map(lambda x, _: x))
for x, _ in train_ds.take(1):
    preprocessed_x = feature_space(x)
print("preprocessed_shape", tuple(preprocessed_x.shape))
print("preprocessed_dtype", preprocessed_x.dtype)

preprocessed_train_ds = train_ds.map(
    lambda x, y: (feature_space(x), y), num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)
preprocessed_val_ds = val_ds.map(
    lambda x, y: (feature_space(x), y), num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)

dict_inputs = feature_space.get_inputs()
encoded_features = feature_space.get_encoded_features()
x = keras.layers.Dense(32, activation="relu")(encoded_features)
predictions = keras.layers.Dense(1, activation="sigmoid")(x)
training_model = keras.Model(inputs=encoded_features, outputs=predictions)
training_model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                       metrics=["accuracy"])
inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
history = training_model.fit(preprocessed_train_ds, epochs=15,
                             validation_data=preprocessed_val_ds, verbose=0)
print("first_last_loss", history.history["loss"][0], history.history["loss"][-1])
print("val_accuracy", history.history["val_accuracy"][-1])

sample = {"age": 60, "sex": 1, "cp": 1, "chol": 233, "thalach": 150, "oldpeak": 2.3,
          "thal": "fixed"}
input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
probability = inference_model.predict(input_dict, verbose=0)
print("probability", float(probability[0][0]))
inference_model.save("feature_space_model.keras")
reloaded = keras.models.load_model("feature_space_model.keras")
print("reload_same", bool(np.allclose(reloaded.predict(input_dict, verbose=0), probability)))
