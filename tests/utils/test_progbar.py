"""``keras.utils.Progbar``: tf-keras's lines and averages (utils/progbar.py)."""
import pytest

import torchkeras as keras


def test_verbose2_line_averages_values_not_listed_as_stateful(capsys):
    bar = keras.utils.Progbar(4, stateful_metrics=["acc"], verbose=2)
    for step, (loss, acc) in enumerate([(1.0, 0.5), (0.5, 0.6), (0.25, 0.7), (0.25, 0.8)]):
        bar.update(step + 1, values=[("loss", loss), ("acc", acc)])
    out = capsys.readouterr().out
    assert out.startswith("4/4 - 0s - loss: 0.5000 - acc: 0.8000 - ")  # tf-keras's numbers
    assert out.count("\n") == 1 and out.rstrip().endswith("/step")


def test_verbose1_in_a_pipe_prints_the_final_bar_only(capsys):
    bar = keras.utils.Progbar(3)
    bar.add(1, values=[("loss", 3.0)])
    bar.add(2, values=[("loss", 0.0)])  # covers two steps: weighted 2/3
    out = capsys.readouterr().out
    assert out.startswith("3/3 [==============================] - 0s ")
    assert out.rstrip().endswith("- loss: 1.0000")


def test_stateless_metrics_and_unknown_target(capsys):
    bar = keras.utils.Progbar(None, stateless_metrics=["loss"])
    bar.update(2, values=[("loss", 1.0), ("lr", 0.1)], finalize=True)
    out = capsys.readouterr().out
    assert out.startswith("      2/Unknown - 0s") and "lr: 0.1000" in out
    with pytest.raises(ValueError, match="Only one of `stateful_metrics`"):
        keras.utils.Progbar(1, stateful_metrics=["a"], stateless_metrics=["b"])
