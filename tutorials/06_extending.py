# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 6. Extending Myia in Python
#
# Three ways to teach Myia something new, all in plain Python:
#
# 1. **A new primitive**: an operation Myia treats as one node, with its
#    implementation and its backpropagator side by side in one definition.
# 2. **`myia.defbprop`**: keep a function written in the subset, but replace
#    the gradient Myia would derive for it by one you write (here, for a
#    numerically stable `logsumexp`).
# 3. **`myia.stop_gradient`**: cut the gradient of a value on purpose.
#
# Every gradient below is checked against finite differences.

# %%
import numpy as np

import myia
from myia import types as T
from myia.prims import Primitive


def fd_grad(f, x, eps=1e-6):
    """Central finite differences of scalar-valued f at array or float x."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        bump = np.zeros_like(x)
        bump[i] = eps
        out[i] = (f(x + bump) - f(x - bump)) / (2 * eps)
    return out


def report(name, ad, ref, ref_name="FD"):
    """Print Myia's gradient `ad` next to a reference (finite differences or exact)."""
    err = np.max(np.abs(np.asarray(ad) - ref)) / max(np.max(np.abs(ref)), 1e-12)
    print(f"{name}: AD {np.round(ad, 8)}  {ref_name} {np.round(ref, 8)}  rel.err {err:.1e}")
    assert err < 1e-6, "gradient check failed"


# %% [markdown]
# ## 1. A new primitive
#
# A `Primitive` holds everything Myia knows about one operation:
#
# * `impl`, its implementation in Python or numpy, which both VMs call;
# * `infer`, its inference rule: from the abstract values (types and shapes)
#   of its arguments to the abstract value of its result, used by
#   `stage="infer"`; it raises `MyiaTypeError` for arguments it refuses;
# * `bprop`, its backpropagator: a function *in the Myia subset* taking the
#   inputs, the output `out` and the output's sensitivity `dout`, and
#   returning a tuple with one sensitivity per input;
# * `kernel`, for the production VM's compiled code (see the end of this
#   section).
#
# Softplus, `log(1 + exp(x))`, is a good candidate: written naively it
# overflows for large `x`, while numpy's `logaddexp` computes it stably; and
# its derivative is the logistic sigmoid.


# %%
def _softplus(x):
    return np.logaddexp(0.0, x)


def _bprop_softplus(x, out, dout):
    return (dout / (1.0 + np.exp(-x)),)


def _infer_softplus(x):
    """Softplus keeps the type and shape of a float or float array, refuses the rest."""
    t = T.widen(x)  # a compile-time constant 2.0 widens to `float`
    if t is T.Float or isinstance(t, (T.Scalar, T.Array)) and t.dtype.kind == "f":
        return t
    raise myia.MyiaTypeError(f"softplus takes floats or float arrays, not {t}")


softplus = Primitive("softplus", _softplus, infer=_infer_softplus, bprop=_bprop_softplus)

# %% [markdown]
# The abstract values the rule sees are those of `myia.types`: `typeof` gives
# the one of a runtime value, and they print the way the typed listings of
# tutorial 3 show them. The rule can be tried on its own:

# %%
print(softplus.infer(T.typeof(np.ones((8, 3)))), softplus.infer(T.Float))
try:
    softplus.infer(T.typeof(np.arange(3)))
except myia.MyiaTypeError as e:
    print("MyiaTypeError:", e)

# %% [markdown]
# Most of Myia's numeric primitives do not write such a rule by hand:
# `myia.prims.rules.elementwise` builds one from `impl` itself (numpy's
# broadcasting for the shape, numpy's promotion for the dtype, found by
# running `impl` on tiny samples). `infer=elementwise` would have done here
# too; the hand-written rule is stricter, since it refuses integers.
#
# `softplus` is now usable in any Myia function, like `np.tanh`. Calling it
# from plain Python runs `impl`; `myia.myia` runs it on the default backend,
# the production VM, and `backend="debug"` on the debug VM:


# %%
def smooth_hinge(w, x, y):
    return np.mean(softplus(1.0 - y * (x @ w)))


rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3))
y = np.sign(rng.normal(size=8))
w = rng.normal(size=3)

