# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 1. First steps
#
# Myia runs a differentiable subset of Python: plain functions over floats,
# ints, tuples, dataclasses and numpy arrays. You write ordinary Python, and
# Myia parses it into a graph, runs it, and differentiates it.
#
# This tutorial covers the four things you will use every day:
#
# * `@myia.myia`, to run a function through Myia;
# * `myia.grad` and `myia.value_and_grad`, to differentiate it;
# * gradients of gradients (second order);
# * what happens when a function steps outside the subset.
#
# Every number below is printed by running the cell above it.

# %%
import numpy as np

import myia

# %% [markdown]
# ## A function, run by Myia
#
# `@myia.myia` (the decorator `myia` of the package `myia`) wraps a Python
# function. Calling the wrapper parses the function into Myia's graph IR
# (once) and runs that graph on the production VM, the default backend,
# which compiles what it can with Numba (tutorial 7 measures it).
# `@myia.myia(backend="debug")` picks the debug VM instead, which runs the
# graph step by step, one primitive at a time (the step debugger of tutorial
# 5 drives it); both give the same results.


# %%
@myia.myia
def poly(x):
    return 3.0 * x ** 3 - 2.0 * x + 1.0


print(poly(2.0))
print(poly(2.0) == 3.0 * 2.0 ** 3 - 2.0 * 2.0 + 1.0)

# %% [markdown]
# The result is exactly what CPython computes: Myia's primitives are Python's
# operators and numpy's functions, so `7 / 2` is `3.5`, `-7 // 2` is `-4`,
# ints stay ints, and a float32 array times a Python float stays float32.


# %%
@myia.myia
def arithmetic(a, b):
    return a / b, a // b, a % b


print(arithmetic(-7, 2))
print(arithmetic(np.float32(1.5), 2.0)[0].dtype)

# %% [markdown]
# ## Gradients
#
# `myia.grad(f)` is a new function computing the derivative of a scalar-valued
# `f` with respect to its first argument. It works on plain functions and on
# `@myia` functions alike.

# %%
dpoly = myia.grad(poly)
print(dpoly(2.0))  # 9 x**2 - 2 at x = 2

# %% [markdown]
# Let's check it against a central finite difference, the way you should check
# any gradient you do not fully trust:


# %%
def finite_difference(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


print(finite_difference(poly, 2.0))

# %% [markdown]
# `argnums` picks the argument(s); a tuple of argument numbers gives a tuple of
# gradients. `value_and_grad` returns the value and the gradient from one pass,
# which is what a training loop wants (tutorial 4).


# %%
def f(x, y):
    return x * y + np.sin(x)


print(myia.grad(f, argnums=1)(0.5, 3.0))         # d f / d y = x
print(myia.grad(f, argnums=(0, 1))(0.5, 3.0))    # (y + cos x, x)
value, dx = myia.value_and_grad(f)(0.5, 3.0)     # f and d f / d x
print(value, dx)
print(3.0 + np.cos(0.5))

# %% [markdown]
# Arrays work the same way: the gradient has the shape and dtype of the
# argument. Here is the gradient of a squared error through a `tanh` layer with
# respect to its weight matrix:


# %%
def loss(w, x, y):
    pred = np.tanh(x @ w)
    return np.mean((pred - y) ** 2)


rng = np.random.default_rng(0)
w = rng.normal(size=(3, 2))
x = rng.normal(size=(5, 3))
y = rng.normal(size=(5, 2))
dw = myia.grad(loss)(w, x, y)
print(dw.shape, dw.dtype)
print(dw)

# %% [markdown]
# One entry, checked by finite differences:

# %%
bump = np.zeros_like(w)
bump[1, 0] = 1e-6
print(dw[1, 0], (loss(w + bump, x, y) - loss(w - bump, x, y)) / 2e-6)

# %% [markdown]
# ## Second order
#
# `grad` returns a function written in the same subset, so it can be
# differentiated again. The second derivative of `poly` is `18 x`:

# %%
d2poly = myia.grad(myia.grad(poly))
print(d2poly(2.0))
print(finite_difference(dpoly, 2.0))

# %% [markdown]
# `grad` can also be called *inside* Myia code. Newton's method for a root of
# `poly`, with the derivative computed by Myia in the loop:


# %%
@myia.myia
def newton(x, steps):
    for i in range(steps):
        x = x - poly(x) / myia.grad(poly)(x)
    return x


root = newton(-2.0, 8)
print(root, poly(root))

# %% [markdown]
# ## Integers are not differentiable
#
# Asking for a gradient with respect to an `int` is an error, not a silent
# zero: the message names the argument.

# %%
try:
    myia.grad(f)(1, 2.0)
except myia.MyiaError as err:
    print(type(err).__name__)
    print(err)

# %% [markdown]
# ## Outside the subset
#
# Myia's programs are pure: no mutation, no exceptions, no I/O. Constructs
# outside the subset are rejected when the function is first parsed, with a
# `MyiaSyntaxError` that shows your file, line and a caret under the
# construct. Item assignment is the one numpy users hit first:


# %%
@myia.myia
def normalize(v):
    v[0] = 0.0
    return v / np.sum(v)


try:
    normalize(np.ones(3))
except myia.MyiaSyntaxError as err:
    print(err)

# %% [markdown]
# The pure spelling works, and is differentiable:


# %%
@myia.myia
def normalize(v):
    v = np.where(np.arange(3) == 0, 0.0, v)
    return v / np.sum(v)


print(normalize(np.ones(3)))

# %% [markdown]
# A few more rejections, each with its own message. Every one is raised by the
# first call (or by `myia.ir`, tutorial 3), before anything runs.


# %%
def with_list(n):
    return [i * i for i in range(n)]


def with_try(x):
    try:
        return 1.0 / x
    except ZeroDivisionError:
        return 0.0


def with_print(x):
    print(x)
    return x


for fn in (with_list, with_try, with_print):
    try:
        myia.myia(fn)(1.0)
    except myia.MyiaSyntaxError as err:
        print(err, end="\n\n")

# %% [markdown]
# Names that may be unbound are caught too: a variable assigned in only one
# branch of an `if` cannot be read after it.


# %%
@myia.myia
def maybe(x):
    if x > 0:
        y = x
    return y


try:
    maybe(1.0)
except myia.MyiaNameError as err:
    print(err)

# %% [markdown]
# ## What's next
#
# * Tutorial 2 differentiates through `if`, `while`, `break`, recursion,
#   closures and a recursive dataclass model.
# * Tutorial 3 looks at the graphs Myia builds.
# * Tutorial 4 trains models with SGD written in the subset.
