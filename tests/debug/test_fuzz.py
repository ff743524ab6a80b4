"""Random command lines never kill a session: every failure is one `***` line."""

import os
import re
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myia_debug.commands import Debugger, Quit
from myia_debug.engine import Session

from . import gradprogs as G
from . import programs as P

PROGRAMS = [(P.straight, (1.5, 2.0)), (P.loop, (1.5, 3)), (P.fact, (3,)),
            (P.nan_maker, (0.5,)), (P.failing, (1.0,)), (P.branch, (-1.0,)),
            (G.quiet, (1.5,)), (G.train, (0.5, 3.0)), (G.net, (0.5, 1.0, 2))]
WORDS = ["s", "n", "r", "c", "unt", "si", "ni", "rs", "rn", "rsi", "rc", "rfinish",
         "goto", "timeline", "b", "tbreak", "cl", "disable", "enable", "ignore", "condition",
         "catch", "uncatch", "watch", "unwatch", "p", "pp", "a", "locals", "rv", "whatis",
         "stats", "history", "display", "undisplay", "grad", "explain", "gradcheck", "seed",
         "w", "u", "d", "f", "l", "ll", "source", "ir", "node", "mode", "help", "alias",
         "unalias", "set", "show", "exceptions", "restart", "bwd", "j", "interact", "commands",
         "!", "dot", "script", ""]
ARGS = ["", "1", "0", "-1", "32", "14", "x", "a", "i", "s", "%3", "sq", "straight",
        "programs.py:15", "nan", "error", "bwd", "fwd", "if i > 1", "1/0", "(", "adj('x')",
        "∂x", "$_step", "--stage", "grad", "on", "off", "context", "precision", "99999",
        "np.ones(3)", "x y z", "'", "\\", ",", "zz:7", "history", "r", "87"]

line = st.builds(lambda w, a, b: f"{w} {a} {b}".strip(),
                 st.sampled_from(WORDS), st.sampled_from(ARGS), st.sampled_from(ARGS))


@settings(max_examples=int(os.environ.get("MYIA_FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PROGRAMS), st.booleans(), st.lists(line, max_size=12))
def test_random_commands_never_kill_the_session(program, grad, lines):
    fn, args = program
    out = []
    session = Session(fn, args, grad=(0,) if grad and fn is not P.failing else None)
    dbg = Debugger(session, out.append)
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)  # `save` and `dot` write files
        try:
            dbg.show_stop(session.begin())
            for text in lines:
                try:
                    dbg.onecmd(text)
                except Quit:
                    break
                assert re.fullmatch(r"\(myia (fwd|bwd|done|pm)( grad\(\w+\))?\) ", dbg.prompt)
        finally:
            os.chdir(cwd)
    # Errors of our own (not of the user's expressions) would show as these.
    internal = ("*** AttributeError", "*** KeyError", "*** IndexError", "*** TypeError",
                "*** UnboundLocalError", "*** AssertionError", "*** RecursionError")
    assert not [o for o in out if o.startswith(internal)], out