print("production VM:", myia.myia(smooth_hinge)(w, x, y))
print("debug VM:     ", myia.myia(smooth_hinge, backend="debug")(w, x, y))
print("plain Python: ", smooth_hinge(w, x, y))
with np.errstate(over="ignore"):
    print("softplus(1000) =", softplus(1000.0), "  naive:", np.log(1.0 + np.exp(1000.0)))

# %% [markdown]
# In the IR it is a single node. In the typed program (`stage="infer"`, for
# example arguments) its node has the type its rule gave, and everything
# downstream is typed from it; its backpropagator shows up in the gradient
# program as a graph parsed from `_bprop_softplus`:

# %%
print(myia.ir(smooth_hinge, w, x, y, stage="infer"))
grad_listing = str(myia.ir(smooth_hinge, stage="grad"))
print(next(b for b in grad_listing.split("\n\n") if b.startswith("graph _bprop_softplus")))

# %% [markdown]
# The rule's refusal reaches the user as a located error: typing a function
# that passes integers to `softplus` names the user's line:


# %%
def int_softplus(n):
    return softplus(n) + 1


try:
    myia.ir(int_softplus, np.arange(3), stage="infer")
except myia.MyiaTypeError as e:
    print("MyiaTypeError:", e)

# %% [markdown]
# Its gradient, checked:

# %%
report("d smooth_hinge / dw", myia.grad(smooth_hinge)(w, x, y),
       fd_grad(lambda v: smooth_hinge(v, x, y), w))

# %% [markdown]
# Because the backpropagator is itself Myia code made of differentiable
# primitives, second order works with no extra work. The second derivative of
# softplus is `sigmoid(x) * (1 - sigmoid(x))`:


# %%
def softplus_scalar(x):
    return softplus(x)


d2 = myia.grad(myia.grad(softplus_scalar))
for v in (-2.0, 0.0, 3.0):
    s = 1 / (1 + np.exp(-v))
    print(f"x = {v:4}: second derivative {d2(v):.10f}  exact {s * (1 - s):.10f}")

# %% [markdown]
# ### The `kernel` facet and the production VM
#
# The production VM compiles straight-line runs of *scalar* primitives
# (Python `float`/`int` arithmetic and `math.*`) into fused Numba kernels,
# and runs every other primitive through its `impl`. What it fuses is what
# a primitive's `kernel` facet says: `add.kernel` is
# `ScalarKernel("{0} + {1}", "arith")`, the source of one call in the
# generated code and the kind of type rule and exactness guards it needs
# (`myia/vm/emit.py`). `softplus` defines none, so it is not fused: in a
# scalar loop that calls it, the arithmetic before the call becomes a
# kernel, and `softplus` runs its `impl` between kernels.
# `stage="kernels"` runs the function once on the production VM and lists the
# kernels it compiled:


# %%
def softplus_series(x, n):
    s = 0.0
    for i in range(n):
        s = s + softplus(x * i - 3.0) / (i + 1)
    return s


print("production VM:", myia.myia(softplus_series)(0.5, 50),
      " plain Python:", softplus_series(0.5, 50))
print(myia.ir(softplus_series, 0.5, 50, stage="kernels"))

# %% [markdown]
# A kind is a promise about Python's semantics ("math": a float function of
# floats that CPython raises on where it gives NaN or infinity), so a
# `ScalarKernel` only fits a primitive whose `impl` is exactly that
# expression on Python scalars; `softplus`'s `np.logaddexp` is numpy's,
# which can differ from libm in the last bit, so it stays unfused. Either way
# the production VM, the debug VM and plain Python agree on every result
# above.

# %%
print("kernel facet:", softplus.kernel, "  add's:", myia.prims.add.kernel)

# %% [markdown]
# ## 2. A custom gradient with `defbprop`: a stable `logsumexp`
#
# `log(sum(exp(x)))` is everywhere in machine learning (softmax
# cross-entropy, log-likelihoods of mixtures). Written directly, it
# overflows as soon as an entry of `x` passes ~709:


# %%
def naive_logsumexp(x):
    return np.log(np.sum(np.exp(x)))


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


big = np.array([1000.0, 1001.0, 999.0])
with np.errstate(over="ignore"):
    print("naive: ", myia.myia(naive_logsumexp)(big))
print("stable:", myia.myia(logsumexp)(big))

