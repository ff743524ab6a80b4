"""Values and operations of the backward pass: zeros, sums and environments.

* `ZERO` is the symbolic zero: the sensitivity of a value no path to the
  output depends on.  It stays symbolic until it meets a value (`gadd`), and
  `fill_zeros` turns what is left into real zeros of the argument's structure.
* `gadd` adds two sensitivities of the same structure (numbers, arrays,
  tuples, dataclass instances, environments).
* An `Env` maps the free variables of a closure to their sensitivities: it is
  the sensitivity of a closure value (`env_getitem`, `env_setitem`).

Each has its own backpropagator, so backward passes differentiate again.
"""

import dataclasses
import types

import numpy as np

from . import Primitive


class Zero:
    """The symbolic zero sensitivity (a singleton: `ZERO`)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "ZERO"


ZERO = Zero()


class Env:
    """An immutable map from nodes (free variables) to sensitivities."""

    __slots__ = ("items",)

    def __init__(self, items=()):
        self.items = dict(items)

    def __repr__(self):
        names = ", ".join(getattr(k.debug, "name", None) or f"%{k.id}" for k in self.items)
        return f"Env({names})"


NEWENV = Env()


def _gadd(x, y):
    if x is ZERO:
        return y
    if y is ZERO:
        return x
    if isinstance(x, tuple):
        return tuple(_gadd(a, b) for a, b in zip(x, y))
    if isinstance(x, Env):
        items = dict(x.items)
        for k, v in y.items.items():
            items[k] = _gadd(items[k], v) if k in items else v
        return Env(items)
    if dataclasses.is_dataclass(x):
        return dataclasses.replace(x, **{
            f.name: _gadd(getattr(x, f.name), getattr(y, f.name))
            for f in dataclasses.fields(x)})
    if x is None:
        return None
    return x + y


def _bprop_gadd(x, y, out, dout):
    return (dout, dout)


gadd = Primitive("gadd", _gadd, bprop=_bprop_gadd)


def _env_getitem(env, key, default):
    if env is ZERO:  # the sensitivity of a closure no output depends on
        return default
    return env.items.get(key, default)


def _env_setitem(env, key, value):
    items = {} if env is ZERO else dict(env.items)
    items[key] = value
    return Env(items)


def _bprop_env_getitem(env, key, default, out, dout):
    return (env_setitem(NEWENV, key, dout), ZERO, ZERO)


def _bprop_env_setitem(env, key, value, out, dout):
    return (env_setitem(dout, key, ZERO), ZERO, env_getitem(dout, key, ZERO))


env_getitem = Primitive("env_getitem", _env_getitem, bprop=_bprop_env_getitem)
env_setitem = Primitive("env_setitem", _env_setitem, bprop=_bprop_env_setitem)


def _is_zero(x):
    return x is ZERO


is_zero = Primitive("is_zero", _is_zero, differentiable=False)


def _fill_zeros(sens, like):
    """`sens` with every symbolic zero replaced by zeros shaped like `like`.

    Gradients have the structure, shape and dtype of their argument; integer
    and boolean leaves inside a structure get a zero of their own type.
    """
    if isinstance(like, tuple):
        parts = (ZERO,) * len(like) if sens is ZERO else sens
        return tuple(_fill_zeros(s, x) for s, x in zip(parts, like))
    if dataclasses.is_dataclass(like) and not isinstance(like, type):
        return dataclasses.replace(like, **{
            f.name: _fill_zeros(ZERO if sens is ZERO else getattr(sens, f.name),
                                getattr(like, f.name))
            for f in dataclasses.fields(like)})
    if like is None or callable(like):
        return None
    if isinstance(like, np.ndarray):
        if sens is ZERO or like.dtype.kind in "biu":
            return np.zeros_like(like)
        return np.asarray(sens, dtype=like.dtype).reshape(like.shape)
    if isinstance(like, (bool, np.bool_)):
        return False
    if sens is ZERO or isinstance(like, (int, np.integer)):
        return type(like)(0)
    if isinstance(like, np.generic):
        return like.dtype.type(sens)
    if isinstance(like, float):
        return float(sens)
    return sens


def _bprop_fill_zeros(sens, like, out, dout):
    return (dout, ZERO)


fill_zeros = Primitive("fill_zeros", _fill_zeros, bprop=_bprop_fill_zeros)


def _seed(out):
    """The sensitivity 1 of a scalar output, of the output's own type."""
    if isinstance(out, (bool, np.bool_)) or not (
            np.isscalar(out) or (isinstance(out, np.ndarray) and out.ndim == 0)):
        what = (f"an array of shape {out.shape}" if isinstance(out, np.ndarray)
                else f"a value of type {type(out).__name__}")
        raise TypeError(f"grad needs a scalar output, but the function returned {what}")
    if isinstance(out, (int, np.integer)):
        return 1.0
    return np.ones_like(out)[()] if isinstance(out, (np.generic, np.ndarray)) else 1.0


