"""The full typed `optimize` keeps every gradient of tests/test_grad.py exact.

Each program's gradient is monomorphized for its arguments (`infer_stage`)
and run on the debug VM before and after `optimize` (rules, inference
again, Envs as tuples, flattened returns): the results are the same.
Second order is checked where monomorphize types `grad(grad(f))` and the
run is short.  (The corpus programs' gradients are in test_corpus.py.)
"""

import inspect

import numpy as np
import pytest

from myia.grad import grad_graph
from myia.ir import check
from myia.opt import optimize
from myia.pipeline import infer_stage, to_graph
from myia.vm.debug import DebugVM

from .. import test_grad as G
from ..conftest import same

R = np.random.default_rng(1)


def rn(*shape):
    return R.standard_normal(shape)


def hvp(x, v):
    return np.sum(G.grad(G.energy)(x) * v)


FIRST = [  # program, arguments, argnums
    (G.branches, (2.5,), 0), (G.branches, (0.5,), 0), (G.branches, (-1.5,), 0),
    (G.while_data, (0.3,), 0), (G.while_data, (11.0,), 0), (G.for_range, (1.3, 6), 0),
    (G.with_break, (0.7,), 0), (G.with_continue, (0.4,), 0),
    (G.early_return_in_loop, (0.9,), 0),
    (G.power, (1.2, 5), 0), (G.is_even, (0.9, 5), 0), (G.is_even, (0.9, 4), 0),
    (G.closure_capture, (1.5, -0.7), (0, 1)), (G.higher_order, (0.8, 1.1), (0, 1)),
    (G.with_lambda, (0.8, 1.1), (0, 1)), (G.called_twice, (1.5,), 0),
    (G.called_nested, (1.5, 0.5), (0, 1)),
    (G.tuples, ((1.5, (-2.0, rn(3))), 0.4), (0, 1)), (G.uses_tuple_result, (1.3, 0.2), (0, 1)),
    (G.forward, (G.Model(G.Linear(rn(3, 4), rn(4)), G.Linear(rn(4, 2), rn(2)), 0.5),
                 rn(5, 3)), 0),
    (G.mlp_loss, ((rn(4, 5), rn(5), rn(5, 3), rn(3)), rn(6, 4), np.eye(3)[[0, 2, 1, 1, 0, 2]]),
     0),
    (G.rnn_loss, ((rn(2, 3), rn(3, 3) * 0.5, rn(3)), rn(5, 2)), 0),
    (G.convnet_loss, ((rn(3, 2, 3, 3), rn(12, 2)), rn(2, 2, 4, 4)), 0),
    (G.two_args, (2.0, 3.0), (0, 1)), (G.two_args, (2.0, 3.0), -1), (G.stopped, (3.0,), 0),
    (G.softplus, (0.7,), 0), (G.cube, (2.0,), 0), (G.grad_inside, (2.0,), 0), (G.inner, (np.float32(2.0),), 0),
    (G.cube_if, (2.0,), 0), (G.cube_if, (-2.0,), 0), (G.loop_pow, (1.5,), 0),
    (G.energy, (rn(4),), 0), (hvp, (rn(4), rn(4)), 0), (G.loop_n, (2.0, 7), 0),
    (G.deep, (0.3, 20), 0),
]

SECOND = [  # grad(grad(f)), short runs that monomorphize accepts
    (G.while_data, (11.0,)), (G.stopped, (3.0,)), (G.softplus, (0.7,)), (G.cube, (2.0,)),
    (G.inner, (np.float32(2.0),)), (G.cube_if, (2.0,)), (G.loop_pow, (1.5,)),
    (G.loop_n, (2.0, 2)), (G.deep, (0.3, 3)),
]

# Programs of test_grad.py that monomorphize declines today (a runtime index
# into a tuple of functions, keyword defaults through a runtime callee, a
# recursive dataclass whose type grows, a value float on one path and f64[]
# on another), and the helpers the programs call.
UNTYPED = {"with_config", "through_layers", "picked_at_run_time",
           "keywords_to_a_runtime_callee", "tree_sum", "vec_program"}
HELPERS = {"softmax_xent", "leaves", "rebuild", "numeric_grad", "check", "randn",
           "act_relu", "act_softplus", "scaled_square", "call_with_keywords", "is_odd",
           "apply_twice", "make_scaler", "swap_scale", "softplus_bprop", "cube_bprop", "vector_out"}


def agree(graph, args):
    typed = infer_stage(graph, args)
    opt = optimize(typed)
    check(opt)
    assert same(DebugVM().run(opt, args), DebugVM().run(typed, args)), str(opt)


def name(row):
    return row[0].__name__


@pytest.mark.parametrize("fn,args,argnums", FIRST, ids=[name(r) for r in FIRST])
def test_optimized_gradient_is_exact(fn, args, argnums):
    agree(grad_graph(to_graph(fn), argnums), args)


@pytest.mark.parametrize("fn,args", SECOND, ids=[name(r) for r in SECOND])
def test_optimized_second_order_gradient_is_exact(fn, args):
    agree(grad_graph(grad_graph(to_graph(fn))), args)


def test_every_program_of_test_grad_is_listed():
    defined = {n for n, f in inspect.getmembers(G, inspect.isfunction)
               if f.__module__ == G.__name__ and not n.startswith("test_")}
    listed = {name(r) for r in FIRST} | UNTYPED | HELPERS
    assert defined == listed - {"hvp"}, defined ^ (listed - {"hvp"})
