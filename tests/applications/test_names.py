"""keras.applications' ``name`` argument (Keras 3) on every constructor: the model gets it,
Keras 2's name otherwise; weight files are still picked by the variant. The large variants
are checked by signature only (building them costs seconds each)."""
from __future__ import annotations

import inspect

import pytest

import torchkeras as keras
from torchkeras.data import data_utils

# The smallest constructor of each module, built headless at the smallest allowed size
# (NASNetMobile, EfficientNetV2B0 and InceptionResNetV2: tests/applications/test_families2.py).
BUILT = {"ResNet50": 32, "ResNet50V2": 32, "DenseNet121": 32, "EfficientNetB0": 32,
         "InceptionV3": 75, "MobileNet": 32, "MobileNetV2": 32, "MobileNetV3Small": 32,
         "VGG16": 32, "Xception": 71, "ConvNeXtTiny": 32}
# Keras 2's families that Keras 3 dropped: no `name` there (RegNet has Keras 2's model_name).
KERAS2_ONLY = ("RegNet", "ResNetRS")


def _constructors():
    # dir(): the builders load on first use (applications/__init__.py's __getattr__)
    return sorted(n for n in dir(keras.applications)
                  if n[:1].isupper() and inspect.isfunction(getattr(keras.applications, n)))


def test_every_constructor_but_keras2_only_families_takes_name():
    constructors = _constructors()
    assert len(constructors) >= 71
    for constructor in constructors:
        params = inspect.signature(getattr(keras.applications, constructor)).parameters
        assert ("name" in params) != constructor.startswith(KERAS2_ONLY), constructor


@pytest.mark.parametrize("constructor", sorted(BUILT))
def test_model_gets_the_name(constructor):
    size = BUILT[constructor]
    build = getattr(keras.applications, constructor)
    kwargs = dict(weights=None, include_top=False, input_shape=(size, size, 3))
    keras.backend.clear_session()
    default = build(**kwargs)
    assert default.name == (inspect.signature(build).parameters["name"].default
                            or default.name)
    keras.backend.clear_session()
    named = build(name="backbone", **kwargs)
    assert named.name == "backbone"
    if constructor.startswith("ConvNeXt"):  # Keras 2's model_name / Keras 3's name prefix
        assert default.name == "convnext_tiny"
        assert named.layers[1].name == "backbone_prestem_normalization"
    else:  # the layers keep their names
        assert [layer.name for layer in named.layers] == [layer.name for layer in
                                                          default.layers]


def test_mobilenet_default_names_follow_alpha_and_size():
    model = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                           input_shape=(96, 96, 3))
    assert model.name == "mobilenetv2_0.35_96"
    model = keras.applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                         input_shape=(128, 128, 3), name=None)
    assert model.name == "mobilenet_0.25_128"


def test_a_renamed_model_still_loads_its_variants_weight_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(origin, fpath):
        raise data_utils.DownloadError(f"URL fetch failure on {origin}: no network")

    monkeypatch.setattr(data_utils, "_download", offline)
    for build, file_name in ((keras.applications.VGG16,
                              "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
                             (keras.applications.DenseNet121,
                              "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5")):
        with pytest.raises(OSError, match=file_name):
            build(weights="imagenet", include_top=False, input_shape=(32, 32, 3),
                  name="backbone")
