"""Programs inference rejects at compile time (not part of the run corpus)."""

import numpy as np

CASES = []  # nothing here runs: see tests/test_infer.py


def bad_unpack(x):
    a, b = (x, x, x)  # noqa: F841  (an error even though a and b are unused)
    return x


def step(w, x):
    return np.sum(w * x)


def train(w, x):
    return step(w, x) * 2.0


LINES = {"bad_unpack": 9, "step": 14}
