"""Reference outputs of real Keras 3 ``keras.ops`` calls: values AND result dtypes.

Keras 3 is recorded on its torch backend (the semantics torchkeras follows: Python ints are
int32, 64-bit results narrow to 32-bit) and, for comparison, on its TensorFlow backend:

    /tmp/ref/bin/python compat/generate_ops.py

Keras 3 on torch needs torch in the reference venv; the script borrows the project venv's torch
by appending its site-packages to ``sys.path`` (set TORCH_SITE to override). Writes
``compat/fixtures/ops.npz`` (OPS_CALLS) and ``compat/fixtures/ops2.npz`` (OPS_CALLS_2, the rest
of ``keras.ops``, plus ``grad__<case>``: gradients of GRAD_CALLS recorded with Keras 3 on
TensorFlow through ``tf.GradientTape``) and ``compat/fixtures/ops_image.npz`` (OPS_CALLS_IMAGE;
``--only ops_image`` writes just that one): inputs ``in__<name>``, outputs ``out__<case>``
(``__<i>`` per item of a tuple/list result), and ``meta`` with per-case dtypes (``dtypes``) and
the cases where the TensorFlow backend gives another dtype (``tf_dtypes``). Replayed by
``compat/test_ops.py`` without TensorFlow.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TORCH_SITE = os.environ.get("TORCH_SITE", str(Path(__file__).resolve().parents[1].parent
                                              / "main/.venv/lib/python3.11/site-packages"))

# name: expression over `ops` and the inputs of `op_inputs()` (f, g: float32 (3, 4); h: float16;
# i, j: int32; i8, u8: int8/uint8; b: bool; p: probabilities; t: one-hot targets; lab: int
# labels; m: (4, 4) float32 SPD matrix; img: (2, 5, 5, 3); ker: (3, 3, 3, 4); dker: (3, 3, 3, 2))
OPS_CALLS: Dict[str, str] = {
    # promotion
    "add_ff": "ops.add(f, g)", "add_if": "ops.add(i, f)", "add_i_pyfloat": "ops.add(i, 1.5)",
    "add_i_pyint": "ops.add(i, 2)", "add_i8_pyint": "ops.add(i8, 3)",
    "add_i8_u8": "ops.add(i8, u8)", "add_h_pyfloat": "ops.add(h, 1.5)", "add_h_f": "ops.add(h, f)",
    "add_b_pyint": "ops.add(b, 1)", "add_ij": "ops.add(i, j)", "add_b_f": "ops.add(b, f)",
    "subtract_if": "ops.subtract(i, f)", "subtract_b_i": "ops.subtract(b, i)",
    "multiply_i_pyfloat": "ops.multiply(i, 0.5)", "multiply_h_i": "ops.multiply(h, i)",
    "divide_ij": "ops.divide(i, j)", "divide_f_pyint": "ops.divide(f, 4)",
    "divide_i8_pyint": "ops.divide(i8, 2)", "true_divide_if": "ops.true_divide(i, f)",
    "floor_divide_ij": "ops.floor_divide(i, j)", "floor_divide_f": "ops.floor_divide(f, 0.3)",
    "mod_ij": "ops.mod(i, j)", "mod_f": "ops.mod(f, 0.7)",
    "power_f_pyint": "ops.power(f, 2)", "power_i_pyint": "ops.power(i, 2)",
    "power_i_pyfloat": "ops.power(j, 0.5)", "maximum_i_pyfloat": "ops.maximum(i, 0.5)",
    "minimum_if": "ops.minimum(i, f)", "maximum_i8_pyint": "ops.maximum(i8, 1)",
    "matmul_ff": "ops.matmul(f, ops.transpose(g))", "matmul_if": "ops.matmul(i, ops.transpose(f))",
    "matmul_i8": "ops.matmul(i8, ops.transpose(i8))", "dot_ff": "ops.dot(f, ops.transpose(g))",
    "dot_vec": "ops.dot(f[0], g[0])", "einsum": "ops.einsum('ij,kj->ik', f, g)",
    "tensordot": "ops.tensordot(f, g, axes=([1], [1]))",
    # unary, int -> float
    "exp_i": "ops.exp(i)", "exp_f": "ops.exp(f)", "sqrt_i": "ops.sqrt(j)", "sqrt_p": "ops.sqrt(p)",
    "log_p": "ops.log(p)", "log1p_p": "ops.log1p(p)", "log_i": "ops.log(j)",
    "abs_f": "ops.abs(f)", "abs_i": "ops.abs(i)", "square_i": "ops.square(i)",
    "square_b": "ops.square(b)", "sign_f": "ops.sign(f)", "round_f": "ops.round(f * 2.5)",
    "round_dec": "ops.round(f, 1)", "floor_f": "ops.floor(f)", "ceil_i": "ops.ceil(i)",
    "negative_i": "ops.negative(i)", "tanh_f": "ops.tanh(f)", "sin_i": "ops.sin(i)",
    "reciprocal_p": "ops.reciprocal(p)", "clip_f": "ops.clip(f, -0.5, 0.5)",
    "clip_i": "ops.clip(i, 1, 3)", "clip_b": "ops.clip(b, 0, 1)",
    # reductions
    "mean": "ops.mean(f)", "mean_axis": "ops.mean(f, axis=1, keepdims=True)",
    "mean_i": "ops.mean(i)", "mean_b": "ops.mean(b, axis=0)", "mean_h": "ops.mean(h, axis=0)",
    "mean_axes": "ops.mean(f, axis=(0, 1))", "sum_f": "ops.sum(f, axis=0)",
    "sum_i8": "ops.sum(i8)", "sum_b": "ops.sum(b, axis=1)", "sum_keep": "ops.sum(f, keepdims=True)",
    "prod_i8": "ops.prod(i8, axis=1)", "prod_f": "ops.prod(f, axis=0)",
    "max_f": "ops.max(f)", "max_axis": "ops.max(f, axis=1, keepdims=True)",
    "min_i": "ops.min(i, axis=0)", "max_initial": "ops.max(f, axis=0, initial=0.5)",
    "argmax": "ops.argmax(f, axis=1)", "argmax_flat": "ops.argmax(f)",
    "argmin": "ops.argmin(f, axis=0)", "var_f": "ops.var(f, axis=0)", "var_i": "ops.var(i)",
    "std_f": "ops.std(f, axis=1)", "std_i": "ops.std(i)", "any_b": "ops.any(b, axis=0)",
    "all_b": "ops.all(b)", "cumsum_f": "ops.cumsum(f, axis=1)", "cumsum_b": "ops.cumsum(b)",
    "cumsum_i8": "ops.cumsum(i8, axis=0)", "cumprod_f": "ops.cumprod(p, axis=0)",
    "count_nonzero": "ops.count_nonzero(i, axis=1)", "logsumexp": "ops.logsumexp(f, axis=1)",
    "logsumexp_all": "ops.logsumexp(f)", "median": "ops.median(f, axis=1)",
    "quantile": "ops.quantile(f, 0.3, axis=0)", "norm": "ops.norm(f)",
    "norm_axis": "ops.norm(f, axis=1)", "norm_ord1": "ops.norm(f, ord=1, axis=0)",
    "norm_fro": "ops.norm(f, axis=(0, 1))", "norm_i": "ops.norm(i)",
    # comparison / logic
    "equal_if": "ops.equal(i, f)", "greater_f": "ops.greater(f, g)",
    "less_equal_py": "ops.less_equal(i, 2)", "not_equal": "ops.not_equal(i, j)",
    "logical_and": "ops.logical_and(b, f > 0.5)", "logical_not": "ops.logical_not(b)",
    "logical_or": "ops.logical_or(b, i > 2)", "isnan": "ops.isnan(ops.log(f))",
    "isfinite": "ops.isfinite(ops.log(f))", "isinf": "ops.isinf(ops.divide(f, 0.0))",
    "where_ff": "ops.where(b, f, g)", "where_f_py": "ops.where(b, f, 0.0)",
    "where_i_f": "ops.where(b, i, f)", "where_1arg": "ops.where(b)",
    # shape and layout
    "reshape": "ops.reshape(f, (2, -1))", "transpose": "ops.transpose(img, (0, 3, 1, 2))",
    "transpose_none": "ops.transpose(f)", "expand_dims": "ops.expand_dims(f, 1)",
    "expand_dims_neg": "ops.expand_dims(f, -1)", "squeeze": "ops.squeeze(ops.expand_dims(f, 0))",
    "concatenate_if": "ops.concatenate([i, f], axis=1)", "stack": "ops.stack([f, g], axis=1)",
    "split": "ops.split(f, 2, axis=1)", "split_idx": "ops.split(f, [1, 3], axis=1)",
    "tile": "ops.tile(f, (2, 1))", "repeat": "ops.repeat(f, 2, axis=0)",
    "repeat_flat": "ops.repeat(i, 2)", "flip": "ops.flip(f, axis=1)", "roll": "ops.roll(f, 1, axis=1)",
    "roll_flat": "ops.roll(f, 2)", "pad": "ops.pad(f, ((1, 0), (0, 2)))",
    "pad_value": "ops.pad(i, ((1, 1), (1, 1)), constant_values=7)",
    "pad_reflect": "ops.pad(f, ((1, 1), (2, 2)), mode='reflect')",
    "take": "ops.take(f, [2, 0], axis=1)", "take_flat": "ops.take(f, [1, 5, 11])",
    "take_2d": "ops.take(m, lab, axis=0)", "take_along_axis": "ops.take_along_axis(f, "
                                                               "ops.argsort(f, axis=1), axis=1)",
    "sort": "ops.sort(f, axis=0)", "argsort": "ops.argsort(f, axis=1)",
    "triu": "ops.triu(f)", "tril": "ops.tril(f, -1)", "diag": "ops.diag(f)",
    "diag_vec": "ops.diag(f[0])", "swapaxes": "ops.swapaxes(img, 1, 3)",
    "moveaxis": "ops.moveaxis(img, -1, 1)", "broadcast_to": "ops.broadcast_to(f[0], (2, 4))",
    "meshgrid": "ops.meshgrid(f[0], g[0, :3])", "nonzero": "ops.nonzero(i > 2)",
    "slice": "ops.slice(f, (1, 1), (2, 2))",
    "slice_update": "ops.slice_update(f, (1, 1), ops.zeros((2, 2)))",
    "scatter": "ops.scatter([[0, 1], [2, 3], [0, 1]], [1.0, 2.0, 3.0], (3, 4))",
    "scatter_update": "ops.scatter_update(f, [[0, 0], [2, 1]], [9.0, 8.0])",
    "segment_sum": "ops.segment_sum(f, np.array([0, 0, 2]), num_segments=3)",
    "segment_max": "ops.segment_max(f, np.array([1, 0, 1]), num_segments=2)",
    # creation
    "arange_int": "ops.arange(5)", "arange_float": "ops.arange(0.0, 1.0, 0.25)",
    "arange_mixed": "ops.arange(1, 3.5)", "linspace": "ops.linspace(0, 1, 5)",
    "linspace_noend": "ops.linspace(-1.0, 1.0, 4, endpoint=False)",
    "zeros": "ops.zeros((2, 3))", "ones_int": "ops.ones((2,), dtype='int32')",
    "full_float": "ops.full((2, 2), 1.5)", "full_int": "ops.full((2, 2), 3)",
    "zeros_like_i": "ops.zeros_like(i)", "ones_like_f": "ops.ones_like(f, dtype='int32')",
    "full_like": "ops.full_like(i, 2.5)", "eye": "ops.eye(3)", "eye_k": "ops.eye(3, 4, k=1)",
    "identity": "ops.identity(2)", "tri": "ops.tri(3)",
    "convert_int": "ops.convert_to_tensor(3)", "convert_float": "ops.convert_to_tensor(2.5)",
    "convert_list_int": "ops.convert_to_tensor([1, 2])",
    "convert_list_mixed": "ops.convert_to_tensor([1, 2.5])",
    "convert_bool": "ops.convert_to_tensor([True, False])", "cast": "ops.cast(f * 3, 'int32')",
    # nn
    "relu": "ops.relu(f)", "relu6": "ops.relu6(f * 8)", "sigmoid": "ops.sigmoid(f)",
    "sigmoid_i": "ops.sigmoid(i)", "softplus": "ops.softplus(f)", "softsign": "ops.softsign(f)",
    "silu": "ops.silu(f)", "swish": "ops.swish(f)", "gelu": "ops.gelu(f)",
    "gelu_exact": "ops.gelu(f, approximate=False)", "elu": "ops.elu(f)", "selu": "ops.selu(f)",
    "leaky_relu": "ops.leaky_relu(f)", "hard_sigmoid": "ops.hard_sigmoid(f * 4)",
    "hard_silu": "ops.hard_silu(f * 4)", "log_sigmoid": "ops.log_sigmoid(f)",
    "softmax": "ops.softmax(f)", "softmax_axis0": "ops.softmax(f, axis=0)",
    "log_softmax": "ops.log_softmax(f)", "erf": "ops.erf(f)", "rsqrt": "ops.rsqrt(p)",
    "one_hot": "ops.one_hot(lab, 4)", "one_hot_neg": "ops.one_hot(ops.convert_to_tensor([0, -1, 2]), 3)",
    "one_hot_axis0": "ops.one_hot(lab, 4, axis=0)", "multi_hot": "ops.multi_hot([[0, 2], [1, 1]], 4)",
    "top_k": "ops.top_k(f, 2)", "in_top_k": "ops.in_top_k(lab, f, 2)",
    "moments": "ops.moments(f, axes=[0])", "moments_keep": "ops.moments(img, axes=[0, 1, 2], keepdims=True)",
    "bce": "ops.binary_crossentropy(t, p)", "bce_logits": "ops.binary_crossentropy(t, f, from_logits=True)",
    "cce": "ops.categorical_crossentropy(t, p)",
    "cce_logits": "ops.categorical_crossentropy(t, f, from_logits=True)",
    "scce": "ops.sparse_categorical_crossentropy(lab, p)",
    "scce_logits": "ops.sparse_categorical_crossentropy(lab, f, from_logits=True)",
    "conv_valid": "ops.conv(img, ker)", "conv_same_s2": "ops.conv(img, ker, strides=2, padding='same')",
    "conv_dilated": "ops.conv(img, ker, dilation_rate=2)",
    "depthwise_conv": "ops.depthwise_conv(img, dker, padding='same')",
    "max_pool": "ops.max_pool(img, 2)", "max_pool_same": "ops.max_pool(img, 3, 2, padding='same')",
    "average_pool_same": "ops.average_pool(img, 2, padding='same')",
    "batch_normalization": "ops.batch_normalization(f, g[0], p[0], axis=1, offset=g[1], scale=p[1])",
    "normalize": "ops.normalize(f)",
    # linalg
    "inv": "ops.inv(m)", "det": "ops.det(m)", "solve": "ops.solve(m, m[:, :2])",
    "cholesky": "ops.cholesky(m)",
    # control flow
    "cond": "ops.cond(ops.sum(f) > 0, lambda: f + 1, lambda: f - 1)",
    "while_loop": "ops.while_loop(lambda a, k: k < 3, lambda a, k: (a * 2, k + 1), (f, 0))[0]",
    "fori_loop": "ops.fori_loop(0, 4, lambda k, v: v + k, f)",
    "scan": "ops.scan(lambda c, x: (c + x, c * x), ops.zeros((4,)), f)",
    "switch": "ops.switch(1, [lambda x: x + 1, lambda x: x * 2], f)",
    "vectorized_map": "ops.vectorized_map(lambda row: ops.sum(row * row), ops.convert_to_tensor(f))",
    "stop_gradient": "ops.stop_gradient(ops.convert_to_tensor(f))",
}


# The rest of Keras 3's ``keras.ops`` (fixture ops2.npz). Extra inputs (op_inputs2): fn: f with
# NaNs; u: float32 (8,); u16: float32 (16,); tker: (3, 3, 2, 3) transposed-conv kernel;
# ctc_logits (2, 6, 5), ctc_lab (2, 3) int32, ctc_lab_len / ctc_log_len (2,) int32.
OPS_CALLS_2: Dict[str, str] = {
    # NaN-aware reductions
    "nanmax": "ops.nanmax(fn, axis=1)", "nanmin": "ops.nanmin(fn)",
    "nanmax_i": "ops.nanmax(i, axis=0)", "nanargmax": "ops.nanargmax(fn, axis=1)",
    "nanargmin": "ops.nanargmin(fn, axis=0)", "nansum": "ops.nansum(fn, axis=0)",
    "nansum_i8": "ops.nansum(i8)", "nanprod": "ops.nanprod(fn, axis=1)",
    "nanmean": "ops.nanmean(fn, axis=1)", "nanmean_i": "ops.nanmean(i)",
    "nanvar": "ops.nanvar(fn, axis=0)", "nanstd": "ops.nanstd(fn)",
    "nancumsum": "ops.nancumsum(fn, axis=1)", "nancumprod": "ops.nancumprod(fn, axis=0)",
    "nanquantile": "ops.nanquantile(fn, 0.3, axis=1)", "nanmedian": "ops.nanmedian(fn, axis=0)",
    "percentile": "ops.percentile(f, 40, axis=1)",
    "percentile_keep": "ops.percentile(f, [25, 75], axis=0, keepdims=True)",
    "percentile_i": "ops.percentile(i, 50)", "nanpercentile": "ops.nanpercentile(fn, 50)",
    # bitwise
    "bitwise_and": "ops.bitwise_and(i, j)", "bitwise_or": "ops.bitwise_or(i, j)",
    "bitwise_xor": "ops.bitwise_xor(i8, 3)", "bitwise_not": "ops.bitwise_not(i8)",
    "bitwise_invert_b": "ops.bitwise_invert(b)", "left_shift": "ops.left_shift(i, 2)",
    "right_shift": "ops.right_shift(i, j)", "bitwise_left_shift": "ops.bitwise_left_shift(u8, 1)",
    "bitwise_right_shift": "ops.bitwise_right_shift(i8, 1)",
    # windows
    "bartlett": "ops.bartlett(6)", "blackman": "ops.blackman(5)", "hamming": "ops.hamming(7)",
    "hanning": "ops.hanning(6)", "kaiser": "ops.kaiser(6, 3.0)",
    # element-wise
    "logaddexp2": "ops.logaddexp2(f, g)", "logaddexp2_i": "ops.logaddexp2(i, j)",
    "fmax": "ops.fmax(fn, g)", "fmin_if": "ops.fmin(i, f)", "fabs_i": "ops.fabs(i)",
    "fabs_f": "ops.fabs(f)", "heaviside": "ops.heaviside(ops.round(f), 0.5)",
    "heaviside_i": "ops.heaviside(i - 2, j)", "ldexp": "ops.ldexp(f, j)",
    "nextafter": "ops.nextafter(f, g)", "gcd": "ops.gcd(i, j)", "lcm": "ops.lcm(i, j)",
    "signbit": "ops.signbit(f)", "isneginf": "ops.isneginf(ops.log(f))",
    "isposinf": "ops.isposinf(ops.divide(f, 0.0))", "isreal": "ops.isreal(f)",
    "i0": "ops.i0(f)", "i0_i": "ops.i0(i)", "real": "ops.real(f)",
    "imag": "ops.imag(ops.view_as_complex(ops.stack([f, g], axis=-1)))",
    "conj": "ops.conj(f)", "conjugate": "ops.conjugate(i)", "angle": "ops.angle(f)",
    # arrays
    "hsplit": "ops.hsplit(f, 2)", "vsplit": "ops.vsplit(img[0], [1, 3])",
    "dsplit": "ops.dsplit(img[0], 3)", "dstack": "ops.dstack([f, i])",
    "diagflat": "ops.diagflat(f[:2, :2], 1)", "kron": "ops.kron(f[:2, :2], i[:2, :3])",
    "rot90": "ops.rot90(f)", "rot90_k": "ops.rot90(img, k=2, axes=(1, 2))",
    "vander": "ops.vander(f[0])", "vander_i": "ops.vander(i[0], 3, increasing=True)",
    "trapezoid": "ops.trapezoid(f)", "trapezoid_x": "ops.trapezoid(f, x=p[0], axis=1)",
    "trapezoid_dx": "ops.trapezoid(i, dx=0.5, axis=0)", "corrcoef": "ops.corrcoef(f)",
    "correlate": "ops.correlate(u, u[:3])",
    "correlate_full": "ops.correlate(u, u[:3], mode='full')",
    "correlate_same": "ops.correlate(u, u[:3], mode='same')",
    "geomspace": "ops.geomspace(1, 1000, 4)", "geomspace_neg": "ops.geomspace(-1.0, -16.0, 5)",
    "histogram": "ops.histogram(u, bins=4)",
    "histogram_range": "ops.histogram(u, bins=3, range=(-1, 1))",
    "argpartition": "ops.take_along_axis(i, ops.argpartition(i, 1, axis=1), axis=1)[:, 1]",
    "unravel_index": "ops.unravel_index(lab * 2, (2, 4))", "unique": "ops.unique(i)",
    "unique_all": "ops.unique(ops.reshape(i, (-1,)), return_index=True, return_inverse=True, "
                  "return_counts=True)",
    "unique_size": "ops.unique(i, size=6, fill_value=-1)", "view": "ops.view(f, 'int32')",
    "vectorize": "ops.vectorize(lambda a, c: a * c + 1)(f, g)", "slogdet": "ops.slogdet(m)",
    # nn
    "conv_transpose": "ops.conv_transpose(img, tker)",
    "conv_transpose_same_s2": "ops.conv_transpose(img, tker, strides=2, padding='same')",
    "conv_transpose_outpad": "ops.conv_transpose(img, tker, strides=2, output_padding=1)",
    "conv_transpose_1d": "ops.conv_transpose(img[:, 0], tker[0], strides=2, padding='same')",
    "adaptive_average_pool": "ops.adaptive_average_pool(img, 3)",
    "adaptive_max_pool": "ops.adaptive_max_pool(img, (2, 3))",
    "ctc_loss": "ops.ctc_loss(ctc_lab, ctc_logits, ctc_lab_len, ctc_log_len)",
    "ctc_decode": "ops.ctc_decode(ctc_logits, ctc_log_len)",
    "ctc_decode_nomerge": "ops.ctc_decode(ctc_logits, ctc_log_len, merge_repeated=False, "
                          "mask_index=4)",
    "depth_to_space": "ops.depth_to_space(ops.tile(img[:, :2, :3], (1, 1, 1, 4)), 2)",
    "space_to_depth": "ops.space_to_depth(img[:, :4, :4], 2)",
    "unfold": "ops.unfold(ops.transpose(img, (0, 3, 1, 2)), 2)",
    "fold": "ops.fold(ops.unfold(ops.transpose(img, (0, 3, 1, 2)), 2), (5, 5), 2)",
    "layer_normalization": "ops.layer_normalization(f, g[0], p[0])",
    "layer_normalization_axes": "ops.layer_normalization(img, axis=(-2, -1))",
    "rms_normalization": "ops.rms_normalization(f, p[0])",
    "rms_normalization_h": "ops.rms_normalization(h)",
    "polar": "ops.view_as_real(ops.polar(p, f))",
    # math
    "fft": "ops.fft((f, g))", "fft2": "ops.fft2((f, g))", "ifft2": "ops.ifft2((f, g))",
    "rfft": "ops.rfft(u)", "rfft_len": "ops.rfft(f, 6)", "irfft": "ops.irfft(ops.rfft(u))",
    "stft": "ops.stft(u16, 8, 4, 8)",
    "stft_hamming": "ops.stft(u16, 6, 3, 8, window='hamming', center=False)",
    "istft": "ops.istft(ops.stft(u16, 8, 4, 8), 8, 4, 8)",
    "istft_nocenter": "ops.istft(ops.stft(u16, 6, 3, 8, center=False), 6, 3, 8, center=False)",
    "cdist": "ops.cdist(f, g)", "erfc": "ops.erfc(f)",
    "segment_min": "ops.segment_min(f, np.array([1, 0, 1]), num_segments=2)",
    "segment_prod": "ops.segment_prod(f, np.array([0, 0, 2]), num_segments=3)",
    "view_as_complex": "ops.view_as_real(ops.view_as_complex(ops.stack([f, g], axis=-1)))",
    # linalg
    "pinv": "ops.pinv(f)", "matrix_rank": "ops.matrix_rank(m)",
    "matrix_rank_low": "ops.matrix_rank(ops.matmul(f[:, :2], ops.transpose(f[:, :2])))",
    "cholesky_inverse": "ops.cholesky_inverse(ops.cholesky(m))",
    "jvp": "ops.jvp(ops.sin, (ops.convert_to_tensor(f),), (ops.convert_to_tensor(g),))",
    # core
    "associative_scan": "ops.associative_scan(lambda a, c: a + c, f, axis=1)",
    "associative_scan_rev": "ops.associative_scan(ops.maximum, f, reverse=True)",
    "rearrange": "ops.rearrange(img, 'b h w c -> b c (h w)')",
    "rearrange_split": "ops.rearrange(ops.tile(f, (2, 1)), '(a b) c -> b (c a)', a=2)",
    # image
    "image_resize": "ops.image.resize(img, (3, 4))",
    "image_resize_nearest": "ops.image.resize(img, (7, 3), interpolation='nearest')",
    "image_resize_bicubic": "ops.image.resize(img, (8, 8), interpolation='bicubic', "
                            "antialias=True)",
    "image_resize_crop": "ops.image.resize(img[:, :, :4], (2, 3), crop_to_aspect_ratio=True)",
    "image_resize_pad": "ops.image.resize(img[:, :, :3], (4, 4), pad_to_aspect_ratio=True)",
    "image_grayscale": "ops.image.rgb_to_grayscale(img)",
    "image_rgb_to_hsv": "ops.image.rgb_to_hsv(ops.sigmoid(img))",
    "image_hsv_to_rgb": "ops.image.hsv_to_rgb(ops.sigmoid(img))",
    "image_pad": "ops.image.pad_images(img, 1, 2, target_height=8, target_width=9)",
    "image_crop": "ops.image.crop_images(img, 1, 0, target_height=3, target_width=4)",
    "image_patches": "ops.image.extract_patches(img, 2)",
    "image_patches_same": "ops.image.extract_patches(img, (3, 2), strides=(2, 1), "
                          "padding='same')",
    "image_blur": "ops.image.gaussian_blur(img, (3, 3), (1.0, 2.0), "
                  "data_format='channels_last')",
    "image_sobel": "ops.image.sobel_edges(img)",
}

# Gradients (recorded with Keras 3 on TensorFlow, tf.GradientTape): name -> (expression of the
# watched input ``x``, the input ``x`` stands for). The loss is sum(y * cos(arange)).
GRAD_CALLS: Dict[str, Any] = {
    "softmax": ("ops.softmax(x)", "f"), "log_softmax": ("ops.log_softmax(x, axis=0)", "f"),
    "logsumexp": ("ops.logsumexp(x, axis=1)", "f"), "erf": ("ops.erf(x)", "f"),
    "erfc": ("ops.erfc(x)", "f"), "norm": ("ops.norm(x, axis=1)", "f"),
    "norm_fro": ("ops.norm(x)", "f"), "conv": ("ops.conv(x, ker, padding='same')", "img"),
    "conv_kernel": ("ops.conv(img, x, strides=2)", "ker"),
    "depthwise_conv": ("ops.depthwise_conv(x, dker)", "img"),
    "conv_transpose": ("ops.conv_transpose(x, tker, strides=2, padding='same')", "img"),
    "max_pool": ("ops.max_pool(x, 2)", "img"),
    "average_pool": ("ops.average_pool(x, 3, 2, padding='same')", "img"),
    "segment_sum": ("ops.segment_sum(x, np.array([0, 0, 2]), num_segments=3)", "f"),
    "segment_max": ("ops.segment_max(x, np.array([1, 0, 1]), num_segments=2)", "f"),
    "top_k": ("ops.top_k(x, 2)[0]", "f"),
    "layer_normalization": ("ops.layer_normalization(x, g[0], p[0])", "f"),
    "rms_normalization": ("ops.rms_normalization(x)", "f"),
    "bce_logits": ("ops.binary_crossentropy(t, x, from_logits=True)", "f"),
    "cce_logits": ("ops.categorical_crossentropy(t, x, from_logits=True)", "f"),
    "ctc_loss": ("ops.ctc_loss(ctc_lab, x, ctc_lab_len, ctc_log_len)", "ctc_logits"),
    "cdist": ("ops.cdist(x, g)", "f"), "logaddexp2": ("ops.logaddexp2(x, g)", "f"),
    "take_along_axis": ("ops.take_along_axis(x, ops.argsort(g, axis=1), axis=1)", "f"),
    "image_resize": ("ops.image.resize(x, (3, 4))", "img"),
}


# The geometric ``keras.ops.image`` functions and ``ssim`` (fixture ops_image.npz; inputs of
# op_inputs: img (2, 5, 5, 3)). Regenerate only this fixture with ``--only ops_image``.
_QUAD = "np.array([[0, 0], [4, 0], [0, 4], [4, 4]], 'float32')"
OPS_CALLS_IMAGE: Dict[str, str] = {
    "map_coordinates_linear": "ops.image.map_coordinates(img[0, :, :, 0], "
                              "[[0.5, 1.5, -1.0, 3.7, 4.5], [2.2, 4.0, 1.0, 0.3, -0.2]], 1)",
    "map_coordinates_nearest": "ops.image.map_coordinates(img[0, :, :, 0], "
                               "[[0.4, 6.5, -1.2], [2.6, 4.0, 1.0]], 0, fill_value=-1.0)",
    "map_coordinates_wrap": "ops.image.map_coordinates(img[0], [[-1.5, 5.5], [0.25, 6.0], "
                            "[1.0, 2.0]], 1, fill_mode='wrap')",
    "map_coordinates_reflect": "ops.image.map_coordinates(img[0, :, :, 1], [[-1.5, 5.5, 7.0], "
                               "[0.25, 6.0, -3.0]], 1, fill_mode='reflect')",
    "map_coordinates_mirror": "ops.image.map_coordinates(img[0, :, :, 1], [[-1.5, 5.5, 7.0], "
                              "[0.25, 6.0, -3.0]], 1, fill_mode='mirror')",
    "map_coordinates_nearest_mode": "ops.image.map_coordinates(img[0, :, :, 2], "
                                    "[[-1.5, 5.5], [0.25, 6.0]], 1, fill_mode='nearest')",
    "affine": "ops.image.affine_transform(img, np.array([[1, 0.1, 0.5, 0.2, 1, -0.3, 0, 0], "
              "[0.9, 0, 1, 0, 1.1, 0, 0, 0]], 'float32'))",
    "affine_nearest_reflect": "ops.image.affine_transform(img[0], np.array([0.8, -0.2, 1.5, 0.3, "
                              "1.2, -1, 0, 0], 'float32'), interpolation='nearest', "
                              "fill_mode='reflect')",
    "affine_channels_first": "ops.image.affine_transform(ops.transpose(img, (0, 3, 1, 2)), "
                             "np.array([[1, 0, -1, 0, 1, 2, 0, 0]] * 2, 'float32'), "
                             "fill_mode='wrap', data_format='channels_first')",
    "perspective": f"ops.image.perspective_transform(img, {_QUAD}, np.array([[0, 0], [4, 1], "
                   "[1, 4], [4, 4]], 'float32'))",
    "perspective_nearest": f"ops.image.perspective_transform(img[1], {_QUAD}, "
                           "np.array([[1, 0], [4, 0], [0, 3], [3, 4]], 'float32'), "
                           "interpolation='nearest', fill_value=0.5)",
    "patches_3d": "ops.image.extract_patches_3d(ops.expand_dims(img, -1), 2)",
    "patches_3d_same": "ops.image.extract_patches_3d(ops.expand_dims(img, -1), (2, 3, 2), "
                       "strides=1, padding='same')",
    "elastic_alpha0": "ops.image.elastic_transform(img, alpha=0.0, sigma=1.0)",
    "elastic_alpha0_cf": "ops.image.elastic_transform(ops.transpose(img, (0, 3, 1, 2)), "
                         "alpha=0.0, sigma=0.5, interpolation='nearest', "
                         "data_format='channels_first')",
    "scale_translate_linear": "ops.image.scale_and_translate(img, (2, 8, 7, 3), "
                              "np.array([1.6, 1.4], 'float32'), np.array([0.5, -0.25], "
                              "'float32'), (1, 2), 'bilinear')",
    "scale_translate_cubic_down": "ops.image.scale_and_translate(img, (2, 3, 2, 3), "
                                  "np.array([0.6, 0.4], 'float32'), np.array([0.0, 0.3], "
                                  "'float32'), (1, 2), 'bicubic')",
    "scale_translate_lanczos_noaa": "ops.image.scale_and_translate(img[0], (5, 3, 3), "
                                    "np.array([0.6], 'float32'), np.array([0.1], 'float32'), "
                                    "(1,), 'lanczos3', antialias=False)",
    "scale_translate_int": "ops.image.scale_and_translate(ops.cast(img * 100, 'int32'), "
                           "(2, 7, 5, 3), np.array([1.5, 1.0], 'float32'), "
                           "np.array([0.0, 0.0], 'float32'), (1, 2), 'linear')",
    "ssim": "ops.image.ssim(img, ops.sigmoid(img), filter_size=3)",
    "ssim_single": "ops.image.ssim(img[0], img[0] * 0.5 + 0.1, max_val=2.0, filter_size=5, "
                   "filter_sigma=1.0)",
    "ssim_channels_first": "ops.image.ssim(ops.transpose(img, (0, 3, 1, 2)), "
                           "ops.transpose(ops.sqrt(img), (0, 3, 1, 2)), filter_size=3, "
                           "data_format='channels_first')",
}


ALL_CALLS: Dict[str, str] = dict(OPS_CALLS, **OPS_CALLS_2, **OPS_CALLS_IMAGE)


def op_inputs() -> Dict[str, np.ndarray]:
    """Deterministic inputs (fixed seed) shared by the generator and the replay test."""
    rs = np.random.RandomState(7)
    f = rs.normal(size=(3, 4)).astype("float32")
    f[0, 0] = 0.25  # round(0.25 * 2.5 = 0.625) and an exact half after *2.5 below
    f[1, 1] = 0.2
    a = rs.normal(size=(4, 4))
    return {
        "f": f, "g": rs.normal(size=(3, 4)).astype("float32"),
        "h": rs.normal(size=(3, 4)).astype("float16"),
        "i": rs.randint(0, 5, size=(3, 4)).astype("int32"),
        "j": rs.randint(1, 4, size=(3, 4)).astype("int32"),
        "i8": rs.randint(-4, 5, size=(3, 4)).astype("int8"),
        "u8": rs.randint(0, 9, size=(3, 4)).astype("uint8"),
        "b": rs.rand(3, 4) > 0.5,
        "p": rs.uniform(0.05, 0.95, size=(3, 4)).astype("float32"),
        "t": np.eye(4, dtype="float32")[[0, 3, 1]],
        "lab": np.array([0, 3, 1], dtype="int32"),
        "m": (a @ a.T + 4 * np.eye(4)).astype("float32"),
        "img": rs.normal(size=(2, 5, 5, 3)).astype("float32"),
        "ker": rs.normal(size=(3, 3, 3, 4)).astype("float32"),
        "dker": rs.normal(size=(3, 3, 3, 2)).astype("float32"),
    }


def op_inputs2() -> Dict[str, np.ndarray]:
    """The extra inputs of OPS_CALLS_2 and GRAD_CALLS (fixed seed)."""
    rs = np.random.RandomState(11)
    fn = op_inputs()["f"].copy()
    fn[0, 1] = fn[2, 3] = np.nan
    fn[:, 2] = np.nan  # a column of NaNs only
    return {
        "fn": fn, "u": rs.normal(size=(8,)).astype("float32"),
        "u16": rs.normal(size=(16,)).astype("float32"),
        "tker": rs.normal(size=(3, 3, 2, 3)).astype("float32"),
        "ctc_logits": rs.normal(size=(2, 6, 5)).astype("float32"),
        "ctc_lab": np.array([[1, 2, 2], [3, 1, 0]], dtype="int32"),
        "ctc_lab_len": np.array([3, 2], dtype="int32"),
        "ctc_log_len": np.array([6, 5], dtype="int32"),
    }


def grad_weights(shape: Any) -> np.ndarray:
    """The fixed weights of the gradient cases' loss ``sum(y * w)``."""
    n = int(np.prod(shape))
    return np.cos(np.arange(n)).reshape(shape).astype("float32")


