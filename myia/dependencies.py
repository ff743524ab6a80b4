"""What a parsed graph was built from, to tell cheaply when it is out of date.

The parser reads globals, closure cells and module attributes once and bakes
what it found into the graph as constants.  A `Dependencies` record keeps
each of those reads (where, which name, the object found) and the records of
the other functions whose graphs it uses.  `is_stale()` re-reads them all and
compares identities, so after::

    LR = 0.1
    def f(x):
        return LR * act(x)

f's record holds ("global", f.__globals__, "LR", 0.1), ("global", ..., "act",
<function act>) and act's own record; rebinding `LR`, redefining `act`, or
anything act reads changing makes `is_stale()` true, and the next call
re-parses.  Mutating an array in place keeps its identity: it is not seen
(as in Numba and JAX).

A compiled program (any cache of work derived from graphs) keeps a record
of its own, filled by `recording`: every graph parsed or fetched from the
parse cache while it is built is added to it.
"""

import builtins
import contextlib

_MISSING = object()
_active = []  # the records being filled, innermost last


class Dependencies:
    """The reads one graph (or one compiled program) was built from."""

    __slots__ = ("reads", "uses", "fn", "facets")

    def __init__(self, fn=None):
        self.reads = {}
        self.uses = []
        self.fn = fn
        # A function's own parts baked into its graph: code and defaults.
        self.facets = None if fn is None else _facets(fn)

    def read_global(self, globals_, name, value):
        """Record that `name` meant `value` in `globals_` (or the builtins)."""
        self.reads.setdefault(("global", id(globals_), name), (globals_, name, value))

    def read_cell(self, cell, value):
        self.reads.setdefault(("cell", id(cell), None), (cell, None, value))

    def read_attribute(self, module, name, value):
        self.reads.setdefault(("attr", id(module), name), (module, name, value))

    def use(self, other):
        """This graph uses the graph recorded by `other` (a helper)."""
        if other is not None and other is not self and other not in self.uses:
            self.uses.append(other)

    def changed(self):
        """Whether one of this record's own reads now finds another object."""
        if self.fn is not None and any(
                a is not b for a, b in zip(_facets(self.fn), self.facets)):
            return True
        for (kind, _, _), (where, name, value) in self.reads.items():
            if _current(kind, where, name) is not value:
                return True
        return False

    def is_stale(self):
        """Whether this record or one it uses (transitively) has changed."""
        seen = set()
        todo = [self]
        while todo:
            d = todo.pop()
            if id(d) in seen:
                continue
            seen.add(id(d))
            if d.changed():
                return True
            todo.extend(d.uses)
        return False


def _facets(fn):
    return (fn.__code__, fn.__defaults__, fn.__kwdefaults__)


def _current(kind, where, name):
    if kind == "global":
        value = where.get(name, _MISSING)
        return getattr(builtins, name, _MISSING) if value is _MISSING else value
    if kind == "cell":
        try:
            return where.cell_contents
        except ValueError:  # an empty cell
            return _MISSING
    return getattr(where, name, _MISSING)


@contextlib.contextmanager
def recording(deps):
    """Add to `deps` every graph record `noticed` while the block runs."""
    _active.append(deps)
    try:
        yield deps
    finally:
        _active.pop()


def notice(deps):
    """Tell the record being filled, if any, that a graph with `deps` is used."""
    if _active:
        _active[-1].use(deps)
