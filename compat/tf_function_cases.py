"""The ``tf.image`` / ``tf.strings`` / ``tf.io`` calls recorded by generate_tf_functions.py
(real TensorFlow) and replayed by test_tf_functions.py (torchkeras). Each case takes a ``tf``
module and the recorded ``inputs`` (JPEG/PNG bytes made by TensorFlow, a CSV file path) and
returns a value or a tuple of values. Only deterministic calls: the random ones are checked by
their properties in tests/tfops/."""
from __future__ import annotations

import os
from typing import Any, Callable, Dict

import numpy as np


def image(height: int, width: int, channels: int = 3, dtype: str = "uint8",
          seed: int = 0) -> np.ndarray:
    """A smooth image with some noise (JPEG-friendly), values 0..255."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([(xx * 255 / max(width - 1, 1)), (yy * 255 / max(height - 1, 1)),
                     ((xx + yy) * 127 / max(height + width - 2, 1))][:channels] +
                    [np.full((height, width), 90.0)] * max(channels - 3, 0), -1)
    noisy = np.clip(base + rng.uniform(-20, 20, base.shape), 0, 255)
    return noisy.astype(dtype)


IMG = image(7, 9)
IMG_F = (image(7, 9, seed=1) / 255.0).astype("float32")
BATCH = np.stack([image(6, 8, seed=2), image(6, 8, seed=3)]).astype("float32")
WORDS = np.array(["Hello World", "  TensorFlow  data ", "a,b,,c", "naïve café", ""])

CSV_TEXT = "1,2.5,abc\n4,,x\n"


def write_inputs(encoded: dict, root: str) -> dict:
    """The inputs a case sees: the encoded bytes plus files under ``root``."""
    inputs = dict(encoded, root=root, png_path=os.path.join(root, "image.png"),
                  csv_path=os.path.join(root, "data.csv"))
    with open(inputs["png_path"], "wb") as handle:
        handle.write(encoded["png_rgb"])
    with open(inputs["csv_path"], "w") as handle:
        handle.write(CSV_TEXT)
    with open(os.path.join(root, "other.csv"), "w") as handle:
        handle.write("x\n")
    return inputs


RESIZES = {
    f"resize_{method}_{tag}{'_aa' if aa else ''}": (lambda tf, inputs, m=method, s=size, a=aa:
                                                    tf.image.resize(IMG, s, method=m, antialias=a))
    for method in ("bilinear", "nearest", "area", "bicubic")
    for tag, size in (("down", (4, 5)), ("up", (11, 13)), ("mixed", (3, 14)))
    for aa in (False, True)
}

def _ragged_reads(ragged: Any) -> tuple:
    """What tutorials read off a ``tf.RaggedTensor`` of strings."""
    return (ragged.to_tensor(), ragged.to_tensor(default_value="<pad>", shape=[None, 2]),
            ragged.row_lengths(), ragged.flat_values, ragged.bounding_shape(), ragged.nrows())


CASES: Dict[str, Callable[[Any, Dict[str, Any]], Any]] = dict(RESIZES, **{
    "resize_batch_float": lambda tf, i: tf.image.resize(BATCH, (3, 5)),
    "resize_preserve_aspect": lambda tf, i: tf.image.resize(IMG, (5, 5),
                                                            preserve_aspect_ratio=True),
    "resize_preserve_aspect_up": lambda tf, i: tf.image.resize(IMG, (20, 12),
                                                               preserve_aspect_ratio=True),
    "resize_float_input": lambda tf, i: tf.image.resize(IMG_F, (4, 4), method="bicubic"),
    "resize_with_pad": lambda tf, i: tf.image.resize_with_pad(IMG, 8, 6),
    "resize_with_pad_wide": lambda tf, i: tf.image.resize_with_pad(IMG_F, 4, 12),
    "resize_with_crop_or_pad": lambda tf, i: tf.image.resize_with_crop_or_pad(IMG, 5, 12),
    "crop_to_bounding_box": lambda tf, i: tf.image.crop_to_bounding_box(IMG, 1, 2, 4, 5),
    "pad_to_bounding_box": lambda tf, i: tf.image.pad_to_bounding_box(IMG, 1, 2, 10, 12),
    "decode_jpeg": lambda tf, i: tf.image.decode_jpeg(i["jpeg_rgb"]),
    "decode_jpeg_accurate": lambda tf, i: tf.image.decode_jpeg(i["jpeg_rgb"],
                                                               dct_method="INTEGER_ACCURATE"),
    "decode_jpeg_gray_accurate": lambda tf, i: tf.io.decode_jpeg(
        i["jpeg_gray"], dct_method="INTEGER_ACCURATE"),
    "decode_jpeg_gray": lambda tf, i: tf.image.decode_jpeg(i["jpeg_rgb"], channels=1),
    "decode_jpeg_gray_file": lambda tf, i: tf.io.decode_jpeg(i["jpeg_gray"]),
    "decode_jpeg_gray_to_rgb": lambda tf, i: tf.image.decode_jpeg(i["jpeg_gray"], channels=3),
    "decode_png": lambda tf, i: tf.image.decode_png(i["png_rgb"]),
    "decode_png_rgba": lambda tf, i: tf.io.decode_png(i["png_rgba"]),
    "decode_png_rgba_to_rgb": lambda tf, i: tf.image.decode_png(i["png_rgba"], channels=3),
    "decode_png_gray_to_rgb": lambda tf, i: tf.image.decode_png(i["png_gray"], channels=3),
    "decode_image_jpeg": lambda tf, i: tf.image.decode_image(i["jpeg_rgb"], channels=3),
    "decode_image_png_float": lambda tf, i: tf.io.decode_image(i["png_rgb"],
                                                               dtype=tf.float32),
    "read_decode_resize": lambda tf, i: tf.image.resize(
        tf.io.decode_png(tf.io.read_file(i["png_path"]), channels=3), (4, 4)),
    "convert_u8_f32": lambda tf, i: tf.image.convert_image_dtype(IMG, tf.float32),
    "convert_f32_u8": lambda tf, i: tf.image.convert_image_dtype(IMG_F, tf.uint8),
    "convert_f32_u8_saturate": lambda tf, i: tf.image.convert_image_dtype(
        IMG_F * 1.5 - 0.2, tf.uint8, saturate=True),
    "convert_u8_i32": lambda tf, i: tf.image.convert_image_dtype(IMG, tf.int32),
    "convert_u8_f16": lambda tf, i: tf.image.convert_image_dtype(IMG, tf.float16),
    "flip_left_right": lambda tf, i: tf.image.flip_left_right(IMG),
    "flip_up_down_batch": lambda tf, i: tf.image.flip_up_down(BATCH),
    "transpose": lambda tf, i: tf.image.transpose(IMG),
    "rot90": lambda tf, i: tf.image.rot90(IMG, k=3),
    "central_crop_half": lambda tf, i: tf.image.central_crop(IMG, 0.5),
    "central_crop_batch": lambda tf, i: tf.image.central_crop(BATCH, 0.7),
    "rgb_to_grayscale_u8": lambda tf, i: tf.image.rgb_to_grayscale(IMG),
    "rgb_to_grayscale_f32": lambda tf, i: tf.image.rgb_to_grayscale(IMG_F),
    "grayscale_to_rgb": lambda tf, i: tf.image.grayscale_to_rgb(tf.constant(IMG[..., :1])),
    "per_image_standardization_u8": lambda tf, i: tf.image.per_image_standardization(IMG),
    "per_image_standardization_batch": lambda tf, i: tf.image.per_image_standardization(BATCH),
    "adjust_brightness_u8": lambda tf, i: tf.image.adjust_brightness(IMG, 0.2),
    "adjust_brightness_f32": lambda tf, i: tf.image.adjust_brightness(IMG_F, -0.3),
    "adjust_contrast_u8": lambda tf, i: tf.image.adjust_contrast(IMG, 1.7),
    "adjust_contrast_f32": lambda tf, i: tf.image.adjust_contrast(IMG_F, 0.4),
    "strings_lower": lambda tf, i: tf.strings.lower(WORDS),
    "strings_upper": lambda tf, i: tf.strings.upper(WORDS),
    "strings_regex_replace": lambda tf, i: tf.strings.regex_replace(WORDS, "[aeiou]", "_"),
    "strings_regex_replace_group": lambda tf, i: tf.strings.regex_replace(
        WORDS, r"(\w+) (\w+)", r"\2-\1"),
    "strings_regex_replace_first": lambda tf, i: tf.strings.regex_replace(
        WORDS, "o", "0", replace_global=False),
    "strings_regex_html": lambda tf, i: tf.strings.regex_replace(
        tf.constant("a<br />b"), "<br />", " "),
    "strings_split_scalar": lambda tf, i: tf.strings.split("a b  c"),
    "strings_split_sep": lambda tf, i: tf.strings.split(tf.constant("a,b,,c"), sep=","),
    "strings_split_maxsplit": lambda tf, i: tf.strings.split("a,b,,c", sep=",", maxsplit=1),
    "strings_split_vector": lambda tf, i: tf.strings.split(WORDS).to_list(),
    "ragged_split_reads": lambda tf, i: _ragged_reads(tf.strings.split(WORDS)),
    "ragged_unicode_split_reads": lambda tf, i: _ragged_reads(
        tf.strings.unicode_split(tf.constant(["naïve", "", "ab"]), "UTF-8")),
    "strings_join": lambda tf, i: tf.strings.join([WORDS, WORDS], separator="|"),
    "strings_join_scalar": lambda tf, i: tf.strings.join(["a", "b", "c"], separator="-"),
    "strings_reduce_join": lambda tf, i: tf.strings.reduce_join(WORDS, separator=" "),
    "strings_length": lambda tf, i: tf.strings.length(WORDS),
    "strings_length_chars": lambda tf, i: tf.strings.length(WORDS, unit="UTF8_CHAR"),
    "strings_substr": lambda tf, i: tf.strings.substr(tf.constant(["hello", "world"]), 1, 3),
    "strings_substr_chars": lambda tf, i: tf.strings.substr("naïve", 1, 3, unit="UTF8_CHAR"),
    "strings_to_number": lambda tf, i: tf.strings.to_number(["1.5", "-2", "3e2"]),
    "strings_to_number_int": lambda tf, i: tf.strings.to_number(["7", "-12"],
                                                                out_type=tf.int32),
    "strings_unicode_split": lambda tf, i: tf.strings.unicode_split("naïve", "UTF-8"),
    "strings_strip": lambda tf, i: tf.strings.strip(WORDS),
    "strings_as_string": lambda tf, i: tf.strings.as_string([1, 22, 333]),
    "decode_csv": lambda tf, i: tuple(tf.io.decode_csv(
        ["1,2.5,abc", "4,,x", '7,8.25,"q,r"'], record_defaults=[0, 0.0, "none"])),
    "decode_csv_float64_select": lambda tf, i: tuple(tf.io.decode_csv(
        "1;2;3", record_defaults=[tf.constant(0.0, tf.float64), 0], field_delim=";",
        select_cols=[0, 2])),
    "read_file": lambda tf, i: tf.io.read_file(i["csv_path"]),
    "gfile_glob": lambda tf, i: sorted(p.replace(i["root"], "ROOT")
                                      for p in tf.io.gfile.glob(i["root"] + "/*.csv")),
    "gfile_exists": lambda tf, i: (tf.io.gfile.exists(i["csv_path"]),
                                   tf.io.gfile.exists(i["root"] + "/missing")),
    "gfile_read": lambda tf, i: tf.io.gfile.GFile(i["csv_path"]).read(),
    "dataset_map_image": lambda tf, i: list(tf.data.Dataset.from_tensor_slices(
        np.stack([IMG, IMG[::-1]])).map(
        lambda x: tf.image.resize(tf.image.convert_image_dtype(x, tf.float32), (3, 3))).batch(2)
        .as_numpy_iterator())[0],
    "dataset_map_strings": lambda tf, i: list(tf.data.Dataset.from_tensor_slices(WORDS).map(
        lambda s: tf.strings.regex_replace(tf.strings.lower(s), " ", "_"))
        .batch(5).as_numpy_iterator())[0],
    "dataset_map_csv": lambda tf, i: list(tf.data.Dataset.from_tensor_slices(
        ["1,2.5", "3,4.5"]).map(lambda line: tf.io.decode_csv(line, [0, 0.0]))
        .map(lambda a, b: (tf.one_hot(a, 5), tf.expand_dims(tf.cast(b, tf.float64), 0)))
        .batch(2).as_numpy_iterator())[0],
    "dataset_map_decode": lambda tf, i: list(tf.data.Dataset.from_tensor_slices(
        [i["png_path"]]).map(lambda p: tf.reshape(tf.image.resize(
            tf.io.decode_png(tf.io.read_file(p), channels=1), (2, 2)), [-1]))
        .as_numpy_iterator())[0],
})
