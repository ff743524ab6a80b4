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

import types

import numpy as np

from .. import types as T
from ..errors import MyiaTypeError
from .primitive import Primitive
from .rules import elementwise
from .values import (  # noqa: F401 (re-exported)
    NEWENV, ZERO, Env, JFunction, Partial, Zero, field_names)


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
    names = field_names(x)
    if names is not None:
        return type(x)(*(_gadd(getattr(x, k), getattr(y, k)) for k in names))
    if x is None:
        return None
    return x + y


def _bprop_gadd(x, y, out, dout):
    return (dout, dout)


def _infer_gadd(x, y):
    if x is T.ZeroType or x is T.Bottom:
        return y
    if y is T.ZeroType or y is T.Bottom:
        return x
    if isinstance(x, T.OrZero) or isinstance(y, T.OrZero):
        # ZERO + y is y, x + ZERO is x: each case's type joins the sum's.
        s = _infer_gadd(T.strip_zero(x), T.strip_zero(y))
        out = s
        if isinstance(x, T.OrZero):
            out = T.join(out, y)
        if isinstance(y, T.OrZero):
            out = T.join(out, x)
        return out
    if isinstance(x, T.Tuple) and isinstance(y, T.Tuple):
        return T.Tuple(_infer_gadd(a, b) for a, b in zip(x.items, y.items))
    if isinstance(x, (T.Tuple, T.Seq)) and isinstance(y, (T.Tuple, T.Seq)):  # one length
        return T.seq_of(T.Tuple([_infer_gadd(T.item_of(x), T.item_of(y))]))
    if isinstance(x, T.EnvT) and isinstance(y, T.EnvT):
        return T.EnvT(x.keys | y.keys, x.must | y.must)
    if isinstance(x, T.Record) and (x.recursive or y.recursive):
        return T.join(x, y)  # a tree's: each field's sum is of its join's type
    if isinstance(x, T.Record):
        return T.record(x.cls, [(k, _infer_gadd(v, y.field(k))) for k, v in x.fields])
    if x is T.NoneType:
        return x
    return T.widen(elementwise(gadd)(x, y))


gadd = Primitive("gadd", _gadd, infer=_infer_gadd, bprop=_bprop_gadd)


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


def _env_key(key):
    if not T.is_static(key):
        raise MyiaTypeError(f"an Env key must be known at compile time, not {key}")
    return T.static_value(key)


def _infer_env_getitem(env, key, default, sens):
    # `sens` (kept by inference) maps a key to what any Env holds for it.
    k = _env_key(key)
    if isinstance(env, T.EnvT) and k in env.must:  # (not `Env|ZERO`: it may be ZERO)
        return sens.get(k, T.Bottom)
    env = T.strip_zero(env)
    if isinstance(env, T.EnvT) and k in env.keys:
        return T.join(sens.get(k, T.Bottom), default)
    return default


def _infer_env_setitem(env, key, value, sens):
    k = _env_key(key)
    # widened: `gadd` of two Envs sums what they hold without writing here,
    # so a constant would claim the sum (`1.0 + 1.0` read back as `1.0`)
    sens[k] = T.join(sens.get(k, T.Bottom), T.widen(value))
    if isinstance(env, T.EnvT):
        return T.EnvT(env.keys | {k}, env.must | {k})
    env = T.strip_zero(env)
    return T.EnvT((env.keys if isinstance(env, T.EnvT) else set()) | {k}, {k})


env_getitem = Primitive("env_getitem", _env_getitem, infer=_infer_env_getitem,
                        bprop=_bprop_env_getitem)
env_setitem = Primitive("env_setitem", _env_setitem, infer=_infer_env_setitem,
                        bprop=_bprop_env_setitem)


def _is_zero(x):
    return x is ZERO


def _infer_is_zero(x):
    # Static unless x is ZERO on some paths only: `switch(is_zero(d), ...)` folds.
    return T.Bool if isinstance(x, T.OrZero) else T.Const(x is T.ZeroType)


