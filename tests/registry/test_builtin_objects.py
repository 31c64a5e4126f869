"""The one registration mechanism (registry/builtin_objects.py) for layers, losses, metrics
and optimizers: a module lists its Keras objects in ``__all__``, the package exports and
registers them, and ``get``/``deserialize`` read the registry."""
import sys
import textwrap

import pytest

import torchkeras as keras
from torchkeras import layers, losses, metrics, optimizers
from torchkeras.registry import builtin_objects as registry
from torchkeras.registry.builtin_objects import builtin_objects, export_modules, register_builtin


def _package(tmp_path, name, modules):
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))
    return root


def test_export_modules_exports_and_registers_each_modules_all(tmp_path, monkeypatch):
    root = _package(tmp_path, "tk_fake_pkg", {
        "family": """
            def my_loss(y_true, y_pred):
                return y_pred
            class MyLoss:
                pass
            my_alias = my_loss
            def helper():
                pass
            VERSION = 1
            __all__ = ["MyLoss", "my_loss", "my_alias", "VERSION"]
        """,
        "infra": "def tool():\n    pass\n__all__ = ['tool']\n",
        "_private": "__all__ = ['hidden']\nhidden = 1\n",
    })
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_BUILTINS", dict(registry._BUILTINS))  # undone after
    exports = {}
    names = export_modules("test-fake", "tk_fake_pkg", [str(root)], exports, skip={"infra"},
                           accept=callable)
    assert names == ["MyLoss", "my_loss", "my_alias", "VERSION"]
    assert set(exports) == {"MyLoss", "my_loss", "my_alias", "VERSION"}
    table = builtin_objects("test-fake")
    assert table["my_alias"] is table["my_loss"] is exports["my_loss"]
    assert "helper" not in table and "tool" not in table and "hidden" not in table
    assert "VERSION" not in table  # exported, not accepted
    table["MyLoss"] = None  # a copy: the registry itself is untouched
    assert builtin_objects("test-fake")["MyLoss"] is exports["MyLoss"]
    for module in ("tk_fake_pkg", "tk_fake_pkg.family"):
        sys.modules.pop(module, None)


def test_a_name_cannot_be_registered_to_two_objects(monkeypatch):
    monkeypatch.setattr(registry, "_BUILTINS", dict(registry._BUILTINS))  # undone after

    def first():
        pass

    def second():
        pass
    register_builtin("test-conflict", first, "name")
    register_builtin("test-conflict", first, "name")  # the same object again is fine
    with pytest.raises(ValueError, match=r"keras.test-conflict: the name 'name' is "
                                         r"registered to .*first"):
        register_builtin("test-conflict", second, "name")


@pytest.mark.parametrize("module,namespace", [(layers, "layers"), (losses, "losses"),
                                              (metrics, "metrics"), (optimizers, "optimizers")])
def test_deserialize_reads_exactly_the_registry(module, namespace):
    with pytest.raises(ValueError) as info:
        module.deserialize({"class_name": "NoSuchThing", "config": {}})
    listed = str(info.value).split("Valid values: ")[1]
    names = builtin_objects(namespace)
    if namespace == "optimizers":  # class names are case-insensitive
        names = {name.lower(): obj for name, obj in names.items()}
    assert listed == ", ".join(repr(name) for name in sorted(names))
    for name, obj in names.items():
        if not isinstance(obj, type):  # functions come back as themselves
            assert module.get(name) is obj, name


def test_keras2_aliases_resolve_to_the_same_objects():
    assert losses.get("mse") is losses.mean_squared_error is losses.MSE
    assert losses.get("cosine_proximity") is losses.cosine_similarity
    assert "cosine" not in losses.__all__ and "cosine" in builtin_objects("losses")
    assert metrics.get("acc") is metrics.accuracy
    assert builtin_objects("layers")["MaxPool2D"] is layers.MaxPooling2D
    assert type(optimizers.get("ExperimentalAdam")) is optimizers.Adam
    assert builtin_objects("layers")["Functional"] is keras.Model
    assert layers._layer_classes()["Sequential"] is keras.Sequential


def test_the_loss_package_keeps_its_public_names():
    from torchkeras.losses import base, probabilistic, reduction
    assert losses.Loss is base.Loss and losses.Reduction is reduction.Reduction
    assert losses.BinaryCrossentropy is probabilistic.BinaryCrossentropy
    assert keras.losses.compute_weighted_loss is reduction.compute_weighted_loss
    assert losses.serialize(losses.BinaryCrossentropy()) == {
        "class_name": "BinaryCrossentropy",
        "config": {"reduction": "auto", "name": "binary_crossentropy", "from_logits": False,
                   "label_smoothing": 0.0, "axis": -1}}
    wrapper = losses.LossFunctionWrapper.from_config({"fn": "mse", "name": "w"})
    assert wrapper.fn is losses.mean_squared_error


def test_activations_and_initializers_register_in_the_one_table():
    from torchkeras import activations, initializers, layers
    acts = registry.builtin_objects("activations")
    assert acts["relu"] is activations.relu and acts["silu"] is activations.swish
    assert acts["softmax_v2"] is activations.softmax and acts["ReLU"] is layers.ReLU
    assert activations.get("hard_swish") is activations.hard_silu
    inits = registry.builtin_objects("initializers")
    assert inits["he_normal"] is inits["HeNormal"] is initializers.HeNormal
    assert inits["OrthogonalInitializer"] is initializers.Orthogonal and inits["zero"] is initializers.Zeros
    assert isinstance(initializers.get("GlorotUniformV2"), initializers.GlorotUniform)


def test_find_builtin_uses_the_keras3_module_then_a_unique_name():
    from torchkeras.registry.builtin_objects import find_builtin
    assert find_builtin("L1", "keras.regularizers") is keras.regularizers.L1
    assert find_builtin("MaxNorm") is keras.constraints.MaxNorm
    assert find_builtin("no_such_object") is None


def test_generic_deserialize_finds_builtin_classes_and_keeps_unknown_strings():
    config = keras.saving.serialize_keras_object(keras.regularizers.L2(0.5))
    restored = keras.saving.deserialize_keras_object(config)
    assert isinstance(restored, keras.regularizers.L2) and restored.get_config()["l2"] == 0.5
    keras3 = {"module": "keras.optimizers", "class_name": "SGD",
              "config": {"learning_rate": 0.25}, "registered_name": None}
    assert float(keras.saving.deserialize_keras_object(keras3).learning_rate) == 0.25
    assert keras.saving.deserialize_keras_object(["SGD", "accuracy"]) == ["SGD", "accuracy"]
    with pytest.raises(ValueError, match="Unknown object: 'system'"):
        keras.saving.deserialize_keras_object(
            {"module": "os", "class_name": "function", "config": "system",
             "registered_name": None})
