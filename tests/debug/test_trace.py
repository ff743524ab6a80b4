"""Straight runs (myia_debug/straight.py) record exactly what single steps do."""

import os
import random
import signal
import threading

import numpy as np
import pytest

import myia
from myia.vm.debug import graph_nodes
from myia_debug.blocks import block
from myia_debug.engine import Session
from myia_debug.horizon import running

from . import gradprogs as G
from . import programs as P

W, X = np.array([[0.5, -1.0], [2.0, 0.25]]), np.array([1.0, -2.0])

CASES = [
    (P.straight, (1.5, 2.0), None), (P.straight, (1.5, 2.0), (0, 1)),
    (P.branch, (1.5,), None), (P.branch, (-1.5,), (0,)),
    (P.loop, (1.5, 6), None), (P.loop, (1.5, 6), (0,)),
    (P.fact, (5,), None), (P.fact, (5.0,), (0,)),
    (P.nan_maker, (0.5,), (0,)), (P.failing, (1.0,), None),
    (P.arrays, (W, X), (0,)), (P.closure, (2.0,), (0,)),
    (P.while_loop, (3.0,), (0,)), (P.mixed, (1.0,), None),
    (P.grow, (2.0, 3), (0,)), (P.unread_unpacking, (1.0,), (0,)),
    (G.net, (0.5, 2.0, 3), (0,)), (G.logs, (1.0, 2.0), (0, 1)),
    (G.root, (0.0,), (0,)), (G.sqrt_error, (-2.0,), (0,)),
    (G.train, (0.5, 2.0), None), (G.train, (0.5, 2.0), (0,)),
    (G.tree_value, (G.Tree(1.0, None, None),), (0,)),
    (G.quiet, (1.0,), (0,)), (G.quiet_loop, (1.0, 3), (0,)),
    (G.powers_step, (1.5,), (0,)), (G.pow15_grad, (np.array([1.0, 4.0]),), (0,)),
    (G.net_step, (0.5, 2.0), (0,)), (G.quiet_grad, (2.0,), None),
    (G.vec_loop, (1.5, 3), None), (G.vec_loop, (1.5, 3), (0,)),  # records' operators
]


def _value(v):
    """A comparable form of a recorded value (arrays by content, NaN equal to NaN)."""
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, float) and v != v:
        return "nan"
    if isinstance(v, tuple):
        return tuple(_value(x) for x in v)
    return repr(v)


def _snapshot(s):
    """Everything the trace recorded, with frames by id and nodes by place (each
    session makes its own gradient program)."""
    t = s.trace
    fid = [None if f is None else f.id for f in t.sframes]
    places = {}

    def at(frame, node):
        g = frame.graph
        if g not in places:
            places[g] = {n: i for i, n in enumerate([*g.parameters, *graph_nodes(g)])}
        return places[g].get(node, repr(node))  # else a constant (quiet statements)

    return {
        "positions": (t.base, fid, list(t.spcs)),
        "stops": t.stops, "returns": sorted(t.returns), "bwd_start": t.bwd_start,
        "virtual": ({p: (q.file, q.line) for p, q in t.virtual.items()}, t.virtual_order),
        "tags": t.tags, "steps": s.vm.steps,
        "born": {f: {at(t.frames[f], n): p for n, p in b.items()} for f, b in t.born.items()},
        "values": {f: {at(fr, n): _value(v) for n, v in fr.values.items()}
                   for f, fr in t.frames.items()},
        "invocations": [(inv.id, inv.graph.name, inv.start, inv.caller_pos, inv.first_stop,
                         inv.last_line, [f.id for f in inv.frames],
                         {k: list(v) for k, v in inv.steps.items()},
                         {k: [(f.id, at(f, n)) for f, n in v] for k, v in inv.defs.items()})
                        for inv in t.invocations],
        "error": repr(s.error), "result": _value(s.vm.result),
    }


def _record(fn, args, grad, count, brief=False):
    s = Session(fn, args, grad=grad)
    s.trace.limit = None
    with running():
        while not s.vm.finished and s.error is None:
            try:
                s.trace.advance(count, brief)
            except myia.MyiaError as e:
                s.error = e
    return s


@pytest.mark.parametrize("fn, args, grad", CASES,
                         ids=[f"{c[0].__name__}-{'grad' if c[2] else 'fwd'}" for c in CASES])
def test_straight_runs_record_what_single_steps_record(fn, args, grad):
    single = _snapshot(_record(fn, args, grad, 1))
    runs = _record(fn, args, grad, 4096)
    assert any(block(f.graph).runs for f in runs.trace.frames.values())  # the runs did run
    assert _snapshot(runs) == single
    assert _snapshot(_record(fn, args, grad, 1, brief=True)) == single


def test_a_brief_run_ends_at_its_first_new_line_stop():
    s = Session(P.loop, (1.5, 4))
    with running():
        while not s.vm.finished:
            before = len(s.trace)
            s.trace.advance(brief=True)
            new = [p for p in s.trace.stops if p > before]
            assert len(new) <= 1 and (not new or new[0] == len(s.trace))
    assert s.vm.result == P.loop(1.5, 4)


def test_an_error_inside_a_run_is_raised_by_its_single_step_at_its_node():
    s = _record(P.failing, (1.0,), None, 4096)
    assert isinstance(s.error, myia.MyiaError) and s.error.location.line == 52
    assert s.trace.next_node(len(s.trace)).loc.line == 52  # stopped before `a[0]`


@pytest.mark.parametrize("fn, args, grad", [(P.fact, (4,), None), (G.net, (0.5, 2.0, 3), (0,)),
                                            (G.net_step, (0.5, 2.0), (0,))])
def test_cached_depths_are_the_stacks_lengths_in_any_order(fn, args, grad):
    s = _record(fn, args, grad, 4096)
    order = list(range(len(s.trace) + 1))
    random.Random(0).shuffle(order)
    assert [s.trace.depth(p) for p in order] == [len(s.trace.stack(p)) for p in order]
    assert max(s.trace.depth(p) for p in order) >= 2  # calls nest


def test_ctrl_c_during_c_stops_between_two_recorded_steps():
    s = Session(P.forever, (1.0,))
    s.begin()
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    stop = s.cont()  # straight runs all along: the signal lands inside one
    t = s.trace
    assert stop.reasons == ["Interrupted"] and s.pos == s.end > 1000
    assert len(t.sframes) == len(t.spcs) and t.frame_at(s.end) is s.vm.frame
    assert t.pc_at(s.end) == s.vm.frame.pc and t.vm_step(s.end) == s.vm.steps
    x = s.variables()["x"]
    s.next()  # and it goes on from there
    assert s.variables()["x"] in (x, x + 1.0) and x > 100.0
