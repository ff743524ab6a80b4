"""Stepping semantics of the engine, without any terminal."""

import numpy as np
import pytest

import myia
from myia_debug.adjoints import recorded_adjoint
from myia_debug.engine import DebugError, Session
from myia_debug.horizon import trim

from . import programs as P


def where(s, stop=None):
    """(function, line) of the current stop."""
    loc = s.location(s.pos, stop.node if stop else None)
    return s.current_frame()[0].name, loc.line


def lines_of(s, move):
    out = []
    while not s.finished or s.pos < s.end:
        stop = move()
        if "finished" in stop.reasons:
            break
        out.append(where(s, stop) + (("return",) if stop.returned else ()))
    return out


def test_begin_stops_at_the_first_line():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    assert where(s) == ("straight", 13)
    assert s.phase == "fwd"


def test_step_enters_calls():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    assert lines_of(s, s.step) == [("straight", 14), ("sq", 9), ("sq", 9, "return"),
                                   ("straight", 15), ("straight", 16),
                                   ("straight", 16, "return")]
    assert s.result == P.straight(1.5, 2.0)


def test_next_steps_over_calls():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    assert lines_of(s, s.next) == [("straight", 14), ("straight", 15), ("straight", 16),
                                   ("straight", 16, "return")]


def test_branches_fold_into_the_function():
    s = Session(P.branch, (-2.0,))
    s.begin()
    assert lines_of(s, s.step) == [("branch", 23), ("branch", 24), ("branch", 25, "return")]
    assert len(s.stack()) == 0 and s.phase == "done"


def test_loop_iterations_and_variables():
    s = Session(P.loop, (1.5, 3))
    s.begin()
    assert where(s)[1] == 29 and "s" not in s.variables()  # before `s = 0.0` runs
    s.next()
    assert s.variables()["s"] == 0.0  # a name bound to a constant is a variable
    s.reverse_step()
    seen = []
    while True:
        stop = s.next()
        if "finished" in stop.reasons:
            break
        seen.append((where(s)[1], s.variables().get("i")))
    # The first stop is `s = 0.0` (no node: a quiet statement's stop, before
    # the loop runs); `return s` is a return stop.
    assert seen == [(30, 0), (31, 0), (32, 0), (30, 1), (31, 1), (32, 1), (30, 2),
                    (31, 2), (32, 2), (30, 3), (33, 3)]
    assert len(s.stack()) == 0


def test_finish_returns_the_value():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.step()
    s.step()
    assert where(s) == ("sq", 9)
    stop = s.finish()  # pdb's return event: still in the function, at its return
    assert stop.returned and stop.retval == 9.0
    assert where(s) == ("sq", 9)
    stop = s.finish()  # from there: the caller's return
    assert stop.returned and stop.retval == 24.0 and where(s) == ("straight", 16)


def test_until_leaves_the_loop():
    s = Session(P.while_loop, (3.0,))
    s.begin()
    assert where(s)[1] == 77  # `n = 0`: a stop although it computes nothing
    s.next()
    s.next()
    s.next()
    assert where(s)[1] == 80
    s.until()
    assert where(s)[1] == 81
    assert s.variables()["x"] == 192.0


def test_recursion_gives_one_frame_per_level():
    s = Session(P.fact, (3,))
    s.begin()
    depths = []
    while True:
        stop = s.step()
        if "finished" in stop.reasons:
            break
        depths.append((where(s), len(s.stack()), s.variables().get("n")))
    assert (("fact", 37), 3, 1) in depths
    assert max(d for _, d, _ in depths) == 3
    assert s.result == 6.0


def test_finish_in_recursion_returns_one_level():
    s = Session(P.fact, (3,))
    s.begin()
    b = s.points.add_breakpoint("line", file=P.__file__, line=37, cond="n == 1")
    stop = s.cont()
    assert stop.hits == [b] and s.variables()["n"] == 1
    stop = s.finish()
    assert stop.retval == 1.0 and len(s.stack()) == 3 and s.variables()["n"] == 1
    stop = s.finish()
    assert stop.retval == 2.0 and len(s.stack()) == 2 and s.variables()["n"] == 2


def test_line_breakpoint_condition_ignore_and_temporary():
    s = Session(P.loop, (1.5, 4))
    s.begin()
    b = s.points.add_breakpoint("line", file=P.__file__, line=32, cond="i >= 1")
    s.cont()
    assert s.variables()["i"] == 1
    b.ignore = 1
    s.cont()
    assert s.variables()["i"] == 3
    s.points.breakpoints.clear()
    s.restart()
    s.begin()
    s.points.add_breakpoint("line", file=P.__file__, line=31, temporary=True)
    s.cont()
    assert where(s)[1] == 31 and not s.points.breakpoints
    assert "finished" in s.cont().reasons


