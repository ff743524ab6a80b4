"""A small example model: a loop, a branch and numpy, run by Myia."""

import numpy as np

from myia import myia


def poly(x, n):
    """Sum of x**k / k for k = 1..n, with a branch on the data."""
    total = 0.0
    term = 1.0
    for k in range(1, n + 1):
        term = term * x
        if term > 100.0:
            break
        total = total + term / k
    return total


def layer(w, x):
    return np.tanh(w @ x)


if __name__ == "__main__":
    run_poly = myia(poly, backend="debug")
    print("poly(1.5, 6) =", run_poly(1.5, 6), " (CPython:", poly(1.5, 6), ")")
    w = np.arange(6.0).reshape(2, 3) / 10
    x = np.ones(3)
    print("layer(w, x) =", myia(layer, backend="debug")(w, x))
