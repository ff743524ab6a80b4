"""Every bad program in `bad_programs.py` fails with a clear, located error."""

import inspect
import traceback
import re

import numpy as np
import pytest

import myia
from myia.errors import (
    MyiaError, MyiaNameError, MyiaShapeError, MyiaSyntaxError, MyiaTypeError,
)
from myia.ir import Location

from . import bad_programs
from .bad_programs import CASES


def expected_place(fn, where):
    """(file, line, column, source line) of `where` in `fn`'s source.

    `where` is a piece of source unique in `fn`, or `(function, piece)` when the
    error is in another function; a `|` in it marks the column (else its start).
    """
    if isinstance(where, tuple):
        fn, where = where
    lines, first = inspect.getsourcelines(fn)
    col = where.index("|") if "|" in where else 0
    where = where.replace("|", "")
    hits = [(first + k, line.index(where) + col, line)
            for k, line in enumerate(lines) if where in line]
    assert len(hits) == 1, f"{where!r} is not unique in {fn.__name__}"
    return (inspect.getsourcefile(fn), *hits[0])


def raise_error(fn, args, backend):
    if args is None:
        myia.ir(fn)
    else:
        myia.myia(fn, backend=backend)(*args)


@pytest.mark.parametrize("fn,args,cls,where,part",
                         [pytest.param(*c, id=c[0].__name__) for c in CASES])
def test_bad_program(fn, args, cls, where, part, backend):
    with pytest.raises(MyiaError) as info:
        raise_error(fn, args, backend)
    err = info.value
    assert type(err) is cls, str(err)
    assert part in err.message, str(err)

    file, line, col, src_line = expected_place(fn, where)
    loc = err.location
    assert (loc.file, loc.line) == (file, line), str(err)
    assert loc.column == col, str(err)

    text = str(err)
    shown = src_line.strip()
    assert text.startswith(err.message)
    assert f'File "{file}", line {line}' in text
    out = text.splitlines()
    at = out.index("    " + shown)
    caret = out[at + 1]
    assert re.fullmatch(r" *\^+", caret), text
    indent = len(src_line) - len(src_line.lstrip())
    assert caret.index("^") == 4 + col - indent, text
    # No internal detail: no traceback, no path into the myia package.
    assert "Traceback" not in text
    assert "myia/" not in text.replace(file, "")


def _differentiable(args):
    """The index of the first argument `grad` can be taken against, or None."""
    if args is None:
        return 0  # a parse error: raised before any argument is looked at
    for i, a in enumerate(args):
        if isinstance(a, (float, np.ndarray)) or (
                isinstance(a, tuple) and not isinstance(a[0], int)):
            return i
    return None


TRANSFORMS = {
    "grad": lambda fn, i: myia.grad(fn, argnums=i),
    "value_and_grad": lambda fn, i: myia.value_and_grad(fn, argnums=i),
    "grad_of_myia": lambda fn, i: myia.grad(myia.myia(fn, backend="debug"), argnums=i),
    "myia_of_grad": lambda fn, i: myia.myia(myia.grad(fn, argnums=i), backend="debug"),
}
UNDER_GRAD = [pytest.param(c, t, id=f"{t}-{c[0].__name__}") for c in CASES
              for t in TRANSFORMS if _differentiable(c[1]) is not None]


@pytest.mark.parametrize("case,transform", UNDER_GRAD)
def test_bad_program_under_grad(case, transform):
    """The same error, at the same place, when the program is differentiated,
    and a traceback that stops at the API call."""
    fn, args, cls, where, part = case
    with pytest.raises(MyiaError) as info:
        TRANSFORMS[transform](fn, _differentiable(args))(*(args or ()))
    err = info.value
    assert type(err) is cls and part in err.message, str(err)
    file, line, col, _ = expected_place(fn, where)
    assert (err.location.file, err.location.line, err.location.column) == \
        (file, line, col), str(err)
    frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(err.__traceback__)]
    assert [f for f in frames if "/myia/" in f] == [myia.api.__file__], frames


