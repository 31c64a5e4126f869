# In the style of keras.io "Writing a training loop from scratch in PyTorch" (Keras 3, torch
# backend): a torch optimizer on model.parameters(), then a Keras optimizer through
# optimizer.apply(gradients, trainable_weights) with v.value.grad, metrics reset per epoch,
# and a layer that calls self.add_loss inside call (model.losses in the loop).
import os

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import torch
import keras

keras.utils.set_random_seed(5)


def get_model():
    inputs = keras.Input(shape=(20,), name="digits")
    x1 = keras.layers.Dense(16, activation="relu")(inputs)
    x2 = keras.layers.Dense(16, activation="relu")(x1)
    outputs = keras.layers.Dense(3, name="predictions")(x2)
    return keras.Model(inputs=inputs, outputs=outputs)


x_all = np.random.normal(size=(384, 20)).astype("float32")
labels = np.argmax(x_all[:, :3], axis=1)
y_all = keras.utils.to_categorical(labels, 3)
x_train, y_train, x_val, y_val = x_all[:320], y_all[:320], x_all[320:], y_all[320:]
train_dataloader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
    batch_size=32, shuffle=True)
val_dataloader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val)),
    batch_size=32, shuffle=False)

model = get_model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(2):
    for step, (inputs, targets) in enumerate(train_dataloader):
        logits = model(inputs)
        loss = loss_fn(logits, targets)
        model.zero_grad()
        loss.backward()
        optimizer.step()
print(f"torch optimizer last loss: {loss.detach().numpy():.4f}")

model = get_model()
optimizer = keras.optimizers.Adam(learning_rate=1e-2)
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.CategoricalAccuracy()
val_acc_metric = keras.metrics.CategoricalAccuracy()
accuracies = []
for epoch in range(4):
    for step, (inputs, targets) in enumerate(train_dataloader):
        logits = model(inputs)
        loss = loss_fn(targets, logits)
        model.zero_grad()
        trainable_weights = [v for v in model.trainable_weights]
        loss.backward()
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            optimizer.apply(gradients, trainable_weights)
        train_acc_metric.update_state(targets, logits)
    train_acc = train_acc_metric.result()
    train_acc_metric.reset_state()
    for x_batch_val, y_batch_val in val_dataloader:
        val_logits = model(x_batch_val, training=False)
        val_acc_metric.update_state(y_batch_val, val_logits)
    accuracies.append(float(val_acc_metric.result()))
    val_acc_metric.reset_state()
print("keras optimizer iterations:", int(optimizer.iterations))
print("validation accuracy rises:", accuracies[-1] > accuracies[0], round(accuracies[-1], 2))


class ActivityRegularizationLayer(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * torch.sum(inputs))
        return inputs


inputs = keras.Input(shape=(20,), name="digits")
x = keras.layers.Dense(16, activation="relu")(inputs)
x = ActivityRegularizationLayer()(x)
x = keras.layers.Dense(16, activation="relu")(x)
outputs = keras.layers.Dense(3, name="predictions")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
counts = set()
for step, (inputs, targets) in enumerate(train_dataloader):
    logits = model(inputs)
    loss = loss_fn(targets, logits)
    counts.add(len(model.losses))
    if model.losses:
        loss = loss + torch.sum(*model.losses)
    model.zero_grad()
    trainable_weights = [v for v in model.trainable_weights]
    loss.backward()
    gradients = [v.value.grad for v in trainable_weights]
    with torch.no_grad():
        optimizer.apply(gradients, trainable_weights)
print("model.losses per forward:", sorted(counts))
activity = model.layers[2]
hidden = model.layers[1](torch.from_numpy(x_val))
expected = float(1e-2 * torch.sum(activity(hidden)))
print("added loss is this call's:", abs(float(activity.losses[0]) - expected) < 1e-4)

# fit adds the layer's add_loss values to the compiled loss
model.compile(optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
with_added = model.evaluate(x_val, y_val, batch_size=64, verbose=0)
logits = model.predict(x_val, verbose=0)
ce = float(keras.losses.CategoricalCrossentropy(from_logits=True)(y_val, logits))
print("evaluate includes add_loss:", with_added > ce + 0.01)
