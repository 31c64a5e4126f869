import torchkeras as keras

# Recorded from tf_keras 2.21 (TF_USE_LEGACY_KERAS=1):
#   m = keras.Sequential([keras.layers.Dense(8, activation='relu', input_shape=(4,)),
#                         keras.layers.Dropout(0.5), keras.layers.Dense(1)]); m.summary()
KERAS_SEQUENTIAL_SUMMARY = '''Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 dense (Dense)               (None, 8)                 40        
                                                                 
 dropout (Dropout)           (None, 8)                 0         
                                                                 
 dense_1 (Dense)             (None, 1)                 9         
                                                                 
=================================================================
Total params: 49 (196.00 Byte)
Trainable params: 49 (196.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________
'''


def test_sequential_summary_is_keras_text(capsys):
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    model.summary()
    assert capsys.readouterr().out == KERAS_SEQUENTIAL_SUMMARY


def test_summary_counts_non_trainable_and_uses_print_fn():
    model = keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(1)])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 9 (36.00 Byte)" in lines
    assert "Non-trainable params: 40 (160.00 Byte)" in lines


def test_summary_of_unbuilt_model_explains():
    import pytest
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="has not yet been built"):
        model.summary()


# Recorded from tf-keras 2.21: summary(expand_nested=True[, show_trainable=True]).
KERAS_EXPANDED_NESTED_SEQUENTIAL = """Model: "outer"
____________________________________________________________________________
 Layer (type)                Output Shape              Param #   Trainable  
============================================================================
 x (InputLayer)              [(None, 4)]               0         Y          
                                                                            
 inner (Sequential)          (None, 2)                 23        Y          
|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|
| d1 (Dense)                 (None, 3)                 15        Y         |
|                                                                          |
| d2 (Dense)                 (None, 2)                 8         Y         |
¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯
 head (Dense)                (None, 1)                 3         Y          
                                                                            
============================================================================
Total params: 26 (104.00 Byte)
Trainable params: 26 (104.00 Byte)
Non-trainable params: 0 (0.00 Byte)
____________________________________________________________________________
"""

KERAS_EXPANDED_SHARED_FUNCTIONAL = """Model: "two"
__________________________________________________________________________________________________
 Layer (type)                Output Shape                 Param #   Connected to                  
==================================================================================================
 a (InputLayer)              [(None, 4)]                  0         []                            
                                                                                                  
 b (InputLayer)              [(None, 4)]                  0         []                            
                                                                                                  
 fn (Functional)             (None, 2)                    10        ['a[0][0]',                   
                                                                     'b[0][0]']                   
|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|
| fi (InputLayer)            [(None, 4)]                  0         []                           |
|                                                                                                |
| fd (Dense)                 (None, 2)                    10        []                           |
¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯
 cat (Concatenate)           (None, 4)                    0         ['fn[0][0]',                  
                                                                     'fn[1][0]']                  
                                                                                                  
==================================================================================================
Total params: 10 (40.00 Byte)
Trainable params: 10 (40.00 Byte)
Non-trainable params: 0 (0.00 Byte)
__________________________________________________________________________________________________
"""


def test_expand_nested_matches_keras2_text(capsys):
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"),
                              keras.layers.Dense(2, name="d2")], name="inner")
    inputs = keras.Input((4,), name="x")
    outer = keras.Model(inputs, keras.layers.Dense(1, name="head")(inner(inputs)), name="outer")
    outer.summary(expand_nested=True, show_trainable=True)
    assert capsys.readouterr().out == KERAS_EXPANDED_NESTED_SEQUENTIAL
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    shared_input = keras.Input((4,), name="fi")
    shared = keras.Model(shared_input, keras.layers.Dense(2, name="fd")(shared_input), name="fn")
    merged = keras.layers.Concatenate(name="cat")([shared(a), shared(b)])
    keras.Model([a, b], merged, name="two").summary(expand_nested=True)
    assert capsys.readouterr().out == KERAS_EXPANDED_SHARED_FUNCTIONAL


def test_expand_nested_lists_a_wrapped_torch_module():
    from torch import nn
    wrapper = keras.layers.TorchModuleWrapper(
        nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2)), name="tmw")
    model = keras.Sequential([keras.Input((5,)), wrapper, keras.layers.Dense(1, name="out")])
    lines = []
    model.summary(expand_nested=True, print_fn=lines.append)
    rows = [line for line in lines if line.startswith("| ") and "(" in line]
    assert [row.split()[1:4] for row in rows] == [["0", "(Linear)", "?"], ["1", "(ReLU)", "?"],
                                                   ["2", "(Linear)", "?"]]
    assert [row.split()[4] for row in rows] == ["24", "0", "10"]
    collapsed = []
    model.summary(print_fn=collapsed.append)
    assert not any(line.startswith("|") for line in collapsed)
