"""`myia.opt.returns`: graphs return only what their callers read, and
`eta_reduce`; each on a minimal graph, and where they must decline."""

from myia import prims as P
from myia.ir import Constant, Graph, check
from myia.opt.returns import eta_reduce, flatten_returns
from myia.prims.values import ZERO
from myia.vm.debug import DebugVM

from .util import apply_pass, apply_rules, listing, make


def nested(name="h"):
    """h(y) = ((y, y * 2.0), ZERO): a backpropagator-like nested result."""
    h = Graph()
    h.debug.name = name
    y = h.add_parameter("y")
    h.output = h.apply(P.make_tuple, h.apply(P.make_tuple, y, h.apply(P.mul, y, 2.0)),
                       Constant(ZERO))
    return h


def reads_one(g, x, h=None):
    """f(x) = h(x)[0][1]"""
    return g.apply(P.getitem, g.apply(P.getitem, g.apply(h or nested(), x), 0), 1)


def escaping(g, x):
    """f(x) = (h(x)[0][1], partial(h, x)): h is also a value the caller gets."""
    h = nested()
    return g.apply(P.make_tuple, reads_one(g, x, h), g.apply(P.partial, h, x))


def test_a_graph_returns_only_the_leaf_its_caller_reads():
    g = make(reads_one)
    assert listing(g) == (
        "graph f(x)\n"
        "  %1 = @h(x)\n"
        "  %2 = getitem(%1, 0)\n"
        "  %3 = getitem(%2, 1)\n"
        "  return %3\n"
        "\n"
        "graph h(y)\n"
        "  %4 = mul(y, 2.0)\n"
        "  %5 = make_tuple(y, %4)\n"
        "  %6 = make_tuple(%5, ZERO)\n"
        "  return %6\n")
    out, done = apply_pass(g, flatten_returns)
    assert done == 1
    assert listing(out) == (
        "graph f(x)\n"
        "  %1 = @h(x)\n"
        "  return %1\n"
        "\n"
        "graph h(y)\n"
        "  %2 = mul(y, 2.0)\n"
        "  return %2\n")
    check(out)
    assert DebugVM().run(out, (1.5,)) == DebugVM().run(g, (1.5,)) == 3.0


def test_graphs_called_from_one_place_share_the_new_layout():
    def build(g, c, x):
        fn = g.apply(P.switch, c, nested("h1"), nested("h2"))
        r = g.apply(fn, x)
        return g.apply(P.make_tuple, g.apply(P.getitem, g.apply(P.getitem, r, 0), 0),
                       g.apply(P.getitem, g.apply(P.getitem, r, 0), 1))
    g = make(build, "c x")
    out, done = apply_pass(g, flatten_returns)
    assert done == 1
    text = listing(out)
    assert text.count("return %") == 3 and "ZERO" not in text  # ((y, 2y), ZERO) -> (y, 2y)
    check(out)
    for c in (True, False):
        assert DebugVM().run(out, (c, 1.5)) == DebugVM().run(g, (c, 1.5)) == (1.5, 3.0)


def test_results_used_whole_or_escaping_graphs_stay():
    whole = make(lambda g, x: g.apply(nested(), x))  # a tail call: its result is returned
    for g in (whole, make(escaping)):
        before = listing(g)
        out, done = apply_pass(g, flatten_returns)
        assert done == 0 and listing(out) == before


def test_eta_reduce():
    def build(g, k, x):
        wrapper = Graph()
        wrapper.debug.name = "w"
        d = wrapper.add_parameter("d")
        wrapper.output = wrapper.apply(k, d)  # w(d) = k(d)
        return g.apply(P.make_tuple, wrapper, x)
    g = make(build, "k x")
    assert listing(g) == ("graph f(k, x)\n  %1 = make_tuple(@w, x)\n  return %1\n\n"
                          "graph w(d)\n  %2 = k(d)\n  return %2\n")
    out = apply_rules(g, [eta_reduce])
    assert listing(out) == "graph f(k, x)\n  %1 = make_tuple(k, x)\n  return %1\n"


def test_a_graph_passing_on_another_calls_items_keeps_their_order():
    b = Graph()
    b.debug.name = "b"
    z = b.add_parameter("z")
    b.output = b.apply(P.make_tuple, z, b.apply(P.mul, z, 2.0))
    a = Graph()
    a.debug.name = "a"
    y = a.add_parameter("y")
    c = a.apply(b, y)
    a.output = a.apply(P.make_tuple, a.apply(P.getitem, c, 1), a.apply(P.getitem, c, 0))

    def build(g, x):
        r = g.apply(a, x)
        return g.apply(P.sub, g.apply(P.getitem, r, 0), g.apply(P.getitem, r, 1))
    g = make(build)
    out, done = apply_pass(g, flatten_returns)
    assert done == 1
    text = listing(out)
    # a returns b's items in b's order (so a(y) is b(y)); f reads them swapped.
    assert "  %4 = sub(%3, %2)\n" in text and "graph a(y)\n  %5 = @b(y)\n" \
        "  %6 = getitem(%5, 1)\n  %7 = getitem(%5, 0)\n  %8 = make_tuple(%7, %6)\n" in text
    assert DebugVM().run(out, (1.5,)) == DebugVM().run(g, (1.5,)) == 1.5


def test_an_item_only_a_loop_carries_is_dropped():
    # body(d, n) = (r[0] + d, r[1] * 2.0) with r the next iteration's; the
    # caller reads item 0 only, so item 1 (and its products) goes.
    body, exit_ = Graph(), Graph()
    body.debug.name, exit_.debug.name = "body", "exit"
    d, n = body.add_parameter("d"), body.add_parameter("n")
    k = body.apply(P.switch, body.apply(P.lt, 1, n), body, exit_)
    r = body.apply(k, d, body.apply(P.sub, n, 1))
    body.output = body.apply(P.make_tuple, body.apply(P.add, body.apply(P.getitem, r, 0), d),
                             body.apply(P.mul, body.apply(P.getitem, r, 1), 2.0))
    e, m = exit_.add_parameter("e"), exit_.add_parameter("m")
    exit_.output = exit_.apply(P.make_tuple, e, 1.0)

    def build(g, x, count):
        fn = g.apply(P.switch, g.apply(P.lt, 0, count), body, exit_)
        return g.apply(P.getitem, g.apply(fn, x, count), 0)
    g = make(build, "x count")
    out, done = apply_pass(g, flatten_returns)
    assert done == 1
    text = listing(out)
    assert "mul" not in text and "graph exit(e, m)\n  return e\n" in text, text
    check(out)
    for count in (0, 1, 4):
        assert DebugVM().run(out, (1.5, count)) == DebugVM().run(g, (1.5, count))
