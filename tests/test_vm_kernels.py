"""Fused Numba kernels: generated, cached on disk, and never a different answer.

Each program here runs its scalar run often enough to be compiled (a loop),
and checks that the production VM still gives CPython's exact result or the
debug VM's located error where Numba's int64/libm would differ.
"""

import math
import os
import pathlib
import subprocess
import sys
import textwrap
import time

import pytest

import myia
from myia.errors import MyiaError
from myia.vm import kernels

from .conftest import same


def poly_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i * 0.5 - s * 0.001
    return s


def grow(x, n):
    for i in range(n):
        x = x * 3 + i
    return x


def sqrt_down(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sqrt(x - i) * 2.0
    return s


def div_down(x, n):
    s = 0.0
    for i in range(n):
        s = s + 1.0 / (x - i) * 2.0
    return s


def roots(x, n):
    s = 0.0
    for i in range(n):
        s = s + (x - i) ** 0.5 * 1.0
    return s


def mixed_compare(a, n):
    c = 0
    for i in range(n):
        c = c + (1 if a + i > 9007199254740992.0 else 0) * 1
    return c


def run_vm(fn, *args):
    return myia.myia(fn, backend="vm")(*args)


def test_kernel_source_is_shown_and_written_to_the_cache():
    listing = str(myia.ir(poly_loop, 1.5, 10, stage="kernels"))
    assert "@numba.njit" in listing and "def kernel(" in listing
    assert "float64" in listing and "int64" in listing
    assert "test_vm_kernels.py:" in listing  # the user's line of each operation
    folder = pathlib.Path(os.environ["MYIA_CACHE_DIR"]) / "kernels"
    files = {p.read_text() for p in folder.glob("k_*.py")}
    assert any(text.strip() in listing for text in files)


@pytest.mark.parametrize("args", [(1.5, 50), (-3.25, 7), (0.0, 0), (2.0, 1000)])
def test_kernels_agree_with_python(args):
    assert same(run_vm(poly_loop, *args), poly_loop(*args))


@pytest.mark.parametrize("args", [(1, 10), (1, 80), (2**70, 5), (-(2**62), 3)])
def test_ints_beyond_int64_are_exact(args):
    # 3**80 overflows int64: the kernel declines and Python's int goes on.
    assert "int64" in str(myia.ir(grow, 1, 5, stage="kernels"))
    assert run_vm(grow, *args) == grow(*args)


def error_of(fn, args, backend):
    with pytest.raises(MyiaError) as info:
        myia.myia(fn, backend=backend)(*args)
    return type(info.value), info.value.message, info.value.location.line


@pytest.mark.parametrize("fn", [sqrt_down, div_down])
def test_errors_in_kernels_name_the_users_line(fn):
    # The first iterations are compiled; the failing one is run by the VM.
    assert "def kernel(" in str(myia.ir(fn, 100.0, 5, stage="kernels"))
    assert error_of(fn, (20.0, 40), "vm") == error_of(fn, (20.0, 40), "debug")


def test_a_complex_power_is_pythons():
    with pytest.raises(TypeError):  # CPython's own answer is complex
        float(roots(3.0, 6))
    assert same(run_vm(roots, 3.0, 6), roots(3.0, 6))


def test_mixed_comparisons_beyond_2_53_are_exact():
    a = 2**53 - 3
    assert run_vm(mixed_compare, a, 8) == mixed_compare(a, 8)


WARM = textwrap.dedent("""
    import myia
    from myia.vm import kernels

    def f(x, n):
        s = 0.0
        for i in range(n):
            s = s + x * i * 0.25
        return s

    g = myia.myia(f, backend="vm")
    assert g(2.0, 10) == f(2.0, 10) and g(2.0, 10) == f(2.0, 10)  # the second compiles
    print(sum(sum(k.stats.cache_hits.values()) for k in kernels._loaded.values()),
          len(kernels._loaded))
""")


def test_a_new_process_finds_its_kernels_compiled(tmp_path):
    script = tmp_path / "warm.py"
    script.write_text(WARM)
    env = dict(os.environ, PYTHONPATH=os.getcwd(), MYIA_CACHE_DIR=str(tmp_path / "cache"))

    def hits():
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return tuple(map(int, out.stdout.split()))

    cold, warm = hits(), hits()
    assert cold[1] >= 1 and cold[0] == 0
    assert warm == (warm[1], cold[1])  # every kernel loaded from the disk cache


SAME = textwrap.dedent("""
    import os, sys
    import myia
    from myia.vm import kernels

    def loop(x, n):
        s = 0.0
        i = 0
        while i < n:
            s = s + x * s * 0.001 + x
            i = i + 1
        return s

    def rec_pow(x, n):
        if n == 0:
            return 1.0
        return x * rec_pow(x, n - 1)

    if sys.argv[1] == "shifted":  # other graphs first: every node id differs
        myia.grad(myia.myia(lambda x: x * 3.0 + 1.0, backend="vm"))(2.0)
    for f, args in [(myia.myia(loop, backend="vm"), (1.5, 20)),
                    (myia.grad(myia.myia(loop, backend="vm")), (1.5, 20)),
                    (myia.grad(myia.myia(rec_pow, backend="vm")), (1.001, 20))]:
        for _ in range(3):  # compiled by the second call at the latest
            f(*args)
    print(" ".join(sorted(os.listdir(kernels.cache_dir()))))
""")


def test_generated_sources_are_the_same_in_every_process(tmp_path):
    # The cache is keyed by the source's text: a second process (one that
    # built other graphs first, another hash seed) must write no new file.
    script = tmp_path / "same.py"
    script.write_text(SAME)

    def files(how, seed):
        env = dict(os.environ, PYTHONPATH=os.getcwd(), MYIA_CACHE_DIR=str(tmp_path / "c"),
                   PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, str(script), how], env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    first = files("plain", "1")
    assert len([f for f in first if f.endswith(".py")]) >= 3  # loop, two state machines
    assert files("shifted", "2") == first


# ----- whole loops in native code (myia/vm/native.py) ------------------------

def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


def becomes_float(n):
    s = 0
    for i in range(n):
        s = s + 0.5  # int, then float: one variable, two types
    return s


def nested(n):
    t = 0.0
    for i in range(n):
        for j in range(i):
            t = t + i * j * 0.5
    return t


def test_a_closure_free_loop_is_one_native_function():
    listing = str(myia.ir(collatz, 27, stage="kernels"))
    assert "while True:" in listing and "state ==" in listing
    assert "not compiled" not in listing
    for n in (1, 27, 97, 871):
        assert run_vm(collatz, n) == collatz(n)


def test_nested_loops_are_one_native_function():
    listing = str(myia.ir(nested, 5, stage="kernels"))
    assert listing.count("while True:") >= 1 and "not compiled" not in listing
    assert same(run_vm(nested, 40), nested(40))


def test_a_variable_changing_type_is_left_to_the_vm():
    assert same(run_vm(becomes_float, 10), becomes_float(10))
    assert same(run_vm(becomes_float, 0), becomes_float(0))


def test_native_loops_yield_to_the_vm_and_resume(monkeypatch):
    from myia.vm import native
    monkeypatch.setattr(native, "BUDGET", 3)
    assert same(run_vm(poly_loop, 1.25, 100), poly_loop(1.25, 100))
    assert run_vm(grow, 1, 70) == grow(1, 70)  # overflows in a later chunk


def test_a_ctrl_c_during_a_compile_is_raised_once_it_is_done():
    """LLVM's callbacks into Python would print and lose it (ctypes)."""
    import signal
    done = False
    with pytest.raises(KeyboardInterrupt):
        with kernels.compiling():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # a handler would have run by now
            done = True
    assert done


def test_no_collection_runs_while_numba_compiles_and_collections_resume_after():
    import gc
    assert gc.isenabled()
    with kernels.compiling():
        with kernels.compiling():  # (native_grad's compile holds kernels.load's)
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
