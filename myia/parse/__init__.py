"""Stage 1: the Python subset, parsed from source into ANF graphs.

Each Python function becomes a graph; control flow becomes graphs calling
graphs, always in tail position, so AD, inference and both VMs see a single
mechanism.  For::

    def f(x):
        if x > 0:
            x = x * 2
        return x + 1

the parser builds four graphs::

    f(x):          return switch(truth(x > 0), f:if_true, f:if_false)()
    f:if_true():   return f:if_join(x * 2)        # x is a free variable of f
    f:if_false():  return f:if_join(x)
    f:if_join(x'): return x' + 1

A `while` loop becomes a header graph taking the variables the body assigns,
which calls the body graph or the after-loop graph; the body ends by calling
the header again (`continue` does the same, `break` calls the after-loop
graph, `return` simply returns).  `for` over `range(...)`, a tuple or an
array's first axis is a `while` over a counter.

Variables live in `Block`s (one per graph under construction); reading a name
not assigned in a block reads it from the enclosing block, which makes it a
free variable: that is how branches, loop bodies and nested functions see the
variables of their function.  A nested `def` is parsed where its name is
*read*, so it sees the current values of the variables it uses, including
ones assigned after the `def` or in a loop.

The modules, in the order a parse runs through them:

    parser.py       parse(fn), its cache, and the Parser: functions and names
    statements.py   assignments, def, return
    control.py      if, while, for, break, continue; lazy operands
    expressions.py  operators, attributes, subscripts, calls, lambdas
    scope.py        Block (variables of a graph being built), loops, unbound names
"""

from .parser import dependencies, function_of, parse

__all__ = ["dependencies", "function_of", "parse"]
