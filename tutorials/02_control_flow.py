# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 2. Gradients through control flow
#
# In Myia, `if`, `while`, `for`, `break`, recursion and closures are part of
# the program that gets differentiated, not something traced away before it.
# The gradient program takes the same branches and runs the same number of
# iterations as the forward program did, for the values you give it.
#
# Every gradient in this tutorial is checked against central finite
# differences, computed by plain Python on the same function.

# %%
import dataclasses
import math

import numpy as np

import myia


def check(f, *args, argnum=0, eps=1e-6):
    """Print Myia's derivative of `f` at `args` next to a finite difference."""
    ad = myia.grad(f, argnums=argnum)(*args)
    h = eps * max(1.0, abs(args[argnum]))  # a step relative to the argument
    lo, hi = list(args), list(args)
    lo[argnum] -= h
    hi[argnum] += h
    fd = (f(*hi) - f(*lo)) / (2 * h)
    rel = abs(ad - fd) / max(abs(ad), abs(fd), 1e-12)
    print(f"{f.__name__}: AD {ad:.10g}  FD {fd:.10g}  rel.err {rel:.1e}")
    assert rel < 1e-6, "gradient check failed"


# %% [markdown]
# ## `if`
#
# The Huber loss is quadratic near zero and linear further out. Its derivative
# switches formula with the branch taken:


# %%
def huber(r, delta):
    if abs(r) <= delta:
        return 0.5 * r * r
    else:
        return delta * (abs(r) - 0.5 * delta)


for r in (0.3, -2.5):
    check(huber, r, 1.0)

# %% [markdown]
# ## `while` with a data-dependent trip count
#
# Heron's method computes a square root by iterating until the answer is good
# enough, so the number of iterations depends on the input. Differentiating
# through the iterations gives the derivative of the square root,
# `1 / (2 sqrt(a))`, without Myia knowing anything about square roots:


# %%
def heron_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
    return x


def heron_steps(a):
    x = a
    steps = 0
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
        steps = steps + 1
    return steps


for a in (2.0, 1e6):
    print(f"a = {a}: {myia.myia(heron_steps)(a)} iterations")
    check(heron_sqrt, a)
    print("   exact:", 1 / (2 * math.sqrt(a)))

# %% [markdown]
# ## `for` with `break`
#
# A truncated series, stopped early once a term gets too large. The gradient
# follows the iterations that actually ran:


# %%
def series(x, n):
    total = 0.0
    term = 1.0
    for k in range(1, n + 1):
        term = term * x
        if term > 100.0:
            break
        total = total + term / k
    return total


check(series, 0.9, 8)   # all 8 terms
check(series, 3.5, 8)   # stops after 3 terms

# %% [markdown]
# ## Recursion
#
# Exponentiation by squaring calls itself about `log2(n)` times. Myia
# differentiates recursive functions (and mutually recursive ones) directly:


# %%
def power(x, n):
    if n == 0:
        return 1.0
    half = power(x, n // 2)
    if n % 2 == 0:
        return half * half
    return x * half * half


check(power, 1.1, 13)
print("   exact:", 13 * 1.1 ** 12)

# %% [markdown]
# ## Closures
#
# Nested functions capture variables of the function they are defined in, and
# gradients flow back into those captured variables. Here `scale` is only ever
# used inside the closure `layer`, and `compose` applies a function twice:


# %%
def compose(g, x):
    return g(g(x))


def closure_model(scale, x):
    def layer(v):
        return np.tanh(scale * v)

    return compose(layer, x)


check(closure_model, 0.7, 1.3)

# %% [markdown]
# ## A recursive model: a dataclass tree
#
# Dataclasses are Myia values: their fields are read with `.name`, and a
# dataclass may hold instances of itself, so a tree is a value. A tree-shaped
# model (each node combines its children, like a tree-RNN) is a recursive
# function over it. The gradient with respect to a tree is a tree of the same
# shape whose fields hold the gradients.


# %%
@dataclasses.dataclass(frozen=True)
class Node:
    w: float
    b: float
    left: "Node | None" = None
    right: "Node | None" = None


def evaluate(node, x):
    h = node.w * x + node.b
    if node.left is not None:
        h = h + evaluate(node.left, x)
    if node.right is not None:
        h = h * evaluate(node.right, x)
    return np.tanh(h)


def tree_loss(tree, x, target):
    return (evaluate(tree, x) - target) ** 2


tree = Node(0.5, 0.1, left=Node(-1.2, 0.3, right=Node(0.8, -0.4)), right=Node(1.5, 0.2))
grads = myia.grad(tree_loss)(tree, 0.6, 0.25)
print(type(grads).__name__)
print(grads)

# %% [markdown]
# To check it, walk the tree, nudge one parameter at a time (a frozen
# dataclass is rebuilt with `dataclasses.replace`), and compare:


# %%
def parameters(node, path=()):
    """(path, value) for every float field of the tree."""
    if node is None:
        return []
    own = [(path + (f,), getattr(node, f)) for f in ("w", "b")]
    return own + parameters(node.left, path + ("left",)) + parameters(node.right, path + ("right",))


def replaced(node, path, value):
    head, rest = path[0], path[1:]
    inner = value if not rest else replaced(getattr(node, head), rest, value)
    return dataclasses.replace(node, **{head: inner})


def lookup(node, path):
    for name in path:
        node = getattr(node, name)
    return node


eps = 1e-6
worst = 0.0
for path, value in parameters(tree):
    fd = (tree_loss(replaced(tree, path, value + eps), 0.6, 0.25)
          - tree_loss(replaced(tree, path, value - eps), 0.6, 0.25)) / (2 * eps)
    ad = lookup(grads, path)
    worst = max(worst, abs(ad - fd) / max(abs(fd), 1e-12))
    print(f"{'.'.join(path):>16}: AD {ad: .10f}  FD {fd: .10f}")
print(f"largest relative error: {worst:.1e}")
assert worst < 1e-6

# %% [markdown]
# ## Second order through all of it
#
# The gradient programs above are ordinary Myia programs with the same control
# flow, so they can be differentiated again. The second derivative of the
# truncated series, and of Heron's square root
# (`-1 / (4 a^(3/2))`):


# %%
def d_series(x, n):
    return myia.grad(series)(x, n)


def d_heron(a):
    return myia.grad(heron_sqrt)(a)


check(d_series, 0.9, 8)
check(d_heron, 2.0)
print("   exact:", -1 / (4 * 2.0 ** 1.5))

# %% [markdown]
# Next, tutorial 3 opens the box: the graphs Myia builds for these programs,
# and the gradient program it derives from them.
