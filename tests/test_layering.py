"""Packages import downward only (README "Layout"; issue 16).

Every module under torchkeras/ is parsed with ``ast``; every import of a torchkeras module,
at the top or inside a function, is an edge. An edge from a module to a module of a higher
layer fails, and so does any import cycle of more than 3 modules. Importing a submodule
(``torchkeras.saving.serialization``) is an edge to that submodule only: package
``__init__`` files re-export, and nothing below them imports the package itself.
"""
from __future__ import annotations

import ast
import os
from typing import Dict, List, Set, Tuple

import pytest

import torchkeras

ROOT = os.path.dirname(torchkeras.__file__)

# Layer of each package or module (the longest matching prefix wins). A module may import
# modules of its own layer or of lower layers only.
LAYERS: Dict[str, int] = {
    # 0 backend: settings and helpers with no torchkeras dependency above them
    "torchkeras.backend": 0,
    "torchkeras.utils.nest": 0,
    "torchkeras.utils.np_utils": 0,
    "torchkeras.utils.sequence": 0,
    "torchkeras.utils.data_utils": 0,
    "torchkeras.mixed_precision.policy": 0,   # dtype policies: layers need them
    "torchkeras.data": 0,
    "torchkeras.ops": 0,                      # keras.ops on torch: backend only
    "torchkeras.random": 0,                   # keras.random: backend only                     # tf.data on torch.utils.data: no model needed
    # 1 registry: registration and (de)serialization of plain objects; file helpers
    "torchkeras.saving.object_registration": 1,
    "torchkeras.saving.serialization": 1,
    "torchkeras.saving.h5_utils": 1,
    "torchkeras.saving.atomic": 1,
    "torchkeras.saving.json_limits": 1,       # bounded JSON parsing for every file format
    "torchkeras.saving.keras_layer_args": 1,  # table of Keras's layer arguments (data only)
    "torchkeras.saving.function_lookup": 1,   # Lambda's named functions; built-ins register
    "torchkeras.saving.weight_check": 1,      # the weight check every format runs on load
    "torchkeras.saving.builtin_objects": 1,   # built-in layers/losses/metrics/optimizers by name
    # 2 objects a layer is configured with; the data side (no model needed)
    "torchkeras.activations": 2,
    "torchkeras.initializers": 2,
    "torchkeras.regularizers": 2,
    "torchkeras.constraints": 2,
    "torchkeras.preprocessing": 2,
    "torchkeras.datasets": 2,
    "torchkeras.utils.dataset_utils": 2,
    "torchkeras.utils.history_plot": 2,
    # 3 the symbolic graph Layer builds on
    "torchkeras.graph": 3,
    # 4 layers
    "torchkeras.layers": 4,
    "torchkeras.mixed_precision.autocast": 4,
    # 5 what compile takes
    "torchkeras.losses": 5,
    "torchkeras.metrics": 5,
    "torchkeras.optimizers": 5,
    "torchkeras.mixed_precision": 5,          # LossScaleOptimizer wraps an optimizer
    # 6 services the training loop and Model use, written against any built model
    "torchkeras.callbacks": 6,
    "torchkeras.distribute": 6,
    "torchkeras.export": 6,
    # 7 engine: Model, Sequential, functional graphs, the training loop
    "torchkeras.engine": 7,
    # 8 model files, summaries and plots (they plug into Model: engine/extensions.py)
    "torchkeras.saving": 8,
    "torchkeras.saving.formats": 8,           # the table of file formats saving_api uses
    "torchkeras.utils": 8,
    "torchkeras.applications": 8,             # keras.applications: functional models + files
    # 9 compat: the tf namespace, the import finder, Keras 2 `K.*` functions
    "torchkeras.compat": 9,
    # 10 the public namespace and the command line
    "torchkeras": 10,
    "torchkeras.models": 10,
    "torchkeras.config": 10,                  # `keras.config`: re-exports settings
    "torchkeras.__main__": 10,
}

MAX_CYCLE = 3

# Modules whose imports inside functions may go without a reason (see the test below).
UNEXPLAINED_LATE_IMPORTS_ALLOWED: Set[str] = set()