is_zero = Primitive("is_zero", _is_zero, infer=_infer_is_zero, differentiable=False)


def _fill_zeros(sens, like):
    """`sens` with every symbolic zero replaced by zeros shaped like `like`.

    Gradients have the structure, shape and dtype of their argument; integer
    and boolean leaves inside a structure get a zero of their own type.
    """
    if isinstance(like, tuple):
        parts = (ZERO,) * len(like) if sens is ZERO else sens
        return tuple(_fill_zeros(s, x) for s, x in zip(parts, like))
    names = field_names(like)
    if names is not None:
        return type(like)(*(_fill_zeros(ZERO if sens is ZERO else getattr(sens, k),
                                        getattr(like, k)) for k in names))
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


def _infer_fill_zeros(sens, like):
    sens, like = T.strip_zero(sens), T.widen(like)
    if isinstance(like, T.Tuple):
        parts = sens.items if isinstance(sens, T.Tuple) else (
            T.item_of(sens) if isinstance(sens, T.Seq) else T.ZeroType,) * len(like.items)
        return T.Tuple(_infer_fill_zeros(s, x) for s, x in zip(parts, like.items))
    if isinstance(like, T.Seq):
        s = T.item_of(sens) if isinstance(sens, (T.Tuple, T.Seq)) else T.Bottom
        return T.Seq(_infer_fill_zeros(T.ZeroType if s is T.Bottom else s, like.item))
    if isinstance(like, T.Record):
        return T.record(like.cls, [
            (k, _infer_fill_zeros(sens.field(k) if isinstance(sens, T.Record) else T.ZeroType,
                                  v)) for k, v in like.fields])
    if like is T.NoneType or isinstance(like, T.FUNCTIONS):
        return T.NoneType
    if isinstance(like, (T.Array, T.Scalar)) or like in (T.Bool, T.Int, T.Float):
        return like
    return sens


fill_zeros = Primitive("fill_zeros", _fill_zeros, infer=_infer_fill_zeros,
                       bprop=_bprop_fill_zeros)


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


def _infer_seed(out):
    out = T.widen(out)
    if out is T.Int or out is T.Float:
        return T.Float
    if isinstance(out, T.Scalar) and out.dtype.kind != "b":
        return T.Scalar(out.dtype if out.dtype.kind not in "iu" else np.float64)
    if isinstance(out, T.Array) and out.shape == () and out.dtype.kind != "b":
        return T.Scalar(out.dtype)
    what = f"an array of shape {out.shape}" if isinstance(out, T.Array) else f"a {out}"
    raise MyiaTypeError(f"grad needs a scalar output, but the function returns {what}")


seed = Primitive("seed", _seed, infer=_infer_seed, differentiable=False)


def _field_sens(dout, i):
    """Field `i` of a dataclass sensitivity (which may be a symbolic zero)."""
    if dout is ZERO:
        return ZERO
    return getattr(dout, field_names(dout)[i])


def _record_sens(dout, i, d):
    """A sensitivity like the dataclass `dout`, holding `d` in field `i` only."""
    return type(dout)(*(d if j == i else ZERO for j in range(len(field_names(dout)))))


def _bprop_field_sens(dout, i, out, ddout):
    return (record_sens(dout, i, ddout), ZERO)


def _bprop_record_sens(dout, i, d, out, ddout):
    return (ZERO, ZERO, field_sens(ddout, i))


def _infer_field_sens(dout, i):
    if dout is T.ZeroType:
        return dout
    d = T.strip_zero(dout).fields[T.static_value(i)][1]
    return T.join(d, T.ZeroType) if isinstance(dout, T.OrZero) else d


def _infer_record_sens(dout, i, d):
    dout, i = T.strip_zero(dout), T.static_value(i)
    return T.record(dout.cls, [(k, d if j == i else T.ZeroType)
                               for j, (k, _) in enumerate(dout.fields)])