def flatten_result(value: Any, to_numpy) -> List[np.ndarray]:
    """A result as a list of arrays (a tuple/list result gives one per item)."""
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out += flatten_result(item, to_numpy)
        return out
    return [to_numpy(value)]


def run_ops(ops: Any, to_numpy, dtype_name, names=None) -> Dict[str, Any]:
    """``{case: (arrays, dtype names)}`` for every case (or ``names``) run with ``ops``."""
    env = dict(op_inputs(), **op_inputs2(), ops=ops, np=np)
    out = {}
    for name in names or ALL_CALLS:
        try:
            result = eval(ALL_CALLS[name], env)  # noqa: S307 (our own table of expressions)
        except Exception as error:  # a case Keras rejects: reported, left out of the fixture
            print(f"{name}: {type(error).__name__}: {error}"[:300], file=sys.stderr)
            continue
        items = result if isinstance(result, (list, tuple)) else [result]
        dtypes = []
        for item in items:
            dtypes += [dtype_name(t) for t in (item if isinstance(item, (list, tuple)) else [item])]
        out[name] = (flatten_result(result, to_numpy), dtypes)
    return out


def tf_gradients(names=None) -> Dict[str, np.ndarray]:
    """``{case: d sum(y * w) / dx}`` of GRAD_CALLS, with Keras 3 on its TensorFlow backend."""
    import tensorflow as tf
    from keras import ops
    env = dict(op_inputs(), **op_inputs2(), ops=ops, np=np)
    out = {}
    for name in names or GRAD_CALLS:
        expr, var = GRAD_CALLS[name]
        x = tf.constant(env[var])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = eval(expr, dict(env, x=x))  # noqa: S307 (our own table)
            loss = tf.reduce_sum(y * grad_weights(tuple(y.shape)))
        out[name] = tape.gradient(loss, x).numpy()
    return out