def _modules() -> Dict[str, str]:
    modules = {}
    for dirpath, _, filenames in os.walk(ROOT):
        for filename in filenames:
            if filename.endswith(".py"):
                path = os.path.join(dirpath, filename)
                rel = os.path.relpath(path, os.path.dirname(ROOT))[:-3].replace(os.sep, ".")
                modules[rel[:-9] if rel.endswith(".__init__") else rel] = path
    return modules


def _targets(module: str, is_package: bool, node: ast.AST, modules: Dict[str, str]) -> List[str]:
    names = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".")
            if not is_package:
                parts = parts[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                 for alias in node.names]
    found = []
    for name in names:
        if not name.startswith("torchkeras"):
            continue
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in modules and name != module:
            found.append(name)
    return found


def _edges() -> Dict[str, Dict[str, int]]:
    """``{importer: {imported: line}}`` for every torchkeras import."""
    modules = _modules()
    edges: Dict[str, Dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, path.endswith("__init__.py"), node, modules):
                    edges[module].setdefault(target, node.lineno)
    return edges


def layer_of(module: str) -> int:
    name = module
    while name not in LAYERS or (name == "torchkeras" and module != "torchkeras"):
        if "." not in name:  # a new top-level module or package must be placed explicitly
            raise KeyError(f"{module} has no layer in tests/test_layering.py LAYERS: add it")
        name = name.rsplit(".", 1)[0]
    return LAYERS[name]


def _cycles(edges: Dict[str, Dict[str, int]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components = []
    for root in edges:
        if root in index:
            continue
        work: List[Tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = sorted(edges[node])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            for target in targets:
                if target in on_stack:
                    low[node] = min(low[node], low[target])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_every_module_has_a_layer():
    missing = []
    for module in _modules():
        try:
            layer_of(module)
        except KeyError as error:
            missing.append(str(error))
    assert not missing, "\n".join(missing)


def test_imports_go_downward_only():
    edges = _edges()
    upward = [f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)}) at line {line}"
              for a, targets in sorted(edges.items()) for b, line in sorted(targets.items())
              if layer_of(b) > layer_of(a)]
    assert not upward, "imports that go up the layering:\n" + "\n".join(upward)


def test_no_import_cycle_over_three_modules():
    edges = _edges()
    big = [c for c in _cycles(edges) if len(c) > MAX_CYCLE]
    lines = []
    for component in big:
        members = set(component)
        lines.append(f"cycle of {len(component)} modules:")
        lines += [f"  {a} -> {b} (line {line})" for a in component
                  for b, line in sorted(edges[a].items()) if b in members]
    assert not big, "\n".join(lines)


def test_imports_inside_functions_say_why():
    """An import inside a function is for a heavy or optional dependency, or a late hook
    within one layer; its line says which (``# optional: pydot``)."""
    silent = []
    for module, path in _modules().items():
        rel = os.path.relpath(path, os.path.dirname(ROOT)).replace(os.sep, "/")
        if rel in UNEXPLAINED_LATE_IMPORTS_ALLOWED:
            continue
        with open(path, encoding="utf-8") as f:
            source = f.read()
        lines = source.split("\n")
        for function in ast.walk(ast.parse(source, path)):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                silent += [f"{rel}:{node.lineno}: {lines[node.lineno - 1].strip()}"
                           for node in ast.walk(function)
                           if isinstance(node, (ast.Import, ast.ImportFrom))
                           and "#" not in lines[node.lineno - 1]]
    assert not silent, ("imports inside functions without a comment saying why (heavy, "
                        "optional, or late within a layer):\n" + "\n".join(sorted(set(silent))))


def test_the_checker_sees_upward_and_function_level_imports(tmp_path):
    source = "def f():\n    from torchkeras.engine import model\n"
    tree = ast.parse(source)
    modules = {"torchkeras.layers.core": "", "torchkeras.engine.model": "",
               "torchkeras.engine": ""}
    found = [t for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
             for t in _targets("torchkeras.layers.core", False, n, modules)]
    assert found == ["torchkeras.engine.model"]
    assert layer_of(found[0]) > layer_of("torchkeras.layers.core")
    relative = ast.parse("from ..engine import model\n").body[0]
    assert _targets("torchkeras.layers.core", False, relative, modules) == \
        ["torchkeras.engine.model"]
    with pytest.raises(KeyError, match="torchkeras.newpackage.module has no layer"):
        layer_of("torchkeras.newpackage.module")
    assert _cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"d": 1}, "d": {"a": 1}}) == \
        [["a", "b", "c", "d"]]
