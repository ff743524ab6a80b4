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
"""

import ast
import builtins
import dataclasses
import os
import types

import numpy as np

from . import prims as P
from .arguments import match_arguments
from .dependencies import Dependencies, notice, recording
from .errors import MyiaNameError, MyiaSyntaxError, MyiaTypeError
from .ir import Apply, Constant, DebugInfo, Graph, Location, Node
from .prims.scalar import BINARY, COMPARE, UNARY
from .resolve import is_scalar_type, resolve_value
from .source import function_source, parameter_names
from .stdlib import ITERABLE_FORMS, builtin_min, range_test

# Statements the debugger stops on even when they compute nothing (`r = 1.0`).
_SIMPLE = (ast.Assign, ast.AnnAssign, ast.Expr, ast.Pass)

_REJECTED = {
    ast.Try: "try statement", ast.With: "with statement", ast.Global: "global statement",
    ast.Nonlocal: "nonlocal statement", ast.Raise: "raise statement",
    ast.Delete: "del statement", ast.Import: "import statement",
    ast.ImportFrom: "import statement", ast.ClassDef: "class statement",
    ast.AsyncFunctionDef: "async def", ast.AsyncFor: "async for",
    ast.AsyncWith: "async with", ast.Assert: "assert statement",
    ast.Yield: "yield", ast.YieldFrom: "yield from", ast.Await: "await",
    ast.List: "list literal", ast.Dict: "dict literal", ast.Set: "set literal",
    ast.ListComp: "list comprehension", ast.DictComp: "dict comprehension",
    ast.SetComp: "set comprehension", ast.GeneratorExp: "generator expression",
    ast.NamedExpr: "assignment expression (walrus)", ast.Starred: "starred expression",
    ast.JoinedStr: "f-string", ast.Match: "match statement",
}
if hasattr(ast, "TryStar"):
    _REJECTED[ast.TryStar] = "try statement"

_cache = {}  # Python function -> (its graph, the graph's `Dependencies`)
_functions = {}  # graph -> the Python function it was parsed from
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


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
        entry = _Parser(fn).entry  # the parser registers itself first
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


def _iterable_forms():
    """Graph of a two-argument builtin (`max`) -> graph of its one-iterable form."""
    return {parse(two): parse(one) for two, one in ITERABLE_FORMS.items()}


class _Pending:
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
        func: the `_Function` (Python function) this block belongs to.
        vars: name -> node (or `_Pending` nested def) assigned in this block.
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


class _Function:
    """Parse state for one Python function (top-level, nested or lambda)."""

    def __init__(self, parser, node, name):
        self.parser = parser
        self.node = node
        self.name = name
        self.locals = _assigned(node.body if isinstance(node.body, list) else [])
        self.locals.update(dict.fromkeys(parameter_names(node.args)))
        self.loops = []


def _assigned(stmts):
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


def _why_unbound(fn_node, name):
    """Why `name`, assigned somewhere in `fn_node`, can be unbound where read."""
    def assigned_in(kinds, field):
        return any(isinstance(n, kinds) and name in _assigned(getattr(n, field))
                   for n in ast.walk(fn_node) if n is not fn_node)
    if assigned_in((ast.For, ast.While), "body"):
        return (" (a variable first assigned inside a loop is local to one iteration: "
                "one carried across iterations or used after the loop must be "
                "assigned before the loop)")
    if assigned_in(ast.If, "body") or assigned_in(ast.If, "orelse"):
        return (" (it is assigned in only one branch of an 'if': to use it after "
                "the 'if', assign it in every branch)")
    return ""


class _Loop:
    def __init__(self, header, after, names, counter=None, step=None):
        self.header = header
        self.after = after
        self.names = names
        self.counter = counter
        self.step = step


class _Parser:
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
        self.graph = self.new_graph(DebugInfo(fn.__name__, self.loc(node)))
        self.entry = _cache[fn] = (self.graph, self.deps)  # recursion finds it
        _functions[self.graph] = fn
        try:
            with recording(self.deps):
                self.build_function(node, self.graph, None, fn.__name__,
                                    defaults=self._global_defaults(fn, node))
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
        if self.core:
            g.flags.add("core")
        return g

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
        func = _Function(self, node, name)
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

    # ----- statements -------------------------------------------------------

    def statements(self, block, stmts):
        """Parse `stmts` starting in `block`; the block control ends in, or None."""
        for i, s in enumerate(stmts):
            if block is None:
                return None  # unreachable code after return/break/continue
            if i == 0 and isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) \
                    and isinstance(s.value.value, str):
                continue  # docstring
            block = self.statement(block, s)
        return block

    def statement(self, block, s):
        if type(s) in _REJECTED:
            raise self.syntax_error(s, _REJECTED[type(s)])
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            raise self.syntax_error(s, f"{type(s).__name__} statement")
        if isinstance(s, _SIMPLE):
            block.graph.statement_locs.append(self.loc(s))
        return method(block, s)

    def stmt_Pass(self, block, s):
        return block

    def stmt_Expr(self, block, s):
        self.expr(block, s.value)  # pure: parsed for its errors, value unused
        return block

    def stmt_Assign(self, block, s):
        value = self.expr(block, s.value)
        for t in s.targets:
            self.assign(block, t, value)
        return block

    def stmt_AnnAssign(self, block, s):
        if s.value is None:
            return block
        self.assign(block, s.target, self.expr(block, s.value))
        return block

    def stmt_AugAssign(self, block, s):
        if not isinstance(s.target, ast.Name):
            raise self.syntax_error(s.target, "augmented assignment to an item or attribute")
        op = self._binop(s.op, s)
        cur = self.read(block, s.target.id, s.target)
        value = block.graph.apply(op, cur, self.expr(block, s.value), debug=self.info(s))
        self.assign(block, s.target, value)
        return block

    def assign(self, block, target, value):
        if isinstance(target, ast.Name):
            if isinstance(value, Apply) and value.graph is block.graph and \
                    value.debug.name is None:
                value.debug.name = target.id
            elif isinstance(value, Node) and value.debug.name != target.id:
                block.graph.bindings.append((target.id, value, self.loc(target)))
            block.write(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            # Inference checks the length even if no name is used (`checks`).
            size = block.graph.apply(P.len_, value, debug=self.info(target))
            block.graph.__dict__.setdefault("checks", []).append((size, len(target.elts)))
            for i, t in enumerate(target.elts):
                if isinstance(t, ast.Starred):
                    raise self.syntax_error(t, "starred assignment")
                item = block.graph.apply(P.getitem, value, i, debug=self.info(t))
                self.assign(block, t, item)
        elif isinstance(target, ast.Subscript):
            raise self.syntax_error(target, "item assignment (arrays and tuples are immutable)")
        elif isinstance(target, ast.Attribute):
            raise self.syntax_error(target, "attribute assignment")
        else:
            raise self.syntax_error(target, f"assignment to {type(target).__name__}")

    def stmt_Return(self, block, s):
        value = Constant(None) if s.value is None else self.expr(block, s.value)
        block.graph.output = value
        block.graph.return_loc = self.loc(s)
        return None

    def stmt_FunctionDef(self, block, s):
        defaults = self._def_defaults(block, s.args)
        block.write(s.name, _Pending(s, block, defaults))
        return block

    def _def_defaults(self, block, args):
        pos = [*args.posonlyargs, *args.args]
        out = {}
        for a, d in zip(pos[len(pos) - len(args.defaults):], args.defaults):
            out[a.arg] = self.expr(block, d)
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                out[a.arg] = self.expr(block, d)
        return out

    def stmt_If(self, block, s):
        cond = self.truth(block, s.test)
        tb = self.new_block(block, "if_true", s)
        fb = self.new_block(block, "if_false", s)
        block.graph.output = self.branch(block, cond, tb.graph, fb.graph, s)
        ends = [e for e in (self.statements(tb, s.body), self.statements(fb, s.orelse))
                if e is not None]
        if len(ends) <= 1:
            return ends[0] if ends else None  # only one way out: go on there
        changed = {}
        for e in ends:
            b = e
            while b is not block:
                changed.update(dict.fromkeys(b.vars))
                b = b.parent
        names = [n for n in changed if all(e.lookup(n) for e in ends)]
        join = self.new_block(block, "if_join", s)
        for n in names:
            join.write(n, join.graph.add_parameter(n))
        for e in ends:
            self.jump(e, join.graph, [self.read(e, n, s) for n in names])
        return join

    def branch(self, block, cond, tgraph, fgraph, node):
        sel = block.graph.apply(P.switch, cond, Constant(tgraph), Constant(fgraph),
                                debug=self.info(node))
        return block.graph.apply(sel, debug=self.info(node))

    def jump(self, block, graph, args):
        block.graph.output = block.graph.apply(Constant(graph), *args,
                                               debug=DebugInfo(None, None, role="jump"))

    def _loop_names(self, block, body, extra=()):
        names = [n for n in _assigned(body) if n not in extra]
        return [n for n in names if block.lookup(n)]

    def stmt_While(self, block, s):
        if s.orelse:
            raise self.syntax_error(s, "while ... else")
        names = self._loop_names(block, s.body)
        header, after = self._loop_blocks(block, names, s, "while")
        self.jump(block, header.graph, [self.read(block, n, s) for n in names])
        cond = self.truth(header, s.test)
        body = self.new_block(header, "while_body", s)
        self._loop_body(header, after, body, cond, names, s, None, None)
        return after

    def _loop_blocks(self, block, names, s, kind, counter=None):
        header = self.new_block(block, kind, s)
        after = self.new_block(block, kind + "_after", s)
        if counter is not None:
            header.counter = header.graph.add_parameter(counter)
        for n in names:
            header.write(n, header.graph.add_parameter(n))
            after.write(n, after.graph.add_parameter(n))
        return header, after

    def _loop_body(self, header, after, body, cond, names, s, counter, step):
        exit_ = self.new_block(header, "loop_exit", s)
        self.jump(exit_, after.graph, [self.read(header, n, s) for n in names])
        header.graph.output = self.branch(header, cond, body.graph, exit_.graph, s)
        loop = _Loop(header, after, names, counter, step)
        header.func.loops.append(loop)
        try:
            end = self.statements(body, s.body)
            if end is not None:
                self.continue_(end, loop, s)
        finally:
            header.func.loops.pop()

    def continue_(self, block, loop, s):
        args = [self.read(block, n, s) for n in loop.names]
        if loop.counter is not None:
            nxt = block.graph.apply(P.add, loop.counter, loop.step,
                                    debug=DebugInfo(None, None, role="loop_counter"))
            args.insert(0, nxt)
        self.jump(block, loop.header.graph, args)

    def stmt_For(self, block, s):
        if s.orelse:
            raise self.syntax_error(s, "for ... else")
        it = s.iter
        g = block.graph
        called = self._global_value(it.func.id)[1] if isinstance(it, ast.Call) and \
            isinstance(it.func, ast.Name) and block.lookup(it.func.id) is None else None
        is_range = called is range
        if called is enumerate or called is zip:
            return self._for_enumerate_zip(block, s, called)
        if is_range:
            if it.keywords or not 1 <= len(it.args) <= 3:
                raise MyiaTypeError("range() takes 1 to 3 positional arguments",
                                    self.loc(it))
            rargs = [self.expr(block, a) for a in it.args]
            start, stop, step = ([Constant(0)] + rargs + [Constant(1)])[:3] \
                if len(rargs) == 1 else (rargs + [Constant(1)])[:3]
            seq = None
        else:
            seq = self.expr(block, it)
            start, step = Constant(0), Constant(1)
            stop = g.apply(P.len_, seq, debug=self.info(it))
        names = self._loop_names(block, s.body + [ast.Assign([s.target], s.iter)])
        header, after = self._loop_blocks(block, names, s, "for", counter="i")
        self.jump(block, header.graph, [start] + [self.read(block, n, s) for n in names])
        hg = header.graph
        counter = header.counter
        if isinstance(step, Constant) and isinstance(step.value, int) and step.value != 0:
            cmp = P.lt if step.value > 0 else P.gt
            cond = hg.apply(cmp, counter, stop, debug=self.info(it))
        else:
            test = self.resolve_value(range_test, it)
            cond = hg.apply(test, counter, stop, step, debug=self.info(it))
        body = self.new_block(header, "for_body", s)
        item = counter if seq is None else body.graph.apply(
            P.getitem, seq, counter, debug=self.info(s.target))
        self.assign(body, s.target, item)
        self._loop_body(header, after, body, cond, names, s, counter, step)
        return after

    def _for_enumerate_zip(self, block, s, called):
        """`for i, x in enumerate(xs, start)` and `for a, b in zip(as, bs...)`:
        a loop over a counter up to the (shortest) length, whose target is
        assigned `(start + i, xs[i])` or `(as[i], bs[i], ...)`."""
        it = s.iter
        kw = {k.arg: k.value for k in it.keywords}
        if called is enumerate and (not 1 <= len(it.args) + len(kw) <= 2 or
                                    set(kw) - {"start"} or len(it.args) == 2 and kw):
            raise MyiaTypeError("enumerate() takes an iterable and a start", self.loc(it))
        if called is zip and (kw or not it.args):
            raise MyiaTypeError("zip() takes one or more iterables (no keywords) in Myia",
                                self.loc(it))
        sources = it.args[:1] if called is enumerate else it.args
        inner = sources[0] if called is enumerate else None
        zipped = called is zip or (
            isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and
            block.lookup(inner.func.id) is None and not inner.keywords and inner.args
            and self._global_value(inner.func.id)[1] is zip)  # enumerate(zip(...))
        if zipped and called is enumerate:
            sources = inner.args
        seqs = [self.expr(block, a) for a in sources]
        start = None
        if called is enumerate:
            given = it.args[1] if len(it.args) == 2 else kw.get("start")
            start = Constant(0) if given is None else self.expr(block, given)
        g = block.graph
        stop = g.apply(P.len_, seqs[0], debug=self.info(it))
        shorter = self.resolve_value(builtin_min, it)
        for seq in seqs[1:]:
            stop = g.apply(shorter, stop, g.apply(P.len_, seq, debug=self.info(it)),
                           debug=self.info(it))
        names = self._loop_names(block, s.body + [ast.Assign([s.target], it)])
        header, after = self._loop_blocks(block, names, s, "for", counter="i")
        self.jump(block, header.graph, [Constant(0)] + [self.read(block, n, s) for n in names])
        counter = header.counter
        cond = header.graph.apply(P.lt, counter, stop, debug=self.info(it))
        body = self.new_block(header, "for_body", s)
        bg = body.graph
        items = [bg.apply(P.getitem, seq, counter, debug=self.info(s.target)) for seq in seqs]
        item = bg.apply(P.make_tuple, *items, debug=self.info(s.target)) if zipped \
            else items[0]
        if called is enumerate:
            item = bg.apply(P.make_tuple, bg.apply(P.add, start, counter, debug=self.info(it)),
                            item, debug=self.info(s.target))
        self.assign(body, s.target, item)
        self._loop_body(header, after, body, cond, names, s, counter, Constant(1))
        return after

    def stmt_Break(self, block, s):
        if not block.func.loops:
            raise MyiaSyntaxError("'break' outside loop", self.loc(s))
        loop = block.func.loops[-1]
        self.jump(block, loop.after.graph, [self.read(block, n, s) for n in loop.names])
        return None

    def stmt_Continue(self, block, s):
        if not block.func.loops:
            raise MyiaSyntaxError("'continue' not properly in loop", self.loc(s))
        self.continue_(block, block.func.loops[-1], s)
        return None

    # ----- expressions ------------------------------------------------------

    def expr(self, block, e):
        if type(e) in _REJECTED:
            raise self.syntax_error(e, _REJECTED[type(e)])
        method = getattr(self, "expr_" + type(e).__name__, None)
        if method is None:
            raise self.syntax_error(e, f"{type(e).__name__} expression")
        return method(block, e)

    def expr_Constant(self, block, e):
        return Constant(e.value, self.info(e))

    def expr_Name(self, block, e):
        return self.read(block, e.id, e)

    def expr_Tuple(self, block, e):
        elts = [self.expr(block, x) for x in e.elts]
        return block.graph.apply(P.make_tuple, *elts, debug=self.info(e))

    def _binop(self, op, node):
        name = type(op).__name__
        if name == "MatMult":
            return P.matmul
        if name not in BINARY:
            raise self.syntax_error(node, f"operator {name}")
        return BINARY[name]

    def expr_BinOp(self, block, e):
        op = self._binop(e.op, e)
        return block.graph.apply(op, self.expr(block, e.left), self.expr(block, e.right),
                                 debug=self.info(e))

    def expr_UnaryOp(self, block, e):
        return block.graph.apply(UNARY[type(e.op).__name__], self.expr(block, e.operand),
                                 debug=self.info(e))

    def truth(self, block, e):
        return block.graph.apply(P.truth, self.expr(block, e), debug=self.info(e))

    def lazy(self, block, node, role, build):
        """A graph (closure) whose body is built by `build(block) -> node`."""
        b = self.new_block(block, role, node)
        b.graph.output = build(b)
        return b.graph

    def select(self, block, node, cond, tbuild, fbuild):
        """`tbuild() if cond else fbuild()`, each built in its own lazy graph."""
        t = self.lazy(block, node, "then", tbuild)
        f = self.lazy(block, node, "else", fbuild)
        return self.branch(block, cond, t, f, node)

    def expr_IfExp(self, block, e):
        cond = self.truth(block, e.test)
        return self.select(block, e, cond, lambda b: self.expr(b, e.body),
                           lambda b: self.expr(b, e.orelse))

    def expr_BoolOp(self, block, e):
        is_and = isinstance(e.op, ast.And)

        def chain(b, values):
            first = self.expr(b, values[0])
            if len(values) == 1:
                return first
            cond = b.graph.apply(P.truth, first, debug=self.info(values[0]))
            rest = lambda bb: chain(bb, values[1:])  # noqa: E731
            keep = lambda bb: first  # noqa: E731
            return self.select(b, e, cond, rest if is_and else keep,
                               keep if is_and else rest)

        return chain(block, e.values)

    def expr_Compare(self, block, e):
        def compare(b, left, ops, comparators):
            right = self.expr(b, comparators[0])
            op = ops[0]
            if isinstance(op, (ast.Is, ast.IsNot)):
                prim = P.is_ if isinstance(op, ast.Is) else P.is_not
            elif type(op).__name__ in COMPARE:
                prim = COMPARE[type(op).__name__]
            else:
                name = "'in'" if isinstance(op, ast.In) else "'not in'"
                raise self.syntax_error(e, f"the {name} operator")
            res = b.graph.apply(prim, left, right, debug=self.info(e))
            if len(ops) == 1:
                return res
            cond = b.graph.apply(P.truth, res, debug=self.info(e))
            return self.select(b, e, cond,
                               lambda bb: compare(bb, right, ops[1:], comparators[1:]),
                               lambda bb: res)

        return compare(block, self.expr(block, e.left), e.ops, e.comparators)

    def expr_Lambda(self, block, e):
        g = self.new_graph(DebugInfo(f"{block.func.name}:lambda", self.loc(e)))
        self.build_function(e, g, block, "<lambda>", self._def_defaults(block, e.args))
        return Constant(g, self.info(e))

    def expr_Attribute(self, block, e):
        base = self.expr(block, e.value)
        if isinstance(base, Constant) and isinstance(base.value, types.ModuleType):
            if not hasattr(base.value, e.attr):
                raise MyiaNameError(
                    f"module {base.value.__name__!r} has no attribute {e.attr!r}", self.loc(e))
            value = getattr(base.value, e.attr)
            self.deps.read_attribute(base.value, e.attr, value)
            return self.resolve_value(value, e)
        return block.graph.apply(P.getattr_, base, e.attr, debug=self.info(e))

    def expr_Subscript(self, block, e):
        base = self.expr(block, e.value)
        index = self.index(block, e.slice)
        return block.graph.apply(P.getitem, base, index, debug=self.info(e))

    def index(self, block, s):
        if isinstance(s, ast.Slice):
            parts = [Constant(None) if x is None else self.expr(block, x)
                     for x in (s.lower, s.upper, s.step)]
            if all(isinstance(p, Constant) for p in parts):
                return Constant(slice(*(p.value for p in parts)))
            return block.graph.apply(P.make_slice, *parts, debug=self.info(s))
        if isinstance(s, ast.Tuple):
            parts = [self.index(block, x) for x in s.elts]
            if all(isinstance(p, Constant) for p in parts):
                return Constant(tuple(p.value for p in parts))
            return block.graph.apply(P.make_tuple, *parts, debug=self.info(s))
        return self.expr(block, s)

    def expr_Call(self, block, e):
        fn = self.expr(block, e.func)
        args = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                raise self.syntax_error(a, "*args in a call")
            args.append(self.expr(block, a))
        kw = {}
        for k in e.keywords:
            if k.arg is None:
                raise self.syntax_error(k.value, "**kwargs in a call")
            kw[k.arg] = self.expr(block, k.value)
        value = fn.value if isinstance(fn, Constant) else None
        if hasattr(value, "__myia_macro__"):
            return self.macro(value, fn, args, kw, e)
        iterable_form = _iterable_forms().get(value)
        if iterable_form is not None and len(args) != 2 and args and not kw:
            if len(args) == 1:
                return block.graph.apply(Constant(iterable_form), args[0],
                                         debug=self.info(e))
            acc = args[0]
            for a in args[1:]:
                acc = block.graph.apply(fn, acc, a, debug=self.info(e))
            return acc
        if any(value is t for t in (tuple, np.ndarray, type(None))):
            raise MyiaSyntaxError(f"calling {value.__name__}() is not supported by Myia "
                                  "(the class is only usable in isinstance)", self.loc(e))
        if is_scalar_type(value):
            if kw or len(args) != 1:
                raise MyiaTypeError(f"{value.__name__}() takes one argument in Myia",
                                    self.loc(e))
            return block.graph.apply(P.cast, args[0], fn, debug=self.info(e))
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            fields = [f.name for f in dataclasses.fields(value) if f.init]
            defaults = {f.name: Constant(f.default) for f in dataclasses.fields(value)
                        if f.default is not dataclasses.MISSING}
            args = self.match_args(value.__name__, fields, defaults, set(), args, kw, e)
            return block.graph.apply(P.make_record, fn, *args, debug=self.info(e))
        if isinstance(value, Graph):
            names = [p.debug.name for p in value.parameters]
            args = self.match_args(value.debug.name, names, value.defaults,
                                   value.kwonly, args, kw, e)
        elif isinstance(value, P.Primitive) and value.params is not None:
            defaults = {k: Constant(v) for k, v in value.defaults.items()}
            args = self.match_args(ast.unparse(e.func), list(value.params), defaults,
                                   set(), args, kw, e)  # named as the user wrote it
        elif kw:
            # The callee is only known at run time (a method, a function passed
            # as an argument): bind the keywords now, the VM matches them.
            fn = block.graph.apply(P.bind_keywords, fn, Constant(tuple(kw)), *kw.values(),
                                   debug=self.info(e))
        return block.graph.apply(fn, *args, debug=self.info(e))

    def macro(self, value, fn, args, kw, node):
        """Expand a call to a function that transforms graphs (`grad`)."""
        nodes = [*args, *kw.values()]
        if not all(isinstance(a, Constant) for a in nodes):
            raise MyiaSyntaxError(f"the arguments of {fn.value.__name__}() inside Myia code "
                                  "must be known where it is written (a function name "
                                  "and constants)", self.loc(node))
        result = value.__myia_macro__(*[a.value for a in args],
                                      **{k: v.value for k, v in kw.items()})
        return Constant(result, self.info(node))

    def match_args(self, name, params, defaults, kwonly, args, kw, node):
        """Order argument nodes as `params` (see `match_arguments`)."""
        try:
            return match_arguments(name, params, defaults, kwonly, args, kw)
        except MyiaTypeError as err:
            raise err.with_location(self.loc(node)) from None

    # ----- names ------------------------------------------------------------

    def read(self, block, name, node):
        """The node for variable `name` as seen from `block`."""
        b = block
        while b is not None:
            if name in b.vars:
                v = b.vars[name]
                return self.realize(block, v) if isinstance(v, _Pending) else v
            nxt = b.parent
            if nxt is None or nxt.func is not b.func:
                if name in b.func.locals:
                    raise MyiaNameError(f"local variable {name!r} may be used before it "
                                        f"is assigned{_why_unbound(b.func.node, name)}",
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

    def _global_value(self, name):
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
        found, value = self._global_value(name)
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
