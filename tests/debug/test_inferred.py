"""Types from inference at a stop (myia_debug/inferred.py), where the golden
transcripts cannot look: node ids, an Env's rendering, the frame -> context match."""

import numpy as np

from myia import types as T
from myia_debug import inferred, render
from myia_debug.engine import Session

from . import programs as P


def test_a_backward_closure_returns_a_typed_env():
    s = Session(P.closure, (2.0,), grad=(0,))
    s.begin()
    s.backward()
    while not (s.pos in s.trace.returns and s.phase == "bwd"):
        s.step()
    inv, frame, node = s.current_frame()
    lines = render.node_lines(s, node, frame)
    assert "  type: (Env{k: float}, float)" in lines


def test_each_loop_iteration_fits_the_widened_context():
    s = Session(P.loop, (1.5, 3))
    s.begin()
    view = inferred.types_of(s)
    seen = []
    while not s.finished:
        s.step()
        if "i" in s.variables():
            frame, node = view.variables(s.pos)["i"]
            seen.append((s.variables()["i"], view.node_type(frame, node)))
    assert {v for v, _ in seen} == {0, 1, 2, 3} and {t for _, t in seen} == {T.Int}


def test_runtime_values_fit_their_abstract_types():
    assert inferred.fits(3, T.Const(3)) and not inferred.fits(4, T.Const(3))
    assert not inferred.fits(True, T.Const(1))
    assert inferred.fits(np.ones(3), T.Array(np.float64, (None,)))
    assert not inferred.fits(np.ones(3), T.Array(np.float64, (2,)))
    assert inferred.fits((1.0, 2), T.Tuple([T.Float, T.Int]))


def test_names_bound_at_the_prompt_are_typed_by_their_value():
    s = Session(P.straight, (1.5, 2.0))
    s.begin()
    s.user_names["k"] = np.ones((2, 2))
    t, note = inferred.expression_type(s, "k * x", s.pos)
    assert str(t) == "f64[2, 2]" and note is None
