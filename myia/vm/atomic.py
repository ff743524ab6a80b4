"""Calls the debug VM runs as one step: a graph its `atomic` test accepts
(the debugger's: Myia's machinery, a primitive's forward wrapper `J(mul)` or
its backpropagator, never shown as a frame) runs to its end at once, as a
Python function generated from the graph once, instead of one `Apply` per
step::

    vm = DebugVM(atomic=lambda g: "core" in g.flags)
    vm.start(grad_program, args)  # `J(mul)(x, y)` is then one "node" step

    # J(add), generated:
    def J_add(env, site, p0, p1):
        v0 = c0(c1, p0, p1)           # find_dunder
        ...
        return v3

A call whose callee is not itself such a graph or a primitive (a record's
operator method, a user function passed in) is abandoned, and the call runs
step by step as any other: programs are pure, so the values are the same;
only the step count depends on the program, never on what ran before.
"""

from ..ir import Constant, Graph, Manager
from ..prims import Primitive, switch
from . import debug as D


DEPTH = 32  # a recursion nested deeper than this is not Myia's machinery: step it


class Unfoldable(Exception):
    """An atomic call met a callee it cannot run at once."""


class Atomic:
    """The generated functions for one `atomic` test, shared by every VM using it."""

    _tables = {}  # atomic test -> {graph: its function, or None where it is not atomic}

    def __init__(self, atomic):
        self.atomic = atomic
        self.table = self._tables.setdefault(atomic, {})
        self.busy = set()  # graphs being generated (a cycle calls through `call`)
        self.depth = 0  # nested calls through `call`: a recursion past DEPTH is stepped

    def run(self, fn, args, caller, call_node):
        """`(value,)` of the closure `fn` on `args` run at once; None if it cannot be."""
        g = fn.graph
        f = self.table.get(g, self) if len(args) == len(g.parameters) else None
        if f is self:
            f = self.function(g)
        if f is None:
            return None
        try:
            return (f(fn.env, (caller, call_node), *args),)
        except Unfoldable:
            return None

    def function(self, g):
        f = self.table.get(g, self)
        if f is self:
            self.busy.add(g)
            try:
                ok = self.atomic(g) and D._arity(g) == len(g.parameters)
                f = self.table[g] = _generate(g, self) if ok else None
            finally:
                self.busy.discard(g)
        return f

    def call(self, site, fn, *xs):
        """A callee only known when it runs (a `switch`'s choice, a closure passed in)."""
        if fn.__class__ is D.Closure:
            g = fn.graph
            f = self.table.get(g, self)
            if f is self:
                f = self.function(g)
            if f is None or len(xs) != len(g.parameters) or self.depth >= DEPTH:
                raise Unfoldable
            self.depth += 1
            try:
                return f(fn.env, site, *xs)
            finally:
                self.depth -= 1
        if fn.__class__ is not Primitive or D.records(*xs):
            raise Unfoldable
        return fn.impl(*xs)


def _located(e, g, node, site):
    """The user error of a primitive's exception, pointing at the user's line:
    the innermost of `node` and the call nodes of `site` (`(outer site or the
    calling frame, call node)`) with a user location, as `debug.user_node`
    walks the frames it stands for; else the calling frame's."""
    if isinstance(e, (Unfoldable, RecursionError)):  # too deep for Python: step it
        return Unfoldable()
    here = [node]
    while site[0].__class__ is tuple:
        here.append(site[1])
        site = site[0]
    for n in here:
        loc = D._loc(n)
        if loc is not None and not D._in_library(loc):
            return D.user_error(e, n)
    frame = D.Frame(g, None, [], site[0], site[1], [], None)
    return D.user_error(e, D.user_node(frame, node))


def _env(x, env):
    """The environment of a closure of graph `x`: the innermost frame owning it."""
    owners = D.graph_owners(x)
    while env is not None and env.graph not in owners:
        env = env.env
    return env


