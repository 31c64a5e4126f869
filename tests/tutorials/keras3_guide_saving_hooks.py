"""Drop-in check in the style of keras.io "Serialization and saving" / "Customizing saving":
save_own_variables/load_own_variables, save_assets/load_assets, get_build_config/
build_from_config (a build() with an extra argument), get_compile_config/compile_from_config,
and serialize/deserialize_keras_object of a built-in object."""
import os
import numpy as np
import keras

reg = keras.regularizers.L1(0.005)
restored_reg = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(reg))
print("regularizer:", type(restored_reg).__name__, round(restored_reg.get_config()["l1"], 6))


@keras.saving.register_keras_serializable(package="guide_pkg")
class WithExtraState(keras.layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.extra = np.arange(units, dtype="float32")

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["extra"] = self.extra

    def load_own_variables(self, store):
        self.extra = np.asarray(store["extra"]) * 2
        print("numbered entries seen:", sorted(k for k in store.keys() if k.isdigit()))


model = keras.Sequential([keras.Input((3,)), WithExtraState(2)])
model.save("own_vars.keras")
restored = keras.models.load_model("own_vars.keras")
print("extra state:", restored.layers[0].extra.tolist())


@keras.saving.register_keras_serializable(package="guide_pkg")
class WithAssets(keras.layers.Dense):
    def __init__(self, vocab=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocab = vocab

    def save_assets(self, inner_path):
        with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
            f.write(self.vocab)

    def load_assets(self, inner_path):
        with open(os.path.join(inner_path, "vocabulary.txt"), "r") as f:
            self.vocab = f.read().replace("<unk>", "little")


model = keras.Sequential([WithAssets(vocab="Mary had a <unk> lamb.", units=5)])
model(np.random.random((2, 10)))
model.save("assets.keras")
print("vocab:", keras.models.load_model("assets.keras").layers[0].vocab)


@keras.saving.register_keras_serializable(package="guide_pkg")
class WithCustomBuild(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return dict(units=self.units, **super().get_config())

    def build(self, input_shape, layer_init):
        super().build(input_shape)
        self._input_shape = input_shape
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer=layer_init)
        self.b = self.add_weight(shape=(self.units,), initializer=layer_init)
        self.layer_init = layer_init

    def get_build_config(self):
        return {"layer_init": self.layer_init, "input_shape": self._input_shape}

    def build_from_config(self, config):
        self.build(config["input_shape"], config["layer_init"])


custom_layer = WithCustomBuild(units=16)
custom_layer.build(input_shape=(8,), layer_init="random_normal")
print("built by hand:", custom_layer.built)
model = keras.Sequential([custom_layer, keras.layers.Dense(1, activation="sigmoid")])
x = np.random.random((16, 8))
y = model(x)
model.save("custom_build.keras")
restored = keras.models.load_model("custom_build.keras")
print("layer_init:", restored.layers[0].layer_init, "built:", restored.built)
np.testing.assert_allclose(model.predict(x, verbose=0), restored.predict(x, verbose=0), rtol=1e-5)


@keras.saving.register_keras_serializable(package="guide_pkg")
def small_square_sum_loss(y_true, y_pred):
    return keras.ops.sum(keras.ops.square(y_pred - y_true) / 10.0, axis=1)


@keras.saving.register_keras_serializable(package="guide_pkg")
def mean_pred(y_true, y_pred):
    return keras.ops.mean(y_pred)


@keras.saving.register_keras_serializable(package="guide_pkg")
class WithCustomCompile(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = keras.layers.Dense(8, activation="relu")
        self.dense2 = keras.layers.Dense(4, activation="softmax")

    def call(self, inputs):
        return self.dense2(self.dense1(inputs))

    def compile(self, optimizer, loss_fn, metrics):
        super().compile(optimizer=optimizer, loss=loss_fn, metrics=metrics)
        self.model_optimizer = optimizer
        self.loss_fn = loss_fn
        self.loss_metrics = metrics

    def get_compile_config(self):
        return {"model_optimizer": self.model_optimizer, "loss_fn": self.loss_fn,
                "metric": self.loss_metrics}

    def compile_from_config(self, config):
        optimizer = keras.utils.deserialize_keras_object(config["model_optimizer"])
        loss_fn = keras.utils.deserialize_keras_object(config["loss_fn"])
        metrics = keras.utils.deserialize_keras_object(config["metric"])
        self.compile(optimizer=optimizer, loss_fn=loss_fn, metrics=metrics)


model = WithCustomCompile()
model.compile(optimizer="SGD", loss_fn=small_square_sum_loss, metrics=["accuracy", mean_pred])
model.fit(np.random.random((4, 8)), np.random.random((4,)), verbose=0)
model.save("custom_compile.keras")
restored = keras.models.load_model("custom_compile.keras")
print("compile restored:", restored.model_optimizer, restored.loss_fn is small_square_sum_loss,
      restored.loss_metrics[0], restored.loss_metrics[1] is mean_pred)
