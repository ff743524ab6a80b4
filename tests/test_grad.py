"""Gradients of whole programs against finite differences (float64).

Every construct of the subset that can carry a gradient: branches, loops,
recursion, closures, higher-order functions, tuples, dataclasses; models
(an MLP, an RNN, a conv net); second order; cost; errors.  Each runs on
the debug VM and on the production VM.
"""

import dataclasses
import math
from typing import Optional

import numpy as np
import pytest

import myia
from myia import grad, stop_gradient, value_and_grad
from myia.nn import conv2d, max_pool2d

EPS = 1e-6


@pytest.fixture(autouse=True, params=("debug", "vm"))
def default_backend(request, monkeypatch):
    """Every gradient test runs on both backends (`grad` uses the default)."""
    monkeypatch.setattr(myia.api, "DEFAULT_BACKEND", request.param)
    return request.param


# ----- finite differences over structures ----------------------------------

def leaves(x):
    """The float leaves of a value: tuples and dataclasses are walked."""
    if isinstance(x, tuple):
        return [y for v in x for y in leaves(v)]
    if dataclasses.is_dataclass(x):
        return [y for f in dataclasses.fields(x) for y in leaves(getattr(x, f.name))]
    if x is None:
        return []
    return [x]


def rebuild(x, values):
    """`x` with its leaves replaced, in order, by `values` (an iterator)."""
    if isinstance(x, tuple):
        return tuple(rebuild(v, values) for v in x)
    if dataclasses.is_dataclass(x):
        return dataclasses.replace(x, **{f.name: rebuild(getattr(x, f.name), values)
                                         for f in dataclasses.fields(x)})
    if x is None:
        return None
    return next(values)


def numeric_grad(f, args, i):
    """Central differences of scalar `f` w.r.t. every float in `args[i]`."""
    flat = leaves(args[i])
    out = []
    for k, leaf in enumerate(flat):
        a = np.array(leaf, dtype=float)
        g = np.zeros_like(a)
        for idx in np.ndindex(*a.shape):
            def at(delta):
                b = a.copy()
                b[idx] += delta
                moved = [b if j == k else v for j, v in enumerate(flat)]
                new = rebuild(args[i], iter([m if np.ndim(m) else float(m)
                                             for m in moved]))
                xs = list(args)
                xs[i] = new
                return f(*xs)
            g[idx] = (at(EPS) - at(-EPS)) / (2 * EPS)
        out.append(g)
    return out


def check(f, *args, argnums=0, rtol=1e-5, atol=1e-6, ref=None):
    """`grad(f, argnums)(*args)` equals finite differences of `ref` (or `f`) in CPython.

    Also checks that each gradient has its argument's structure and shapes.
    """
    got = grad(f, argnums)(*args)
    nums = (argnums,) if isinstance(argnums, int) else argnums
    gots = (got,) if isinstance(argnums, int) else got
    for i, g in zip(nums, gots):
        assert type(g) is type(args[i]) or (
            isinstance(args[i], float) and isinstance(g, (float, np.floating)))
        expected = numeric_grad(ref or f, args, i)
        gl = leaves(g)
        assert len(gl) == len(expected)
        for a, e, x in zip(gl, expected, leaves(args[i])):
            assert np.shape(a) == np.shape(x)
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
    return got


RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.normal(size=shape)


# ----- control flow --------------------------------------------------------

def branches(x):
    if x > 1.0:
        y = x * x
    elif x > 0.0:
        y = math.sin(x) * 3.0
    else:
        y = -x * x * x
    return y * x


@pytest.mark.parametrize("x", [2.5, 0.5, -1.5])
def test_if_elif_else(x):
    check(branches, x)


def while_data(x):
    # The trip count depends on the data.
    while x < 10.0:
        x = x * 1.7 + 0.1
    return x


@pytest.mark.parametrize("x", [0.3, 2.0, 11.0])
def test_while_data_dependent(x):
    check(while_data, x)


def for_range(x, n):
    s = 0.0
    for i in range(n):
        s = s + x ** i / (i + 1)
    return s


def test_for_range():
    check(for_range, 1.3, 6)


def with_break(x):
    s = x
    for i in range(100):
        if s > 5.0:
            break
        s = s * s + x
    return s


def with_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + x * i + np.sin(s)
    return s


def early_return_in_loop(x):
    i = 0
    while i < 10:
        x = x * 1.5
        if x > 4.0:
            return x * x
        i = i + 1
    return x


@pytest.mark.parametrize("f,x", [(with_break, 0.7), (with_continue, 0.4),
                                 (early_return_in_loop, 0.5),
                                 (early_return_in_loop, 1e-5)])
