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

import dataclasses

from ..ir import Constant, Graph
from ..prims import Primitive
from . import debug as D


class Unfoldable(Exception):
    """An atomic call met a callee it cannot run at once."""


def run_atomic(vm, fn, args, caller, call_node):
    """`(value,)` of the closure `fn` on `args`, run at once; None if it cannot be."""
    try:
        return (_function(fn.graph, vm.atomic)(fn.env, (caller, call_node), *args),)
    except Unfoldable:
        return None


_functions = {}  # (graph, atomic test) -> its generated function


def _function(g, atomic):
    f = _functions.get((g, atomic))
    if f is None:
        f = _functions[g, atomic] = _generate(g, atomic)
    return f


def _unfoldable(*_):
    raise Unfoldable


def _records(a, b=None):
    return dataclasses.is_dataclass(a.__class__) or dataclasses.is_dataclass(b.__class__)


def _call(atomic, site, fn, *xs):
    """A callee only known when it runs (a `switch`'s choice, a closure passed in)."""
    if fn.__class__ is D.Closure:
        g = fn.graph
        if not atomic(g) or len(xs) != D._arity(g):
            raise Unfoldable
        return _function(g, atomic)(fn.env, site, *xs)
    if fn.__class__ is not Primitive or xs and _records(*xs[:2]):
        raise Unfoldable
    return fn.impl(*xs)


def _located(e, g, node, site):
    """The user error of a primitive's exception, pointing at the user's line:
    the atomic graphs between are Myia's, so the call site stands for them."""
    if isinstance(e, Unfoldable):
        return e
    frame = D.Frame(g, None, [], site[0], site[1], [], None)
    return D.user_error(e, D.user_node(frame, node))


def _closure(x, frame, env):
    """A graph made a closure: its environment is the innermost frame owning it."""
    owners = D.graph_owners(x)
    env = (frame if frame is not None and frame.graph in owners else env) if owners else None
    while env is not None and env.graph not in owners:
        env = env.env
    return D.Closure(x, env)


def _generate(g, atomic):
    """The Python function running graph `g` (see the module docstring); a
    frame is made only when a closure needs it as its environment."""
    nodes = D.graph_nodes(g)
    code = D._code[g]
    ns = {"Unfoldable": Unfoldable, "call": _call, "atomic": atomic, "located": _located,
          "closure": _closure, "records": _records, "g": g, "Frame": D.Frame, "nodes": nodes}
    names = {p: f"p{i}" for i, p in enumerate(g.parameters)}
    names.update((n, f"v{i}") for i, n in enumerate(nodes))
    frame = any(g in D.graph_owners(x) for ins in code[:-1] for k, x in ins[4] if k == 3)
    params = ", ".join(names[p] for p in g.parameters)
    body = [f"def run(env, site{', ' if params else ''}{params}):"]
    if frame:
        body.append(f"    frame = Frame(g, env, [{params}], site[0], site[1], nodes, None)")
        body.append("    vals = frame.values")

    def const(value):
        ns[f"c{len(ns)}"] = value
        return f"c{len(ns) - 1}"

    def ref(k, x):
        if k == 0:
            return const(x)
        if k == 1:
            return names[x]
        if k == 2:
            return f"env.lookup({const(x)})"
        return f"closure({const(x)}, {'frame' if frame else 'None'}, env)"

    for i, (node, impl, fk, fx, refs, _, _) in enumerate(code[:-1]):
        xs = [ref(k, x) for k, x in refs]
        out = names[node]
        if impl is not None:
            line = f"{out} = {const(impl)}({', '.join(xs)})"
        elif fk == 0 and fx.__class__ is Primitive:
            guard = f"if records({', '.join(xs[:2])}): raise Unfoldable\n        " if xs else ""
            line = f"{guard}{out} = {const(fx.impl)}({', '.join(xs)})"
        else:
            line = f"{out} = call(atomic, site, {ref(fk, fx)}, {', '.join(xs)})"
        body += ["    try:", f"        {line}", "    except Exception as e:",
                 f"        raise located(e, g, nodes[{i}], site) from None"]
        if frame:
            body.append(f"    vals[nodes[{i}]] = {out}")
    o = g.output
    body.append(f"    return {names[o] if o in names else ref(*_kind(g, o))}")
    exec(compile("\n".join(body), f"<atomic {g.name}>", "exec"), ns)
    return ns["run"]


def _kind(g, node):
    if not isinstance(node, Constant):
        return 2, node  # a free variable
    return (3, node.value) if isinstance(node.value, Graph) else (0, node.value)
