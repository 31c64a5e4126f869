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
