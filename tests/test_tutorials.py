"""Every tutorial runs as a script, writes the plots it promises, and opens as a notebook.

Each tutorial is executed in a fresh interpreter, as `python tutorials/NAME.py`
with a headless matplotlib backend, in an empty working directory, writing
its files to a temporary `MYIA_TUTORIAL_OUT`.  Tutorial 3 is run a second
time with no Graphviz `dot` on the PATH: it must skip its pictures with a
note, not fail.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

import jupytext
import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The PNG files each tutorial promises in its text.
PLOTS = {
    "03_how_myia_works": ("ir_g.png", "ir_loop.png", "ir_grad.png", "ir_grad_opt.png"),
    "04_training": ("mlp_moons.png", "rnn_sine.png"),
    "07_speed": ("speed.png",),
}
NEEDS_DOT = {"03_how_myia_works"}


def run_tutorial(path, out, path_env=None):
    env = dict(os.environ, MPLBACKEND="Agg", MYIA_TUTORIAL_OUT=str(out), NO_COLOR="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if path_env is not None:
        env["PATH"] = path_env
    proc = subprocess.run([sys.executable, str(path)], cwd=out, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


def test_the_tutorials_are_there():
    numbers = [int(p.name[:2]) for p in TUTORIALS]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 6


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs(path, tmp_path):
    stdout = run_tutorial(path, tmp_path)
    promised = PLOTS.get(path.stem, ())
    if path.stem in NEEDS_DOT and shutil.which("dot") is None:
        assert "'dot' is not installed" in stdout
        promised = ()
    for name in promised:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 2000, name
        assert f"wrote {tmp_path / name}" in stdout
    assert stdout.strip(), "a tutorial prints what it computes"


def test_pictures_are_skipped_without_dot(tmp_path):
    bin_dir = tmp_path / "bin"  # an empty PATH: no `dot` on it
    bin_dir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    stdout = run_tutorial(ROOT / "tutorials" / "03_how_myia_works.py", out, path_env=str(bin_dir))
    for name in PLOTS["03_how_myia_works"]:
        assert f"skipped {name}: the Graphviz program 'dot' is not installed" in stdout
        assert not (out / name).exists()


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_opens_as_notebook(path):
    notebook = jupytext.read(path)
    nbformat.validate(notebook)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= 4 and kinds.count("code") >= 4
    title = notebook.cells[0].source.splitlines()[0]
    assert re.fullmatch(rf"# {int(path.name[:2])}\. .+", title), title
    # The notebook holds the script's code, cell by cell, nothing lost.
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            assert line in code, line


def test_readme_links_the_tutorials_in_order():
    readme = (ROOT / "README.md").read_text()
    linked = re.findall(r"\(tutorials/(\d\d_\w+\.py)\)", readme)
    assert linked == [p.name for p in TUTORIALS]
    index = (ROOT / "tutorials" / "README.md").read_text()
    assert re.findall(r"\((\d\d_\w+\.py)\)", index) == [p.name for p in TUTORIALS]
    assert "jupytext --to notebook" in index
