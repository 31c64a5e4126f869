"""tf.image's random ops (TF's RNG can't be matched: checked by their properties) and errors;
the deterministic numbers are in compat/test_tf_functions.py."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from torchkeras.data import Dataset
from torchkeras.tfops import image

IMG = torch.arange(5 * 6 * 3, dtype=torch.uint8).reshape(5, 6, 3)


def test_random_crop_is_a_crop_and_seeded():
    crop = image.random_crop(IMG, (3, 4, 3), seed=1)
    assert crop.shape == (3, 4, 3)
    windows = [IMG[i:i + 3, j:j + 4] for i in range(3) for j in range(3)]
    assert any(torch.equal(crop, w) for w in windows)
    assert torch.equal(crop, image.random_crop(IMG, (3, 4, 3), seed=1))
    with pytest.raises(ValueError, match="random_crop.*size=\\[6, 4, 3\\]"):
        image.random_crop(IMG, (6, 4, 3))


def test_random_flip_flips_each_image_or_not():
    batch = torch.stack([IMG] * 64)
    out = image.random_flip_left_right(batch, seed=3)
    flipped = [torch.equal(o, torch.flip(IMG, [1])) for o in out]
    same = [torch.equal(o, IMG) for o in out]
    assert all(f or s for f, s in zip(flipped, same))
    assert 10 < sum(flipped) < 54  # about half
    single = image.random_flip_up_down(IMG)
    assert torch.equal(single, IMG) or torch.equal(single, torch.flip(IMG, [0]))


def test_random_brightness_and_contrast_stay_in_range():
    x = torch.rand(4, 4, 3)
    for seed in range(5):
        delta = image.random_brightness(x, 0.2, seed=seed) - x
        assert float(delta.std()) < 1e-6 and abs(float(delta.mean())) <= 0.2
    low = image.random_contrast(x, 0.5, 0.6, seed=0)
    mean = x.mean(dim=(0, 1))
    ratio = (low - mean) / (x - mean)
    assert 0.5 <= float(ratio.median()) <= 0.6
    with pytest.raises(ValueError, match="upper must be > lower"):
        image.random_contrast(x, 0.6, 0.5)


def test_errors_name_the_function():
    with pytest.raises(ValueError, match="resize.*3 or 4 dimensions"):
        image.resize(torch.zeros(4, 4), (2, 2))
    with pytest.raises(ValueError, match="central_fraction must be within"):
        image.central_crop(IMG, 0.0)
    with pytest.raises(NotImplementedError, match="lanczos9.*mitchellcubic"):
        image.resize(IMG, (2, 2), method="lanczos9")
    with pytest.raises(TypeError, match="decode_png.*encoded bytes"):
        image.decode_png(123)


def test_decode_inside_map_with_parallel_calls():
    pil = pytest.importorskip("PIL.Image", reason="the decoders need Pillow (optional)")
    blobs = []
    for value in (10, 200):
        buffer = io.BytesIO()
        pil.fromarray(np.full((4, 5, 3), value, np.uint8)).save(buffer, format="PNG")
        blobs.append(buffer.getvalue())
    ds = Dataset.from_tensor_slices(np.array(blobs, dtype=object)).map(
        lambda b: image.resize(image.decode_png(b, channels=3), (2, 2)),
        num_parallel_calls=-1).batch(2)
    (batch,) = list(ds)
    assert batch.shape == (2, 2, 2, 3) and batch.dtype == torch.float32
    assert batch[0].eq(10).all() and batch[1].eq(200).all()


@pytest.mark.parametrize("method", ["lanczos3", "lanczos5", "gaussian", "mitchellcubic"])
def test_scale_and_translate_methods_keep_a_constant_image(method):
    """The kernels' weights sum to one: a flat image stays flat, with or without antialias
    (the values themselves are checked against TF in compat/test_data_more.py)."""
    flat = torch.full((5, 7, 2), 3.0)
    for antialias in (False, True):
        out = image.resize(flat, (3, 11), method=method, antialias=antialias)
        assert out.shape == (3, 11, 2) and out.dtype == torch.float32
        torch.testing.assert_close(out, torch.full((3, 11, 2), 3.0))


def test_one_image_flip_and_brightness_match_the_batched_path():
    """The one-image fast paths draw the same random numbers and give the same values."""
    x = torch.rand(5, 6, 3)
    for seed in range(6):
        single = image.random_flip_left_right(x, seed=seed)
        assert torch.equal(single, image.random_flip_left_right(x[None], seed=seed)[0])
        torch.manual_seed(seed)
        single = image.random_flip_up_down(x)
        torch.manual_seed(seed)
        assert torch.equal(single, image.random_flip_up_down(x[None])[0])
    assert torch.equal(image.adjust_brightness(x, 0.25), x + 0.25)
    assert image.adjust_brightness(x, 0.25).dtype == torch.float32
    as_int = image.adjust_brightness(torch.full((2, 2, 1), 250, dtype=torch.uint8), 0.1)
    assert as_int.dtype == torch.uint8 and as_int.eq(255).all()  # saturated, as TF


def test_jpeg_pipeline_in_parallel_map_equals_the_full_decoder_one_by_one():
    pil = pytest.importorskip("PIL.Image", reason="the decoders need Pillow (optional)")
    rng = np.random.RandomState(1)
    blobs = []
    for _ in range(40):
        buffer = io.BytesIO()
        pil.fromarray(rng.randint(0, 256, (24, 20, 3)).astype(np.uint8)).save(buffer, "JPEG")
        blobs.append(buffer.getvalue())
    ds = Dataset.from_tensor_slices(np.array(blobs, dtype=object)).map(
        lambda b: image.resize(image.decode_jpeg(b, channels=3, dct_method="INTEGER_ACCURATE"),
                               (8, 8)),
        num_parallel_calls=-1).batch(16)
    got = torch.cat(list(ds))
    want = torch.stack([image.resize(torch.from_numpy(np.asarray(
        pil.open(io.BytesIO(b)).convert("RGB"), dtype=np.uint8).copy()), (8, 8))
        for b in blobs])
    assert got.dtype == torch.float32 and torch.equal(got, want)
