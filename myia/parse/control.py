"""Control flow: `if`, `while`, `for`, `break`, `continue`, and lazy operands.

Every branch and loop becomes graphs calling graphs in tail position.  A loop
is a header graph whose parameters are the variables the body assigns (and,
for `for`, a counter)::

    while i < n:        f:while(i):       return switch(i < n, body, exit)()
        i = i + 1       f:while_body():   return f:while(i + 1)
    return i            f:loop_exit():    return f:while_after(i)
                        f:while_after(i): return i

`a if c else b`, `and`, `or` and chained comparisons evaluate their operands
lazily the same way (`select`).
"""

import ast

from .. import prims as P
from ..errors import MyiaSyntaxError, MyiaTypeError
from ..ir import Constant, DebugInfo
from ..stdlib import builtin_min, range_test
from .scope import Loop, assigned


class ControlFlow:
    """The control-flow part of `Parser` (the others provide `statements`,
    `expr`, `read`, `assign`, `new_block` and `loc`)."""

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
        names = [n for n in assigned(body) if n not in extra]
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
        loop = Loop(header, after, names, counter, step)
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
        called = self.global_value(it.func.id)[1] if isinstance(it, ast.Call) and \
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
            and self.global_value(inner.func.id)[1] is zip)  # enumerate(zip(...))
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

