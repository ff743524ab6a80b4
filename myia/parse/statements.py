"""Statements: assignments, `def`, `return`, `pass` and expression statements.

Each statement method takes the block control is in and returns the block it
continues in, or None when control leaves (`return`).  Assignments bind names
in the block (`Block.write`); nothing is stored anywhere else, so::

    a, b = t      # a = unpack_item(t, 0, 2); b = unpack_item(t, 1, 2): len(t) checked
    def g(y): ... # pending: parsed where `g` is read (see `Parser.realize`)

Branches and loops are in `control.py`, expressions in `expressions.py`.
"""

import ast

from .. import prims as P
from ..ir import Apply, Constant, Node
from .scope import Pending

# Statements the debugger stops on even when they compute nothing (`r = 1.0`).
_SIMPLE = (ast.Assign, ast.AnnAssign, ast.Expr, ast.Pass)

REJECTED = {
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
    REJECTED[ast.TryStar] = "try statement"


class Statements:
    """The statement part of `Parser` (the others provide `expr`, `binop`,
    `read` and `loc`)."""

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
        if type(s) in REJECTED:
            raise self.syntax_error(s, REJECTED[type(s)])
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
        op = self.binop(s.op, s)
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
            n = len(target.elts)  # (`() = t` checks with the empty slice: t[0:0])
            items = [block.graph.apply(P.unpack_item, value, i, n, debug=self.info(target))
                     for i in range(n) or [slice(0, 0)]]
            self.unpackings.append(items)  # checked even if no name is read: keep_checks
            for t, item in zip(target.elts, items):
                if isinstance(t, ast.Starred):
                    raise self.syntax_error(t, "starred assignment")
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
        defaults = self.def_defaults(block, s.args)
        block.write(s.name, Pending(s, block, defaults))
        return block

    def def_defaults(self, block, args):
        pos = [*args.posonlyargs, *args.args]
        out = {}
        for a, d in zip(pos[len(pos) - len(args.defaults):], args.defaults):
            out[a.arg] = self.expr(block, d)
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                out[a.arg] = self.expr(block, d)
        return out
