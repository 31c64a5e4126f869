# In the style of keras.io "Knowledge Distillation" (examples/vision/knowledge_distillation.py):
# the Keras 3 Distiller that overrides compute_loss(x, y, y_pred, sample_weight) and call, and
# the Keras 2 one whose train_step uses compiled_metrics after compile(metrics=...) without a
# loss (torch-backend gradients); then a subclassed model returning two outputs (tuple, then dict) compiled with a list
# and a dict of losses and per-output metrics.
import numpy as np
import torch
import keras
from keras import layers, ops

keras.utils.set_random_seed(7)


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1,
                temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature**2)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


def convnet(filters, name):
    return keras.Sequential([
        keras.Input(shape=(12, 12, 1)),
        layers.Conv2D(filters, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
        layers.Flatten(),
        layers.Dense(4),
    ], name=name)


x_train = np.random.random((128, 12, 12, 1)).astype("float32")
y_train = np.argmax(x_train.reshape(128, -1)[:, :4], axis=1)
teacher, student = convnet(16, "teacher"), convnet(4, "student")
student_scratch = keras.models.clone_model(student)
teacher.compile(optimizer=keras.optimizers.Adam(),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[keras.metrics.SparseCategoricalAccuracy()])
teacher.fit(x_train, y_train, epochs=2, verbose=0)

distiller = Distiller(student=student, teacher=teacher)
distiller.compile(optimizer=keras.optimizers.Adam(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()],
                  student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  distillation_loss_fn=keras.losses.KLDivergence(), alpha=0.1, temperature=10)
history = distiller.fit(x_train, y_train, epochs=2, verbose=0)
print("distiller keys:", list(history.history))
result = distiller.evaluate(x_train, y_train, verbose=0, return_dict=True)
print("distiller evaluate keys:", list(result))
before = teacher.get_weights()[0].copy()
distiller.fit(x_train, y_train, epochs=1, verbose=0)
# Keras 3 (checked on its TensorFlow backend) trains the teacher too: it is a tracked sublayer
print("teacher unchanged:", bool(np.array_equal(before, teacher.get_weights()[0])))


class Keras2Distiller(Distiller):
    def train_step(self, data):
        x, y = data
        teacher_predictions = self.teacher(x, training=False)
        student_predictions = self.student(x, training=True)
        student_loss = self.student_loss_fn(y, student_predictions)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_predictions / self.temperature, axis=1),
            ops.softmax(student_predictions / self.temperature, axis=1)) * self.temperature**2
        loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
        trainable_vars = self.student.trainable_variables
        self.zero_grad()
        loss.backward()
        gradients = [v.value.grad for v in trainable_vars]
        with torch.no_grad():
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, student_predictions)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"student_loss": student_loss, "distillation_loss": distillation_loss})
        return results


k2 = Keras2Distiller(student=student_scratch, teacher=teacher)
k2.compile(optimizer=keras.optimizers.Adam(),
           metrics=[keras.metrics.SparseCategoricalAccuracy()],
           student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
           distillation_loss_fn=keras.losses.KLDivergence(), alpha=0.1, temperature=10)
history = k2.fit(x_train, y_train, epochs=1, verbose=0)
print("keras 2 distiller keys:", list(history.history))


class TwoHeads(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trunk = layers.Dense(8, activation="relu")
        self.classes = layers.Dense(3, activation="softmax")
        self.value = layers.Dense(1)

    def call(self, inputs):
        hidden = self.trunk(inputs)
        return self.classes(hidden), self.value(hidden)


class DictHeads(TwoHeads):
    def call(self, inputs):
        hidden = self.trunk(inputs)
        return {"cls": self.classes(hidden), "reg": self.value(hidden)}


x = np.random.random((64, 5)).astype("float32")
y_cls = keras.utils.to_categorical(np.argmax(x[:, :3], axis=1), 3)
y_reg = x.sum(axis=1, keepdims=True)
model = TwoHeads()
model.compile(optimizer="adam", loss=["categorical_crossentropy", "mse"],
              loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]])
history = model.fit(x, [y_cls, y_reg], epochs=2, verbose=0)
print("tuple outputs keys:", list(history.history))
print("tuple metrics_names:", model.metrics_names)
model = DictHeads()
model.compile(optimizer="adam", loss={"cls": "categorical_crossentropy", "reg": "mse"},
              metrics={"cls": "accuracy", "reg": ["mae"]})
history = model.fit(x, {"cls": y_cls, "reg": y_reg}, epochs=2, verbose=0)
print("dict outputs keys:", list(history.history))
print("dict predict keys:", sorted(model.predict(x, verbose=0)))
