"""Imports point one way (DESIGN.md section 9)."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Each layer may import only from layers to its left.
ORDER = ["ir", "errors", "abstract", "types", "prims", "stdlib", "parse", "grad", "calls", "contexts", "infer",
         "opt", "vm", "pipeline", "api"]


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield 0, a.name


def layer_of(path):
    rel = path.relative_to(ROOT / "myia").parts
    name = rel[0].removesuffix(".py")
    return name if name in ORDER else None


def test_myia_never_imports_myia_debug():
    for path in (ROOT / "myia").rglob("*.py"):
        for _, mod in imports_of(path):
            assert not mod.startswith("myia_debug"), path


def test_layers_import_only_to_their_left():
    for path in (ROOT / "myia").rglob("*.py"):
        layer = layer_of(path)
        if layer is None:
            continue
        pkg = path.relative_to(ROOT).parent.parts
        for level, mod in imports_of(path):
            if level == 0:
                if not mod.startswith("myia."):
                    continue
                target = mod.split(".")[1]
            else:
                base = list(pkg[: len(pkg) - (level - 1)])
                full = base + (mod.split(".") if mod else [])
                if len(full) < 2:
                    continue
                target = full[1]
            if target in ORDER and target != layer:
                assert ORDER.index(target) < ORDER.index(layer), \
                    f"{path.relative_to(ROOT)} ({layer}) imports {target}"
