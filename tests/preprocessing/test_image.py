"""ImageDataGenerator (flow, flow_from_directory) and image helpers, without scipy or Pillow."""
import numpy as np
import pytest

from torchkeras.preprocessing import image


def test_identity_transforms_and_flips():
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    same = image.apply_affine_transform(x, row_axis=0, col_axis=1, channel_axis=2)
    assert same is x
    gen = image.ImageDataGenerator()
    flipped = gen.apply_transform(x, {"flip_horizontal": True})
    np.testing.assert_array_equal(flipped, x[:, ::-1])


def test_shift_by_whole_pixels_moves_the_image():
    # Keras's matrix is in (x, y) order and swapped to (row, col): tx=-1 moves one column
    # right (the same as tf-keras; see compat/test_dropin.py).
    x = np.zeros((5, 5, 1), "float32")
    x[2, 2, 0] = 1.0
    shifted = image.apply_affine_transform(x, tx=-1, row_axis=0, col_axis=1, channel_axis=2,
                                           fill_mode="constant")
    assert shifted[2, 3, 0] == 1.0 and shifted.sum() == 1.0


def test_flow_batches_rescale_and_validation_split():
    x = np.random.RandomState(0).randint(0, 255, (10, 4, 4, 3)).astype("float32")
    y = np.array([0, 1] * 5)
    gen = image.ImageDataGenerator(rescale=1 / 255.0, validation_split=0.2)
    train = gen.flow(x, y, batch_size=3, shuffle=False, subset="training")
    val = gen.flow(x, y, batch_size=3, shuffle=False, subset="validation")
    assert len(train) == 3 and len(val) == 1
    batch_x, batch_y = train[0]
    np.testing.assert_allclose(batch_x, x[2:5] / 255.0, rtol=1e-6)
    assert batch_y.tolist() == [0, 1, 0]
    assert next(iter(train))[0].shape == (3, 4, 4, 3)


def test_featurewise_fit_and_standardize():
    x = np.random.RandomState(1).normal(3.0, 2.0, (20, 4, 4, 1)).astype("float32")
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    out = np.stack([gen.standardize(v.copy()) for v in x])
    assert abs(out.mean()) < 1e-4 and abs(out.std() - 1) < 1e-3


def test_flow_from_directory(tmp_path, monkeypatch):
    for cls in ("cats", "dogs"):
        (tmp_path / cls).mkdir()
        for i in range(3):
            (tmp_path / cls / f"{i}.png").write_bytes(b"")
    (tmp_path / "cats" / "notes.txt").write_text("ignored")
    monkeypatch.setattr(image, "load_img", lambda path, **kw: np.full(
        kw["target_size"] + (3,), 255 if "dogs" in str(path) else 0, "uint8"))
    it = image.ImageDataGenerator(rescale=1 / 255.0).flow_from_directory(
        str(tmp_path), target_size=(5, 6), batch_size=4, shuffle=False)
    assert it.class_indices == {"cats": 0, "dogs": 1} and it.samples == 6
    x, y = it[1]
    assert x.shape == (2, 5, 6, 3) and y.tolist() == [[0, 1], [0, 1]] and x.max() == 1.0
    sparse = image.ImageDataGenerator().flow_from_directory(str(tmp_path), target_size=(2, 2),
                                                            class_mode="sparse", shuffle=False)
    assert sparse[0][1].tolist() == [0, 0, 0, 1, 1, 1]


def test_load_img_without_pillow_says_so(tmp_path, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no PIL")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="requires PIL"):
        image.load_img(str(tmp_path / "x.png"))


def test_img_to_array():
    assert image.img_to_array(np.zeros((2, 3))).shape == (2, 3, 1)
    assert image.img_to_array(np.zeros((2, 3, 3)), data_format="channels_first").shape == (3, 2, 3)
