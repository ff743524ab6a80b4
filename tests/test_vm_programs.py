"""Generated programs: CPython = debug VM = production VM.

Hypothesis writes small functions in the Myia subset (arithmetic on ints and
floats, branches, `while` loops with `break`/`continue`, `for` loops, a
closure, recursion, tuples, arrays), each to its own module file (Myia reads
source), and runs them on CPython and on both VMs.  The loops are long
enough for the production VM to compile their kernels and native loops, and
the ints grow past int64, where compiled code must hand over to Python.
"""

import importlib.util
import itertools
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import myia

from .conftest import same

VARS = ("a", "b", "c")
_count = itertools.count()


@st.composite
def expressions(draw, depth=2):
    if depth == 0 or draw(st.booleans()):
        return draw(st.one_of(st.sampled_from(VARS),
                              st.integers(-5, 9).map(str),
                              st.sampled_from(["0.5", "1.5", "-2.25"])))
    op = draw(st.sampled_from(["+", "-", "*", "+", "*", "//", "%"]))
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    if op in ("//", "%"):  # never by zero: a positive divisor
        return f"({left} {op} (abs({right}) + 1))"
    return f"({left} {op} {right})"


@st.composite
def conditions(draw):
    op = draw(st.sampled_from(["<", "<=", ">", "==", "!="]))
    return f"{draw(expressions(1))} {op} {draw(expressions(1))}"


@st.composite
def blocks(draw, depth=2, in_loop=False):
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(
            ["assign", "assign", "if"] + (["while", "for"] if depth else [])
            + (["break", "continue"] if in_loop else [])))
        var = draw(st.sampled_from(VARS))
        if kind == "assign" and in_loop:  # bounded, but past int64 in between
            lines.append(f"{var} = {draw(expressions())} % {2**61 - 1}")
        elif kind == "assign":
            lines.append(f"{var} = {draw(expressions())}")
        elif kind == "if" and depth:
            body = draw(blocks(depth - 1, in_loop))
            other = draw(blocks(depth - 1, in_loop))
            lines += [f"if {draw(conditions())}:", *_indent(body), "else:", *_indent(other)]
        elif kind == "if":
            lines.append(f"{var} = {draw(expressions())} % 1000 if {draw(conditions())} "
                         f"else {var}")
        elif kind == "while":
            k = f"k{next(_count)}"
            body = draw(blocks(depth - 1, True))
            lines += [f"{k} = 0", f"while {k} < {draw(st.integers(0, 40))}:",
                      f"    {k} = {k} + 1", *_indent(body)]
        elif kind == "for":
            body = draw(blocks(depth - 1, True))
            lines += [f"for i in range({draw(st.integers(0, 40))}):", *_indent(body)]
        else:
            lines += [f"if {draw(conditions())}:", f"    {kind}"]
    return lines


def _indent(lines):
    return ["    " + x for x in lines]


@st.composite
def programs(draw):
    body = draw(blocks())
    tail = draw(st.sampled_from([
        "return (a, b, c)",
        "return a + b * c",
        "return helper(a) + b",                     # a closure over b and c
        "return power(b, 3) + a",                   # recursion
        "return np.sum(np.ones(3) * a) + c",        # arrays
    ]))
    src = ["import numpy as np", "", "", "def f(a, b, c):",
           "    def helper(x):", "        return x * b - c", "",
           "    def power(x, n):", "        if n <= 0:", "            return 1",
           "        return x * power(x, n - 1)", "", *_indent(body), f"    {tail}"]
    return "\n".join(src) + "\n"


def load(tmp_path, source):
    path = tmp_path / f"generated_{next(_count)}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def outcome(fn, args):
    try:
        return False, fn(*args)
    except Exception as e:  # noqa: BLE001 (any CPython error must be matched)
        return True, type(e)


numbers = st.one_of(st.integers(-50, 50), st.floats(-8, 8, allow_nan=False))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(programs(), st.tuples(numbers, numbers, numbers))
def test_generated_programs_agree(tmp_path, source, args):
    fn = load(tmp_path, source)
    with np.errstate(all="ignore"):
        raised, expected = outcome(fn, args)
        for backend in ("debug", "vm"):
            compiled = myia.myia(fn, backend=backend)
            if raised:
                got_raised, _ = outcome(compiled, args)
                assert got_raised, (backend, source, args)
            else:
                got = compiled(*args)
                assert same(got, expected) or _both_nan(got, expected), \
                    (backend, source, args, got, expected)


def _both_nan(x, y):
    return isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)
