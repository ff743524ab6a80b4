"""The parser: the shape of the IR it builds for the Python subset."""

import inspect

import numpy as np
import pytest

import myia
from myia import prims as P
from myia.ir import Constant, Graph, Manager


def with_if(x):
    if x > 0:
        y = x * 2
    else:
        y = x - 1
    return y + 1


def with_while(n):
    s = 0
    while n > 0:
        s = s + n
        n = n - 1
    return s


def with_for(n):
    s = 0
    for i in range(n):
        s = s + i
    return s


def with_closure(x):
    def add(z):
        return z + x
    return add(1)


def calls(x):
    return with_if(x) + with_closure(x=x)


def kw_defaults(a, b=2, *, c=3):
    return a + b + c


def uses_kw(x):
    return kw_defaults(x, c=10)


def by_role(fn):
    mng = Manager(myia.ir(fn))
    out = {}
    for g in mng.graphs:
        out.setdefault(g.debug.role, []).append(g)
    return mng, out


def op(n):
    """What an Apply calls, when it is a constant (a primitive or a graph)."""
    return n.fn.value if isinstance(n.fn, Constant) else None


def prims_in(g, mng):
    return [op(n) for n in mng.nodes[g]]


def test_if_gives_a_switch_between_branch_graphs():
    mng, roles = by_role(with_if)
    root = mng.graphs[0]
    (sw,) = [n for n in mng.nodes[root] if op(n) is P.switch]
    cond, then, else_ = sw.args
    assert op(cond) is P.truth and op(cond.args[0]) is P.gt
    assert then.value is roles["if_true"][0] and else_.value is roles["if_false"][0]
    # the selected branch is called in tail position
    assert root.output.fn is sw and root.output.args == []
    # both branches fall through: they jump to a join graph taking `y`
    (join,) = roles["if_join"]
    assert [p.debug.name for p in join.parameters] == ["y"]
    for branch in (then.value, else_.value):
        assert op(branch.output) is join
    assert P.add in prims_in(join, mng)


def test_while_gives_header_body_and_after_graphs():
    mng, roles = by_role(with_while)
    (header,) = roles["while"]
    (body,) = roles["while_body"]
    (after,) = roles["while_after"]
    assert sorted(p.debug.name for p in header.parameters) == ["n", "s"]
    sw = header.output.fn
    assert op(sw) is P.switch and sw.args[1].value is body
    # the body ends by calling the header again: a tail-recursive loop
    assert op(body.output) is header
    assert op(mng.graphs[0].output) is header
    assert sorted(p.debug.name for p in after.parameters) == ["n", "s"]
    assert after.output is after.parameters[[p.debug.name for p in
                                             after.parameters].index("s")]


def test_for_range_counts_with_a_header_parameter():
    mng, roles = by_role(with_for)
    (header,) = roles["for"]
    assert header.parameters[0].debug.name == "i"
    assert P.lt in prims_in(header, mng)
    (body,) = roles["for_body"]
    assert op(body.output) is header


def test_closure_reads_the_enclosing_parameter():
    mng = Manager(myia.ir(with_closure))
    root = mng.graphs[0]
    (inner,) = [g for g in mng.graphs if g.name == "add"]
    assert mng.free_variables[inner] == {root.parameters[0]}
    assert mng.parent[inner] is root


def test_calls_to_python_functions_refer_to_their_graphs():
    g = myia.ir(calls)
    mng = Manager(g)
    called = {op(n) for n in mng.nodes[g] if isinstance(op(n), Graph)}
    assert called == {myia.ir(with_if), myia.ir(with_closure)}
    assert myia.ir(calls) is g  # one graph per function


def test_keywords_and_defaults_are_resolved_at_parse_time():
    g = myia.ir(uses_kw)
    call = g.output
    assert op(call) is myia.ir(kw_defaults)
    a, b, c = call.args
    assert a is g.parameters[0] and b.value == 2 and c.value == 10


