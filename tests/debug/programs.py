"""Small programs the debugger tests step through (line numbers matter)."""

import math

import numpy as np


def sq(v):
    return v * v


def straight(x, y):
    a = x * y
    b = sq(a) + x
    c = b + x
    return c * 2.0


def branch(x):
    if x > 0:
        y = x * 2.0
    else:
        y = -x
    z = y + 1.0
    return z


def loop(x, n):
    s = 0.0
    for i in range(n):
        t = x * i
        s = s + t
    return s


def fact(n):
    if n <= 1:
        return 1.0
    r = n * fact(n - 1)
    return r


def nan_maker(x):
    a = x - 1.0
    b = np.log(a)
    c = b * math.pi
    return c


def failing(x):
    a = x + 1.0
    b = a[0]
    return b


def forever(x):
    while x > 0:
        x = x + 1.0
    return x


def arrays(w, x):
    h = np.tanh(w @ x)
    return np.sum(h * h)


def closure(x):
    k = x * 3.0

    def g(u):
        return u * k

    return g(x) + 1.0


def while_loop(x):
    n = 0
    while x < 100.0:
        x = x * 2.0
        n = n + 1
    return x + n


def long_names(alpha_value):
    beta_value = alpha_value * 2.0
    return beta_value + 1.0


def mixed(x):
    t = (x,)
    while x < 3.0:
        x = x + 1.0
        t = (t, x)  # nests one level deeper each time: one type per depth
    return t[0]


def grow(x, n):
    v = np.zeros(1)
    for i in range(n):
        v = np.concatenate((v, v * x))
    return np.sum(v)


def unread_unpacking(x):
    a = x * 2.0
    lo, hi = (x, a, a)  # lo, hi never read: still an error where it runs
    return a