def test_break_continue_return(f, x):
    check(f, x)


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def is_even(x, n):
    if n == 0:
        return x
    return is_odd(np.sin(x), n - 1)


def is_odd(x, n):
    if n == 0:
        return x * 2.0
    return is_even(x * x, n - 1)


def test_recursion_and_mutual_recursion():
    check(power, 1.2, 5)
    check(is_even, 0.9, 5)
    check(is_even, 0.9, 4)


# ----- functions as values -------------------------------------------------

def closure_capture(x, y):
    def f(z):
        return z * x + y * y

    def g(z):
        return f(z) * x

    return g(y) + f(3.0)


def apply_twice(f, x):
    return f(f(x))


def make_scaler(a):
    def scale(x):
        return a * x * x

    return scale


def higher_order(x, y):
    s = make_scaler(y)
    return apply_twice(s, x) + apply_twice(np.sin, x)


def with_lambda(x, y):
    sq = lambda v: v * v * y  # noqa: E731
    return apply_twice(sq, x)


def called_twice(x):
    # each call adds 1 to x's gradient through the closure: 2 + 1 + 2 + 1 (once
    # the optimizer shares the two calls' Envs, a constant 1.0 read back from
    # their sum gave 5.0 on the production VM)
    g = lambda y: y * 2.0 + x  # noqa: E731
    return g(x) + g(x)


def called_nested(x, y):
    def outer(a):
        def inner(b):
            return b + x + a * y
        return inner(1.0) + inner(2.0)
    return outer(x) + outer(1.0) + (lambda z: z + y)((lambda z: z + y)(x))


def test_closures_and_functions():
    check(closure_capture, 1.5, -0.7, argnums=(0, 1))
    check(higher_order, 0.8, 1.1, argnums=(0, 1))
    check(with_lambda, 0.8, 1.1, argnums=(0, 1))
    check(called_twice, 1.5)
    check(called_nested, 1.5, 0.5, argnums=(0, 1))
    assert myia.grad(called_twice)(1.5) == 6.0


def act_relu(x):
    return np.maximum(x, 0.0)


def act_softplus(x):
    return np.log1p(np.exp(x))


CFG = (2.0, act_relu)
LAYERS = ((act_softplus, 0.5), (lambda x: np.tanh(x) * 3.0, 1.5), (np.sin, -1.0))


def with_config(x):
    return CFG[1](x) * CFG[0]


def through_layers(x):
    for act, w in LAYERS:
        x = act(x * w)
    return np.sum(x)


def picked_at_run_time(x, k):
    return LAYERS[k][0](x)


def test_functions_held_in_a_global_tuple():
    assert check(with_config, 1.5) == 2.0 and check(with_config, -1.5) == 0.0
    check(through_layers, randn(3))
    for k in range(3):
        check(picked_at_run_time, 0.7, k)
    assert np.isclose(grad(grad(through_layers))(0.3),
                      (grad(through_layers)(0.3 + EPS) - grad(through_layers)(0.3 - EPS))
                      / (2 * EPS), rtol=1e-5)


def scaled_square(x, k=2.0, shift=1.0):
    return k * x * x + shift


def call_with_keywords(f, x, y):
    return f(x, shift=y) + f(y, k=x)  # f is only known at run time


def keywords_to_a_runtime_callee(x, y):
    return call_with_keywords(scaled_square, x, y)


def test_keyword_arguments_to_a_runtime_callee():
    check(keywords_to_a_runtime_callee, 1.5, -0.5, argnums=(0, 1))
    for i in (0, 1):
        h = grad(grad(keywords_to_a_runtime_callee, i), 1 - i)
        numeric = (grad(keywords_to_a_runtime_callee, i)(*[(1.5, -0.5)[j] + EPS * (j != i)
                                                           for j in (0, 1)]) -
                   grad(keywords_to_a_runtime_callee, i)(*[(1.5, -0.5)[j] - EPS * (j != i)
                                                           for j in (0, 1)])) / (2 * EPS)
        assert np.isclose(h(1.5, -0.5), numeric, rtol=1e-5)


# ----- structures ----------------------------------------------------------

def tuples(t, y):
    a, (b, c) = t
    u = (a * b, c + y)
    return u[0] * np.sum(u[1]) + np.sum(c)


def test_tuples_in_and_out():
    t = (1.5, (-2.0, randn(3)))
    g = check(tuples, t, 0.4, argnums=(0, 1))
    assert isinstance(g[0], tuple) and isinstance(g[0][1], tuple)


def swap_scale(x, y):
    return (y * 2.0, x * y)


def uses_tuple_result(x, y):
    a, b = swap_scale(x, y)
    return a * b


