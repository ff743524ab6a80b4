"""The interactive debugger in a real pseudo-terminal (pexpect).

Each test starts `python -m myia_debug` on a pty, so prompt_toolkit runs for
real: key handling, completion, history, Ctrl-C and Ctrl-D.  Output carries
escape sequences, so the tests match on plain fragments of it; the prompt is
expected before each input line, as a user would wait for it.
"""

import os
import pathlib
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROGRAMS = str(pathlib.Path(__file__).parent / "programs.py")
F10 = "\x1b[21~"
UP = "\x1b[A"


def spawn(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "myia_debug", PROGRAMS, *args, "--norc"],
                          env=env, encoding="utf-8", timeout=15, dimensions=(40, 140))
    return child


def prompt(child, phase="fwd"):
    child.expect(rf"\(myia {phase}\)")


def command(child, line, phase="fwd"):
    prompt(child, phase)
    child.sendline(line)


def finish(child, status=0):
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status


def test_prompt_appears_with_the_first_line_and_quit():
    child = spawn("loop", "1.5", "3")
    child.expect(r"programs.py\(29\)loop\(\)")  # `s = 0.0`, as pdb
    command(child, "q")
    finish(child)


def test_stepping_shows_each_line():
    child = spawn("straight", "1.5", "2.0")
    command(child, "s")
    child.expect(r"\(14\)straight")
    command(child, "s")
    child.expect(r"\(9\)sq")
    command(child, "n")
    child.expect(r"--Return-- 9\.0")  # pdb's return event, still in sq
    child.expect(r"\(9\)sq")
    command(child, "n")
    child.expect(r"\(15\)straight")
    command(child, "q")
    finish(child)


def test_breakpoint_hit():
    child = spawn("loop", "1.5", "3")
    command(child, "b 32")
    child.expect("Breakpoint 1 at programs.py:32")
    command(child, "c")
    child.expect("Breakpoint 1 at programs.py:32, hit 1")
    command(child, "p i + 100")
    child.expect("100")
    command(child, "q")
    finish(child)


def test_reverse_stepping():
    child = spawn("loop", "1.5", "3")
    for _ in range(4):
        command(child, "n")
    child.expect(r"\[fwd #9\]")
    command(child, "rs")
    child.expect(r"\(32\)loop\(\) \[fwd #6\]")
    command(child, "goto 0")
    child.expect(r"\[fwd #0\]")
    command(child, "q")
    finish(child)


def test_nan_catch():
    child = spawn("nan_maker", "0.5", "--break-on", "nan")
    command(child, "c")
    child.expect("Catch nan: ")
    child.expect("log")
    child.expect(r"\(45\)nan_maker")
    command(child, "q")
    finish(child)


def test_ctrl_c_interrupts_an_endless_loop():
    child = spawn("forever", "1.0")
    command(child, "c")
    time.sleep(0.5)  # the user loop runs
    child.sendintr()
    child.expect("Interrupted")
    command(child, "p x > 1.0")
    child.expect("True")
    command(child, "q")
    finish(child)


def test_tab_completes_commands_and_variables():
    child = spawn("long_names", "1.5")
    command(child, "n")
    prompt(child)
    # The terminal redraws only what changed, so each completion is checked
    # by what the completed command does (the bare prefix would fail).
    child.send("wher\t")
    time.sleep(0.3)
    child.send("\r")
    child.expect(r"long_names\(\) \[fwd\]")
    prompt(child)
    child.send("p 1 + beta_v\t")  # a name inside an expression
    time.sleep(0.3)
    child.send("\r")
    child.expect("4.0")  # `beta_v` alone would be a NameError
    command(child, "q")
    finish(child)


def test_tab_completes_command_arguments():
    child = spawn("long_names", "1.5", "--no-color")
    prompt(child)
    child.send("mode i\t")
    time.sleep(0.3)
    child.send("\r")
    command(child, "n")
    child.expect(r"-> %\d+ = add\(%\d+, 1.0\)")  # IR view: `mode i` alone would be refused
    command(child, "q")
    finish(child)


def test_history_with_up_arrow():
    child = spawn("straight", "1.5", "2.0")
    command(child, "p 20 + 22")
    child.expect("42")
    prompt(child)
    child.send(UP)
    child.expect("20 \\+ 22")
    child.send("\r")
    child.expect("42")
    command(child, "q")
    finish(child)


def test_function_key_runs_next():
    child = spawn("straight", "1.5", "2.0")
    prompt(child)
    child.send(F10)
    child.expect(r"\(14\)straight")
    command(child, "q")
    finish(child)


def test_error_gives_exit_status_1():
    child = spawn("failing", "1.0")
    command(child, "c")
    child.expect("MyiaTypeError")
    command(child, "p a", "pm")
    child.expect("2.0")
    command(child, "q", "pm")
    finish(child, 1)


def test_ctrl_d_quits():
    child = spawn("straight", "1.5", "2.0")
    prompt(child)
    child.sendcontrol("d")
    finish(child)


def test_backward_stepping():
    child = spawn("straight", "1.5", "2.0", "--grad", "0,1")
    command(child, "bwd")
    child.expect(r"\[bwd #\d+\]")
    command(child, "n", "bwd")
    child.expect(r"\(15\)straight\(\) \[bwd")
    child.expect("∂c = 2.0")
    command(child, "grad x", "bwd")
    child.expect("28.0")
    command(child, "q", "bwd")
    finish(child)
