"""Helpers for optimizer tests: small hand-built graphs and stable listings."""

import re

from myia.ir import DebugInfo, Graph, GraphManager, clone
from myia.opt.rewrite import rewrite


def make(build, params="x"):
    """A graph `f(params...)` whose output is `build(g, *params)`."""
    g = Graph(DebugInfo("f"))
    ps = [g.add_parameter(n) for n in params.split()] if params else []
    g.output = build(g, *ps)
    return g


def listing(g):
    """`str(g)` with node numbers renamed in order of appearance (%1, %2...),
    and one space run before comments (their column depends on the numbers)."""
    names = {}

    def rename(m):
        return names.setdefault(m.group(0), f"%{len(names) + 1}")

    text = re.sub(r"%\d+", rename, str(g))
    return "\n".join(re.sub(r" {2,}#", "  #", line.rstrip())
                     for line in text.splitlines()) + "\n"


def apply_rules(g, rules):
    """A copy of `g` with `rules` applied to a fixpoint."""
    c = clone(g, total=True)
    rewrite(GraphManager(c), rules)
    return c


def apply_pass(g, fn):
    """A copy of `g` after `fn(manager)`; returns the copy and fn's result."""
    c = clone(g, total=True)
    return c, fn(GraphManager(c))
