"""The Keras 3 ops added on top of the first set: what the compat fixtures (values recorded
with Keras 3) do not cover — errors in Keras's words, autograd-specific ops, the not-provided
image names."""
import numpy as np
import pytest
import torch

from torchkeras import ops


def test_custom_gradient_uses_the_given_backward():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(*args, upstream):
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))
        return ops.log(1 + e), grad

    x = torch.tensor([0.0, 100.0], requires_grad=True)
    y = log1pexp(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1.0])  # stable where autograd gives nan


def test_jvp_and_vectorize():
    primal, tangent = ops.jvp(ops.sin, (torch.tensor([0.0, 1.0]),), (torch.ones(2),))
    np.testing.assert_allclose(tangent.numpy(), np.cos([0.0, 1.0]), rtol=1e-6)
    dot = ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")
    out = dot(np.ones((3, 4), "float32"), np.arange(4, dtype="float32"))
    np.testing.assert_allclose(out.numpy(), [6.0, 6.0, 6.0])


def test_associative_scan_on_a_structure():
    out = ops.associative_scan(lambda a, b: {"s": a["s"] + b["s"], "m": ops.maximum(a["m"],
                                                                                   b["m"])},
                               {"s": np.arange(4.0), "m": np.array([1.0, 3.0, 2.0, 0.0])})
    np.testing.assert_allclose(out["s"].numpy(), [0, 1, 3, 6])
    np.testing.assert_allclose(out["m"].numpy(), [1, 3, 3, 3])


def test_errors_say_what_keras_says():
    with pytest.raises(ValueError, match="Input `x` should be a tuple of two tensors"):
        ops.fft(np.zeros(4, "float32"))
    with pytest.raises(ValueError, match="`fft_length` must equal or larger than"):
        ops.stft(np.zeros(16, "float32"), 8, 4, 4)
    with pytest.raises(TypeError, match="ldexp exponent must be an integer type"):
        ops.ldexp(np.ones(2, "float32"), np.ones(2, "float32"))
    with pytest.raises(ValueError, match="Input array must have at least 2 dimensions"):
        ops.rot90(np.ones(3))
    with pytest.raises(ValueError, match="`cdist` inputs must have rank >= 2"):
        ops.cdist(np.ones(3), np.ones((2, 3)))
    with pytest.raises(ValueError, match="rms_scaling=True`, which is deprecated"):
        ops.layer_normalization(np.ones((2, 3)), rms_scaling=True)
    with pytest.raises(ValueError, match="Inputs to conv transpose operation should have"):
        ops.conv_transpose(np.ones((2, 3)), np.ones((3, 3, 2, 3)))
    with pytest.raises(NotImplementedError, match="beam_search"):
        ops.ctc_decode(np.zeros((1, 4, 3), "float32"), [4], strategy="beam_search")
    with pytest.raises(ValueError, match="Invalid strategy foo"):
        ops.ctc_decode(np.zeros((1, 4, 3), "float32"), [4], strategy="foo")


def test_image_errors_and_missing_names():
    with pytest.raises(ValueError, match="Invalid images rank: expected rank 3"):
        ops.image.resize(np.zeros((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="Lanczos interpolation is not supported"):
        ops.image.resize(np.zeros((4, 4, 3)), (2, 2), interpolation="lanczos3")
    with pytest.raises(ValueError, match="Invalid images dtype: expected float dtype"):
        ops.image.rgb_to_hsv(np.zeros((4, 4, 3), "int32"))
    with pytest.raises(ValueError, match="Must specify exactly two of top_padding"):
        ops.image.pad_images(np.zeros((4, 4, 3)), top_padding=1)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_op'"):
        ops.image.no_such_op  # noqa: B018  (every Keras 3 ops.image name is provided)


def test_geometric_image_op_errors():
    img = np.zeros((4, 4, 3), "float32")
    with pytest.raises(ValueError, match="Invalid value for argument `interpolation`"):
        ops.image.affine_transform(img, np.eye(3).ravel()[:8], interpolation="bicubic")
    with pytest.raises(ValueError, match="Invalid value for argument `fill_mode`"):
        ops.image.affine_transform(img, np.eye(3).ravel()[:8], fill_mode="edge")
    with pytest.raises(ValueError, match="Invalid transform rank: expected rank 1"):
        ops.image.affine_transform(img, np.zeros((1, 1, 8)))
    with pytest.raises(ValueError, match="First dim of `coordinates` must be the same"):
        ops.image.map_coordinates(img, [[0.0], [1.0]], 1)
    with pytest.raises(NotImplementedError, match="order<=1"):
        ops.image.map_coordinates(img[..., 0], [[0.0], [1.0]], 3)
    with pytest.raises(ValueError, match="Invalid start_points shape"):
        ops.image.perspective_transform(img, np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(TypeError, match="Invalid `size` argument"):
        ops.image.extract_patches_3d(np.zeros((4, 4, 4, 1)), (2, 2))
    with pytest.raises(ValueError, match="Invalid value for argument `method`"):
        ops.image.scale_and_translate(img, (8, 8, 3), [2.0, 2.0], [0.0, 0.0], (0, 1), "area")
    a = ops.image.elastic_transform(img + np.arange(48).reshape(4, 4, 3), seed=3)
    b = ops.image.elastic_transform(img + np.arange(48).reshape(4, 4, 3), seed=3)
    np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    assert tuple(a.shape) == (4, 4, 3)
    same = ops.image.ssim(np.ones((8, 8, 1), "float32"), np.ones((8, 8, 1), "float32"),
                          filter_size=3)
    assert same.shape == () and abs(float(same) - 1.0) < 1e-6
    identity = ops.image.affine_transform(img + 1.0, [1, 0, 0, 0, 1, 0, 0, 0])
    np.testing.assert_allclose(ops.convert_to_numpy(identity), img + 1.0)


def test_single_image_and_channels_first():
    image = np.random.RandomState(0).uniform(size=(6, 6, 3)).astype("float32")
    batch = ops.image.resize(image[None], (3, 3))
    single = ops.image.resize(image, (3, 3))
    np.testing.assert_allclose(single.numpy(), batch[0].numpy())
    first = ops.image.resize(np.transpose(image, (2, 0, 1)), (3, 3), data_format="channels_first")
    np.testing.assert_allclose(np.transpose(first.numpy(), (1, 2, 0)), single.numpy(), rtol=1e-6)
    gray = ops.image.rgb_to_grayscale(image)
    assert tuple(gray.shape) == (6, 6, 1)
    back = ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(image))
    np.testing.assert_allclose(back.numpy(), image, atol=1e-5)


def test_where_keras3_torch_backend_errs_we_follow_numpy():
    x = np.random.RandomState(1).normal(size=(2, 3, 4, 5)).astype("float32")
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(ops.layer_normalization(x, axis=(1, 2), epsilon=1e-3).numpy(),
                               (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    grid = np.array([[3, 1], [1, 2]], dtype="int32")
    values, index, inverse, counts = ops.unique(grid, return_index=True, return_inverse=True,
                                                return_counts=True)
    ref = np.unique(grid, return_index=True, return_inverse=True, return_counts=True)
    for ours, theirs in zip((values, index, inverse, counts), ref):
        np.testing.assert_array_equal(ours.numpy().reshape(-1), np.asarray(theirs).reshape(-1))
    f = np.array([0.7, 0.2, 0.5, 0.1], dtype="float32")
    kth = ops.take(f, ops.argpartition(f, 1))[1]
    assert float(kth) == pytest.approx(0.2)  # floats stay floats
    assert float(ops.sum(ops.imag(f))) == 0.0
