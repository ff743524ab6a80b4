"""The layouts of the sensitivity of a bound callable, and the moves between them.

The sensitivity of a `Partial(fn, args)` is `(∂fn, ∂args...)`; a call of it
sees one flat tuple `(∂fn, ∂args..., ∂call_args...)`.  `regroup`/`ungroup`
go between the two layouts (`n` the number of call arguments)::

    regroup((g, a, x), 1) == ((g, a), x)
    ungroup((g, a, x), 1, ((dg, da), dx)) == (dg, da, dx)

`kw_split`/`kw_join` do the same for `bind_keywords(fn, names, v1..vq)`: the
callee's sensitivity `(∂g, ∂bound..., ∂v...)` becomes `(∂fn, ∂v1..., ∂vq)`.
Each is the other's backpropagator, so every order keeps the layout.
"""

from .. import types as T
from .primitive import Primitive
from .values import ZERO


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


def _split_types(t, q):
    items = t.items
    head = items[:len(items) - q]
    return T.Tuple((head[0] if len(head) == 1 else T.Tuple(head),) + tuple(items[len(items) - q:]))


def _infer_kw_split(t, q):
    q = T.static_value(q)
    if t is T.ZeroType:
        return T.Tuple((T.ZeroType,) * (q + 1))
    out = _split_types(T.strip_zero(t), q)
    return T.join(out, T.Tuple((T.ZeroType,) * (q + 1))) if isinstance(t, T.OrZero) else out


def _spread_head(d, n):
    """The tuple type `d` with its first item (a group of `n`) spread in place."""
    if d[0] is T.ZeroType:
        head = (T.ZeroType,) * n
    elif isinstance(d[0], T.OrZero):  # ZERO on some paths: each item may be ZERO
        head = [T.join(T.ZeroType, x) for x in d[0].item.items]
    else:
        head = d[0].items
    return T.Tuple(tuple(head) + tuple(d[1:]))


def _infer_kw_join(t, q, d):
    k = len(T.strip_zero(t).items) - T.static_value(q)
    d = T.strip_zero(d).items
    if k == 1:
        return T.Tuple(d)
    return _spread_head(d, k)


kw_split = Primitive("kw_split", _kw_split, infer=_infer_kw_split, bprop=_bprop_kw_split,
                     static=("q",))
kw_join = Primitive("kw_join", _kw_join, infer=_infer_kw_join, bprop=_bprop_kw_join,
                    static=("q",))


def _infer_regroup(t, n):
    items, n = T.strip_zero(t).items, T.static_value(n)
    k = len(items) - n - 1
    return T.Tuple(items) if k == 0 else T.Tuple((T.Tuple(items[:k + 1]),) + items[k + 1:])


def _infer_ungroup(t, n, dout):
    k = len(T.strip_zero(t).items) - T.static_value(n) - 1
    if k == 0:
        return dout
    d = T.strip_zero(dout).items
    return _spread_head(d, k + 1)


regroup = Primitive("regroup", _regroup, infer=_infer_regroup, bprop=_bprop_regroup,
                    static=("n",))
ungroup = Primitive("ungroup", _ungroup, infer=_infer_ungroup, bprop=_bprop_ungroup,
                    static=("n",))