def _record(backend: str) -> Dict[str, Any]:
    """Run every case on Keras 3 with ``backend`` (in this process)."""
    if backend == "torch":
        sys.path.append(TORCH_SITE)
    os.environ["KERAS_BACKEND"] = backend
    import keras  # the reference: real Keras 3
    from keras import ops
    return {"keras": keras.__version__, "backend": keras.backend.backend(),
            "results": run_ops(ops, lambda t: np.asarray(ops.convert_to_numpy(t)),
                               lambda t: keras.backend.standardize_dtype(t.dtype))}


def _save(path: Path, arrays: Dict[str, np.ndarray], meta: Dict[str, Any]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        items = dict(arrays, meta=np.array(json.dumps(meta, sort_keys=True)))
        for key in sorted(items):
            data = io.BytesIO()
            np.lib.format.write_array(data, np.asanyarray(items[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.getvalue())
    path.write_bytes(buf.getvalue())


def main() -> None:
    if "--backend" in sys.argv:  # child: print the pickled-free JSON of one backend's run
        backend = sys.argv[sys.argv.index("--backend") + 1]
        record = _record(backend)
        arrays = {}
        for name, (values, dtypes) in record["results"].items():
            for k, v in enumerate(values):
                arrays[f"out__{name}__{k}"] = v
        if backend == "tensorflow":
            for name, grad in tf_gradients().items():
                arrays[f"grad__{name}"] = grad
        tmp = Path(sys.argv[sys.argv.index("--out") + 1])
        np.savez(tmp, **arrays)
        print(json.dumps({"keras": record["keras"], "backend": record["backend"],
                          "dtypes": {n: d for n, (_, d) in record["results"].items()}}))
        return
    import tempfile
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ("torch", "tensorflow"):
            out = Path(tmp) / f"{backend}.npz"
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
            env.pop("TF_USE_LEGACY_KERAS", None)
            text = subprocess.run([sys.executable, __file__, "--backend", backend, "--out",
                                   str(out)], check=True, capture_output=True, text=True,
                                  env=env).stdout
            info = json.loads(text.strip().splitlines()[-1])
            with np.load(out, allow_pickle=False) as z:
                info["arrays"] = {k: z[k] for k in z.files}
            runs[backend] = info
    torch_run, tf_run = runs["torch"], runs["tensorflow"]
    FIXTURES.mkdir(exist_ok=True)
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    for fixture, table, inputs in (("ops", OPS_CALLS, op_inputs()),
                                   ("ops2", OPS_CALLS_2, op_inputs2()),
                                   ("ops_image", OPS_CALLS_IMAGE, {"img": op_inputs()["img"]})):
        if only is not None and fixture != only:
            continue
        arrays = {f"in__{k}": v for k, v in inputs.items()}
        arrays.update({k: (v.astype("float32") if v.dtype == np.float16 else v)
                       for k, v in torch_run["arrays"].items()
                       if k.startswith("out__") and k.split("__")[1] in table})
        dtypes = {n: d for n, d in torch_run["dtypes"].items() if n in table}
        tf_dtypes = {n: d for n, d in tf_run["dtypes"].items()
                     if n in dtypes and d != dtypes[n]}
        meta = {"keras3_version": torch_run["keras"], "backend": torch_run["backend"],
                "numpy_version": np.__version__, "dtypes": dtypes,
                "n_outputs": {n: len(d) for n, d in dtypes.items()},
                "tf_dtypes": tf_dtypes, "doc": __doc__.split("\n\n")[0]}
        if fixture == "ops2":
            arrays.update({k: v for k, v in tf_run["arrays"].items() if k.startswith("grad__")})
            meta["grad_backend"] = "tensorflow"
        _save(FIXTURES / f"{fixture}.npz", arrays, meta)
        print(f"{fixture}: {len(dtypes)}/{len(table)} cases; TensorFlow backend differs in "
              f"dtype on {len(tf_dtypes)}: {sorted(tf_dtypes)}")

if __name__ == "__main__":
    main()
