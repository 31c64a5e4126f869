# Keras 3 code as the keras.io guide "Making new layers and models via subclassing" and the
# example "Image classification with Vision Transformer" write it: layers holding Keras 3
# variables (`add_weight`, `assign_add` in `call`), patches cut with `keras.ops.image`, a
# position encoding from `ops.arange`, a VAE sampling with `keras.random.normal`, trained
# with `fit`. Generated data stand in for CIFAR / MNIST (no network).
import numpy as np
import keras
from keras import layers, ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal",
                                 trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        channels = input_shape[3]
        num_patches_h = input_shape[1] // self.patch_size
        num_patches_w = input_shape[2] // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        return ops.reshape(patches, (batch_size, num_patches_h * num_patches_w,
                                     self.patch_size * self.patch_size * channels))


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super().__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches,
                                                   output_dim=projection_dim)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        return self.projection(patch) + self.position_embedding(positions)


class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


keras.utils.set_random_seed(7)
linear_layer = Linear(4, 2)
y = linear_layer(ops.ones((2, 2)))
print("linear_shape", tuple(ops.shape(y)))
print("weights_are_variables", linear_layer.weights == [linear_layer.w, linear_layer.b])
print("variable_path", linear_layer.w.path)

my_sum = ComputeSum(2)
my_sum(ops.ones((2, 2)))
print("sum_twice", my_sum(ops.ones((2, 2))).numpy().tolist())
print("sum_weights", len(my_sum.weights), len(my_sum.non_trainable_weights),
      len(my_sum.trainable_weights))

image = np.random.RandomState(0).randint(0, 256, size=(32, 32, 3))
resized = ops.image.resize(ops.convert_to_tensor([image], dtype="float32"), size=(24, 24))
patches = Patches(6)(resized)
print("patches_shape", tuple(patches.shape))
first = ops.convert_to_numpy(ops.reshape(patches[0, 0], (6, 6, 3)))
print("first_patch_matches", bool(np.allclose(first, ops.convert_to_numpy(resized)[0, :6, :6])))

rng = np.random.RandomState(1)
x_train = rng.uniform(0, 1, size=(256, 12, 12, 3)).astype("float32")
y_train = (x_train[:, :6].mean(axis=(1, 2, 3)) > x_train[:, 6:].mean(axis=(1, 2, 3)))
y_train = y_train.astype("int32")
inputs = keras.Input(shape=(12, 12, 3))
encoded = PatchEncoder(9, 16)(Patches(4)(inputs))
x = layers.LayerNormalization(epsilon=1e-6)(encoded)
x = layers.Flatten()(x)
logits = layers.Dense(2)(x)
vit = keras.Model(inputs, logits)
vit.compile(optimizer=keras.optimizers.AdamW(learning_rate=0.01, weight_decay=1e-4),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = vit.fit(x_train, y_train, batch_size=32, epochs=6, verbose=0)
print("vit_accuracy", history.history["accuracy"][-1])

latent = keras.Input(shape=(8,))
z_mean, z_log_var = layers.Dense(2)(latent), layers.Dense(2)(latent)
z = Sampling()([z_mean, z_log_var])
decoded = layers.Dense(8, activation="sigmoid")(z)
vae_like = keras.Model(latent, decoded)
vae_like.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                 loss=keras.losses.MeanSquaredError())
data = rng.uniform(0, 1, size=(128, 8)).astype("float32")
losses = vae_like.fit(data, data, batch_size=32, epochs=6, verbose=0).history["loss"]
print("vae_loss", losses[0], losses[-1])
