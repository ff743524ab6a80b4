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
        self.reads = {}  # (kind, id(where), name) -> (kind, where, name, value)
        self.uses = []
        self.fn = fn
        # A function's own parts baked into its graph: code and defaults.
        self.facets = None if fn is None else _facets(fn)

    def read_global(self, globals_, name, value):
        """Record that `name` meant `value` in `globals_` (or the builtins)."""
        self.reads.setdefault((_GLOBAL, id(globals_), name), (_GLOBAL, globals_, name, value))

    def read_cell(self, cell, value):
        self.reads.setdefault((_CELL, id(cell), None), (_CELL, cell, None, value))

    def read_attribute(self, module, name, value):
        self.reads.setdefault((_ATTR, id(module), name), (_ATTR, module, name, value))

    def use(self, other):
        """This graph uses the graph recorded by `other` (a helper)."""
        if other is not None and other is not self and other not in self.uses:
            self.uses.append(other)

    def changed(self):
        """Whether one of this record's own reads now finds another object."""
        fn = self.fn
        if fn is not None:
            code, defaults, kwdefaults = self.facets
            if fn.__code__ is not code or fn.__defaults__ is not defaults or \
                    fn.__kwdefaults__ is not kwdefaults:
                return True
        for kind, where, name, value in self.reads.values():
            if kind is _GLOBAL:
                now = where.get(name, _MISSING)
                if now is _MISSING:
                    now = _BUILTINS.get(name, _MISSING)
            elif kind is _CELL:
                try:
                    now = where.cell_contents
                except ValueError:  # an empty cell
                    now = _MISSING
            else:
                now = getattr(where, name, _MISSING)
            if now is not value:
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


_GLOBAL, _CELL, _ATTR = "global", "cell", "attr"
_BUILTINS = builtins.__dict__


def _facets(fn):
    return (fn.__code__, fn.__defaults__, fn.__kwdefaults__)


@contextlib.contextmanager
def recording(deps):
    """Add to `deps` every graph record `noticed` while the block runs."""
    _active.append(deps)
    try:
        yield deps
    finally:
        _active.pop()


def read_entry(table, key):
    """`table.get(key)`, recorded by the record being filled as a read of a
    global of `table` (a registry such as `defbprop`'s, whose later entries
    must make what was built without them stale)."""
    value = table.get(key, _MISSING)
    if _active:
        _active[-1].read_global(table, key, value)
    return None if value is _MISSING else value


def notice(deps):
    """Tell the record being filled, if any, that a graph with `deps` is used."""
    if _active:
        _active[-1].use(deps)
