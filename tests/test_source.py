"""A function's source is found by its code object: lambdas sharing a line,
functions typed in a notebook cell, and those with no source at all."""

import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

import myia
from myia.errors import MyiaSyntaxError

from .notebook import Notebook

g = lambda x: x + 1.0; h = lambda x: x * 10.0  # noqa: E702,E731
ACTS = (lambda x: np.tanh(x), lambda x: np.maximum(x, 0.0))
SPLIT = (lambda x: x + 100.0,
         lambda x: x * 1000.0)  # a tuple over two lines
same_params = lambda x: lambda x: x * 3.0  # noqa: E731
pair = lambda x: (lambda y: x * y, lambda y: x + y)  # noqa: E731


def test_two_lambdas_on_one_line():
    assert myia.myia(h)(1.0) == 10.0 and myia.myia(g)(1.0) == 2.0
    assert myia.grad(h)(1.0) == 10.0
    assert "mul" in str(myia.ir(h)) and "add" not in str(myia.ir(h))


def test_lambdas_in_a_global_tuple():
    def use(x):
        return ACTS[1](x) + ACTS[0](x)
    assert myia.myia(ACTS[1])(-2.0) == 0.0
    assert myia.myia(ACTS[0])(0.5) == np.tanh(0.5)
    assert myia.myia(use)(-2.0) == np.tanh(-2.0)
    assert myia.myia(SPLIT[1])(1.0) == 1000.0 and myia.myia(SPLIT[0])(1.0) == 101.0


def test_nested_lambdas():
    assert myia.myia(same_params(0.0))(2.0) == 6.0
    assert myia.myia(same_params)(2.0)  # the outer one: returns a function
    mul, add = pair(3.0)
    assert myia.myia(mul)(2.0) == 6.0 and myia.myia(add)(2.0) == 5.0


def decorate(fn):
    return fn


@decorate
def decorated(x):
    return x - 1.0


def test_a_decorated_def():
    assert myia.myia(decorated)(1.0) == 0.0


def test_a_notebook_cell():
    nb = Notebook()
    nb.run("""
        import numpy as np
        def f(x):
            return np.sin(x) * x
        k = lambda x: x * 2.0; m = lambda x: x * 3.0
    """)
    assert myia.myia(nb["f"])(0.5) == np.sin(0.5) * 0.5
    assert myia.myia(nb["m"])(1.0) == 3.0
    with pytest.raises(myia.MyiaTypeError) as info:
        myia.myia(nb["f"])("a")
    assert info.value.location.file.startswith("<ipython-input-")
    assert "return np.sin(x) * x" in str(info.value)


def no_source_function():
    ns = {}
    exec(compile("def f(x):\n    return x + 1.0\n", "<stdin>", "exec"), ns)
    return ns["f"]


@pytest.mark.parametrize("entry", [lambda f: myia.myia(f)(1.0), lambda f: myia.ir(f),
                                   lambda f: myia.grad(f)(1.0),
                                   lambda f: myia.value_and_grad(f)(1.0)])
def test_no_source_is_a_clear_error(entry):
    with pytest.raises(MyiaSyntaxError) as info:
        entry(no_source_function())
    err = info.value
    assert "the source of 'f' is not available" in err.message
    assert "IPython or Jupyter" in err.message
    assert (err.location.file, err.location.line) == ("<stdin>", 1)
    files = [f.f_code.co_filename for f, _ in traceback.walk_tb(err.__traceback__)]
    # The one frame of Myia's is the API call raising it (`_user_facing`).
    assert [f for f in files if "/myia/" in f] == [myia.api.__file__], files


def test_the_plain_python_prompt():
    """What a user typing into `python` sees: the message, no internal frame."""
    session = textwrap.dedent("""
        import myia
        def f(x):
            return x * 2.0

        myia.myia(f)(1.0)
    """)
    proc = subprocess.run([sys.executable, "-"], input=session, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "MyiaSyntaxError: the source of 'f' is not available" in proc.stderr
    frames = [line for line in proc.stderr.split("MyiaSyntaxError")[0].splitlines()
              if line.startswith("  File")]
    assert len(frames) == 2 and "myia/api.py" in frames[1], proc.stderr


def test_without_column_information_ambiguous_lambdas_are_refused(tmp_path):
    """Under `python -X no_debug_ranges` code objects carry no columns: two
    lambdas with the same parameters on one line cannot be told apart, which
    is an error rather than a guess."""
    (tmp_path / "lams.py").write_text(
        "g = lambda x: x + 1.0; h = lambda x: x * 10.0\n"
        "k = lambda y: y * 3.0; m = lambda z: z * 4.0\n")
    script = ("import sys, myia; sys.path.insert(0, %r); import lams\n"
              "assert myia.myia(lams.m)(1.0) == 4.0 and myia.myia(lams.k)(1.0) == 3.0\n"
              "try:\n    myia.myia(lams.h)(1.0)\n"
              "except myia.MyiaSyntaxError as e:\n    print(e.message)\n" % str(tmp_path))
    proc = subprocess.run([sys.executable, "-X", "no_debug_ranges", "-c", script],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "several lambdas with the same parameters" in proc.stdout
