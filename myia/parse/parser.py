"""The parser of one Python function: its source, its graphs, what its names mean.

`parse(fn)` finds `fn`'s source (`myia.source`), then `Parser` fills one
graph per function, branch and loop body, from the statement and expression
methods of its halves (`statements.py`, `control.py`, `expressions.py`).
Names are resolved here: a variable of an enclosing block, a nested `def`
(parsed where it is read), or a closure cell, a global or a builtin, whose
read is kept in the graph's `Dependencies`::

    graph = parse(f)     # cached; parsed again once a read is stale
    function_of(graph)   # f
"""

import ast
import builtins
import os
import types

from ..dependencies import Dependencies, notice, recording
from ..errors import MyiaNameError, MyiaSyntaxError
from .. import prims as P
from ..ir import Apply, Constant, DebugInfo, Graph, Location
from ..resolve import resolve_value
from ..source import function_source, parameter_names
from ..stdlib import ITERABLE_FORMS
from .control import ControlFlow
from .expressions import Expressions
from .scope import Block, Function, Pending, why_unbound
from .statements import Statements

_cache = {}  # Python function -> (its graph, the graph's `Dependencies`)
_functions = {}  # graph -> the Python function it was parsed from
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # myia/


def parse(fn):
    """The graph of the Python function `fn`.

    Cached per function, and parsed again when a global, closure cell or
    helper it was parsed from has changed (see `myia.dependencies`).  The
    record being filled by `recording`, if any, is told what was used.
    """
    entry = _cache.get(fn)
    if entry is None or entry[1].is_stale():
        if entry is not None:
            del _functions[entry[0]]  # the old graph is freed once no program holds it
        entry = Parser(fn).entry  # the parser registers itself first
    if "core" not in entry[0].flags:
        notice(entry[1])
    return entry[0]


def function_of(graph):
    """The Python function `graph` was parsed from (None for other graphs)."""
    return _functions.get(graph)


def dependencies(fn):
    """The `Dependencies` record of the current graph of `fn` (parsing it if needed)."""
    parse(fn)
    return _cache[fn][1]


