"""Stage 4: optimization, the default sequence of passes, in order.

    graph = optimize(graph)     # a clone: the input is never mutated

Each round runs, to a fixpoint, the local rewrites (the rules of
`rules.py` and, on typed graphs, `typed.py`, constant folding, inlining)
through the rewrite engine, then
common-subexpression elimination and dead-code elimination, and stops when
a round changes nothing.  A typed program is then inferred again and
optimized again, with its Envs as tuples (`envs.py`; `env_tuples=False`
keeps them), then with its returns flattened (`returns.py`), each
step kept only where inference accepts the result (the scalar-loop
gradient: 79 -> 49 -> 44 -> 30).
Closure conversion (`closure.py`), for backends
that cannot keep frames alive, is asked for with `closures=True`.  Every
pass works through the incremental
`GraphManager`, so a round costs time proportional to the program's size.
"""

from ..errors import MyiaError
from ..ir import Apply, GraphManager, IRError, clone
from .closure import convert_closures
from .cse import cse
from .dce import dce
from .envs import env_slots
from .fold import fold_constant
from .inline import inline_call
from .returns import eta_reduce, flatten_returns
from ..prims import check_differentiable, getitem, make_tuple, seed
from .rewrite import Rules, derived, is_const, rewrite
from .rules import RULES, tuple_type
from .typed import TYPED_RULES

ROUNDS = 10
FLATTEN_ROUNDS = 3


def optimize(graph, rules=None, closures=False, env_tuples=True):
    """An optimized copy of `graph`; with `closures`, closure-converted too.

    `env_tuples` turns Envs into tuples (`envs.py`) on typed programs. It
    once gave tests/test_grad.py `closure_capture` a wrong gradient (3.0
    for 5.31), fixed by typing each `gadd` of tuples as `gadd` infers it
    (tests/opt/test_typed_rules.py, tests/opt/test_passes.py guard it).
    """
    g = clone(graph, total=True)
    default = [*RULES, *TYPED_RULES]
    table = Rules([*(default if rules is None else rules), fold_constant, inline_call])
    mng = _optimized(g, table)
    if rules is None and _typed(g):
        again = _retyped(g)
        if again is not None:
            g = again
            mng = _optimized(g, table)
        slotted = clone(g, total=True)
        if env_tuples and env_slots(GraphManager(slotted)):
            again = _retyped(slotted)
            if again is not None:
                g = again
                mng = _optimized(g, table)
        for _ in range(FLATTEN_ROUNDS):  # a flattened loop may let the next one go
            flat = clone(g, total=True)
            if not flatten_returns(GraphManager(flat)):
                break
            _optimized(flat, Rules([*default, eta_reduce, fold_constant, inline_call]))
            again = _retyped(flat)
            if again is None:
                break
            size, g = _size(mng), again
            mng = _optimized(g, table)
            if _size(mng) >= size:
                break  # (kept: as small, and typed; another round would not help)
    if closures:
        guarded = _pin_guards(mng, g)
        if convert_closures(mng):
            rewrite(mng, table)
            dce(mng)
        if guarded:
            _unpin_guards(mng, g)
    return g


def _optimized(g, table):
    mng = GraphManager(g)
    for k, nodes in mng.nodes.items():
        for n in nodes:
            if not n.inputs:  # a node the pass that made the graph did not fill in
                raise IRError(f"{n!r} in {k!r} is not a proper Apply (no function)")
    guarded = _pin_guards(mng, g)
    for _ in range(ROUNDS):
        changed = rewrite(mng, table)
        changed += cse(mng)
        changed += dce(mng)
        if not changed:
            break
    if guarded:
        _unpin_guards(mng, g)
    return mng


def _size(mng):
    return sum(len(nodes) for nodes in mng.nodes.values())


def _typed(g):
    return all(getattr(p, "abstract", None) is not None for p in g.parameters) and \
        getattr(g.output, "abstract", None) is not None


def _retyped(g):
    """`g` inferred again, or None when inference declines.

    The rules bring producers and consumers together, and inference then
    sees what it could not before: `gadd(switch(c, ZERO, e), switch(c, d,
    ZERO))` is `switch(c, d, e)`, an Env that surely holds a key, so the
    sensitivity read from it is no longer `T|ZERO` and the `is_zero`
    switches on it fold (the scalar loop's gradient, 79 -> 49 nodes).
    """
    from ..grad import fprop
    from ..monomorphize import monomorphize
    try:
        return monomorphize(g, [p.abstract for p in g.parameters], fprop)
    except MyiaError:
        return None


# The checks `grad` makes (a scalar output, differentiable arguments) raise
# the user's error even when the gradient no longer needs the value they
# pass on (the gradient of `sign` ignores its sensitivity): the root's output
# keeps them alive while the passes run, and names them once they are done.
GUARDS = (seed, check_differentiable)


def _is_guard(n):
    return isinstance(n, Apply) and is_const(n.inputs[0]) and n.inputs[0].value in GUARDS


def _pin_guards(mng, g):
    guards = [n for n in sorted(mng.nodes[g], key=lambda n: n.id) if _is_guard(n)]
    if guards:
        mng.set_edge(g, "output", derived(g.output, make_tuple, g.output, *guards,
                                                abstract=tuple_type([g.output, *guards]),
                                                graph=g))
    return bool(guards)


def _unpin_guards(mng, g):
    pin = g.output
    value, *guards = pin.inputs[1:]
    needed = [x for x in guards if _is_guard(x) and len(mng.uses[x]) == 1]
    if needed:
        keep = derived(pin, make_tuple, value, *needed,
                       abstract=tuple_type([value, *needed]))
        value = derived(pin, getitem, keep, 0, abstract=getattr(value, "abstract", None))
    mng.set_edge(g, "output", value)


__all__ = ["convert_closures", "optimize"]
