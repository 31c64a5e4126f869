"""load_model/load_weights on truncated, random, crafted and bomb files: a clear error,
quickly, no code run, nothing written outside the target."""
import io
import json
import os
import sys
import time
import zipfile

import h5py
import numpy as np
import pytest

import torchkeras as keras
from torchkeras import layers
from torchkeras.registry.h5_utils import CorruptFileError

sys.path.insert(0, os.path.dirname(__file__))
import fuzz_files  # noqa: E402


def _model():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"),
                              layers.Dense(2)])
    model.compile("adam", "mse")
    model.fit(np.zeros((4, 4), "float32"), np.zeros((4, 2), "float32"), verbose=0)
    return model


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeds")
    model = _model()
    paths = {}
    for name in ("m.h5", "m.keras"):
        model.save(root / name)
        paths[name] = root / name
    for name in ("w.h5", "w.weights.h5"):
        model.save_weights(root / name)
        paths[name] = root / name
    return model, paths


# "Quickly" is measured in CPU seconds (time.process_time): a bomb or a quadratic parse
# spends CPU, while wall-clock time also counts the waits of a loaded machine (load 10 on
# 2 cores stretched the slowest fuzzed load to 0.79 s of wall-clock time).
def _quick(call):
    start = time.process_time()
    with pytest.raises(CorruptFileError) as info:
        call()
    assert time.process_time() - start < 2.0
    return str(info.value)


@pytest.mark.parametrize("name", ["m.h5", "m.keras", "w.h5", "w.weights.h5"])
def test_truncated_file(saved, tmp_path, name):
    model, paths = saved
    data = paths[name].read_bytes()
    bad = tmp_path / name
    bad.write_bytes(data[:len(data) // 2])
    loader = keras.models.load_model if name.startswith("m") else model.load_weights
    message = _quick(lambda: loader(bad))
    assert str(bad) in message and ("truncated" in message or "corrupted" in message)


def test_random_bytes(tmp_path):
    path = tmp_path / "random.h5"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    message = _quick(lambda: keras.models.load_model(path))
    assert "neither an HDF5 file" in message and "5000 bytes" in message


def test_damaged_hdf5_inside_keras_archive(saved, tmp_path):
    _, paths = saved
    with zipfile.ZipFile(paths["m.keras"]) as source:
        members = {n: source.read(n) for n in source.namelist()}
    weights = bytearray(members["model.weights.h5"])
    weights[96:600] = b"\xff" * 504  # wipe the root group's metadata
    members["model.weights.h5"] = bytes(weights)
    path = tmp_path / "damaged.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    message = _quick(lambda: keras.models.load_model(path))
    assert "damaged.keras" in message


def test_huge_declared_shape(saved, tmp_path):
    model, _ = saved
    path = tmp_path / "huge.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r+") as h5:
        del h5["layers/dense/vars/0"]
        # 4 TB of float32 declared, nothing stored (chunked, never written)
        h5.create_dataset("layers/dense/vars/0", shape=(2 ** 20, 2 ** 20), dtype="float32",
                          chunks=(64, 64))
    message = _quick(lambda: model.load_weights(path))
    assert "declares shape (1048576, 1048576)" in message


def test_wrong_dtype_and_shape(saved, tmp_path):
    model, _ = saved
    path = tmp_path / "dtype.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r+") as h5:
        del h5["layers/dense/vars/0"]
        h5["layers/dense/vars/0"] = np.array([b"not", b"numbers"])
    with pytest.raises(ValueError, match="Shape mismatch in layer 'dense'"):
        model.load_weights(path)


def test_deep_nesting_and_attribute_bomb(saved, tmp_path):
    model, _ = saved
    path = tmp_path / "deep.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r+") as h5:
        group = h5.require_group("layers/dense/vars/extra")
        for depth in range(200):
            group = group.require_group(f"g{depth}")
        for index in range(2000):
            h5["layers"].attrs[f"a{index}"] = np.zeros(16)
    before = [w.copy() for w in model.get_weights()]
    start = time.process_time()  # CPU seconds, as _quick
    model.load_weights(path)  # the extra content is ignored; the real weights load
    assert time.process_time() - start < 2.0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_zip_bomb(tmp_path):
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("config.json", "w") as member:
            chunk = b" " * 2 ** 20
            for _ in range(200):  # 200 MB of spaces, ~200 KB compressed
                member.write(chunk)
    message = _quick(lambda: keras.models.load_model(path))
    assert "zip bomb" in message and "config.json" in message


