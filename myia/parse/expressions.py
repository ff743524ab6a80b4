"""Expressions: operators, names, attributes, subscripts, calls and lambdas.

Each expression method returns the node of the expression's value in the
block it is read in.  A call is resolved as far as parse time allows::

    np.exp(x)        -> exp(x)                  (a module attribute: a constant)
    helper(x, k=2)   -> Graph<helper>(x, 2)     (keywords matched now)
    float(n)         -> cast(n, float)
    x.sum(axis=0)    -> bind_keywords(getattr(x, 'sum'), ('axis',), 0)()  (matched at run time)
"""

import ast
import dataclasses
import types

import numpy as np

from .. import prims as P
from ..arguments import match_arguments
from ..errors import MyiaNameError, MyiaSyntaxError, MyiaTypeError
from ..ir import Constant, DebugInfo, Graph
from ..prims.scalar import BINARY, COMPARE, UNARY
from ..resolve import is_scalar_type
from .statements import REJECTED


class Expressions:
    """The expression part of `Parser` (the others provide `read`,
    `resolve_value`, `select`, `build_function`, `def_defaults` and `loc`)."""

    def expr(self, block, e):
        if type(e) in REJECTED:
            raise self.syntax_error(e, REJECTED[type(e)])
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

    def binop(self, op, node):
        name = type(op).__name__
        if name == "MatMult":
            return P.matmul
        if name not in BINARY:
            raise self.syntax_error(node, f"operator {name}")
        return BINARY[name]

    def expr_BinOp(self, block, e):
        op = self.binop(e.op, e)
        return block.graph.apply(op, self.expr(block, e.left), self.expr(block, e.right),
                                 debug=self.info(e))

    def expr_UnaryOp(self, block, e):
        return block.graph.apply(UNARY[type(e.op).__name__], self.expr(block, e.operand),
                                 debug=self.info(e))

    def truth(self, block, e):
        return block.graph.apply(P.truth, self.expr(block, e), debug=self.info(e))


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
        self.build_function(e, g, block, "<lambda>", self.def_defaults(block, e.args))
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
        iterable_form = self.iterable_forms().get(value)
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

