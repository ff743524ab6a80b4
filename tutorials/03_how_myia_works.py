# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 3. How Myia works
#
# Myia turns a Python function into a *graph*: a dataflow program in which
# every operation is a node and every function, branch and loop body is a graph
# of its own. Everything else Myia does is a transformation of such graphs:
# the gradient is a new graph built from the old one, and the VM runs graphs.
#
# `myia.ir(fn, stage=...)` shows the graph of `fn` after a stage of the
# pipeline. `str()` of it is a listing, one node per line, with the source
# line each node came from; `.to_dot()` is a Graphviz description, drawn as
# pictures at the end of this tutorial.

# %%
import os
import pathlib
import shutil

import graphviz
import numpy as np

import myia

OUT = pathlib.Path(os.environ.get("MYIA_TUTORIAL_OUT", "tutorial_output"))
OUT.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Stage `parse`: a function becomes a graph


# %%
def g(x):
    return x * x + np.sin(x)


print(myia.ir(g))

# %% [markdown]
# Read it as:
#
# * `graph g(x)` — a graph with one parameter, defined at the file and line
#   on the right.
# * `%N = mul(x, x)` — a node applying the primitive `mul` to the parameter
#   `x` twice. `%N` is the node's identity (unique in the whole process, so
#   the numbers grow as more graphs are built); `# line N` is its source line.
# * `np.sin` became the primitive `sin`: numpy functions Myia knows are
#   primitives, with numpy's semantics.
# * `return` names the node whose value the graph returns.
#
# There are no variables: `x * x` is not stored anywhere, it *is* node `%50`,
# and its users point at it.

# %% [markdown]
# ## Control flow is graphs calling graphs
#
# A loop with a conditional `break`:


# %%
def f(x, n):
    s = 0.0
    for i in range(n):
        if s > 10.0:
            break
        s = s + x * i
    return s


print(myia.ir(f))

# %% [markdown]
# What to notice:
#
# * The loop is a *header graph* `f:for:N` whose parameters are the
#   variables the loop carries (`i`, `s`). `f` calls it with the initial
#   values `(0, 0.0)`; the body ends by calling the header again with the new
#   values: a loop is tail recursion. (The debug VM reuses the frame for a
#   tail call, so loops run in constant stack.)
# * A branch is `switch(cond, then_graph, else_graph)`, which *selects a
#   graph*, followed by a call of the selected graph: `%N = %M()`.
# * `break` is just a branch that calls the graph after the loop
#   (`f:for_after:N`) instead of the header.
# * Nested graphs read the values of the graphs around them directly (`x`
#   and `n` inside the loop body are `f`'s parameters): every branch and
#   loop body is a closure. Python closures (`def` inside `def`, `lambda`)
#   are represented the same way.
#
# Running the graph gives exactly what Python gives:

# %%
print(myia.myia(f)(1.5, 10), f(1.5, 10))

# %% [markdown]
# ## Stage `grad`: the gradient program
#
# `myia.grad` does not trace a run: it transforms the graph, once, into a new
# graph (the J transform of Pearlmutter and Siskind). Each user graph `G`
# gets a forward graph `fprop:G`, which computes `G`'s value *and* a
# backpropagator, the closure `bprop:G`, which maps the sensitivity of the
# output to the sensitivities of the inputs. Here are the three graphs derived
# from `g`:

# %%
listing = str(myia.ir(g, stage="grad"))
blocks = listing.split("\n\n")
for block in blocks[:3]:
    print(block, end="\n\n")
print(f"... and {len(blocks) - 3} more graphs")

# %% [markdown]
# * `grad(g)` calls `fprop:g`, takes the value (`getitem(..., 0)`) and the
#   backpropagator (`getitem(..., 1)`), calls the backpropagator on
#   `seed(value)` (1.0 of the value's type) and returns the sensitivity of `x`.
# * In `fprop:g`, each primitive call `mul(x, x)` became a call of its
#   forward version `J(mul)`, which returns the value and a backpropagator
#   closure for that one call.
# * `bprop:g` calls those backpropagators in reverse order. `x` is used three
#   times in `g`, so three contributions to its sensitivity are summed with
#   `gadd`. The first element of its result (`Env()`) is the sensitivity of
#   the free variables of `g` (it has none).
#
# The other graphs are the forward and backward versions of the primitives
# used, listed after the user's graphs. Their names say what they are:

# %%
for block in blocks[3:]:
    print(block.splitlines()[0])

# %% [markdown]
# Two things worth seeing in that list:
#
# * `J(mul)` first asks `find_dunder` whether an operand is a dataclass with
#   its own `__mul__`, and if so runs the forward graph of that method
#   (`J(mul:method)`): operators on user classes are differentiable.
# * A primitive's backpropagator, such as `_bprop_sin`, is itself a
#   function in the Myia subset, parsed like user code and shown with its
#   source file. The backward pass is ordinary IR, which is why gradients of
#   gradients need nothing special, and why the step debugger can walk
#   through the backward pass line by line (tutorial 5).

# %%
sin_bprop = next(b for b in blocks if b.startswith("graph _bprop_sin"))
print(sin_bprop)

# %% [markdown]
# The gradient program of a loop carries the loop structure over: the forward
# loop builds a chain of backpropagators, one per iteration, and the backward
# pass calls them in reverse. Counting graphs shows how much is generated for
# the little loop above:

# %%
f_grad = str(myia.ir(f, stage="grad")).split("\n\n")
user = [b.splitlines()[0] for b in f_grad if "fprop:f" in b.splitlines()[0]
        or "bprop:f" in b.splitlines()[0]]
