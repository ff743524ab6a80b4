"""The benchmark programs, in the Myia subset, and their hand-written references.

Each program has a Myia version (differentiated by `myia.grad`) and, for the
same gradient, a hand-written Numba forward+backward and (for the array
models) a hand-written NumPy forward+backward, as an expert would write them.
"""

import numba
import numpy as np

# ----- scalar loop: a data-dependent while ------------------------------------


def scalar_loop(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s + x * s * 0.001 + x
        i = i + 1
    return s


@numba.njit(cache=True)
def scalar_loop_hand(x, n):
    """d scalar_loop / dx: forward loop storing each s, backward loop popping them."""
    ss = np.empty(max(n, 1))
    s = 0.0
    i = 0
    while i < n:
        ss[i] = s
        s = s + x * s * 0.001 + x
        i += 1
    gs, gx = 1.0, 0.0
    for k in range(n - 1, -1, -1):
        gx += gs * (0.001 * ss[k] + 1.0)
        gs = gs * (1.0 + 0.001 * x)
    return gx


@numba.njit(cache=True)
def scalar_loop_fwd(x, n):
    """scalar_loop itself, by hand in Numba."""
    s = 0.0
    i = 0
    while i < n:
        s = s + x * s * 0.001 + x
        i += 1
    return s


# ----- rec_pow: self-recursion ------------------------------------------------


def rec_pow(x, n):
    if n == 0:
        return 1.0
    return x * rec_pow(x, n - 1)


@numba.njit(cache=True)
def _rec_pow_fwd(x, n, stack):
    if n == 0:
        return 1.0
    r = _rec_pow_fwd(x, n - 1, stack)
    stack[n - 1] = r  # residual: the inner result
    return x * r


@numba.njit
def rec_pow_hand(x, n):
    """d rec_pow / dx: recursive njit forward with a residual stack, then backward."""
    stack = np.empty(max(n, 1))
    _rec_pow_fwd(x, n, stack)
    g, gx = 1.0, 0.0
    for k in range(n - 1, -1, -1):  # outermost call first
        gx += g * stack[k]
        g = g * x
    return gx


# ----- MLP 784-256-10 ---------------------------------------------------------


def mlp(w1, b1, w2, b2, x, t):
    h = np.tanh(x @ w1 + b1)
    y = h @ w2 + b2
    d = y - t
    return np.sum(d * d)


def mlp_numpy(w1, b1, w2, b2, x, t):
    a = x @ w1 + b1
    h = np.tanh(a)
    y = h @ w2 + b2
    dy = 2 * (y - t)
    dw2 = h.T @ dy
    db2 = dy.sum(axis=0)
    dh = dy @ w2.T
    da = dh * (1 - h * h)
    return x.T @ da, da.sum(axis=0), dw2, db2


mlp_numba = numba.njit(cache=True)(mlp_numpy)


# ----- RNN T=50, hidden 128, batch 32 -----------------------------------------


def rnn(wx, wh, b, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
    return np.sum(h)


def rnn_numpy(wx, wh, b, xs, h0):
    T = xs.shape[0]
    hs = [h0]
    h = h0
    for t in range(T):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
        hs.append(h)
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(b)
    dh = np.ones_like(h)
    for t in range(T - 1, -1, -1):
        da = dh * (1 - hs[t + 1] * hs[t + 1])
        dwx += xs[t].T @ da
        dwh += hs[t].T @ da
        db += da.sum(axis=0)
        dh = da @ wh.T
    return dwx, dwh, db


@numba.njit(cache=True)
def rnn_numba(wx, wh, b, xs, h0):
    T = xs.shape[0]
    hs = np.empty((T + 1,) + h0.shape, h0.dtype)
    hs[0] = h0
    for t in range(T):
        hs[t + 1] = np.tanh(xs[t] @ wx + hs[t] @ wh + b)
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(b)
    dh = np.ones_like(h0)
    for t in range(T - 1, -1, -1):
        da = dh * (1 - hs[t + 1] * hs[t + 1])
        dwx += xs[t].T @ da
        dwh += hs[t].T @ da
        db += da.sum(axis=0)
        dh = da @ wh.T
    return dwx, dwh, db


def ident(x):
    return x