seed = Primitive("seed", _seed, differentiable=False)


def _getitem_sens(x, index, dout):
    """The sensitivity of `x` when `x[index]` received `dout`."""
    if isinstance(x, tuple):
        out = [ZERO] * len(x)
        if isinstance(index, slice):
            for i, d in zip(range(*index.indices(len(x))), dout):
                out[i] = d
        else:
            out[index] = dout
        return tuple(out)
    z = np.zeros_like(x, dtype=np.result_type(x, dout))
    np.add.at(z, index, dout)
    return z


def _bprop_getitem_sens(x, index, dout, out, ddout):
    return (ZERO, ZERO, ddout[index])


getitem_sens = Primitive("getitem_sens", _getitem_sens, bprop=_bprop_getitem_sens)


def _getattr_sens(x, name, dout):
    """The sensitivity of `x` when `x.name` received `dout`."""
    method = _method_sens(x, name, dout)
    if method is not None:
        return method
    if dataclasses.is_dataclass(x):
        return dataclasses.replace(
            x, **{f.name: dout if f.name == name else ZERO for f in dataclasses.fields(x)})
    if name == "T":
        return np.transpose(dout)
    return ZERO


def _method_sens(x, name, dout):
    # The sensitivity of a bound method x.name is (∂method, ∂x) (see regroup).
    if structure.is_method(x, name):
        return ZERO if dout is ZERO else dout[1]
    return None


def _bprop_getattr_sens(x, name, dout, out, ddout):
    if structure.is_method(x, name):
        return (ZERO, ZERO, (ZERO, ddout))
    return (ZERO, ZERO, structure.getattr_(ddout, name))


getattr_sens = Primitive("getattr_sens", _getattr_sens, bprop=_bprop_getattr_sens)


def _field_sens(dout, i):
    """Field `i` of a dataclass sensitivity (which may be a symbolic zero)."""
    if dout is ZERO:
        return ZERO
    return getattr(dout, dataclasses.fields(dout)[i].name)


def _record_sens(dout, i, d):
    """A sensitivity like the dataclass `dout`, holding `d` in field `i` only."""
    return dataclasses.replace(dout, **{
        f.name: d if j == i else ZERO for j, f in enumerate(dataclasses.fields(dout))})


def _bprop_field_sens(dout, i, out, ddout):
    return (record_sens(dout, i, ddout), ZERO)


def _bprop_record_sens(dout, i, d, out, ddout):
    return (ZERO, ZERO, field_sens(ddout, i))


field_sens = Primitive("field_sens", _field_sens, bprop=_bprop_field_sens)
record_sens = Primitive("record_sens", _record_sens, bprop=_bprop_record_sens)


def _regroup(t, n):
    """The sensitivities `(∂f, ∂x1, ..., ∂xn)` of a call `f(x1, ..., xn)`.

    When `f` is a `Partial` of `g` with `k` arguments `a` bound, the call ran
    `g(a..., x...)`, whose backpropagator returned `(∂g, ∂a..., ∂x...)`: the
    sensitivity of `f` is then the tuple `(∂g, ∂a...)` (what `partial`'s
    backpropagator takes apart).
    """
    k = len(t) - n - 1
    if k == 0:
        return t
    return (t[:k + 1],) + t[k + 1:]