print(len(f_grad), "graphs in all; forward and backward graphs of f's own code:")
print("\n".join(user))

# %% [markdown]
# ## Stage `infer`: the typed program
#
# The graphs so far hold no types: `g` would work on a float, an array, or a
# dataclass with `__mul__`. Given example arguments, `stage="infer"` runs
# type inference: every node gets an *abstract value* (a type, and for arrays
# a dtype and a shape), printed after the colon, and every graph is
# specialised to one signature. The same `g`, for an array and for a float:

# %%
print(myia.ir(g, np.ones(3), stage="infer"))
print(myia.ir(g, 2.0, stage="infer"))

# %% [markdown]
# The types follow numpy's and Python's rules exactly, with nothing guessed:
# `x * x` of a Python `float` is a `float`, but `np.sin` of a Python float
# returns a numpy scalar, `f64`, and so does the sum. Each primitive brings
# its own inference rule (tutorial 6 writes one). A type error is found here,
# before anything runs, and is reported at the user's line.
#
# In the loop, the loop-carried variables are typed too (`i: int`,
# `s: float`), and a `switch` has the type of the set of graphs it can
# select:

# %%
print(myia.ir(f, 1.5, 10, stage="infer"))

# %% [markdown]
# ## Stage `opt`: the optimized program
#
# `stage="opt"` runs the optimizer on the typed program: rewrite rules such
# as inlining small graphs, folding constants and removing what is never
# used, applied until nothing changes, with every node keeping the source
# line it came from. On the loop there is little to do: `truth(gt(...))` of a
# `bool` is just the comparison, and the exit graphs that only forward `s`
# are inlined:

# %%
print(myia.ir(f, 1.5, 10, stage="opt"))

# %% [markdown]
# The gradient program is where the optimizer matters. The typed gradient of
# `g` at a float is the dozens of graphs listed earlier (the forward graphs,
# the backpropagator closures, the primitives' own bprops); optimized, the
# closures are inlined away and what remains is the derivative itself,
# `1.0 * cos(x) + 1.0 * x + 1.0 * x` (the `1.0` is the seed, the sensitivity
# of the output), with each term's source line:

# %%
typed_grad = myia.ir(myia.grad(g), 2.0, stage="infer")
optimized_grad = myia.ir(myia.grad(g), 2.0, stage="opt")
print(len(str(typed_grad).splitlines()), "lines typed,",
      len(str(optimized_grad).splitlines()), "lines optimized:\n")
print(optimized_grad)
print("grad(g)(2.0) =", myia.grad(g)(2.0), "  2 * 2.0 + cos(2.0) =", 2 * 2.0 + np.cos(2.0))

# %% [markdown]
# ## Stage `kernels`: the generated machine code
#
# The production VM, the default backend, compiles each straight-line run
# of scalar arithmetic it executes often into a *kernel*: a Python function
# compiled by Numba to machine code, one call instead of one VM instruction
# per node. `stage="kernels"` runs the function on the example arguments and
# shows the source of the kernels it compiled:


# %%
def h(x, y):
    return x * y + 1.0 / (x - y)


print(myia.ir(h, 2.0, 3.0, stage="kernels"))

# %% [markdown]
# Each line of a kernel is one node, with the user's line in a comment; the
# signature spells the machine types (`float64` for Python floats). Where
# machine arithmetic could differ from Python's (an `int` beyond 64 bits, a
# division by zero, `math.exp` overflowing), the kernel *declines* (the
# `raise ArithmeticError` guards you can see in tutorial 7's kernels) and
# the VM runs the nodes one by one instead, so the result is always exactly
# Python's. Kernels are cached on disk, keyed by their source. Tutorial 7
# measures what this buys.
#
# ## Pictures of graphs
#
# `.to_dot()` returns a Graphviz description of a graph and all the graphs it
# uses: one box (a *cluster*) per graph, parameters as ellipses, constants as
# plain text, edges labelled with the input position. The `graphviz` package
# turns it into a picture when the Graphviz program `dot` is installed
# (`apt-get install graphviz`, `brew install graphviz`, `conda install
# graphviz`). Without `dot`, this cell says so and skips the pictures.

# %%
HAVE_DOT = shutil.which("dot") is not None


def draw(graph, name):
    """Render `graph` to OUT/name.png with Graphviz, if `dot` is installed."""
    source = graphviz.Source(graph.to_dot())
    if not HAVE_DOT:
        print(f"skipped {name}.png: the Graphviz program 'dot' is not installed")
        return None
    path = source.render(OUT / name, format="png", cleanup=True)
    print("wrote", path)
    return source  # a notebook displays it inline


print(myia.ir(g).to_dot())
draw(myia.ir(g), "ir_g")

# %% [markdown]
# The loop: the header cluster `f:for:N`, the body, and the exit graphs.
# An edge into a node from a cluster's parameter or from outside the cluster
# is a free-variable read.

# %%
draw(myia.ir(f), "ir_loop")

# %% [markdown]
# And the whole gradient program of `g`. It is wide: one cluster per
# generated graph, laid side by side (open the PNG and zoom in).

# %%
draw(myia.ir(g, stage="grad"), "ir_grad")

# %% [markdown]
# The same gradient after inference and optimization, for a float argument:
# one small graph.

# %%
draw(optimized_grad, "ir_grad_opt")

# %% [markdown]
# The same listings are available in the step debugger (`ir`, `dot FILE`),
# with the node about to run marked: tutorial 5.
