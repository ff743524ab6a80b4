"""Closure conversion: no graph reads another graph's nodes any more.

Each graph with free variables gets them as leading parameters, and each
place that made the closure (a constant of the graph) makes it explicitly,
as `partial(graph, free variables...)`: a (graph, environment) pair the
production VM can represent without frames pointing to frames::

    graph f(x)                          graph f(x)
      %1 = @g(2.0)                        %1 = @g(x, 2.0)      # not escaping:
      return make_tuple(%1, @g)           %2 = partial(@g, x)  #   a direct call
    graph g(y)                  ==>       return make_tuple(%1, %2)
      return mul(x, y)                  graph g(x', y)
                                          return mul(x', y)

A direct call of the closure becomes a call with the extra arguments (the
rule `partial(f, a)(b) -> f(a, b)` does it), so a closure that does not
escape is simply lambda-lifted; one that escapes (a backpropagator returned
across a loop iteration) is the `partial` value.  Graphs that bind keywords
at run time (with defaults or keyword-only parameters) would lose the frame
their own closures read, so a program with one is left as it is.
"""

from .. import types as T
from ..ir import Apply, Constant, DebugInfo, Graph, Parameter
from ..prims import partial


def convert_closures(mng):
    """Lambda-lift every closure under `mng.root`; returns how many."""
    fv = mng.free_variables_total()
    lifted = [g for g in mng.graphs if fv[g] and g is not mng.root]
    if any(g.defaults or g.kwonly for g in lifted):
        return 0  # a closure nested in it would lose the frame it reads
    params = {}
    for g in lifted:
        order = sorted(fv[g], key=lambda n: n.id)
        params[g] = {v: _param(g, v) for v in order}
    # Where a closure was made, it is made with its environment (first: the
    # free variables it passes must not die while the graphs are rewritten).
    for g in lifted:
        for const in list(mng.graph_constants.get(g, ())):
            for user, key in list(mng.uses.get(const, ())):
                where = user if isinstance(user, Graph) else user.graph
                env = [params.get(where, {}).get(v, v) for v in params[g]]
                fn = Constant(g, DebugInfo(None, None, const, "closure"))
                made = Apply(where, [Constant(partial), fn, *env],
                             DebugInfo(None, None, const, "closure"))
                abstract = getattr(const, "abstract", None)
                if abstract is not None:
                    fn.abstract = T.GraphFn(g)
                    made.abstract = T.PartialFn(fn.abstract,
                                                [getattr(e, "abstract", None) for e in env])
                mng.set_edge(user, key, made)
    # Inside a lifted graph, a free variable is now its own parameter.
    for g in lifted:
        new = params[g]
        for v in list(mng.free_variables_direct[g]):
            for user, key in list(mng.uses.get(v, ())):
                owner = user if isinstance(user, Graph) else user.graph
                if owner is g:
                    mng.set_edge(user, key, new[v])
        mng.set_parameters(g, [*new.values(), *g.parameters])
    return len(lifted)


def _param(g, v):
    p = Parameter(g, DebugInfo(v.debug.name, v.debug.loc, v, "free"))
    abstract = getattr(v, "abstract", None)
    if abstract is not None:
        p.abstract = abstract
    return p
