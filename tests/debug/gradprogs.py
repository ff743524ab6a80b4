"""Programs for the debugger's `--grad` sessions (line numbers matter)."""

import dataclasses
import math

import numpy as np

import myia


def layer(w, x):
    h = np.tanh(w * x)
    return h * 2.0


def net(w, x, n):
    r = 1.0
    for i in range(n):
        h = layer(w, x)
        if h > 0.9:
            r = r * h
        else:
            r = r + h
    return r


def logs(x, y):
    a = x * y
    b = np.log(a - 4.0)
    return b + a


def root(x):
    y = x ** 0.5
    return y + x


def sqrt_error(x):
    a = x + 1.0
    b = math.sqrt(a)
    return b


def sq_loss(w, x):
    e = w * x - 1.0
    return e * e


def train(w, x):
    for i in range(2):
        gw = myia.grad(sq_loss)(w, x)
        w = w - 0.1 * gw
    return w


def total(u):
    v = u * u
    k = 3
    return v * k + u * u


@dataclasses.dataclass
class Tree:
    value: float
    left: object
    right: object


def tree_value(t):
    v = t.value * 2.0
    return v


def no_arguments():
    return 1.0


def roots(x):
    y = x ** 0.5
    z = y ** 0.5
    return np.sum(z)


def quiet(x):
    a = x * 2.0
    b = a
    c = 1.0
    pass
    return b + c


def quiet_loop(x, n):
    s = 0.0
    for i in range(n):
        k = 2.0
        s = s + k * x
    return s


def total_step(u):
    g = myia.grad(total)(u)
    return u - 0.1 * g


def powers(u, n):
    s = 0.0
    for i in range(n):
        t = u * i
        s = s + t * u
    return s


def powers_step(u):
    g = myia.grad(powers)(u, 3)
    return u - 0.1 * g


def sumsq(u, n):
    s = 0.0
    for i in range(n):
        s = s + u * u
    return s


def sumsq_step(u):
    g = myia.grad(sumsq)(u, 3)
    return u - 0.1 * g


def pow15(u):
    y = u ** 1.5
    return np.sum(y)


def pow15_grad(u):
    g = myia.grad(pow15)(u)
    return np.sum(g) * 2.0


def net_step(w, x):
    g = myia.grad(net)(w, x, 3)
    return w - 0.1 * g


def quiet_grad(u):
    a = 2.0
    g = myia.grad(sq_loss)(u, 1.0)
    c = 1.0
    return g + c + a


@dataclasses.dataclass
class Vec:
    x: float

    def __add__(self, other):
        return Vec(self.x + other.x)

    def __mul__(self, k):
        return Vec(self.x * k)


def vec_loop(a, n):
    v = Vec(a)
    for i in range(n):
        v = v + v * 0.5
    return v.x
