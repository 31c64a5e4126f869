"""The "Load text" vocabulary drop-in (tf_lookup_text.py: TextLineDataset per file labelled in
a loop, tokens counted, ``tf.lookup.StaticVocabularyTable`` inside ``Dataset.map`` then
``padded_batch`` and ``fit``, the vocabulary also from a file and from a dataset) through
``python -m torchkeras run``, unchanged. The checked lines are those real TensorFlow 2.21
prints for the same program (the OOV bucket ids are TF's Fingerprint64 buckets; the labels
are each file's loop index, captured when the map is made)."""
from __future__ import annotations

from tutorials.runner import run_program

TF_LINES = """\
First five vocab entries: [b'the', b'wrath', b'war', b'shield', b'greeks']
abc table: [0, 1, 2, 3, 4, 4, 4, 4, 4, 4]
table size: 17
Sentence: b'greeks hector gods fire shield goddess zeus shield sing'
Vectorized sentence: [5, 7, 10, 14, 4, 8, 16, 4, 12]
Text batch shape: (16, 12)
First text example: [5, 7, 10, 14, 4, 8, 16, 4, 12, 0, 0, 0]
Label batch: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
file ids: [19, 6, 19, 18, 18, 17, 11]
file counts: [0, 139, 0, 0, 0, 0, 131]
dataset ids: [19, 6, 19, 18, 18, 17, 11]
ragged ids: [[19, 11, 16, 17], [19]]
"""


def test_tf_lookup_text_tutorial_runs(tmp_path):
    out = run_program("tf_lookup_text", tmp_path).stdout
    assert TF_LINES in out
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
