"""MaxNumBoundingBoxes: pads and truncates the boxes of a batch (Keras 3)."""
from __future__ import annotations

import numpy as np
import pytest

import torchkeras as keras


def test_pads_and_truncates_boxes_and_labels():
    images = np.zeros((2, 4, 4, 3), "float32")
    boxes = np.arange(24, dtype="float32").reshape(2, 3, 4)
    labels = np.array([[1, 2, 3], [4, 5, 6]], "float32")
    data = {"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}}
    out = keras.layers.MaxNumBoundingBoxes(max_number=5)(data)
    assert tuple(out["bounding_boxes"]["boxes"].shape) == (2, 5, 4)
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["labels"])[:, 3:], -1)
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["boxes"])[:, :3], boxes)
    short = keras.layers.MaxNumBoundingBoxes(max_number=2, fill_value=0)(data)
    np.testing.assert_array_equal(np.asarray(short["bounding_boxes"]["labels"]),
                                  labels[:, :2])
    assert keras.layers.MaxNumBoundingBoxes(3).get_config()["max_number"] == 3


def test_other_layers_refuse_bounding_boxes():
    with pytest.raises(NotImplementedError, match="bounding_boxes"):
        keras.layers.RandomGrayscale()({"images": np.zeros((1, 4, 4, 3), "float32"),
                                        "bounding_boxes": {}})
