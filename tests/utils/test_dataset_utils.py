"""Dataset (tf.data-like) and the *_dataset_from_* helpers; fit accepts what they return."""
import numpy as np
import pytest
import torch

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


def test_image_dataset_from_directory(tmp_path):
    pil = pytest.importorskip("PIL.Image", reason="decoding images needs Pillow (optional)")
    for label, value in (("a", 0), ("b", 10)):
        (tmp_path / label).mkdir()
        for i in range(2):
            pil.fromarray(np.full((6, 7, 3), value, np.uint8)).save(tmp_path / label / f"{i}.png")
    ds = dataset_utils.image_dataset_from_directory(str(tmp_path), image_size=(4, 5),
                                                    batch_size=3, shuffle=False,
                                                    label_mode="categorical")
    x, y = next(iter(ds))
    assert x.shape == (3, 4, 5, 3) and x.dtype == torch.float32
    assert y.tolist() == [[1, 0], [1, 0], [0, 1]] and x[2].eq(10).all() and x[0].eq(0).all()
    assert len(ds) == 2 and ds.class_names == ["a", "b"]
    train, val = dataset_utils.image_dataset_from_directory(
        str(tmp_path), image_size=(4, 5), seed=1, validation_split=0.25, subset="both",
        color_mode="grayscale")
    assert len(train.file_paths) == 3 and len(val.file_paths) == 1
    assert not set(train.file_paths) & set(val.file_paths)
    assert next(iter(val))[0].shape == (1, 4, 5, 1)


@pytest.mark.parametrize("interpolation", ["lanczos3", "lanczos5", "gaussian", "mitchellcubic"])
def test_image_dataset_from_directory_scale_and_translate_interpolations(tmp_path,
                                                                          interpolation):
    pil = pytest.importorskip("PIL.Image", reason="decoding images needs Pillow (optional)")
    from torchkeras.tfops import image as tf_image
    (tmp_path / "a").mkdir()
    pixels = np.random.RandomState(0).randint(0, 256, (9, 7, 3)).astype(np.uint8)
    pil.fromarray(pixels).save(tmp_path / "a" / "0.png")
    ds = dataset_utils.image_dataset_from_directory(str(tmp_path), image_size=(4, 5),
                                                    interpolation=interpolation)
    images, _ = next(iter(ds))
    want = tf_image.resize(torch.from_numpy(pixels), (4, 5), method=interpolation)
    torch.testing.assert_close(images[0], want)  # tf.image.resize's TF-checked numbers


def test_directory_argument_errors(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="must provide a `seed`"):
        dataset_utils.text_dataset_from_directory(str(tmp_path), validation_split=0.2,
                                                  subset="training")
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        dataset_utils.text_dataset_from_directory(str(tmp_path), class_names=["z"])
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        dataset_utils.text_dataset_from_directory(str(tmp_path), label_mode="binary")
    with pytest.raises(ValueError, match="`color_mode` must be one of"):
        dataset_utils.image_dataset_from_directory(str(tmp_path), color_mode="cmyk")


def test_text_dataset_from_directory_max_length(tmp_path):
    for label in ("neg", "pos"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_text(f"{label} review text")
    ds = dataset_utils.text_dataset_from_directory(str(tmp_path), batch_size=2, shuffle=False,
                                                   max_length=6, label_mode="binary")
    (texts, labels), = list(ds.as_numpy_iterator())
    assert texts.tolist() == [b"neg re", b"pos re"] and labels.tolist() == [[0.0], [1.0]]


def test_audio_dataset_from_directory_pads_each_batch(tmp_path):
    import wave
    for label, lengths in (("no", (3, 5)), ("yes", (4,))):
        (tmp_path / label).mkdir()
        for i, n in enumerate(lengths):
            with wave.open(str(tmp_path / label / f"{i}.wav"), "wb") as handle:
                handle.setnchannels(1)
                handle.setsampwidth(2)
                handle.setframerate(8000)
                handle.writeframes(np.full(n, 16384, "<i2").tobytes())
    ds = dataset_utils.audio_dataset_from_directory(str(tmp_path), batch_size=3, shuffle=False)
    (audio, labels), = list(ds)
    assert audio.shape == (3, 5, 1) and labels.tolist() == [0, 0, 1]
    assert audio[0, :3, 0].tolist() == [0.5] * 3 and audio[0, 3:, 0].tolist() == [0.0, 0.0]
    fixed = dataset_utils.audio_dataset_from_directory(str(tmp_path), batch_size=3,
                                                       shuffle=False, output_sequence_length=4)
    assert next(iter(fixed))[0].shape == (3, 4, 1)
    ragged = dataset_utils.audio_dataset_from_directory(str(tmp_path), batch_size=3,
                                                        shuffle=False, ragged=True)
    (rows, labels), = list(ragged)
    assert rows.row_lengths().tolist() == [3, 5, 4] and rows.shape == (3, None, 1)
    assert rows.to_tensor().shape == (3, 5, 1) and labels.tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match="Cannot set both `ragged` and"):
        dataset_utils.audio_dataset_from_directory(str(tmp_path), ragged=True,
                                                   output_sequence_length=4)
    with pytest.raises(ImportError, match="`sampling_rate`, you should install tensorflow_io"):
        dataset_utils.audio_dataset_from_directory(str(tmp_path), sampling_rate=16000)
    with pytest.raises(ValueError, match="should be higher than 0. Received: sampling_rate=0"):
        dataset_utils.audio_dataset_from_directory(str(tmp_path), sampling_rate=0)
    with pytest.raises(ValueError, match="integer value. Received: sampling_rate=1.5"):
        dataset_utils.audio_dataset_from_directory(str(tmp_path), sampling_rate=1.5)


def test_split_dataset_sizes_shuffle_and_batching():
    x, y = np.arange(10), np.arange(10) * 2
    left, right = dataset_utils.split_dataset((x, y), left_size=0.8)
    assert [int(a) for a, _ in left] == list(range(8)) and len(list(right)) == 2
    batched = Dataset.from_tensor_slices(x).batch(4)
    left, right = dataset_utils.split_dataset(batched, right_size=3, shuffle=True, seed=7)
    got = [v for b in left for v in b.tolist()] + [v for b in right for v in b.tolist()]
    assert sorted(got) == list(range(10)) and next(iter(left)).shape == (4,)
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        dataset_utils.split_dataset((x,))
    with pytest.raises(ValueError, match="`left_size` should be either a positive integer"):
        dataset_utils.split_dataset((x,), left_size=10)


def test_timeseries_dataset_errors():
    with pytest.raises(ValueError, match="`sampling_rate` must be higher than 0"):
        dataset_utils.timeseries_dataset_from_array(np.zeros(5), None, 2, sampling_rate=0)
