"""Keras 2 weight names of nested layers (recorded from tf_keras 2.21:
``[w.name for w in model.weights]`` for the same models)."""
import torchkeras as keras


def test_nested_layer_weight_names_follow_keras2_name_scopes():
    model = keras.Sequential([keras.layers.Embedding(10, 4, input_length=5),
                              keras.layers.Bidirectional(keras.layers.LSTM(3)),
                              keras.layers.Dense(1)])
    assert [w.name for w in model.weights] == [
        "embedding/embeddings:0",
        "bidirectional/forward_lstm/lstm_cell/kernel:0",
        "bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0",
        "bidirectional/forward_lstm/lstm_cell/bias:0",
        "bidirectional/backward_lstm/lstm_cell/kernel:0",
        "bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0",
        "bidirectional/backward_lstm/lstm_cell/bias:0",
        "dense/kernel:0", "dense/bias:0"]


def test_models_add_no_scope_and_time_distributed_replaces_its_child():
    inputs = keras.Input((5,))
    inner = keras.Sequential([keras.layers.Dense(2, input_shape=(5,))])
    model = keras.Model(inputs, inner(inputs))
    assert [w.name for w in model.weights] == ["dense/kernel:0", "dense/bias:0"]
    wrapped = keras.Sequential([keras.layers.TimeDistributed(keras.layers.Dense(2),
                                                             input_shape=(3, 4))])
    assert [w.name for w in wrapped.weights] == ["time_distributed/kernel:0",
                                                 "time_distributed/bias:0"]