def test_tuple_results():
    check(uses_tuple_result, 1.3, 0.2, argnums=(0, 1))


@dataclasses.dataclass
class Linear:
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Model:
    l1: Linear
    l2: Linear
    scale: float


def forward(model, x):
    h = np.tanh(x @ model.l1.w + model.l1.b)
    return np.sum((h @ model.l2.w + model.l2.b) ** 2) * model.scale


def test_dataclass_model():
    m = Model(Linear(randn(3, 4), randn(4)), Linear(randn(4, 2), randn(2)), 0.5)
    g = check(forward, m, randn(5, 3))
    assert isinstance(g, Model) and isinstance(g.l1, Linear)
    assert g.l1.w.shape == (3, 4)


@dataclasses.dataclass
class Tree:
    value: float
    left: Optional["Tree"]
    right: Optional["Tree"]


def tree_sum(t):
    if t is None:
        return 0.0
    return t.value * t.value + np.sin(t.value) * tree_sum(t.left) + tree_sum(t.right)


def test_recursive_tree_dataclass():
    t = Tree(0.5, Tree(1.5, None, Tree(-0.3, None, None)), Tree(2.0, None, None))
    g = check(tree_sum, t)
    assert isinstance(g.left.right, Tree) and g.right.left is None


# ----- models --------------------------------------------------------------

def softmax_xent(logits, label):
    m = np.max(logits, axis=1, keepdims=True)
    z = logits - m
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(logp * label, axis=1))


def mlp_loss(params, x, label):
    w1, b1, w2, b2 = params
    h = np.tanh(x @ w1 + b1)
    return softmax_xent(h @ w2 + b2, label)


def test_mlp_softmax_cross_entropy():
    params = (randn(4, 5), randn(5), randn(5, 3), randn(3))
    label = np.eye(3)[[0, 2, 1, 1, 0, 2]]
    check(mlp_loss, params, randn(6, 4), label)


def rnn_loss(params, xs):
    wx, wh, b = params
    h = np.zeros(3)
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
    return np.sum(h * h)


def test_rnn_unrolled_by_for():
    check(rnn_loss, (randn(2, 3), randn(3, 3) * 0.5, randn(3)), randn(5, 2))


def convnet_loss(params, x):
    k, w = params
    h = np.maximum(conv2d(x, k, padding=1), 0.0)
    p = max_pool2d(h, 2)
    flat = np.reshape(p, (p.shape[0], -1))
    return np.sum(np.tanh(flat @ w))


def test_conv_net_layer():
    params = (randn(3, 2, 3, 3), randn(3 * 2 * 2, 2))
    check(convnet_loss, params, randn(2, 2, 4, 4))


# ----- the API -------------------------------------------------------------

def two_args(x, y):
    return x * x * y + np.sin(y)


def test_argnums_and_value_and_grad():
    assert np.isclose(grad(two_args)(2.0, 3.0), 12.0)
    assert np.isclose(grad(two_args, 1)(2.0, 3.0), 4.0 + np.cos(3.0))
    gx, gy = grad(two_args, (0, 1))(2.0, 3.0)
    assert np.isclose(gx, 12.0) and np.isclose(gy, 4.0 + np.cos(3.0))
    v, g = value_and_grad(two_args, (1,))(2.0, 3.0)
    assert np.isclose(v, two_args(2.0, 3.0)) and isinstance(g, tuple)
    assert np.isclose(g[0], 4.0 + np.cos(3.0))
    assert np.isclose(grad(two_args, -1)(2.0, 3.0), 4.0 + np.cos(3.0))


def stopped(x):
    return x * stop_gradient(x * x)


def test_stop_gradient():
    assert np.isclose(grad(stopped)(3.0), 9.0)


def softplus(x):
    return np.log(1.0 + np.exp(x))


@myia.defbprop(softplus)
def softplus_bprop(x, out, dout):
    # Deliberately scaled by 2, so the test sees that this rule is used.
    return (2.0 * dout / (1.0 + np.exp(-x)),)


def test_defbprop_is_used_and_differentiable():
    def f(x):
        return softplus(x) * 3.0

    s = 1 / (1 + np.exp(-0.7))
    assert np.isclose(grad(f)(0.7), 6.0 * s)
    assert np.isclose(grad(grad(f))(0.7), 6.0 * s * (1 - s))


def cube(x):
    return x * x * x


@myia.defbprop(cube)
def cube_bprop(x, out, dout):
    # Deliberately 5x the true rule: the test sees that it is used.
    return (15.0 * x * x * dout,)


def test_defbprop_on_the_function_given_to_grad():
    assert np.isclose(grad(cube)(2.0), 60.0)
    assert np.isclose(grad(grad(cube))(2.0), 60.0)  # differentiates the rule


