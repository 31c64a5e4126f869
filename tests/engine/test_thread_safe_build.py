"""Lazy builds are thread-safe: threads calling an unbuilt (or freshly loaded) model build
it once; the weight count, the saved file and the predictions are those of one build."""
import threading

import numpy as np
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.layers import base

THREADS = 8
X = np.random.default_rng(0).normal(size=(16, 5)).astype("float32")


class _Subclassed(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(3)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def _in_threads(fn):
    """``fn()`` in THREADS threads started together; their results (errors re-raised)."""
    barrier = threading.Barrier(THREADS)
    results, errors = [None] * THREADS, []

    def work(index):
        barrier.wait()
        try:
            results[index] = np.asarray(fn())
        except Exception as error:  # noqa: BLE001 (re-raised in the main thread)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _sequential():
    return keras.Sequential([layers.Dense(16, activation="relu"),
                             layers.BatchNormalization(), layers.Dense(3)])


def _assert_built_once(model, results, expected_weights, tmp_path):
    assert len(model.weights) == expected_weights
    assert len(list(model.parameters())) + len(list(model.buffers())) == expected_weights
    for result in results:
        np.testing.assert_allclose(result, results[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model.predict(X, verbose=0), results[0], rtol=1e-6, atol=1e-6)
    path = tmp_path / "model.weights.h5"
    model.save_weights(path)
    model.load_weights(path)
    np.testing.assert_allclose(model.predict(X, verbose=0), results[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("repeat", range(3))
def test_threads_predicting_on_unbuilt_sequential_build_it_once(tmp_path, repeat):
    model = _sequential()
    results = _in_threads(lambda: model.predict(X, verbose=0))
    _assert_built_once(model, results, 8, tmp_path)  # 2 + 4 (BatchNorm) + 2
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), results[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("repeat", range(3))
def test_threads_calling_unbuilt_subclassed_model_build_it_once(tmp_path, repeat):
    model = _Subclassed()
    results = _in_threads(lambda: model(X))
    _assert_built_once(model, results, 4, tmp_path)


def test_threads_predicting_on_model_from_json_build_it_once(tmp_path):
    model = keras.models.model_from_json(_sequential().to_json())
    assert not model.built
    results = _in_threads(lambda: model.predict(X, verbose=0))
    _assert_built_once(model, results, 8, tmp_path)


@pytest.mark.parametrize("extension", ["h5", "keras"])
def test_threads_predicting_on_freshly_loaded_model(tmp_path, extension):
    model = _sequential()
    model.compile("adam", "mse")
    model.fit(X, X[:, :3], epochs=1, verbose=0)
    expected = model.predict(X, verbose=0)
    model.save(tmp_path / f"model.{extension}")
    loaded = keras.models.load_model(tmp_path / f"model.{extension}")
    results = _in_threads(lambda: loaded.predict(X, verbose=0))
    assert len(loaded.weights) == 8
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)
    loaded.save(tmp_path / f"again.{extension}")
    again = keras.models.load_model(tmp_path / f"again.{extension}")
    np.testing.assert_allclose(again.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_built_layer_takes_no_lock(monkeypatch):
    """The hot path: once built, a call never touches the build lock."""
    model = _sequential()
    model.predict(X, verbose=0)

    class Forbidden:
        def __enter__(self):
            raise AssertionError("a built model took the build lock")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(base, "BUILD_LOCK", Forbidden())
    model(X)
    model.layers[0](X)
    model.predict(X, verbose=0)


def test_build_waits_for_a_build_in_progress():
    """A layer whose `build` sets `built` before its weights exist is not used by another
    thread until that build has finished."""
    started, release = threading.Event(), threading.Event()

    class SlowBuild(layers.Layer):
        def build(self, input_shape):
            super().build(input_shape)  # `built` is True from here on
            started.set()
            release.wait(5)
            self.kernel = self.add_weight("kernel", (input_shape[-1], 2))

        def call(self, inputs):
            return inputs @ self.kernel

    layer = SlowBuild()
    outputs = {}
    first = threading.Thread(target=lambda: outputs.update(first=np.asarray(layer(X))))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: outputs.update(second=np.asarray(layer(X))))
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the build, not failing on a missing kernel
    release.set()
    first.join()
    second.join()
    assert len(layer.weights) == 1
    np.testing.assert_allclose(outputs["first"], outputs["second"])
