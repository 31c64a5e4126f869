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


def _jpegs(pil) -> dict:
    """JPEG layouts: chroma subsampling, progressive, optimized tables, gray, odd sizes, EXIF."""
    rng = np.random.RandomState(0)
    colour = rng.randint(0, 256, (37, 51, 3)).astype(np.uint8)
    exif = pil.Exif()
    exif[0x0112] = 6  # orientation: TF ignores it, and so do both paths
    out = {}
    for name, array, options in [
            ("420", colour, {"subsampling": 2}), ("422", colour, {"subsampling": 1}),
            ("444", colour, {"subsampling": 0, "quality": 95}),
            ("progressive", colour, {"progressive": True, "optimize": True}),
            ("gray", colour[..., 0], {}), ("tiny", colour[:1, :2], {}),
            ("exif", colour, {"exif": exif.tobytes()})]:
        buffer = io.BytesIO()
        pil.fromarray(array).save(buffer, format="JPEG", **options)
        out[name] = buffer.getvalue()
    return out


@pytest.mark.parametrize("channels", [0, 1, 3])
def test_jpeg_fast_decode_equals_pillows_full_path(channels):
    pil = pytest.importorskip("PIL.Image", reason="the decoders need Pillow (optional)")
    for name, data in _jpegs(pil).items():
        full = image._decode_jpeg_image(image._pil_image(data, "decode_jpeg"), channels)
        fast = image.decode_jpeg(data, channels=channels)
        assert fast.dtype == torch.uint8 and fast.shape == full.shape, name
        assert torch.equal(fast, full), name
        assert torch.equal(image.decode_image(data, channels=channels), full), name
        assert fast.numpy().flags.writeable, name
        if channels != 1 or name == "gray":  # these do take the fast path
            assert image._decode_jpeg_fast(data, channels) is not None, name


def test_jpeg_fast_decode_leaves_other_inputs_to_the_full_path(monkeypatch):
    pil = pytest.importorskip("PIL.Image", reason="the decoders need Pillow (optional)")
    data = _jpegs(pil)["420"]
    assert image._decode_jpeg_fast(data[:40], 3) is None  # truncated: the full path's error
    assert image._decode_jpeg_fast(data, 1) is None  # colour -> gray: libjpeg's Y plane
    assert image._decode_jpeg_fast(b"\x89PNG\r\n", 3) is None
    monkeypatch.setattr(pil, "MAX_IMAGE_PIXELS", 100)  # a "bomb": Pillow's own check runs
    assert image._decode_jpeg_fast(data, 3) is None
    monkeypatch.undo()
    odd = data[:2] + b"\xff\xd0" + data[2:]  # a marker without a length before the frame
    assert image._jpeg_frame(odd) is None and image._jpeg_frame(data) == (37, 51, 3)
    with pytest.raises(ValueError, match="decode_jpeg.*not a decodable image"):
        image.decode_jpeg(b"\xff\xd8\xff\xe0junk", channels=3)


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
        lambda b: image.resize(image.decode_jpeg(b, channels=3), (8, 8)),
        num_parallel_calls=-1).batch(16)
    got = torch.cat(list(ds))
    want = torch.stack([image.resize(image._decode_jpeg_image(
        image._pil_image(b, "decode_jpeg"), 3), (8, 8)) for b in blobs])
    assert got.dtype == torch.float32 and torch.equal(got, want)