def _generate(g, functions):
    """The Python function running graph `g` (see the module docstring); a
    frame is made only when a closure needs it as its environment."""
    nodes = D.graph_nodes(g)
    code = D._code[g]
    ns = {"Unfoldable": Unfoldable, "call": functions.call, "located": _located,
          "envof": _env, "records": D.records, "g": g, "Frame": D.Frame, "nodes": nodes,
          "Closure": D.Closure}
    names = {p: f"p{i}" for i, p in enumerate(g.parameters)}
    names.update((n, f"v{i}") for i, n in enumerate(nodes))
    closures = [x for ins in code[:-1] for k, x in ((ins[2], ins[3]), *ins[4]) if k == 3]
    output = _kind(g.output) if g.output not in names else None
    if output is not None and output[0] == 3:
        closures.append(output[1])
    frame = any(g in D.graph_owners(x) for x in closures)
    params = ", ".join(names[p] for p in g.parameters)
    body = [f"def run(env, site{', ' if params else ''}{params}):"]
    if frame:  # an environment only: errors are told at `site`
        body.append(f"    frame = Frame(g, env, [{params}], None, None, nodes, None)")
        body.append("    vals = frame.values")

    def const(value):
        ns[f"c{len(ns)}"] = value
        return f"c{len(ns) - 1}"

    def env_of(x):  # the environment a closure of graph `x` made here gets
        owners = D.graph_owners(x)
        return "None" if not owners else "frame" if g in owners else f"envof({const(x)}, env)"

    def ref(k, x):
        if k == 0:
            return const(x)
        if k == 1:
            return names[x]
        if k == 2:
            return f"env.lookup({const(x)})"
        if not D.graph_owners(x):  # as `_lower` does: one closure serves every call
            return const(D.Closure(x, None))
        return f"Closure({const(x)}, {env_of(x)})"

    def known(k, x, n):
        """`(function, env)` texts for a callee known here, run directly; None if not."""
        if k == 0 and x.__class__ is D.Closure and x.env is None:
            k, x = 3, x.graph
        if k != 3 or x in functions.busy or len(x.parameters) != n:
            return None
        f = functions.function(x)
        return None if f is None else (const(f), env_of(x))

    uses = _uses(g, code)
    chosen = {}  # a switch between two known graphs, used only as a callee: node -> texts
    for i, (node, impl, fk, fx, refs, _, _) in enumerate(code[:-1]):
        xs = [ref(k, x) for k, x in refs]
        out = names[node]
        if node in chosen:  # `switch(c, f, g)(xs)`: the chosen one called directly
            (fa, ea), (fb, eb) = chosen[node]
            cond = chosen[fx]
            args = "".join(", " + x for x in xs)
            here = f"(site, {const(node)})"
            line = f"{out} = {fa}({ea}, {here}{args}) if {cond} else {fb}({eb}, {here}{args})"
        elif impl is not None and fx is switch and _chosen(node, refs, uses, known, chosen):
            chosen[node] = xs[0]
            continue
        elif impl is not None:
            line = f"{out} = {const(impl)}({', '.join(xs)})"
        elif fk == 0 and fx.__class__ is Primitive:
            guard = f"if records({', '.join(xs[:2])}): raise Unfoldable\n        " if xs else ""
            line = f"{guard}{out} = {const(fx.impl)}({', '.join(xs)})"
        elif (direct := known(fk, fx, len(xs))) is not None:
            f, e = direct
            line = f"{out} = {f}({e}, (site, {const(node)}), {', '.join(xs)})"
        else:
            line = f"{out} = call((site, {const(node)}), {ref(fk, fx)}, {', '.join(xs)})"
        body += ["    try:", f"        {line}", "    except Exception as e:",
                 f"        raise located(e, g, nodes[{i}], site) from None"]
        if frame:
            body.append(f"    vals[{const(node)}] = {out}")
    body.append(f"    return {names[g.output] if output is None else ref(*output)}")
    exec(compile("\n".join(body), f"<atomic {g.name}>", "exec"), ns)
    return ns["run"]


def _chosen(node, refs, uses, known, chosen):
    """Whether `node`, a `switch` between two graphs run directly, is used only
    as the callee of one call (then `chosen[call]` holds their texts)."""
    use = uses.get(node, ())
    if len(use) != 1 or use[0][1] != 0:
        return False
    call = use[0][0]
    branches = [known(k, x, len(call.inputs) - 1) for k, x in refs[1:]]
    if None in branches:
        return False
    chosen[call] = branches
    return True


def _uses(g, code):
    """node -> [(user, input index)] in `g`; a node also used outside it (by a
    nested graph, as the output) gets a second, unmatched entry."""
    uses = {}
    for ins in code[:-1]:
        for i, x in enumerate(ins[0].inputs):
            uses.setdefault(x, []).append((ins[0], i))
    m = Manager(g)
    for h in m.graphs:
        for x in m.free_variables[h] if h is not g else ():
            uses.setdefault(x, []).append((h, None))
    uses.setdefault(g.output, []).append((g, None))
    return uses


def _kind(node):
    """A graph's output as a ref of `debug._lower` (`(kind, x)`), when no node of it."""
    if not isinstance(node, Constant):
        return 2, node  # a free variable
    return (3, node.value) if isinstance(node.value, Graph) else (0, node.value)