def test_path_traversal_member_names_write_nothing(saved, tmp_path):
    _, paths = saved
    target = tmp_path / "inner"
    target.mkdir()
    with zipfile.ZipFile(paths["m.keras"]) as source:
        members = {n: source.read(n) for n in source.namelist()}
    path = target / "evil.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        archive.writestr("../../escaped.txt", b"pwned")
        archive.writestr("/tmp/abs_escaped.txt", b"pwned")
    before = set(os.listdir(tmp_path))
    keras.models.load_model(path)  # members are read in memory, never extracted
    assert set(os.listdir(tmp_path)) == before
    assert os.listdir(target) == ["evil.keras"]
    assert not os.path.exists(tmp_path.parent.parent / "escaped.txt")


def test_lambda_code_never_runs_without_safe_mode(tmp_path):
    marker = tmp_path / "ran.txt"
    marker_name = str(marker)

    def side_effect(x):
        with open(marker_name, "a") as handle:
            handle.write("x")
        return x * 2

    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(side_effect)(inputs))
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / ("lambda" + suffix))
    marker.unlink(missing_ok=True)
    for suffix in (".keras", ".h5"):
        with pytest.raises(ValueError, match="safe_mode"):
            keras.models.load_model(tmp_path / ("lambda" + suffix))
    assert not marker.exists()


def test_config_json_garbage(tmp_path):
    path = tmp_path / "garbage.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", b"{not json")
    with pytest.raises(ValueError):
        keras.models.load_model(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "os.system",
                                                    "config": {"command": "touch x"}}))
    with pytest.raises((ValueError, TypeError, KeyError)):
        keras.models.load_model(path)
    assert not os.path.exists("x")


def test_fuzz_loaders_bounded(saved, tmp_path):
    """Mutated files for ~4 s: only the documented errors (CI version of the fuzz run).
    Byte flips inside raw .h5 metadata are left out: they can crash or hang the HDF5 C
    library itself (see README, Hardening)."""
    model, paths = saved
    seeds = {name: path.read_bytes() for name, path in paths.items()}
    fuzz_files.MUTATORS[:] = [fuzz_files._truncate, fuzz_files._random_tail,
                              fuzz_files._zip_member_damage]

    def loader(path):
        if path.endswith(".keras") or "fuzz_" in path and int(path.split("_")[-1][0]) % 2:
            keras.models.load_model(path)
        else:
            model.load_weights(path)

    report = fuzz_files.fuzz(loader, seeds, str(tmp_path), budget_s=4.0, max_files=5000)
    print(f"fuzz: {report.generated} files, {report.by_error}, slowest "
          f"{report.slowest_s:.3f} CPU s")
    assert report.generated >= 100
    assert report.failures == []
    assert report.slowest_s < 2.0


# --------------------------------------------------------------- data from other files
# (file, dataset inside it, how it is read): every path that reads weights from HDF5.
READ_PATHS = [
    ("m.h5", "model_weights/dense/dense/kernel:0", "load_model"),
    ("m.h5", "optimizer_weights/Adam/m/dense/kernel:0", "load_model"),
    ("w.h5", "dense/dense/kernel:0", "load_weights"),
    ("w.h5", "dense/dense/kernel:0", "by_name"),
    ("w.weights.h5", "layers/dense/vars/0", "load_weights"),
    ("m.keras", "layers/dense/vars/0", "load_model"),
    ("m.keras", "optimizer/vars/2", "load_model"),
    ("m.keras", "layers/dense/vars/0", "load_weights"),
]
LOOT = 7.0  # what the other file holds: it must never reach the model


def _crafted(source, tmp_path, mutate):
    """A copy of ``source`` whose HDF5 data (the archive's weights for .keras) went
    through ``mutate(h5)``."""
    out = tmp_path / ("crafted_" + source.name)
    if source.suffix != ".keras":
        out.write_bytes(source.read_bytes())
        with h5py.File(out, "r+") as h5:
            mutate(h5)
        return out
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    inner = tmp_path / "inner.h5"
    inner.write_bytes(members["model.weights.h5"])
    with h5py.File(inner, "r+") as h5:
        mutate(h5)
    members["model.weights.h5"] = inner.read_bytes()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out


def _load(model, path, how):
    if how == "load_model":
        return keras.models.load_model(path)
    return model.load_weights(path, by_name=how == "by_name")


def _replace(h5, dataset_path, make):
    shape, dtype = h5[dataset_path].shape, h5[dataset_path].dtype
    del h5[dataset_path]
    make(h5, dataset_path, shape, dtype)


