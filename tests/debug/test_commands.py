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
