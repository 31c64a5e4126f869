"""Drop-in check in the style of keras.io "Making new layers and models via subclassing" and
"Writing a training loop from scratch": add_weight + assign_add state, keras.utils.Progbar,
gradient accumulation variables and stateless_apply."""
import numpy as np
import keras
from keras import ops


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


x = ops.ones((2, 2))
my_sum = ComputeSum(2)
print("sum 1:", ops.convert_to_numpy(my_sum(x)).tolist())
print("sum 2:", ops.convert_to_numpy(my_sum(x)).tolist())
print("weights:", len(my_sum.weights), "non-trainable:", len(my_sum.non_trainable_weights))

bar = keras.utils.Progbar(4, stateful_metrics=["acc"], verbose=2)
for step, (loss, acc) in enumerate([(1.0, 0.5), (0.5, 0.6), (0.25, 0.7), (0.25, 0.8)]):
    bar.update(step + 1, values=[("loss", loss), ("acc", acc)])

var = keras.Variable(np.ones((3,), "float32"))
accumulating = keras.optimizers.Adam(gradient_accumulation_steps=2)
accumulating.build([var])
print("accumulating slots:", sorted(tuple(v.shape) for v in accumulating.variables).count((3,)))
plain = keras.optimizers.Adam()
plain.build([var])
print("plain slots:", sorted(tuple(v.shape) for v in plain.variables).count((3,)))

sgd = keras.optimizers.SGD(0.1)
sgd.build([var])
state = [ops.convert_to_tensor(np.asarray(v)) for v in sgd.variables]
new_params, new_state = sgd.stateless_apply(
    state, [ops.ones((3,))], [ops.convert_to_tensor(np.ones((3,), "float32"))])
print("stateless params:", np.round(ops.convert_to_numpy(new_params[0]), 4).tolist())
print("variable unchanged:", ops.convert_to_numpy(var).tolist())
print("iterations after:", int(ops.convert_to_numpy(new_state[0])), int(sgd.iterations))