def _external_storage(secret):
    def make(h5, path, shape, dtype):
        h5.create_dataset(path, shape=shape, dtype=dtype,
                          external=[(str(secret), 0, secret.stat().st_size)])
    return make


def _external_link(other):
    def make(h5, path, shape, dtype):
        with h5py.File(other, "w") as target:
            target["loot"] = np.full(shape, LOOT, dtype)
        h5[path] = h5py.ExternalLink(str(other), "/loot")
    return make


def _soft_link(h5, path, shape, dtype):
    h5["stash"] = np.full(shape, LOOT, dtype)
    h5[path] = h5py.SoftLink("/stash")


@pytest.mark.parametrize("kind", ["external storage", "ExternalLink", "SoftLink"])
@pytest.mark.parametrize("name,dataset,how", READ_PATHS)
def test_data_from_outside_the_file_is_refused(saved, tmp_path, kind, name, dataset, how):
    model, paths = saved
    secret = tmp_path / "secret.bin"
    make = {"external storage": None, "ExternalLink": _external_link(tmp_path / "other.h5"),
            "SoftLink": _soft_link}[kind]

    def mutate(h5):
        nonlocal make
        if make is None:  # raw bytes of the right size for whatever dataset is replaced
            count = int(np.prod(h5[dataset].shape))
            np.full(count, LOOT, h5[dataset].dtype).tofile(secret)
            make = _external_storage(secret)
        _replace(h5, dataset, make)

    path = _crafted(paths[name], tmp_path, mutate)
    before = [w.copy() for w in model.get_weights()]
    message = _quick(lambda: _load(model, path, how))
    assert str(path) in message and "Not allowed" in message
    assert (dataset in message) if kind == "external storage" else \
        (kind in message and dataset in message)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing assigned, the loot least of all


def test_group_level_links_are_refused(saved, tmp_path):
    """A link in place of a whole group (Keras 3's own test: 'model_weights')."""
    model, paths = saved
    other = tmp_path / "other.weights.h5"
    other.write_bytes(paths["w.h5"].read_bytes())
    path = tmp_path / "group_link.h5"
    with h5py.File(path, "w") as h5:
        h5["model_weights"] = h5py.ExternalLink(str(other), "/")
    message = _quick(lambda: model.load_weights(path))
    assert "ExternalLink" in message and "'/model_weights'" in message and str(other) in message

    def soft(h5):
        h5.move("layers", "real_layers")
        h5["layers"] = h5py.SoftLink("/real_layers")

    path = _crafted(paths["w.weights.h5"], tmp_path, soft)
    message = _quick(lambda: model.load_weights(path))
    assert "SoftLink" in message and "/real_layers" in message


def test_external_dev_zero_is_refused_without_allocating(saved, tmp_path):
    """/dev/zero behind a huge declared shape: refused before any byte is read."""
    model, paths = saved

    def mutate(h5):
        del h5["layers/dense/vars/0"]
        h5.create_dataset("layers/dense/vars/0", shape=(2 ** 20, 2 ** 12), dtype="float32",
                          external=[("/dev/zero", 0, 2 ** 34)])

    path = _crafted(paths["w.weights.h5"], tmp_path, mutate)
    message = _quick(lambda: model.load_weights(path))
    assert "external storage" in message and "/dev/zero" in message


# ------------------------------------------------------------------ zip members, JSON
@pytest.fixture(scope="module")
def keras_with_bomb(saved, tmp_path_factory):
    """The model's .keras plus an unused member: 50 MB of zeros in ~200 bytes of bzip2
    (under the per-member inflation guard, so only reading it costs anything)."""
    _, paths = saved
    path = tmp_path_factory.mktemp("bomb") / "with_bomb.keras"
    with zipfile.ZipFile(path, "w") as archive, zipfile.ZipFile(paths["m.keras"]) as source:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        bomb = zipfile.ZipInfo("assets/zeros.bin")
        bomb.compress_type = zipfile.ZIP_BZIP2
        with archive.open(bomb, "w") as member:
            for _ in range(50):
                member.write(bytes(2 ** 20))
    return path


