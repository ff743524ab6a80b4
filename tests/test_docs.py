"""The README and docs/: their code runs, their links resolve, and the
reference lists what the code supports (so neither can drift)."""

import builtins
import importlib.util
import math
import pathlib
import re

import numpy as np
import pytest

import myia
from myia.prims.array_extra import METHODS
from myia.stdlib import CONVERTERS

from .notebook import Notebook

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), re.S | re.M)


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_code_block_runs_as_written(path, capsys):
    """Blocks of one file run in order in one namespace, as notebook cells."""
    nb = Notebook()
    for block in python_blocks(path):
        nb.run(block)
    if path.name == "README.md":
        assert len(python_blocks(path)) >= 2
        assert "f:" in capsys.readouterr().out  # the printed IR listing


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_links_resolve_inside_the_repository(path):
    text = path.read_text()
    assert "shared/" not in text and "SPEC.md" not in text
    targets = re.findall(r"\]\(([\w./-]+\.\w+)(?:#[^)]*)?\)", text)
    assert targets or path.name == "debugger.md"
    for target in targets:
        assert (path.parent / target).exists(), target


def test_readme_links_every_document():
    readme = (ROOT / "README.md").read_text()
    for doc in (ROOT / "docs").glob("*.md"):
        assert f"(docs/{doc.name})" in readme, doc.name


def test_debugger_reference_is_generated_from_the_command_table():
    spec = importlib.util.spec_from_file_location("debugger_doc",
                                                  ROOT / "tools" / "debugger_doc.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert (ROOT / "docs" / "debugger.md").read_text() == tool.render(), \
        "run: python tools/debugger_doc.py --write"
    from myia_debug.commands import Debugger
    text = (ROOT / "docs" / "debugger.md").read_text()
    for name in Debugger(None, print).names():
        assert f"**{name}" in text or f" / {name}**" in text or f" / {name} /" in text, name


def spelling(fn):
    if fn is np.linalg.norm:
        return "np.linalg.norm"
    if getattr(builtins, fn.__name__, None) is fn:
        return fn.__name__
    if getattr(math, fn.__name__, None) is fn:
        return "math." + fn.__name__
    return "np." + fn.__name__


def test_the_language_reference_lists_every_supported_function():
    text = (ROOT / "docs" / "language.md").read_text()
    missing = [spelling(f) for f in CONVERTERS if f"`{spelling(f)}" not in text]
    assert not missing, missing
    missing = [m for m in METHODS if f"x.{m}(" not in text]
    assert not missing, missing
    for cls in (myia.MyiaSyntaxError, myia.MyiaNameError, myia.MyiaTypeError,
                myia.MyiaShapeError, myia.MyiaRecursionError, myia.MyiaError):
        assert f"| `{cls.__name__}` |" in text, cls.__name__