def test_the_corpus_is_large_and_unique():
    assert len(CASES) >= 30
    names = [c[0].__name__ for c in CASES]
    assert len(names) == len(set(names))


def test_every_function_is_in_the_table():
    listed = {c[0] for c in CASES} | {c[0] for c in bad_programs.COMPILE_CASES}
    helpers = {bad_programs.add3, bad_programs.helper_fails, bad_programs.sqrt_in_helper,
               bad_programs.triple, bad_programs.shapes_through_calls}
    for name, fn in vars(bad_programs).items():
        if inspect.isfunction(fn) and fn.__module__ == bad_programs.__name__:
            assert fn in listed or fn in helpers, name


def test_readme_rejected_constructs_are_in_the_corpus():
    """Each construct README.md lists as rejected has a row in the table."""
    import pathlib

    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## The supported subset and what is rejected")[1]
    messages = " ".join(c[4] for c in CASES)
    for construct in ["try", "with", "global", "nonlocal", "raise", "del", "import",
                      "class", "yield", "yield from", "async def", "assert", "match",
                      "list literal", "dict literal", "set literal",
                      "list comprehension", "dict comprehension",
                      "generator expression", "f-string", "walrus", "*args",
                      "**kwargs", "*args in a call", "starred assignment",
                      "item assignment", "attribute assignment", "while ... else",
                      "for ... else", "decorator", "'in'", "'not in'", "'print'"]:
        assert construct in messages, construct
    for word in ["`try`", "`with`", "`global`", "`nonlocal`", "`raise`", "`del`",
                 "`import`", "`class`", "`assert`", "`match`", "`print`", "`in`"]:
        assert word in section, word


def test_errors_raised_from_the_api_have_no_internal_frames(backend):
    """The traceback of a user error starts at the API call, not deep inside."""
    with pytest.raises(MyiaError) as info:
        myia.ir(bad_programs.uses_try)
    frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(info.value.__traceback__)]
    assert not any("/myia/parse/" in f for f in frames), frames
    with pytest.raises(MyiaError) as info:
        myia.myia(bad_programs.dot_mismatch, backend=backend)(
            bad_programs.A23, bad_programs.A23)
    frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(info.value.__traceback__)]
    assert not any("/myia/vm/" in f for f in frames), frames


def test_rendering_without_location_is_the_message():
    err = MyiaTypeError("bad thing")
    assert str(err) == "bad thing" and err.location is None


def test_rendering_from_given_source_with_notes():
    src = "def f(x):\n    return x +  y\n"
    err = MyiaNameError("name 'y' is not defined",
                        Location("<string>", 2, 16, 17, source=src), notes=["hint: define y"])
    assert str(err).splitlines() == [
        "name 'y' is not defined",
        '  File "<string>", line 2',
        "    return x +  y",
        "                ^",
        "  hint: define y",
    ]


def test_caret_is_clipped_to_the_line_and_multiline_constructs_underline_a_word():
    src = "    while n > 0:\n"
    err = MyiaSyntaxError("while ... else is not supported by Myia",
                          Location("<s>", 1, 4, None, source=src))
    assert str(err).splitlines()[-1] == "    ^^^^^"
    err = MyiaSyntaxError("x", Location("<s>", 1, 10, 99, source=src))
    assert str(err).splitlines()[-1] == "          " + "^" * 6


def test_location_is_kept_once_set():
    err = MyiaTypeError("m", Location("a.py", 1))
    assert err.with_location(Location("b.py", 2)).location.file == "a.py"
    assert MyiaTypeError("m").with_location(Location("b.py", 2)).location.line == 2


def test_error_classes():
    for cls in (MyiaSyntaxError, MyiaNameError, MyiaTypeError, MyiaShapeError):
        assert issubclass(cls, MyiaError) and cls.__name__ in myia.__dict__


@pytest.mark.parametrize("fn,args,cls,where,part",
                         [pytest.param(*c, id=c[0].__name__)
                          for c in bad_programs.COMPILE_CASES])