def _ungroup(t, n, dout):
    """The inverse of `regroup`: `dout` in the flat layout of `t`."""
    k = len(t) - n - 1
    if k == 0:
        return dout
    head = (ZERO,) * (k + 1) if dout[0] is ZERO else dout[0]
    return tuple(head) + tuple(dout[1:])


def _bprop_regroup(t, n, out, dout):
    return (ungroup(t, n, dout), ZERO)


def _bprop_ungroup(t, n, dout, out, ddout):
    return (ZERO, ZERO, regroup(ddout, n))


def _kw_split(t, q):
    """`(∂fn, ∂v1, ..., ∂vq)` from the sensitivity `t` of `bind_keywords(fn, names,
    v1..vq)`, a function called with keywords: `t` is `(∂g, ∂bound..., ∂v...)`
    (see `myia.grad.keyword_adapter`), and `∂fn` is `(∂g, ∂bound...)` when
    `fn` is a `Partial`, else `∂g` (the layouts of `regroup`)."""
    if t is ZERO:
        return (ZERO,) * (q + 1)
    head = t[:len(t) - q]
    return (head[0] if len(head) == 1 else head,) + tuple(t[len(t) - q:])


def _kw_join(t, q, d):
    """The inverse of `kw_split`: `d` in the layout of `t`."""
    k = len(t) - q
    head = d[0]
    if k == 1:
        return (head,) + tuple(d[1:])
    return tuple((ZERO,) * k if head is ZERO else head) + tuple(d[1:])


def _bprop_kw_split(t, q, out, dout):
    return (kw_join(t, q, dout), ZERO)


def _bprop_kw_join(t, q, d, out, dout):
    return (ZERO, ZERO, kw_split(dout, q))


kw_split = Primitive("kw_split", _kw_split, bprop=_bprop_kw_split)
kw_join = Primitive("kw_join", _kw_join, bprop=_bprop_kw_join)
regroup = Primitive("regroup", _regroup, bprop=_bprop_regroup)
ungroup = Primitive("ungroup", _ungroup, bprop=_bprop_ungroup)


class JFunction:
    """The forward version `▶fn` of a function met at run time (a bound method).

    Methods are looked up on values, so the transform cannot reach them
    ahead of time: `J` wraps them, and the VM, on calling the wrapper, runs
    the forward graph of `fn` (`myia.grad.fprop_value`).
    """

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __repr__(self):
        return f"J({self.fn!r})"


def _J(f):
    """The forward version of function value `f`; other values are themselves."""
    if isinstance(f, tuple):
        return tuple(_J(x) for x in f)
    if isinstance(f, structure.Partial):
        return structure.Partial(_J(f.fn), f.args)
    if isinstance(f, (types.FunctionType, JFunction, Primitive)):
        return JFunction(f)  # a Primitive: an array method (`x.sum`)
    return f


def _bprop_J(f, out, dout):
    return (dout,)


J = Primitive("J", _J, bprop=_bprop_J)


def _check_differentiable(x, name):
    """`x`, if it may be differentiated: int and bool arguments may not."""
    if isinstance(x, (bool, int, np.integer, np.bool_)) or (
            isinstance(x, np.ndarray) and x.dtype.kind in "biu"):
        raise TypeError(f"cannot differentiate with respect to argument {name!r}: it is "
                        f"{type(x).__name__}{'' if not isinstance(x, np.ndarray) else ' of ' + str(x.dtype)}; "
                        "only floats, float arrays and structures of them are differentiable")
    return x


def _bprop_check_differentiable(x, name, out, dout):
    return (dout, ZERO)


check_differentiable = Primitive("check_differentiable", _check_differentiable,
                                 bprop=_bprop_check_differentiable)


from . import structure  # noqa: E402  (getattr_, for a backpropagator above)
