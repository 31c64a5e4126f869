"""keras.io's text_classification_from_scratch and TensorFlow's "Basic text classification",
written in their style (generated corpora instead of IMDB), run unmodified through
``python -m torchkeras run``: raw strings -> TextVectorization (custom tf.strings
standardization, adapt on a dataset, Dataset.map) -> model -> end-to-end model on strings."""
from __future__ import annotations

from tutorials.runner import key_values, run_program


def test_text_classification_from_scratch(tmp_path):
    out = key_values(run_program("text_classification_from_scratch", tmp_path).stdout)
    assert out["train_batches"] == "4"  # 128 of 160 files for training, batches of 32
    assert out["vocabulary"].split()[0] == "[UNK]"  # "" (the mask) comes first
    last, first = map(float, out["final_loss"].split())
    assert last < 0.6 * first
    # the test folder's labels are alphabetical (neg=0, pos=1), the training ones were given
    # as class_names=["pos", "neg"]: a model that learned scores 0 there, as in Keras
    assert float(out["test"]) == float(out["end_to_end"]) <= 0.1
    positive, negative = map(float, out["raw_predict"].strip("[]").split())
    assert positive < negative  # "pos" is class 0


def test_basic_text_classification(tmp_path):
    out = key_values(run_program("basic_text_classification", tmp_path).stdout)
    assert out["vectorized"] == "(32, 16)" and out["token_1"] == "[UNK]"
    assert out["history_keys"] == "binary_accuracy,loss,val_binary_accuracy,val_loss"
    model_accuracy, export_accuracy = map(float, out["accuracies"].split())
    assert model_accuracy == export_accuracy > 0.8
    great, okay, awful = map(float, out["predict"].strip("[]").split())
    assert great > awful