def _with_members(source, out, replace=None, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members.update(replace or {})
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out


def test_unread_zip_member_is_never_inflated(saved, keras_with_bomb, monkeypatch):
    model, _ = saved
    with zipfile.ZipFile(keras_with_bomb) as archive:
        info = archive.getinfo("assets/zeros.bin")
    assert info.file_size == 50 * 2 ** 20 and info.compress_size < 1000
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    start = time.process_time()  # CPU seconds, as _quick
    keras.models.load_model(keras_with_bomb)
    model.load_weights(keras_with_bomb)
    assert time.process_time() - start < 2.0
    assert "assets/zeros.bin" not in opened and "config.json" in opened


def test_read_member_over_its_bound_is_refused(saved, tmp_path):
    """config.json of 17 MB (17 KB deflated): over the JSON bound, refused while inflating."""
    _, paths = saved
    path = _with_members(paths["m.keras"], tmp_path / "big_config.keras",
                         replace={"config.json": b" " * (17 * 2 ** 20) + b"{}"},
                         compression=zipfile.ZIP_DEFLATED)
    message = _quick(lambda: keras.models.load_model(path))
    assert "config.json" in message and "big_config.keras" in message
    assert "16777216 bytes allowed" in message


def test_lying_member_header_cannot_bypass_the_bound(saved, tmp_path):
    """config.json declares 100 bytes but inflates to 17 MB: reading stops at the declared
    size and the CRC check refuses the member."""
    _, paths = saved
    path = _with_members(paths["m.keras"], tmp_path / "lying.keras",
                         replace={"config.json": b" " * (17 * 2 ** 20) + b"{}"},
                         compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 57] != b"config.json":
        central = data.index(b"PK\x01\x02", central + 4)
    local = int.from_bytes(data[central + 42:central + 46], "little")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    data[local + 22:local + 26] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("config.json").file_size == 100
    message = _quick(lambda: keras.models.load_model(path))
    assert "'config.json' is corrupted (CRC mismatch)" in message


def test_crc_error_in_read_member(saved, tmp_path):
    _, paths = saved
    path = _with_members(paths["m.keras"], tmp_path / "crc.keras")
    data = bytearray(path.read_bytes())
    at = data.index(b'"class_name"')  # inside the stored config.json
    data[at + 1:at + 6] = b"CLASS"
    path.write_bytes(bytes(data))
    message = _quick(lambda: keras.models.load_model(path))
    assert "'config.json' is corrupted (CRC mismatch)" in message and "crc.keras" in message


DEEP = "[" * 31000 + "]" * 31000  # 62 KB


def test_deeply_nested_config_json(tmp_path):
    path = tmp_path / "deep.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", DEEP)
    message = _quick(lambda: keras.models.load_model(path))
    assert "config.json of '" + str(path) in message and "31000 levels deep" in message


def test_deeply_nested_h5_attributes_and_model_from_json(saved, tmp_path):
    _, paths = saved
    for attribute in ("model_config", "training_config"):
        path = tmp_path / f"deep_{attribute}.h5"
        path.write_bytes(paths["m.h5"].read_bytes())
        with h5py.File(path, "r+") as h5:
            h5.attrs[attribute] = DEEP.encode()
        message = _quick(lambda: keras.models.load_model(path))
        assert f"the '{attribute}' attribute of '{path}'" in message and "levels deep" in message
    start = time.process_time()  # CPU seconds, as _quick
    with pytest.raises(ValueError, match="model_from_json is nested 31000 levels deep"):
        keras.models.model_from_json(DEEP)
    assert time.process_time() - start < 2.0


def test_real_nested_models_are_well_within_the_depth_bound(tmp_path):
    from torchkeras.registry import json_limits
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    for _ in range(12):
        model = keras.Sequential([keras.Input((3,)), model, layers.Dense(3)])
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / ("nested" + suffix))
        keras.models.load_model(tmp_path / ("nested" + suffix))
    depth = json_limits.nesting_depth(model.to_json())
    assert 12 * 3 < depth < json_limits.MAX_JSON_DEPTH


def test_size_guard_counts_only_bytes_the_file_has():
    """A dataset whose storage size claims more bytes than the whole file (an address
    past its end, external storage): the guard uses the file size instead."""
    from types import SimpleNamespace
    from torchkeras.registry import h5_utils
    declared = (2 ** 16, 2 ** 12)  # 1 GiB of float32
    dataset = SimpleNamespace(
        shape=declared, dtype=np.dtype("float32"),
        id=SimpleNamespace(get_storage_size=lambda: 2 ** 30),
        file=SimpleNamespace(id=SimpleNamespace(get_filesize=lambda: 4096)))
    with pytest.raises(CorruptFileError, match=r"stores only 4096 bytes"):
        h5_utils._check_declared_size(dataset, "layers/dense/vars/0", "crafted.weights.h5")
    dataset.file.id.get_filesize = lambda: 2 ** 30 + 4096
    h5_utils._check_declared_size(dataset, "layers/dense/vars/0", "real.weights.h5")