def test_function_and_node_breakpoints():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.points.add_breakpoint("func", func=myia.ir(P.sq), file=P.__file__, line=9)
    s.cont()
    assert where(s) == ("sq", 9)
    s.restart()
    s.begin()
    node = next(n for n in s.trace.frame_at(s.pos).nodes if n.loc and n.loc.line == 15)
    s.points.add_breakpoint("node", node_id=node.id)
    s.points.breakpoints.pop(0)
    s.cont()
    assert s.trace.next_node(s.pos) is node


def test_disabled_breakpoint_does_not_fire():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    b = s.points.add_breakpoint("line", file=P.__file__, line=15)
    b.enabled = False
    assert "finished" in s.cont().reasons


def test_catch_nan_stops_at_its_origin():
    s = Session(P.nan_maker, (0.5,))
    s.begin()
    s.points.add_catch("nan")
    stop = s.cont()
    assert stop.catch is not None and np.isnan(stop.catch[1].value)
    assert s.location(stop.pos, stop.node).line == 45
    assert "finished" in s.cont().reasons  # c = b * 2 has a NaN input: no new catch


def test_error_is_post_mortem():
    s = Session(P.failing, (1.0,))
    s.begin()
    stop = s.cont()
    assert "error" in stop.reasons and s.phase == "pm"
    assert isinstance(s.error, myia.MyiaError)
    assert s.location(stop.pos, stop.node).line == 52
    assert s.variables()["a"] == 2.0
    with pytest.raises(DebugError):
        s.step()
    s.reverse_step()
    assert s.phase == "fwd"


@pytest.mark.parametrize("grad", [None, (0,)])
def test_a_wrong_unpacking_with_unread_names_is_post_mortem_at_its_line(grad):
    s = Session(P.unread_unpacking, (1.5,), grad=grad)
    s.begin()
    stop = s.cont()
    assert "error" in stop.reasons and s.phase == "pm"
    assert "cannot unpack 3 values into 2 names" in s.error.message
    line = P.unread_unpacking.__code__.co_firstlineno + 2
    assert s.location(stop.pos, stop.node).line == s.error.location.line == line
    assert s.variables()["a"] == 3.0


def test_watch_reports_new_versions():
    s = Session(P.loop, (1.5, 3))
    s.begin()
    s.points.add_watch("s", myia.ir(P.loop))
    values = []
    while True:
        stop = s.cont()
        if "finished" in stop.reasons:
            break
        values += [new for _, _, new in stop.changes]
    # s = 0.0 + 0.0 * 1.5 is a new version (0.0 -> 0.0); the loop header
    # receiving the value `s = 0.0` bound is not.
    assert values == [0.0, 1.5, 4.5]


def test_time_travel_is_exact():
    s = Session(P.loop, (1.5, 3))
    s.begin()
    forward = []
    for _ in range(5):
        s.next()
        forward.append((s.pos, where(s), dict(s.variables())))
    for pos, w, vs in reversed(forward[:-1]):
        s.reverse_next()
        assert (s.pos, where(s), s.variables()) == (pos, w, vs)
    s.goto(forward[-1][0])
    assert s.variables() == forward[-1][2]
    s.reverse_stepi()
    assert s.pos == forward[-1][0] - 1
    s.goto(forward[-1][0] + 1000)
    assert s.finished


def test_reverse_step_and_reverse_finish_in_a_call():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.step()
    call_pos = s.pos
    s.step()
    s.step()
    s.step()
    assert where(s) == ("straight", 15)
    stop = s.reverse_step()  # back to sq's return stop, then its line
    assert where(s) == ("sq", 9) and stop.returned and stop.retval == 9.0
    assert not s.reverse_step().returned and where(s) == ("sq", 9)
    s.reverse_finish()
    assert s.pos == call_pos and where(s) == ("straight", 14)


def test_reverse_continue_goes_back_to_the_last_hit():
    s = Session(P.loop, (1.5, 3))
    s.begin()
    s.points.add_breakpoint("line", file=P.__file__, line=32)
    s.cont()
    first = s.pos
    s.cont()
    s.next()
    s.reverse_cont()
    assert s.pos != first and where(s)[1] == 32 and s.variables()["i"] == 1
    assert s.points.breakpoints[0].hits == 2


def test_closure_sees_enclosing_variables():
    s = Session(P.closure, (2.0,))
    s.begin()
    while where(s)[0] != "g":
        s.step()
    assert s.variables()["k"] == 6.0 and s.variables()["u"] == 2.0


def test_expressions_and_convenience_variables():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.next()
    assert s.evaluate("a + np.sqrt(4.0)") == 5.0
    assert s.evaluate("$_step") == s.pos and s.evaluate("$_phase") == "fwd"
    assert s.evaluate("isfinite(a)")


def test_finite_difference_gradient_of_a_variable():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.next()
    s.next()
    assert s.evaluate('adj("a")') == pytest.approx(2 * 2 * 3.0, rel=1e-6)


