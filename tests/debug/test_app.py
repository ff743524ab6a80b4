"""The prompt_toolkit app driven by pipe input, and the views that need no golden file.

Node ids change from run to run, so `ir`, `node` and `mode ir` are checked
here with patterns rather than in the transcripts.
"""

import io
import json
import re

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import myia_debug
from myia_debug import app, style
from myia_debug.__main__ import main
from myia_debug.commands import Debugger
from myia_debug.engine import Session
from myia_debug.layout import DebuggerCompleter, toolbar

from . import programs as P


@pytest.fixture
def pipe():
    with create_pipe_input() as inp:
        with create_app_session(input=inp, output=DummyOutput()):
            yield inp


def run_app(pipe, session, keys):
    """Run the app on `keys`; returns (app, lines written)."""
    ui = app.App(session, color=True, input=pipe, output=DummyOutput())
    lines = []
    ui.debugger.write = lambda text: (lines.append(text), ui.write(text))
    pipe.send_text(keys)
    status = ui.loop()
    return ui, lines, status


def test_app_steps_and_quits_on_ctrl_d(pipe):
    s = Session(P.straight, (1.5, 2.0))
    ui, lines, status = run_app(pipe, s, "n\rn\r\x04")
    assert status == 0
    assert s.location().line == 15
    assert lines[0].startswith("> programs.py(13)straight()")


def test_app_breakpoints_and_function_keys(pipe):
    s = Session(P.loop, (1.5, 3))
    ui, lines, _ = run_app(pipe, s, "b 32\rc\r\x1b[21~\x04")  # F10 is `next`
    assert s.points.breakpoints[0].hits == 1
    assert s.location().line == 30 and s.variables()["i"] == 1


def test_app_empty_line_repeats_and_history(pipe):
    s = Session(P.loop, (1.5, 3))
    ui, lines, _ = run_app(pipe, s, "n\r\r\r\x04")
    assert s.pos == 6  # s = 0.0 (#0), for (#2), t = x * i (#5), s = s + t (#6)
    assert list(ui.prompt_session.history.load_history_strings())[0] == "n"


def test_app_quit_status_after_error(pipe):
    s = Session(P.failing, (1.0,))
    ui, lines, status = run_app(pipe, s, "c\rq\r")
    assert status == 1 and s.phase == "pm"


def test_completion_offers_commands_variables_and_functions():
    from prompt_toolkit.document import Document

    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.next()
    d = Debugger(s, lambda t: None)
    comp = DebuggerCompleter(d)

    def complete(text):
        return {c.text for c in comp.get_completions(Document(text), None)}

    assert {"reverse-step", "reverse-next"} <= complete("reverse-")
    assert "x" in complete("p ") and "a" in complete("p ")
    assert complete("b s") == {"sq", "straight"}
    assert complete("set st") == {"stop-at-boundary", "sticky"}
    assert complete("set sticky o") == {"on", "off"} and complete("set context ") == set()
    assert complete("mode i") == {"ir"} and complete("mode ir ") == set()
    assert complete("catch n") == {"nan", "nonfinite"} and complete("catch nan b") == {"bwd", "both"}
    assert complete("help wh") == {"whatis", "where"}
    assert {"programs.py:13", "programs.py:16"} <= complete("b programs.py:1")
    assert complete("p x + ") >= {"x", "y", "a"} and complete("p (x + a") == {"adj"}
    assert complete("p max(x, y) * n") == {"np"}
    assert "phase" not in toolbar(d) and "step #1/" in toolbar(d)


def test_styled_lines_highlight_code():
    frags = style.styled("-> c = b + x")
    assert frags[0] == ("class:arrow", "-> ")
    assert ("class:pygments.operator", "=") in frags
    listing = style.styled(" 14 B->\t    b = sq(a) + x")
    assert ("class:breakpoint", "B") in listing
    assert style.styled("*** oops")[0][0] == "class:error"


def batch_lines(fn, args, commands, grad=None):
    s = Session(fn, args, grad=grad)
    out = io.StringIO()
    status = app.batch(s, [], io.StringIO("".join(c + "\n" for c in commands)), out)
    return status, out.getvalue().splitlines()


def test_ir_listing_marks_the_current_node_with_values():
    _, lines = batch_lines(P.straight, (1.5, 2.0), ["n", "ir"])
    text = "\n".join(lines)
    assert "graph straight(x, y)" in text
    assert re.search(r"->%\d+ = @sq\(%\d+\)", text)  # the node about to run
    assert re.search(r"%\d+ = mul\(x, y\)\s+# a  line 13  = 3.0", text)


def test_node_view_and_mode_ir():
    _, lines = batch_lines(P.straight, (1.5, 2.0), ["n", "n", "node", "mode both", "s"])
    text = "\n".join(lines)
    assert re.search(r"%\d+ = add\(%\d+, x\)", text)
    assert re.search(r"input 0: b \(%\d+\) = 10.5", text)
    assert "location: programs.py:15" in text and "name: c" in text
    assert re.search(r"-> %\d+ = mul\(%\d+, 2.0\)\s+\[straight #6\]", text)


