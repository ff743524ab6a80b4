"""The variables of the graphs under construction, and of the Python functions.

A `Block` is one graph being built with the variables assigned in it so far;
reading a name a block lacks reads it from its parent, which makes it a free
variable of the graph.  That one rule gives branches, loop bodies and nested
functions the variables of their function.  In::

    def f(x):
        y = x * 2
        if x > 0:
            y = y + 1     # block f:if_true reads y from f's block
        return y          # block f:if_join has y as a parameter

A variable of the function not assigned yet where it is read is an error
that says why (`why_unbound`), never a silent read of a global.
"""

import ast

from ..source import parameter_names


class Pending:
    """A nested `def` not yet parsed: it is parsed where its name is read."""

    def __init__(self, node, block, defaults):
        self.node = node
        self.block = block
        self.defaults = defaults
        self.realized = {}


class Block:
    """A graph under construction and the variables assigned in it.

    Attributes:
        graph: the graph being built.
        parent: the enclosing block (free variables are read from it).
        func: the `Function` (Python function) this block belongs to.
        vars: name -> node (or `Pending` nested def) assigned in this block.
        version: bumped on every assignment, to key nested-def parses.
    """

    def __init__(self, func, graph, parent):
        self.func = func
        self.graph = graph
        self.parent = parent
        self.vars = {}
        self.version = 0

    def write(self, name, node):
        self.vars[name] = node
        self.version += 1

    def lookup(self, name):
        """The block defining `name` in this function, or None."""
        b = self
        while b is not None and b.func is self.func:
            if name in b.vars:
                return b
            b = b.parent
        return None


class Function:
    """Parse state for one Python function (top-level, nested or lambda)."""

    def __init__(self, parser, node, name):
        self.parser = parser
        self.node = node
        self.name = name
        self.locals = assigned(node.body if isinstance(node.body, list) else [])
        self.locals.update(dict.fromkeys(parameter_names(node.args)))
        self.loops = []


def assigned(stmts):
    """Names assigned by `stmts` (not inside nested functions), in order."""
    out = {}

    def target(t):
        if isinstance(t, ast.Name):
            out.setdefault(t.id, None)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                target(e)

    def visit(node):
        if isinstance(node, (ast.Assign,)):
            for t in node.targets:
                target(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
            target(node.target)
        elif isinstance(node, ast.FunctionDef):
            out.setdefault(node.name, None)
            return
        elif isinstance(node, ast.Lambda):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for s in stmts:
        visit(s)
    return dict.fromkeys(out)


def why_unbound(fn_node, name):
    """Why `name`, assigned somewhere in `fn_node`, can be unbound where read."""
    def assigned_in(kinds, field):
        return any(isinstance(n, kinds) and name in assigned(getattr(n, field))
                   for n in ast.walk(fn_node) if n is not fn_node)
    if assigned_in((ast.For, ast.While), "body"):
        return (" (a variable first assigned inside a loop is local to one iteration: "
                "one carried across iterations or used after the loop must be "
                "assigned before the loop)")
    if assigned_in(ast.If, "body") or assigned_in(ast.If, "orelse"):
        return (" (it is assigned in only one branch of an 'if': to use it after "
                "the 'if', assign it in every branch)")
    return ""


class Loop:
    def __init__(self, header, after, names, counter=None, step=None):
        self.header = header
        self.after = after
        self.names = names
        self.counter = counter
        self.step = step

