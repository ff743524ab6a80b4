"""The graph IR: a handful of small classes in administrative normal form.

A `Graph` is a function: its `parameters`, one `output` node and debug info.
Every intermediate value is a node:

* `Apply(inputs=[fn, *args])` calls `fn` (a node) on `args` (nodes);
* `Parameter` is one of a graph's parameters;
* `Constant(value)` holds a value; a graph is a value, so `Constant(graph)` is
  how graphs refer to each other (calls, branches, loops, closures).

A node belongs to the graph that created it (`node.graph`; constants belong to
none).  A graph nested in another may use the other's nodes directly as free
variables: that is how closures are represented.  Nothing here imports from
the rest of `myia`.
"""

import itertools

_ids = itertools.count(1)


class Location:
    """A place in the user's source: `file`, `line` (1-based), `column` (0-based).

    `end_column` (optional) marks the end of the construct on its line, so
    error messages can underline it.
    """

    __slots__ = ("file", "line", "column", "end_column", "source")

    def __init__(self, file, line, column=0, end_column=None, source=None):
        self.file = file
        self.line = line
        self.column = column
        self.end_column = end_column
        self.source = source

    def __repr__(self):
        return f"{self.file}:{self.line}:{self.column}"


class DebugInfo:
    """Where a node or graph comes from.

    Attributes:
        name: the user's variable or function name, if any.
        loc: the `Location` in the user's source, if any.
        origin: the node or graph this one was derived from (by AD, cloning,
            inlining), so any node can be traced back to the user's code.
        role: a short tag saying what a derived node is for ("bprop",
            "branch", "loop", ...), used by printers and the debugger.
    """

    __slots__ = ("name", "loc", "origin", "role")

    def __init__(self, name=None, loc=None, origin=None, role=None):
        self.name = name
        self.loc = loc
        self.origin = origin
        self.role = role

    def find_loc(self):
        """The source location of this node or of the nearest origin that has one."""
        info = self
        while info is not None:
            if info.loc is not None:
                return info.loc
            info = info.origin.debug if info.origin is not None else None
        return None

    def derive(self, role=None, origin=None):
        """A copy for a node derived from the one this info describes."""
        return DebugInfo(self.name, None, origin, role or self.role)


class Node:
    """Base class of IR nodes.

    Attributes:
        id: a unique, increasing number; nodes are created after their inputs,
            so sorting by id is a valid evaluation order (source order).
        graph: the graph owning this node (None for constants).
        inputs: the nodes this node consumes (empty but for `Apply`).
        debug: a `DebugInfo`.
        abstract: the inferred abstract value (`myia.types`), None until
            inference has run.
    """

    __slots__ = ("id", "graph", "inputs", "debug", "abstract")

    def __init__(self, graph, inputs, debug):
        self.id = next(_ids)
        self.graph = graph
        self.inputs = inputs
        self.debug = debug if debug is not None else DebugInfo()
        self.abstract = None

    @property
    def loc(self):
        return self.debug.find_loc()


class Apply(Node):
    """A call: `inputs[0]` applied to `inputs[1:]`."""

    __slots__ = ()

    def __init__(self, graph, inputs, debug=None):
        super().__init__(graph, list(inputs), debug)

    @property
    def fn(self):
        return self.inputs[0]

    @property
    def args(self):
        return self.inputs[1:]

    def __repr__(self):
        return f"Apply<%{self.id}>"


class Parameter(Node):
    """A parameter of `graph`."""

    __slots__ = ()

    def __init__(self, graph, debug=None):
        super().__init__(graph, [], debug)

    def __repr__(self):
        return f"Parameter<{self.debug.name or self.id}>"


class Constant(Node):
    """A literal value, a primitive, or a graph (`Constant(graph)`)."""

    __slots__ = ("value",)

    def __init__(self, value, debug=None):
        super().__init__(None, [], debug)
        self.value = value

    def __repr__(self):
        return f"Constant<{self.value!r}>"


class Graph:
    """A function in the IR.

    Attributes:
        parameters: list of `Parameter`.
        output: the node whose value the graph returns.
        debug: `DebugInfo` (name of the user function, location of its `def`).
        defaults: for graphs parsed from a `def`: parameter name -> default
            value node, used to resolve keyword arguments and omitted ones.
        flags: free-form markers set by stages (e.g. "core" for library code
            the debugger should not stop in).
    """

    def __init__(self, debug=None):
        self.id = next(_ids)
        self.parameters = []
        self.output = None
        self.debug = debug if debug is not None else DebugInfo()
        self.defaults = {}
        self.kwonly = set()
        self.flags = set()

    def add_parameter(self, name=None, loc=None):
        p = Parameter(self, DebugInfo(name, loc))
        self.parameters.append(p)
        return p

    def apply(self, fn, *args, debug=None):
        """Create an `Apply` in this graph; plain values become `Constant`s."""
        inputs = [x if isinstance(x, Node) else Constant(x) for x in (fn, *args)]
        return Apply(self, inputs, debug)

    @property
    def name(self):
        return self.debug.name or f"graph{self.id}"

    # The text forms live in printer.py, which needs traversal; ir/__init__.py
    # plugs the printer in here, so this module imports nothing (no cycle).
    printer = None

    def __str__(self):
        return self.printer.print_graph(self)

    def to_dot(self):
        return self.printer.graph_to_dot(self)

    def __repr__(self):
        return f"Graph<{self.name}>"