def test_listing_names_source_lines():
    for fn in (with_if, with_while, with_for):
        lines, first = inspect.getsourcelines(fn)
        text = str(myia.ir(fn))
        assert f"{inspect.getsourcefile(fn)}:{first}" in text
        for k, src in enumerate(lines[1:], start=first + 1):
            src = src.strip()
            # constants (`s = 0`) and `else:` make no node of their own
            if src != "else:" and not src.endswith("= 0") and not src.startswith("return"):
                assert f"line {k}" in text, (fn.__name__, k, src)


def test_nodes_carry_locations():
    g = myia.ir(with_if)
    first = inspect.getsourcelines(with_if)[1]
    (gt,) = [n for gr in Manager(g).graphs for n in Manager(g).nodes[gr]
             if op(n) is P.gt]
    assert gt.loc.line == first + 1
    assert gt.loc.column == 7 and gt.loc.end_column == 12  # under `x > 0`
    assert g.parameters[0].loc.line == first


def test_unused_statements_are_parsed_but_not_evaluated():
    def dead(x):
        x * 3
        return x

    g = myia.ir(dead)
    assert Manager(g).nodes[g] == [] and g.output is g.parameters[0]


# ----- enumerate and zip in for loops -----------------------------------------

def weighted(t, w):
    s = 0.0
    for i, x in enumerate(t):
        s = s + i * x
    for k, (a, b) in enumerate(zip(t, w), 1):
        s = s + k * a * b
    for a, b, c in zip(t, w, (1.0, 2.0)):  # the shortest decides
        s = s + a * b * c
    return s


def test_enumerate_and_zip_loops(run_debug):
    t, w = (0.5, 1.5, -2.0), (2.0, 3.0, 4.0)
    assert run_debug(weighted, t, w) == weighted(t, w)
    arr = np.arange(3.0)
    assert run_debug(weighted, arr, w) == weighted(arr, w)
    g = myia.grad(weighted, argnums=(0, 1))(t, w)
    assert g == ((0 + 2.0 + 2.0, 1 + 6.0 + 6.0, 2 + 12.0), (0.5 + 0.5, 3.0 + 3.0, -6.0))


def enumerate_keywords(t):
    s = 0
    for i, x in enumerate(t, start=10):
        s = s + i * x
    return s


def test_enumerate_start_keyword_and_bad_calls(run_debug):
    assert run_debug(enumerate_keywords, (1, 2)) == enumerate_keywords((1, 2))

    def bad(t):
        for a in zip(t, strict=True):
            return a
        return t
    with pytest.raises(myia.MyiaTypeError, match="zip"):
        myia.ir(bad)


def unpack_read(t):
    a, b = t
    return a * b


def unpack_unread(t, x):
    a, (b, c) = t
    return x


def unpack_read_in_branch(t, c):
    a, b = t
    if c:
        return a
    return 0.0


def prims_of(g):
    return [n.inputs[0].value for n in Manager(g).nodes[g]
            if isinstance(n.inputs[0], Constant)]


def item_of(node):
    """`(unpacked node, index, n)` of an `unpack_item` node."""
    assert node.inputs[0].value is P.unpack_item
    return node.inputs[1], node.inputs[2].value, node.inputs[3].value


def test_each_unpacked_item_checks_the_length():
    g = myia.ir(unpack_read)
    assert prims_of(g) == [P.unpack_item, P.unpack_item, P.mul]
    a, b = g.output.inputs[1:]
    assert item_of(a) == (g.parameters[0], 0, 2) and item_of(b) == (g.parameters[0], 1, 2)


def test_an_unpacking_whose_names_are_unread_is_kept_alive_by_the_result():
    g = myia.ir(unpack_unread)
    t, x = g.parameters
    assert g.output.inputs[0].value is P.depend and g.output.inputs[1] is x
    outer, inner = g.output.inputs[2:]  # one item per tuple target: `a`, then `b`
    assert item_of(outer) == (t, 0, 2)
    inner_value, index, n = item_of(inner)
    assert (index, n) == (0, 2) and item_of(inner_value) == (t, 1, 2)
    assert P.depend not in prims_of(myia.ir(unpack_read_in_branch))  # a branch reads `a`
