"""`myia_debug` uses Myia only through the debug VM, the IR, AD's grad_graph,
inference (the types `whatis` shows) and public names."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "myia_debug"
ALLOWED = {"myia", "myia.ir", "myia.vm.debug", "myia.grad", "myia.infer", "myia.types"}


def test_myia_debug_imports_only_the_public_surface():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                mods = [node.module]
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            else:
                continue
            for mod in mods:
                if mod == "myia" or mod.startswith("myia."):
                    assert mod in ALLOWED, f"{path.name} imports {mod}"