@pytest.mark.parametrize("fn,args,argnums", [
    (P.straight, (1.5, 2.0), (0, 1)),
    (P.loop, (1.5, 4), (0,)),
    (P.branch, (-2.0,), (0,)),
    (P.fact, (4.0,), (0,)),
])
def test_backward_pass_matches_myia_grad(fn, args, argnums):
    s = Session(fn, args, grad=argnums)
    s.begin()
    s.backward()
    assert s.phase == "bwd"
    while "finished" not in s.step().reasons:
        assert s.phase == "bwd"
    expected = myia.grad(fn, argnums)(*args)
    got = s.result[1]
    for e, g in zip(expected, got):
        assert float(g) == pytest.approx(float(e), rel=1e-12)


def test_adjoints_at_fwd_and_bwd_stops_agree():
    s = Session(P.straight, (1.5, 2.0), grad=(0, 1))
    s.begin()
    s.next()
    s.next()
    ahead = {n: s.evaluate(f'adj("{n}")') for n in ("x", "a")}
    assert ahead == {"x": 28.0, "a": 12.0}
    s.backward()
    assert s.evaluate("∂x") == 28.0 and s.evaluate("c") == 12.0
    from myia_debug.adjoints import contributions

    rows, total = contributions(s, "x")
    assert sum(v for _, v in rows) == total == 28.0


def test_seed_scales_the_gradient():
    s = Session(P.straight, (1.5, 2.0), grad=(0,))
    s.begin()
    s.set_seed(2.0)
    s.cont()
    assert s.result[1][0] == 56.0


def test_catch_inf_and_nonfinite():
    s = Session(P.nan_maker, (1.0,))  # log(0) = -inf
    s.begin()
    s.points.add_catch("inf")
    stop = s.cont()
    assert stop.catch[0] == "inf" and np.isinf(stop.catch[1].value)
    s.restart()
    s.begin()
    s.points.catches.clear()
    s.points.add_catch("nonfinite", "bwd")  # the forward pass is not watched
    assert "finished" in s.cont().reasons


def test_stepi_and_nexti():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.next()
    before = s.pos
    s.stepi()
    assert s.pos == before + 1 and where(s) == ("sq", 9)
    s.goto(before)
    s.nexti()
    assert where(s)[0] == "straight" and s.pos == before + 3


def test_the_trace_is_bounded_by_its_horizon():
    s = Session(P.forever, (1.0,))
    s.options["history"] = 1000
    s.restart()
    s.begin()
    for _ in range(20000):
        s._forward()
    trace = s.trace
    bound = 1000 + max(250, 4 * trace.slack)  # the slack: frames alive at the last trim
    assert s.pos > 20000 and trace.base > s.pos - bound and len(trace.sframes) <= bound
    assert trace.slack < 700
    assert all(trace.base <= p <= s.pos for p in trace.stops)
    # old loop iterations are forgotten, as in the VM
    assert len(trace.frames) < 1000 and trace.vm._ids > 4000
    assert len(trace.invocations[0].steps["x"]) < 1000  # of about 3,300
    assert s.variables()["x"] > 1000.0  # the current version is always kept
    stop = s.reverse_cont()  # nothing to find: stops at the horizon, says so
    assert s.pos == trace.base and "horizon" in stop.reasons[0]
    with pytest.raises(DebugError, match="horizon"):
        s.goto(5)
    s.goto(trace.base + 10)
    assert s.pos == trace.base + 10 and s.variables()["x"] > 1000.0


def test_a_gradient_loop_keeps_a_bounded_trace():
    # Each iteration calls Myia's machinery (J(mul)...), each call one VM step
    # (myia/vm/atomic.py): no frame of it enters the trace, which holds only
    # the user's invocations, and trimming stays cheap however long the loop
    # runs (the loop's frames stay: the backward pass needs them).
    s = Session(P.loop, (1.5, 300), grad=(0,))
    s.options["history"] = 2000
    s.restart()
    stop = s.cont()
    trace = s.trace
    assert "finished" in stop.reasons and s.result[1] == (300 * 299 / 2,)
    # Between trims the trace grows by up to 4x the frames alive (horizon.py),
    # so what it holds at the end depends on where the last trim fell: trim now.
    trim(trace, s.options["history"])
    assert trace.base > 0 and trace.created < 10 and len(trace.invocations) < 10
    assert s.reverse_step().pos >= trace.base  # time travel still works near the end


def test_no_horizon_with_history_0():
    s = Session(P.loop, (1.5, 300))
    s.options["history"] = 0
    s.restart()
    s.cont()
    assert s.trace.base == 0 and s.goto(0).pos == 0


def test_a_look_ahead_keeps_the_stop_past_the_horizon():
    # `grad x` at a forward stop records the whole run ahead; the positions from
    # the stop on stay, whatever `set history` says (an IndexError before).
    s = Session(P.loop, (1.5, 300), grad=(0,))
    s.options["history"] = 100
    s.restart()
    s.begin()
    s.next()
    pos = s.pos
    assert recorded_adjoint(s, "s", pos) == 1.0 and s.trace.vm.finished
    assert s.trace.base <= pos and s.pos == pos and where(s) == ("loop", 30)
    s.next()
    assert s.trace.pinned is None and s.pos > pos
