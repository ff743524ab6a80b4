# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 5. Debugging a gradient with `myia-debug`
#
# A model whose loss is fine and whose gradient is NaN is one of the most
# frustrating bugs in machine learning: the NaN appears somewhere in the
# backward pass, which you did not write, and spreads from there.
#
# `myia-debug` is a step debugger for Myia programs. Its commands are pdb's
# (`step`, `next`, `break`, `p`, `where`...) plus gdb's (`finish`, `catch`,
# `watch`, reverse stepping), and with `--grad` it steps through the
# *backward* pass too, line by line, against your source. From a shell:
#
#     myia-debug model.py loss ARGS... --grad 0
#
# and from Python, `myia_debug.debug(fn, *args, grad=0)`. When standard
# input is not a terminal, it reads commands line by line and prints a plain
# transcript. Every session below is run that way by this tutorial, so what
# you see is the debugger's real output.

# %%
import contextlib
import inspect
import io
import sys
import warnings

import numpy as np

import myia
import myia_debug


def session(fn, *args, grad=None, commands, expect=()):
    """Run myia-debug on fn(*args) with `commands` typed at its prompt.

    The transcript is printed as the debugger wrote it. A debugger error
    (a line starting with `***`) or a missing `expect`ed text fails the
    tutorial: the story told around each session must stay true.
    """
    print(f">>> myia_debug.debug({fn.__name__}, ..., grad={grad})")
    typed = io.StringIO("".join(c + "\n" for c in commands))
    stdin, sys.stdin = sys.stdin, typed
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()) as out:
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy's: see below
            status = myia_debug.debug(fn, *args, grad=grad)
    finally:
        sys.stdin = stdin
    transcript = out.getvalue()
    print(transcript, end="")
    print(f"[exit status {status}]")
    errors = [line for line in transcript.splitlines() if line.startswith("***")]
    assert not errors, f"the debugger reported an error: {errors}"
    for text in expect:
        assert text in transcript, f"expected {text!r} in the transcript"


# %% [markdown]
# ## The model
#
# A linear-tanh regression with a *group-lasso* penalty: the sum of the norms
# of the rows of `w`, which pushes whole input features to zero. It is a
# reasonable thing to write, and it has a bug.


# %%
def row_norms(w):
    return np.sqrt(np.sum(w * w, axis=1))


def loss(w, x, y):
    pred = np.tanh(x @ w)
    err = np.mean((pred - y) ** 2)
    penalty = np.sum(row_norms(w))
    return err + 0.01 * penalty


rng = np.random.default_rng(1)
x = rng.normal(size=(6, 3))
y = rng.normal(size=(6, 2))
w = np.array([[0.5, -1.0],
              [0.0, 0.0],   # input feature 1 has been pruned
              [1.0, 0.3]])

print("loss:", myia.myia(loss)(w, x, y))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("gradient:\n", myia.grad(loss)(w, x, y))
for warning in caught:
    print("numpy says:", warning.message)

# %% [markdown]
# The loss is finite, the gradient's middle row is NaN, and numpy's warnings
# say that *something* divided by zero and *something* multiplied infinity,
# but not where. One SGD step with this gradient would turn those weights
# into NaN, and every prediction after them.
#
# ## Where does the NaN come from? `catch nan`
#
# `catch nan bwd` stops at the first node of the backward pass whose output
# contains a NaN while its inputs did not, and reports that node and its
# inputs. `c` (continue) runs until then:

# %%
session(loss, w, x, y, grad=0, commands=["catch nan bwd", "c", "q"],
        expect=["Catch nan", "inf"])

# %% [markdown]
# The NaN was made by a multiplication whose input `dout` already held an
# `inf`: infinity times zero. So the NaN is a symptom; the origin is the
# infinity. `catch nonfinite` catches NaN *or* inf, so it stops earlier, at
# the true origin. Once there, `where` shows the call stack of the backward
# pass, `up` moves to the caller's frame (`loss`) and `down` back to
# `row_norms`, and `p` evaluates expressions over the forward values that
# frame computed:

# %%
session(loss, w, x, y, grad=0, commands=[
    "catch nonfinite bwd", "c", "where", "up", "down", "p w * w", "p np.sum(w * w, axis=1)", "q"],
    expect=["Catch nonfinite", "sqrt", "row_norms"])

