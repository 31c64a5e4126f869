"""model.export(): torch.export, TorchScript and ONNX files that reproduce predict()."""
import numpy as np
import pytest
import torch
from torch import nn

import torchkeras as keras
from torchkeras.export import export_model, formats


def _mixed_model():
    """Dense layers around a wrapped torch transformer block (dropout active in training)."""
    torch.manual_seed(0)
    inputs = keras.Input((6, 8))
    x = keras.layers.TorchModuleWrapper(
        nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True))(inputs)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dropout(0.3)(keras.layers.Dense(5, activation="relu")(x))
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))


def _two_outputs():
    torch.manual_seed(0)
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    merged = keras.layers.Concatenate()([a, b])
    return keras.Model([a, b], [keras.layers.Dense(2)(merged), keras.layers.Dense(1)(merged)])


@pytest.fixture(scope="module")
def data():
    return np.random.RandomState(0).rand(7, 6, 8).astype("float32")


def _run(path, fmt, inputs):
    tensors = [torch.from_numpy(x) for x in inputs]
    if fmt == "torch_export":
        module = torch.export.load(path).module()
    else:
        module = torch.jit.load(path)
    with torch.no_grad():
        out = module(*tensors)
    return [o.numpy() for o in out] if isinstance(out, (tuple, list)) else out.numpy()


@pytest.mark.parametrize("fmt", ["torch_export", "torchscript"])
def test_export_reproduces_predict(tmp_path, data, fmt):
    model = _mixed_model()
    expected = model.predict(data, verbose=0)
    model.train()  # export switches to inference mode and back
    path = str(tmp_path / f"model.{fmt}")
    model.export(path, format=fmt)
    assert model.training
    np.testing.assert_allclose(_run(path, fmt, [data]), expected, rtol=1e-5, atol=1e-5)
    # The batch dimension stays dynamic.
    np.testing.assert_allclose(_run(path, fmt, [data[:3]]), expected[:3], rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("fmt", ["torch_export", "torchscript"])
def test_export_multi_input_multi_output(tmp_path, fmt):
    model = _two_outputs()
    rng = np.random.RandomState(1)
    xa, xb = rng.rand(4, 3).astype("float32"), rng.rand(4, 2).astype("float32")
    expected = model.predict([xa, xb], verbose=0)
    path = str(tmp_path / "m.bin")
    export_model(model, path, format=fmt)
    for got, want in zip(_run(path, fmt, [xa, xb]), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_subclassed_model_needs_an_input_signature(tmp_path):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x) * 2

    model = Sub()
    x = np.random.rand(3, 4).astype("float32")
    model(x)
    path = str(tmp_path / "sub.pt2")
    model.export(path, input_signature=[(None, 4)])
    np.testing.assert_allclose(_run(path, "torch_export", [x]), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    fresh = Sub()
    with pytest.raises(ValueError, match="must be built"):
        fresh.export(str(tmp_path / "x.pt2"))


def test_unknown_format_and_arguments(tmp_path):
    model = _two_outputs()
    with pytest.raises(ValueError, match="Unrecognized format='tf_saved_model'"):
        model.export(str(tmp_path / "m"), format="tf_saved_model")
    with pytest.raises(TypeError, match="unexpected keyword argument 'opset_version'"):
        model.export(str(tmp_path / "m"), format="torchscript", opset_version=17)


def test_onnx_without_packages_names_them(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "_importable", lambda name: False)
    with pytest.raises(ImportError, match="pip install onnx onnxscript"):
        _two_outputs().export(str(tmp_path / "m.onnx"), format="onnx")


def test_onnx_export_runs_in_onnxruntime(tmp_path, data):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    ort = pytest.importorskip("onnxruntime")
    model = _mixed_model()
    expected = model.predict(data, verbose=0)
    path = str(tmp_path / "model.onnx")
    model.export(path, format="onnx")
    session = ort.InferenceSession(path)
    assert [i.name for i in session.get_inputs()] == ["input_0"]
    got = session.run(None, {"input_0": data})[0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(session.run(None, {"input_0": data[:2]})[0], expected[:2],
                               rtol=1e-5, atol=1e-5)