field_sens = Primitive("field_sens", _field_sens, infer=_infer_field_sens,
                       bprop=_bprop_field_sens, static=("i",))
record_sens = Primitive("record_sens", _record_sens, infer=_infer_record_sens,
                        bprop=_bprop_record_sens, static=("i",))


def _J(f):
    """The forward version of function value `f`; other values are themselves."""
    if isinstance(f, tuple):
        return tuple(_J(x) for x in f)
    if isinstance(f, Partial):
        return Partial(_J(f.fn), f.args)
    if isinstance(f, (types.FunctionType, JFunction, Primitive)):
        return JFunction(f)  # a Primitive: an array method (`x.sum`)
    return f


def _bprop_J(f, out, dout):
    return (dout,)


def _infer_J(f):
    if isinstance(f, T.Tuple):
        return T.Tuple(_infer_J(x) for x in f.items)
    if isinstance(f, T.Seq):
        return T.Seq(_infer_J(f.item))
    if isinstance(f, T.PartialFn):
        return T.PartialFn(_infer_J(f.fn), f.args)
    if isinstance(f, T.JFn) or (isinstance(f, T.Const) and
                                isinstance(f.value, types.FunctionType)):
        return T.JFn(f)
    return f


J = Primitive("J", _J, infer=_infer_J, bprop=_bprop_J)


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


def _infer_check_differentiable(x, name):
    w = T.widen(x)
    if w in (T.Int, T.Bool) or (isinstance(w, (T.Scalar, T.Array)) and w.dtype.kind in "biu"):
        raise MyiaTypeError(f"cannot differentiate with respect to argument "
                            f"{T.static_value(name)!r}: it is {w}; only floats, float "
                            "arrays and structures of them are differentiable")
    return x


check_differentiable = Primitive("check_differentiable", _check_differentiable,
                                 infer=_infer_check_differentiable,
                                 bprop=_bprop_check_differentiable)



# ----- CUDA facets (myia/vm/cuda.py) -----------------------------------------------
# `gadd` needs none: `x + y` of device arrays is `add`'s kernel (cuda.DeviceValue).

def _cuda_fill_zeros(dev, sens, like):
    if isinstance(like, tuple):
        parts = (ZERO,) * len(like) if sens is ZERO else sens
        return tuple(_cuda_fill_zeros(dev, s, x) for s, x in zip(parts, like))
    names = field_names(like)
    if names is not None:
        return type(like)(*(_cuda_fill_zeros(dev, ZERO if sens is ZERO else getattr(sens, k),
                                             getattr(like, k)) for k in names))
    if not dev.is_array(like):
        return _fill_zeros(sens, like)
    if sens is ZERO or like.dtype.kind in "biu":
        return dev.full(np.shape(like), 0, like.dtype)
    return dev.reshape(dev.astype(sens, like.dtype), np.shape(like))


def _cuda_check_differentiable(dev, x, name):
    if dev.is_array(x) and not isinstance(x, tuple):
        _check_differentiable(np.empty(0, x.dtype), name)  # numpy's message for its dtype
        return x
    return _check_differentiable(x, name)


fill_zeros.cuda_kernel = _cuda_fill_zeros
check_differentiable.cuda_kernel = _cuda_check_differentiable


def _cuda_J(dev, f):
    # The forward version of a method made into a device graph by `getattr`.
    if isinstance(f, tuple):
        return tuple(_cuda_J(dev, x) for x in f)
    if isinstance(f, Partial):
        return Partial(_cuda_J(dev, f.fn), f.args)
    out = _J(dev.origin(f))
    if isinstance(out, JFunction) and not isinstance(out.fn, Primitive):
        return dev.function(out)
    return out  # an array method's primitive: its forward graph depends on the call


J.cuda_kernel = _cuda_J