# %% [markdown]
# That is the whole story: the backpropagator of `sqrt` divides by
# `2 * sqrt(s)`, and `s`, the squared norm of the pruned row, is exactly zero.
# The derivative of `sqrt` at zero is infinite; the chain rule then multiplies
# it by `d(w * w) / dw = 2 w = 0`, and `inf * 0` is NaN.
#
# ## Stepping the backward pass
#
# The same conclusion, reached by walking the backward pass. `bwd` runs the
# forward pass and stops at the first line of the backward pass; `n` goes to
# the previous source line (the backward pass runs the lines in reverse), and
# each stop shows the sensitivity `∂` flowing into that line and what it sends
# to the line's inputs. `grad` repeats that summary for the current stop.

# %%
session(loss, w, x, y, grad=0, commands=["bwd", "n", "grad", "n", "n", "q"],
        expect=["[bwd #", "penalty"])

# %% [markdown]
# ## Who contributed what: `explain` and `gradcheck`
#
# `w` is used on two lines: in the data term and in the penalty. At the end
# of the run (`c` until the program finishes), `explain w` lists every use of
# `w` with the contribution it sent to `∂w`, then the total: the penalty's
# contribution is the one with NaN. `gradcheck` compares the gradient with
# central finite differences of the program, which need no backward pass at
# all:

# %%
session(loss, w, x, y, grad=0, commands=["c", "grad", "explain w", "gradcheck"],
        expect=["total", "FAIL"])

# %% [markdown]
# For the pruned row, finite differences give exactly the data term's
# contribution that `explain` listed, and nothing from the penalty: the norm
# is not differentiable at zero, but it is symmetric around it, so central
# differences see a slope of `0` there, the subgradient a group-lasso wants.
#
# ## The fix
#
# Adding a small epsilon under the square root would change the loss. Using
# `np.where` to return `0` for an empty row is not enough either: `np.where`
# evaluates both of its arms, and its backward pass sends a zero sensitivity
# to the arm it did not pick, which `sqrt`'s backpropagator turns into
# `0 / 0`:


# %%
def where_row_norms(w):
    s = np.sum(w * w, axis=1)
    return np.where(s > 0.0, np.sqrt(s), 0.0)


def where_loss(w, x, y):
    pred = np.tanh(x @ w)
    err = np.mean((pred - y) ** 2)
    penalty = np.sum(where_row_norms(w))
    return err + 0.01 * penalty


with np.errstate(divide="ignore", invalid="ignore"):
    print("gradient:\n", myia.grad(where_loss)(w, x, y))

# %% [markdown]
# The exact fix is to never take the square root of zero at all, in either
# arm: the zero is replaced before `sqrt` sees it (the "double where"
# trick):


# %%
def safe_row_norms(w):
    s = np.sum(w * w, axis=1)
    safe = np.where(s > 0.0, s, 1.0)
    return np.where(s > 0.0, np.sqrt(safe), 0.0)


def fixed_loss(w, x, y):
    pred = np.tanh(x @ w)
    err = np.mean((pred - y) ** 2)
    penalty = np.sum(safe_row_norms(w))
    return err + 0.01 * penalty


print("loss:", myia.myia(fixed_loss)(w, x, y))
print("gradient:\n", myia.grad(fixed_loss)(w, x, y))

# %% [markdown]
# The loss is the same as before, and the gradient is finite; its middle
# row is the data term's contribution alone. In the debugger, no catchpoint
# fires and `gradcheck` agrees with finite differences on `w`. `b LINE fwd`
# stops the forward pass at a line, here the line after `s = ...` in
# `safe_row_norms`, where `gradcheck s` compares `∂loss/∂s`:

# %%
safe_line = inspect.getsourcelines(safe_row_norms)[1] + 2  # the line `safe = ...`
session(fixed_loss, w, x, y, grad=0, commands=[
    "catch nonfinite", f"b {safe_line} fwd", "c", "p s", "gradcheck s", "c", "gradcheck"],
    expect=["safe_row_norms()", "s: AD", "w: AD", "OK"])

# %% [markdown]
# `gradcheck s` disagrees for the pruned row, and rightly so: as a function
# of `s`, the norm `sqrt(s)` really has an infinite slope at `s = 0` (its
# finite differences there grow without bound as the step shrinks). The fixed backward pass sends `0` there instead; for `w` that
# is the right answer, because `s` depends on `w` through `w * w`, whose
# slope is `0` at `w = 0`. `gradcheck` on an intermediate value tells you
# exactly where the derivative of a program is not what its gradient says.
#
# More commands (breakpoints with conditions, `watch adj NAME`, time travel
# with `rs`/`rn`/`rc`/`goto`, `history`, `display`) are listed by `help` in
# the debugger and in its documentation. Next, tutorial 6: extending Myia
# with your own primitives and gradients.
