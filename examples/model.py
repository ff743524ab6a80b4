"""A small example model, run and differentiated by Myia.

`python examples/model.py` prints the model's value and its gradient, computed
by Myia, next to a finite-difference estimate.
"""

import numpy as np

import myia


def poly(x, n):
    """Sum of x**k / k for k = 1..n, stopping once a term exceeds 100."""
    total = 0.0
    term = 1.0
    for k in range(1, n + 1):
        term = term * x
        if term > 100.0:
            break
        total = total + term / k
    return total


def loss(w, x, y):
    """Squared error of a one-layer tanh network."""
    pred = np.tanh(x @ w)
    return np.mean((pred - y) ** 2)


def main():
    value, dx = myia.value_and_grad(poly)(1.5, 6)
    eps = 1e-6
    fd = (poly(1.5 + eps, 6) - poly(1.5 - eps, 6)) / (2 * eps)
    print(f"poly(1.5, 6) = {value:.12g}")
    print(f"d poly / dx  = {dx:.12g}   (finite differences: {fd:.12g})")
    rng = np.random.default_rng(0)
    w, x, y = rng.normal(size=(3, 2)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    print("d loss / dw =")
    print(myia.grad(loss)(w, x, y))


if __name__ == "__main__":
    main()
