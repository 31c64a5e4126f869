"""Dataset (tf.data-like) and the *_dataset_from_* helpers; fit accepts what they return."""
import numpy as np
import pytest

import torchkeras as keras
from torchkeras.utils import dataset_utils
from torchkeras.utils.dataset_utils import Dataset


def test_dataset_pipeline():
    ds = Dataset.from_tensor_slices((np.arange(10.0), np.arange(10))).map(
        lambda x, y: (x * 2, y)).filter(lambda x, y: y % 2 == 0).batch(2)
    batches = [(x.tolist(), y.tolist()) for x, y in ds]
    assert batches == [([0.0, 4.0], [0, 2]), ([8.0, 12.0], [4, 6]), ([16.0], [8])]
    assert len(Dataset.range(10).batch(3)) == 4
    assert len(Dataset.range(10).batch(3, drop_remainder=True)) == 3
    assert [int(v) for v in Dataset.range(3).repeat(2)] == [0, 1, 2, 0, 1, 2]
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(3).repeat())
    shuffled = [int(v) for v in Dataset.range(20).shuffle(5, seed=1)]
    assert sorted(shuffled) == list(range(20)) and shuffled != list(range(20))
    assert list(Dataset.range(2).as_numpy_iterator())[1] == 1


def test_fit_accepts_dataset():
    keras.utils.set_random_seed(0)
    x = np.random.normal(size=(64, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    ds = Dataset.from_tensor_slices((x, y)).shuffle(64, seed=0).batch(16)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    history = model.fit(ds, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_text_dataset_from_directory(tmp_path):
    for label, texts in (("neg", ["bad", "awful", "poor"]), ("pos", ["good", "great", "fine"])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(text)
    ds = dataset_utils.text_dataset_from_directory(str(tmp_path), batch_size=4, shuffle=False)
    assert ds.class_names == ["neg", "pos"]
    texts, labels = next(iter(ds))
    assert list(texts) == ["bad", "awful", "poor", "good"] and labels.tolist() == [0, 0, 0, 1]
    train = dataset_utils.text_dataset_from_directory(
        str(tmp_path), validation_split=0.5, subset="training", seed=1, batch_size=None,
        label_mode="binary")
    assert len(list(train)) == 3
    with pytest.raises(ValueError, match="provide a `seed`"):
        dataset_utils.text_dataset_from_directory(str(tmp_path), validation_split=0.5,
                                                  subset="training")


def test_image_dataset_from_directory(tmp_path, monkeypatch):
    from torchkeras.preprocessing import image
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(2):
            (tmp_path / label / f"{i}.png").write_bytes(b"")
    monkeypatch.setattr(image, "load_img", lambda path, **kw: np.full(
        kw["target_size"] + (3,), 10.0 if "/b/" in str(path) else 0.0, "float32"))
    ds = dataset_utils.image_dataset_from_directory(str(tmp_path), image_size=(4, 5),
                                                    batch_size=3, shuffle=False,
                                                    label_mode="categorical")
    x, y = next(iter(ds))
    assert x.shape == (3, 4, 5, 3) and y.tolist() == [[1, 0], [1, 0], [0, 1]]
    assert len(ds) == 2 and ds.class_names == ["a", "b"]


def test_timeseries_dataset_errors():
    with pytest.raises(ValueError, match="`sampling_rate` must be higher than 0"):
        dataset_utils.timeseries_dataset_from_array(np.zeros(5), None, 2, sampling_rate=0)
