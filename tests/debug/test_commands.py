"""Golden transcripts of batch sessions (tests/debug/transcripts/*.txt).

A transcript starts with the command line (`# myia-debug ARGS`) and the
expected exit status (`# status: N`), then holds the session exactly as
batch mode prints it: every input line echoed after its prompt.  The inputs
are read back from the prompts, the session is replayed in-process, and the
output must match.  `MYIA_UPDATE_TRANSCRIPTS=1` rewrites the files from the
replay (review the diff!).
"""

import io
import os
import pathlib
import re
import shlex
import sys

import pytest

from myia_debug.__main__ import main

HERE = pathlib.Path(__file__).parent
TRANSCRIPTS = sorted((HERE / "transcripts").glob("*.txt"))
PROMPT = re.compile(r"^(\(myia \w+(?: grad\(\w+\))?\) |\(com\) |>>> |\.\.\. |Clear all breaks\? )(.*)$")


def read(path):
    lines = path.read_text().splitlines()
    argv = shlex.split(lines[0].removeprefix("# myia-debug "))
    status = int(lines[1].removeprefix("# status: "))
    inputs = [m.group(2) for m in map(PROMPT.match, lines[2:]) if m]
    return argv, status, inputs, lines[2:]


def replay(argv, inputs, monkeypatch, capsys):
    monkeypatch.chdir(HERE)
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(i + "\n" for i in inputs)))
    monkeypatch.setenv("NO_COLOR", "1")
    status = main(argv)
    out = capsys.readouterr().out.replace(f"{HERE}{os.sep}", "")
    return status, out.splitlines()


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path, monkeypatch, capsys):
    argv, status, inputs, expected = read(path)
    got_status, got = replay(argv, inputs, monkeypatch, capsys)
    if os.environ.get("MYIA_UPDATE_TRANSCRIPTS"):
        head = path.read_text().splitlines()[0]
        path.write_text("\n".join([head, f"# status: {got_status}", *got]) + "\n")
        return
    assert got == expected
    assert got_status == status


def test_enough_transcripts():
    assert len(TRANSCRIPTS) >= 25


LOOK = ["locals", "history u", "explain u", "n"]
AGREE = [  # (direct `--grad` session, the same function's grad called in a program,
    # commands, backward line stops before the return)
    ("total 2.0", "total_step 2.0", ["b 59", "c", "grad u", "explain u", "p adj('v')", "c",
                                     *LOOK, "history v", *LOOK], 2),
    ("powers 2.0 3", "powers_step 2.0", ["b 109 bwd", "c", *(["history t", *LOOK] * 6)], 6),
    ("sumsq 2.0 3", "sumsq_step 2.0", ["b 121 bwd", "c", *(["history s", *LOOK] * 3)], 3),
    ("net 0.5 3.0 3", "net_step 0.5 3.0", ["b 21 bwd", "c", "locals", "history r", "explain h",
                                           *(["s", "locals", "explain w"] * 4)], 4),
]


def _backward(lines):
    """The lines from the first breakpoint hit to the backward return stop, with step
    numbers and the `grad(f)` tag of a grad call in the program left out."""
    start = next(i for i, line in enumerate(lines) if line.startswith("Breakpoint 1 at"))
    end = next(i for i, line in enumerate(lines) if line.startswith("--Return--"))
    return [re.sub(r" grad\(\w+\)|#\d+ *", "", line) for line in lines[start:end + 3]]


@pytest.mark.parametrize("direct, inner, inputs, stops", AGREE,
                         ids=[a[0].split()[0] for a in AGREE])
def test_grad_in_program_agrees_with_direct(direct, inner, inputs, stops, monkeypatch, capsys):
    """At the stops of `g = myia.grad(f)(u)` under --grad, values, adjoints,
    histories and uses are those of a `--grad` session of f itself, backwards
    once per loop iteration (they were AD's values of the backpropagator's
    forward graph, and a one-line loop body stopped once)."""
    outs = []
    for args in (direct, inner):
        argv = ["gradprogs.py", *args.split(), "--grad", "--norc"]
        outs.append(_backward(replay(argv, inputs + ["q"], monkeypatch, capsys)[1]))
    assert outs[0] == outs[1]
    assert sum(line.startswith("<- ") for line in outs[0]) == stops + 1  # and the return