# %% [markdown]
# The stable version is correct, and Myia differentiates it as written. But
# the gradient it derives goes through `np.max` and back, with terms that
# cancel exactly, while the true gradient has a closed form, the softmax
# `exp(x - out)`. `@myia.defbprop(f)` attaches a backpropagator to a
# function written in the subset: the same `(inputs..., out, dout)` form a
# primitive's has, and `grad` uses it wherever `f` is called. Here it is on a
# copy of the function, so that the two can be compared:


# %%
def logsumexp_custom(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@myia.defbprop(logsumexp_custom)
def logsumexp_custom_bprop(x, out, dout):
    return (dout * np.exp(x - out),)


# %% [markdown]
# The softmax cross-entropy of a linear classifier calls it; a twin calls the
# derived version. Both gradients match finite differences, and both stay
# finite when the scores are in the thousands, where the naive formula
# overflows:


# %%
def cross_entropy(w, features, onehot):
    scores = features @ w
    return logsumexp_custom(scores) - np.sum(scores * onehot)


def cross_entropy_derived(w, features, onehot):
    scores = features @ w
    return logsumexp(scores) - np.sum(scores * onehot)


features = rng.normal(size=3)
wmat = rng.normal(size=(3, 4))
onehot = np.array([0.0, 0.0, 1.0, 0.0])
fd = fd_grad(lambda m: cross_entropy(m, features, onehot), wmat)
report("custom ", myia.grad(cross_entropy)(wmat, features, onehot), fd)
report("derived", myia.grad(cross_entropy_derived)(wmat, features, onehot), fd)
huge = wmat * 1000.0
print("scores:", features @ huge)
print("custom: ", myia.grad(cross_entropy)(huge, features, onehot)[0])
print("derived:", myia.grad(cross_entropy_derived)(huge, features, onehot)[0])

# %% [markdown]
# The custom gradient is also a smaller program. Counting the nodes of the
# two gradient programs (the lines of the listing that define a node):


# %%
def node_count(fn):
    return sum(line.lstrip().startswith("%") for line in
               str(myia.ir(fn, stage="grad")).splitlines())


print("custom: ", node_count(cross_entropy), "nodes")
print("derived:", node_count(cross_entropy_derived), "nodes")
assert node_count(cross_entropy) < node_count(cross_entropy_derived)

# %% [markdown]
# Written with differentiable primitives, the custom backpropagator can
# itself be differentiated. For scores `s` and `p = softmax(s)`, the
# gradient of the cross-entropy with respect to `s` is `p - onehot` and its
# Hessian times a vector `v` is `p * v - p (p . v)`:


# %%
def ce_of_scores(s, onehot):
    return logsumexp_custom(s) - np.sum(s * onehot)


def directional(s, onehot, v):
    return np.sum(myia.grad(ce_of_scores)(s, onehot) * v)


s = np.array([0.5, -1.0, 2.0, 0.0])
v = np.array([1.0, 0.0, -0.5, 2.0])
p = np.exp(s) / np.sum(np.exp(s))
report("p - onehot", myia.grad(ce_of_scores)(s, onehot), p - onehot, "exact")
report("H v", myia.grad(directional)(s, onehot, v), p * v - p * np.sum(p * v), "exact")

# %% [markdown]
# ## 3. `stop_gradient`
#
# `myia.stop_gradient(x)` is `x` in the forward pass and has zero gradient.
# The straight-through estimator uses it to train through rounding: the
# forward pass rounds, the backward pass acts as if it had not.


# %%
def rounded(x):
    return x + myia.stop_gradient(np.floor(x + 0.5) - x)


SCALE = np.array([1.0, 2.0, 3.0])


def quantized_loss(w):
    return np.sum((rounded(w) * SCALE - 4.0) ** 2)


w = np.array([0.7, 1.2, 1.6])
print("rounded:", myia.myia(rounded)(w))
print("straight-through gradient:", myia.grad(quantized_loss)(w))
print("= the gradient at the rounded point:", 2 * (np.floor(w + 0.5) * SCALE - 4.0) * SCALE)

# %% [markdown]
# The three tools compose: a primitive's backpropagator, a `defbprop`
# backpropagator and a `stop_gradient` are all ordinary Myia code in the
# gradient program, so everything from tutorials 3 and 5 (`myia.ir`,
# stepping the backward pass in `myia-debug`) applies to them too.