class Parser(Statements, ControlFlow, Expressions):
    """Parses one top-level Python function (and the functions nested in it)."""

    def __init__(self, fn):
        self.fn = fn
        self.file, node = function_source(fn)
        if isinstance(node, ast.AsyncFunctionDef):
            raise self.syntax_error(node, "async def")
        self.cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        self.deps = Dependencies(fn)
        # Graphs parsed from Myia's own files (backpropagators, stdlib helpers)
        # are marked "core": the debugger shows them as part of their caller.
        self.core = self.file.startswith(_PACKAGE_DIR)
        self.graphs, self.unpackings = [], []
        self.graph = self.new_graph(DebugInfo(fn.__name__, self.loc(node)))
        self.entry = _cache[fn] = (self.graph, self.deps)  # recursion finds it
        _functions[self.graph] = fn
        try:
            with recording(self.deps):
                self.build_function(node, self.graph, None, fn.__name__,
                                    defaults=self._global_defaults(fn, node))
            self.keep_checks()
        except BaseException:
            del _cache[fn]
            raise

    def _global_defaults(self, fn, node):
        names = parameter_names(node.args)
        out = {}
        if fn.__defaults__:
            pos = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
            for name, v in zip(pos[len(pos) - len(fn.__defaults__):], fn.__defaults__):
                out[name] = Constant(v)
        for k, v in (fn.__kwdefaults__ or {}).items():
            out[k] = Constant(v)
        return {k: out[k] for k in names if k in out}

    def new_graph(self, debug):
        g = Graph(debug)
        self.graphs.append(g)
        if self.core:
            g.flags.add("core")
        return g

    def keep_checks(self):
        """Make a graph's result depend on its unpackings whose items it never reads.

        The VMs run only what a result needs, but `a, b = t` raises when it
        runs if `t` has not 2 items, read or not.  Each item checks the length
        (`unpack_item`), so one item read is enough; if none is::

            def f(t):            %1 = unpack_item(t, 0, 2)   # (a)
                a, b = t         %2 = unpack_item(t, 1, 2)   # (b), unused
                return 0         return depend(0, %1)

        The optimizer drops the check where the length is known to be right.
        """
        for g in {items[0].graph: None for items in self.unpackings}:
            read, todo, mine = set(), [g.output], set(self.graphs)
            while todo:  # what g's result needs, with its nested graphs' free variables
                n = todo.pop()
                if isinstance(n, Constant) and isinstance(n.value, Graph) and n.value in mine:
                    mine.discard(n.value)
                    todo.append(n.value.output)
                elif isinstance(n, Apply) and n not in read:
                    read.add(n)
                    todo.extend(n.inputs)
            unread = [i[0] for i in self.unpackings if i[0].graph is g and read.isdisjoint(i)]
            if unread:
                g.output = g.apply(P.depend, g.output, *unread,
                                   debug=DebugInfo(None, None, None, "check"))

    # ----- locations and errors -------------------------------------------

    def loc(self, node):
        return Location(self.file, node.lineno, node.col_offset,
                        node.end_col_offset
                        if node.end_col_offset is not None and
                        node.end_lineno == node.lineno else None)

    def syntax_error(self, node, what):
        return MyiaSyntaxError(f"{what} is not supported by Myia", self.loc(node))

    def info(self, node, name=None):
        return DebugInfo(name, self.loc(node))

    # ----- functions --------------------------------------------------------

    def build_function(self, node, graph, parent_block, name, defaults):
        """Fill `graph` from a FunctionDef or Lambda `node`."""
        a = node.args
        if a.vararg or a.kwarg:
            bad = a.vararg or a.kwarg
            raise self.syntax_error(bad, "*args/**kwargs in a definition")
        if isinstance(node, ast.FunctionDef) and node.decorator_list and \
                parent_block is not None:
            raise self.syntax_error(node.decorator_list[0], "decorator on a nested def")
        func = Function(self, node, name)
        entry = Block(func, graph, parent_block)
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
            entry.write(arg.arg, graph.add_parameter(arg.arg, self.loc(arg)))
        graph.defaults = defaults
        graph.kwonly = {x.arg for x in a.kwonlyargs}
        if isinstance(node, ast.Lambda):
            graph.output = self.expr(entry, node.body)
            return graph
        end = self.statements(entry, node.body)
        if end is not None:
            end.graph.output = Constant(None)
        return graph

    def new_block(self, parent, role, node):
        g = self.new_graph(DebugInfo(f"{parent.func.name}:{role}:{self.loc(node).line}",
                                     self.loc(node), origin=self._function_graph(parent),
                                     role=role))
        return Block(parent.func, g, parent)

    def _function_graph(self, block):
        while block.parent is not None and block.parent.func is block.func:
            block = block.parent
        return block.graph

    def iterable_forms(self):
        """Graph of a two-argument builtin (`max`) -> graph of its one-iterable form."""
        return {parse(two): parse(one) for two, one in ITERABLE_FORMS.items()}

    # ----- names ------------------------------------------------------------

    def read(self, block, name, node):
        """The node for variable `name` as seen from `block`."""
        b = block
        while b is not None:
            if name in b.vars:
                v = b.vars[name]
                return self.realize(block, v) if isinstance(v, Pending) else v
            nxt = b.parent
            if nxt is None or nxt.func is not b.func:
                if name in b.func.locals:
                    raise MyiaNameError(f"local variable {name!r} may be used before it "
                                        f"is assigned{why_unbound(b.func.node, name)}",
                                        self.loc(node))
            b = nxt
        return self.resolve_global(name, node)

    def realize(self, reader, pending):
        """Parse a nested `def` as seen from `reader` (see module docstring)."""
        home = reader
        while home.func is not pending.block.func:
            home = home.parent
        key = (id(home), home.version)
        if key not in pending.realized:
            node = pending.node
            g = self.new_graph(DebugInfo(node.name, self.loc(node)))
            pending.realized[key] = Constant(g, self.info(node, node.name))
            self.build_function(node, g, home, node.name, pending.defaults)
        return pending.realized[key]

    def global_value(self, name):
        """`(found, value)` of `name` outside the function: a closure cell, a
        global or a builtin.  The read is recorded in the graph's dependencies."""
        cell = self.cells.get(name)
        if cell is not None:
            try:
                value = cell.cell_contents
            except ValueError:  # the enclosing function has not assigned it yet
                return False, None
            self.deps.read_cell(cell, value)
            return True, value
        globals_ = self.fn.__globals__
        found = name in globals_ or hasattr(builtins, name)
        value = globals_[name] if name in globals_ else getattr(builtins, name, None)
        self.deps.read_global(globals_, name, value)
        return found, value

    def resolve_global(self, name, node):
        found, value = self.global_value(name)
        if not found:
            raise MyiaNameError(f"name {name!r} is not defined", self.loc(node))
        return self.resolve_value(value, node)

    def resolve_value(self, value, node):
        """A constant for what the Python `value` means in Myia code."""
        try:
            meaning = resolve_value(value)
        except MyiaSyntaxError as err:
            raise err.with_location(self.loc(node)) from None
        return Constant(_parse_functions(meaning), self.info(node))


def _parse_functions(value):
    """`value` with the Python functions in it (or in its tuples) parsed.

    A function held in a global tuple (`ACTS = (act_tanh, act_relu)`) is then
    a graph like any other callee, so the J transform can differentiate it.
    """
    if isinstance(value, tuple):
        return tuple(_parse_functions(resolve_value(v)) for v in value)
    if isinstance(value, types.FunctionType) and not hasattr(value, "__myia_macro__"):
        return parse(value)
    return value