def test_bad_program_found_at_compile_time(fn, args, cls, where, part):
    with pytest.raises(MyiaError) as info:
        myia.ir(fn, *args, stage="infer")
    err = info.value
    assert type(err) is cls, str(err)
    assert part in err.message, str(err)
    file, line, col, src_line = expected_place(fn, where)
    assert (err.location.file, err.location.line) == (file, line), str(err)
    assert err.location.column == col, str(err)
    assert "Traceback" not in str(err) and "^" in str(err)


def test_compile_time_errors_say_through_which_calls():
    with pytest.raises(MyiaError) as info:
        myia.ir(bad_programs.shapes_through_calls, np.ones(3), np.ones(4), stage="infer")
    assert any("in shapes_of_helper, called from shapes_through_calls line" in n
               for n in info.value.notes), info.value.notes


def grad_sum(w, x):
    return np.sum(myia.grad(bad_programs.shapes_through_calls)(w, x))


@pytest.mark.parametrize("transform", [
    myia.myia, myia.grad, lambda f: myia.grad(grad_sum)], ids=["run", "grad", "grad-of-grad"])
def test_the_calls_are_said_when_the_program_runs_too(transform):
    """The production VM runs a signature inference rejects untyped, and the
    run raises at the line: the error still says how it was reached, in the
    user's function names (not `fprop`, nor `grad(f)` as a caller)."""
    with pytest.raises(MyiaError) as info:
        transform(bad_programs.shapes_through_calls)(np.ones(3), np.ones(4))
    notes = info.value.notes
    assert [n for n in notes if "in shapes_of_helper, called from shapes_through_calls line"
            in n] and not [n for n in notes if "fprop" in n or "from grad(" in n], notes


@pytest.mark.parametrize("fn", [bad_programs.unpack_too_many,
                                bad_programs.unpack_result_of_call])
def test_a_wrong_unpacking_is_an_error_on_the_production_vm(fn):
    """Found by inference when the signature is compiled, even with the names
    unused (the untyped fallback must not swallow it)."""
    with pytest.raises(myia.MyiaTypeError, match="cannot unpack 3 values into 2 names") as info:
        myia.myia(fn, backend="vm")(1.5)
    assert "^" in str(info.value) and info.value.location.line > 0


@pytest.mark.parametrize("case", [pytest.param(c, id=c[0].__name__)
                                  for c in bad_programs.UNPACK_CASES])
def test_a_wrong_unpacking_is_an_error_under_second_order_grad(case, backend):
    fn, args, cls, where, part = case
    with pytest.raises(cls, match=part) as info:
        myia.myia(myia.grad(myia.grad(fn)), backend=backend)(*args)
    file, line, col, _ = expected_place(fn, where)
    loc = info.value.location
    assert (loc.file, loc.line, loc.column) == (file, line, col), str(info.value)


def test_a_length_known_only_at_run_time_is_checked_under_second_order_typed():
    # grad(grad(f)) reads no item of grad(f)'s forward value, which holds the check.
    f = myia.grad(myia.grad(myia.myia(bad_programs.unpack_grown, backend="vm")))
    assert myia.explain_backend(f, 1.5, 3).startswith("typed")
    assert f(1.5, 2) == 0.0
    with pytest.raises(myia.MyiaTypeError, match="cannot unpack 3 values into 2 names"):
        f(1.5, 3)


def test_a_length_known_only_at_run_time_is_checked_there_typed_or_untyped():
    from myia.vm import production
    typed = myia.myia(bad_programs.unpack_grown, backend="vm")
    assert typed(1.5, 2) == 1.5  # two items: right
    assert myia.explain_backend(typed, 1.5, 3).startswith("typed")  # a Seq
    untyped = production.compile(myia.ir(bad_programs.unpack_grown))
    for run in (typed, untyped):
        assert run(1.5, 2) == 1.5
        with pytest.raises(myia.MyiaTypeError, match="cannot unpack 3 values into 2 names"):
            run(1.5, 3)
        with pytest.raises(myia.MyiaTypeError, match="cannot unpack 1 values into 2 names"):
            run(1.5, 1)