def test_ir_of_the_gradient_program_and_dot(tmp_path):
    path = tmp_path / "g.dot"
    _, lines = batch_lines(P.straight, (1.5, 2.0), ["ir --stage grad", f"dot {path} --stage grad"],
                           grad=(0,))
    assert "graph grad(straight)" in "\n".join(lines)
    assert path.read_text().startswith("digraph myia {")


def test_trace_file_has_one_json_object_per_step(tmp_path, monkeypatch):
    trace = tmp_path / "t.jsonl"
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    assert main([P.__file__, "straight", "1.5", "2.0", "--norc", "--trace", str(trace)]) == 0
    rows = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["kind"] for r in rows} == {"call", "node", "return"}
    assert rows[-1]["value"] == "24.0"


def test_ascii_mode_spells_adjoints_without_unicode(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("bwd\ngrad x\n"))
    main([P.__file__, "straight", "1.5", "2.0", "--norc", "--ascii", "--grad"])
    out = capsys.readouterr().out
    assert "d(c * 2.0) = 1.0  ->  d(c) += 2.0" in out and "d(out)/d(x) = 28.0" in out
    assert "∂" not in out


def test_usage_errors_exit_with_2(capsys):
    assert main(["/nonexistent.py", "f"]) == 2
    assert main([P.__file__, "nosuch"]) == 2
    assert main([P.__file__, "straight", "1.5", "oops("]) == 2
    assert main([P.__file__, "straight", "1.5", "2.0", "--grad", "x"]) == 2
    assert main([P.__file__, "straight", "1.5", "2.0", "--grad", "2"]) == 2  # argnum range
    assert main([P.__file__, "straight", "1.5", "2.0", "--grad", "-3"]) == 2
    assert main([P.__file__, "straight", "1.5"]) == 2  # argument count
    assert main([P.__file__, "straight", "1.5", "2.0", "3.0"]) == 2
    from . import gradprogs as G

    assert main([G.__file__, "no_arguments", "--grad"]) == 2
    err = capsys.readouterr().err
    assert "--grad 2: straight() takes 2 arguments" in err
    assert "missing a required argument: 'y'" in err and "takes no arguments" in err
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


def test_rc_files_are_read_unless_norc(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".myia-debugrc").write_text("b 15\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    main([P.__file__, "straight", "1.5", "2.0"])
    assert "Breakpoint 1 at programs.py:15, hit 1" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    main([P.__file__, "straight", "1.5", "2.0", "--norc"])
    assert "Breakpoint" not in capsys.readouterr().out


def test_debug_function_runs_batch_on_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("n\np a\nc\n"))
    assert myia_debug.debug(P.straight, 1.5, 2.0, grad=0) == 0
    out = capsys.readouterr().out
    assert "(myia fwd) p a\n3.0" in out and "(24.0, (28.0,))" in out


def test_stepi_under_grad_shows_the_users_operation_not_the_machinery():
    from . import gradprogs as G

    _, lines = batch_lines(G.logs, (3.0, 2.0), ["si", "si", "si", "rsi", "ni"], grad=(0,))
    nexts = [line for line in lines if "next:" in line]
    # One step over the forward wrapper of mul: never inside J(mul)/find_dunder.
    assert re.fullmatch(r"   next: %\d+ = getitem\(%\d+, 0\)  \[x \* y at gradprogs.py:28\]",
                        nexts[0])
    assert re.fullmatch(r"   next: %\d+ = @J\(sub\)\(%\d+, 4.0\)  \[a - 4.0 at gradprogs.py:29\]",
                        nexts[2])
    assert not any("find_dunder" in line or "J(mul)()" in line for line in lines)
    headers = [line for line in lines if line.startswith(">")]
    assert all(h.startswith("> gradprogs.py(2") and "logs()" in h for h in headers)
    # The forward wrapper runs as one VM step (#2 -> #3, not the 9 steps of its
    # nodes); rsi/ni: one user node back and forth.
    assert [h.split("[")[1] for h in headers] == [
        "fwd #2]", "fwd #3]", "fwd #4]", "fwd #5]", "fwd #4]", "fwd #5]"]


def test_trace_file_under_grad_has_no_stop_in_the_grad_wrapper(tmp_path, monkeypatch):
    from . import gradprogs as G

    trace = tmp_path / "t.jsonl"
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    assert main([G.__file__, "logs", "3.0", "2.0", "--grad", "--norc", "--trace",
                 str(trace)]) == 0
    rows = [json.loads(line) for line in trace.read_text().splitlines()]
    wrapper = [r for r in rows if r["graph"] == "grad(logs)"]
    assert wrapper and all(r["line"] is None and not r["stop"] for r in wrapper)
    stops = [(r["phase"], r["line"]) for r in rows if r["stop"]]
    assert stops == [("fwd", 28), ("fwd", 29), ("fwd", 30), ("fwd", 30),  # return stop
                     ("bwd", 30), ("bwd", 29), ("bwd", 28), ("bwd", 27)]  # bwd ends at def
