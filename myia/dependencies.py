"""What a parsed graph was built from, to tell cheaply when it is out of date.

The parser reads globals, closure cells and module attributes once and bakes
what it found into the graph as constants.  A `Dependencies` record keeps
each of those reads (where, which name, the object found) and the records of
the other functions whose graphs it uses.  `is_stale()` re-reads them all and
compares identities, so after::

    LR = 0.1
    def f(x):
        return LR * act(x)

f's record holds the reads `f.__globals__["LR"] is 0.1`, `...["act"] is
<function act>`, `f.__code__ is <code f>` (and f's defaults), and act's own
record; rebinding `LR`, redefining `act`, assigning `f.__code__`, or anything
act reads changing makes `is_stale()` true, and the next call re-parses.
Mutating an array in place keeps its identity: it is not seen (as in Numba
and JAX).

A compiled program (any cache of work derived from graphs) keeps a record
of its own, filled by `recording`: every graph parsed or fetched from the
parse cache while it is built is added to it.

`is_stale()` runs before every call of a compiled program, so it must cost
far less than the call (about 2 us for 13 functions and 80 reads,
benchmarks/staleness.py).  Once every record it reaches is complete, their
reads are compiled into one generated function of `is not` comparisons, the
shape CPython runs fastest (3.11 has no dict or function watchers)::

    def check(_0=f_globals, _1=lr, _2=f, _3=code_f, ...):
        return _0['LR'] is not _1 or _2.__code__ is not _3 or ...
"""

import builtins
import contextlib
import keyword

_active = []  # the records being filled, innermost last

# The kinds of read; each is exact in `Dependencies.changed` and in the
# generated check (a read that now fails, such as a deleted global, is a change).
_ITEM = "item"      # where[name] is value (a globals or builtins dict)
_ABSENT = "absent"  # name not in where (a global that fell through to the builtins)
_CELL = "cell"      # where.cell_contents is value
_ATTR = "attr"      # getattr(where, name) is value (a module's, a function's code)
_BUILTINS = builtins.__dict__
_FACETS = ("__code__", "__defaults__", "__kwdefaults__")  # a function's own parts


class Dependencies:
    """The reads one graph (or one compiled program) was built from.

    `fn` is the Python function parsed, if any: its code and defaults are
    baked into the graph, so they are reads too.
    """

    __slots__ = ("reads", "uses", "complete", "_check")

    def __init__(self, fn=None):
        self.reads = {}  # (kind, id(where), name) -> (kind, where, name, value)
        self.uses = []
        self.complete = False  # set when its `recording` block ends
        self._check = None  # the generated check, once everything reached is complete
        if fn is not None:
            for facet in _FACETS:
                self.read_attribute(fn, facet, getattr(fn, facet))

    def _read(self, kind, where, name, value):
        self.reads.setdefault((kind, id(where), name), (kind, where, name, value))

    def read_global(self, globals_, name, value):
        """Record that `name` meant `value` in `globals_` (or the builtins)."""
        if name in globals_:
            self._read(_ITEM, globals_, name, value)
        else:
            self._read(_ABSENT, globals_, name, None)
            if name in _BUILTINS:
                self._read(_ITEM, _BUILTINS, name, value)
            else:
                self._read(_ABSENT, _BUILTINS, name, None)

    def read_cell(self, cell, value):
        self._read(_CELL, cell, None, value)

    def read_attribute(self, obj, name, value):
        self._read(_ATTR, obj, name, value)

    def use(self, other):
        """This graph uses the graph recorded by `other` (a helper)."""
        if other is not None and other is not self and other not in self.uses:
            self.uses.append(other)

    def changed(self):
        """Whether one of this record's own reads now finds another object."""
        for kind, where, name, value in self.reads.values():
            if kind is _ABSENT:
                if name in where:
                    return True
                continue
            try:
                now = where[name] if kind is _ITEM else where.cell_contents \
                    if kind is _CELL else getattr(where, name)
            except (KeyError, ValueError, AttributeError):  # deleted, or an emptied cell
                return True
            if now is not value:
                return True
        return False

    def reached(self):
        """This record and those it uses, transitively."""
        seen, out, todo = set(), [], [self]
        while todo:
            d = todo.pop()
            if id(d) not in seen:
                seen.add(id(d))
                out.append(d)
                todo.extend(d.uses)
        return out

    def is_stale(self):
        """Whether this record or one it uses (transitively) has changed."""
        check = self._check
        if check is None:
            records = self.reached()
            if not all(d.complete for d in records):  # still being parsed
                return any(d.changed() for d in records)
            check = self._check = _compile_check(records)
        try:
            return check()
        except (KeyError, ValueError, AttributeError):  # deleted, or an emptied cell
            return True


def _compile_check(records):
    """One generated function, true when a read of `records` has changed."""
    names = {}  # id(object) -> its name in the generated function
    env = {}

    def name_of(obj):
        if id(obj) not in names:
            names[id(obj)] = f"_{len(names)}"
            env[names[id(obj)]] = obj
        return names[id(obj)]

    terms = {}
    for d in records:
        for kind, where, name, value in d.reads.values():
            w, v = name_of(where), name_of(value)
            if kind is _ITEM:
                term = f"{w}[{name!r}] is not {v}"
            elif kind is _ABSENT:
                term = f"{name!r} in {w}"
            elif kind is _CELL:
                term = f"{w}.cell_contents is not {v}"
            elif name.isidentifier() and not keyword.iskeyword(name):
                term = f"{w}.{name} is not {v}"
            else:
                term = f"getattr({w}, {name!r}) is not {v}"
            terms[term] = None
    params = ", ".join(f"{n}={n}" for n in env)
    source = f"def check({params}):\n    return {' or '.join(terms) or 'False'}\n"
    scope = dict(env)
    exec(compile(source, "<myia staleness check>", "exec"), scope)
    return scope["check"]


@contextlib.contextmanager
def recording(deps):
    """Add to `deps` every graph record `noticed` while the block runs."""
    _active.append(deps)
    try:
        yield deps
    finally:
        _active.pop()
        deps.complete = True


def read_entry(table, key):
    """`table.get(key)`, recorded by the record being filled: a registry (keyed
    by ints or strings, such as `defbprop`'s) whose later entries must make
    what was built without them stale."""
    if _active:
        _active[-1]._read(_ITEM if key in table else _ABSENT, table, key, table.get(key))
    return table.get(key)


def notice(deps):
    """Tell the record being filled, if any, that a graph with `deps` is used."""
    if _active:
        _active[-1].use(deps)