def inner(x):
    return x * x * x


def grad_inside(x):
    return grad(inner)(x) * x


def test_grad_inside_myia_code():
    assert np.isclose(myia.myia(grad_inside)(2.0), 24.0)
    assert np.isclose(grad(grad_inside)(2.0), 36.0)


def test_float32_gives_float32():
    x = np.ones((2, 3), np.float32)
    g = grad(lambda x: np.sum(np.tanh(x) * 2.0))(x)
    assert g.dtype == np.float32 and g.shape == (2, 3)
    gs = grad(inner)(np.float32(2.0))
    assert np.asarray(gs).dtype == np.float32


def test_int_leaves_in_a_structure_get_zeros():
    g = grad(lambda t: t[0] * t[1])((2.0, 3))
    assert g == (3.0, 0) and type(g[1]) is int


# ----- second order --------------------------------------------------------

def cube_if(x):
    if x > 0.0:
        return x * x * x
    return -x * x


def loop_pow(x):
    y = 1.0
    i = 0
    while i < 4:
        y = y * x
        i = i + 1
    return y


def test_second_order_through_control_flow():
    assert np.isclose(grad(grad(cube_if))(2.0), 12.0)
    assert np.isclose(grad(grad(cube_if))(-2.0), -2.0)
    assert np.isclose(grad(grad(loop_pow))(1.5), 12 * 1.5 ** 2)
    assert np.isclose(grad(grad(power))(1.5, 5), 20 * 1.5 ** 3)
    assert np.isclose(grad(grad(grad(loop_pow)))(1.5), 24 * 1.5)


def energy(x):
    return np.sum(np.sin(x) * x) + np.sum(x) ** 2


def test_hessian_vector_product():
    x, v = randn(4), randn(4)

    def hvp(x, v):
        return np.sum(grad(energy)(x) * v)

    got = grad(hvp)(x, v)
    hess = np.diag(2 * np.cos(x) - x * np.sin(x)) + 2.0
    np.testing.assert_allclose(got, hess @ v, rtol=1e-10)


# ----- cost ----------------------------------------------------------------

def loop_n(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * 0.5
    return s


def test_gradient_of_a_loop_is_linear():
    from myia.grad import grad_graph
    from myia.parse import parse
    from myia.vm.debug import DebugVM

    g = grad_graph(parse(loop_n))
    steps = []
    for n in (1000, 10000):
        vm = DebugVM()
        assert np.isclose(vm.run(g, (2.0, n)), 0.5 * n)
        steps.append(vm.steps)
    assert steps[1] / steps[0] < 11


def deep(x, n):
    if n == 0:
        return x
    return np.sin(deep(x, n - 1))


def test_deep_recursion():
    g = grad(deep)(0.3, 5000)
    y, d = 0.3, 1.0
    for _ in range(5000):
        d, y = d * np.cos(y), np.sin(y)
    assert np.isclose(g, d)


# ----- errors --------------------------------------------------------------

def vector_out(x):
    return x * 2.0


def test_non_scalar_output_is_an_error():
    with pytest.raises(myia.MyiaTypeError, match="scalar") as e:
        grad(vector_out)(np.ones(3))
    assert e.value.location.line == vector_out.__code__.co_firstlineno + 1


def test_int_argument_is_an_error():
    with pytest.raises(myia.MyiaTypeError, match="'n'") as e:
        grad(power, 1)(1.5, 3)
    assert e.value.location.line == power.__code__.co_firstlineno


# ----- dataclass methods and operators -------------------------------------

@dataclasses.dataclass
class Vec:
    x: np.ndarray
    y: float

    def __add__(self, other):
        return Vec(self.x + other.x, self.y * other.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __rmul__(self, k):
        return Vec(self.x * k, self.y)

    def __neg__(self):
        return Vec(-self.x, self.y)

    def energy(self, k):
        return np.sum(self.x * self.x) * self.y * k + self.norm()

    def norm(self):
        return np.sqrt(np.sum(self.x * self.x))


def vec_program(v, k):
    w = -(v + v * k) + 2.0 * v
    return w.energy(k) + (v * 0.5).norm()


def test_methods_and_dunders_under_grad():
    v = Vec(randn(3), 0.7)
    g = check(vec_program, v, 1.3, argnums=(0, 1))
    assert isinstance(g[0], Vec) and g[0].x.shape == (3,)


def test_second_order_through_methods_and_dunders():
    x0 = np.array([0.5, -1.0, 2.0])

    def f(k):
        return vec_program(Vec(x0, 0.7), k)

    check(grad(f), 1.3)  # grad(grad(f)) vs differences of grad(f)
