"""Dead-code elimination: what nothing uses is not kept.

The manager drops a node as soon as nothing live uses it, so what is left
here is what reference counts cannot see:

* dead cycles: a loop header that is no longer called but calls itself
  (`GraphManager.collect`);
* unused parameters of a graph that is only ever called directly, which
  loops carry around after the rules removed what used them::

      graph loop(x, i, env)          graph loop(x, i)
        ... @loop(x2, i2, env)  ==>    ... @loop(x2, i2)

  A parameter counts as unused when everything computed from it only
  flows back into the same position of the graph's own calls.
"""

from ..ir import Apply


def dce(mng):
    """Remove dead graphs and unused parameters; returns how many."""
    removed = mng.collect()
    for g in list(mng.graphs):
        if g in mng.graphs and g is not mng.root:
            removed += _drop_parameters(mng, g)
    return removed


_SEARCH = 2000  # nodes followed from a parameter before assuming it is used


def _flows_out(mng, param, position, sites):
    """Whether a value computed from `param` reaches anything but argument
    `position` of the calls `sites`."""
    seen, todo = {param}, [param]
    while todo:
        node = todo.pop()
        for user, key in mng.uses.get(node, ()):
            mng.work += 1
            if isinstance(user, Apply) and user in sites and key == position:
                continue
            if not isinstance(user, Apply) or len(seen) > _SEARCH:
                return True  # a graph's output or default, or too far to follow
            if user not in seen:
                seen.add(user)
                todo.append(user)
    return False


def _drop_parameters(mng, g):
    calls = mng.calls(g)
    n = len(g.parameters)
    if not calls or g.defaults or g.kwonly or not all(
            direct and len(u.inputs) == n + 1 for u, direct in calls):
        return 0
    sites = {u for u, _ in calls}
    dead = [i for i, p in enumerate(g.parameters) if not _flows_out(mng, p, i + 1, sites)]
    if not dead:
        return 0
    keep = [i for i in range(n) if i not in dead]
    for u in sites:
        if u in mng.uses:
            new = Apply(u.graph, [u.inputs[0], *(u.inputs[i + 1] for i in keep)], u.debug)
            abstract = getattr(u, "abstract", None)
            if abstract is not None:
                new.abstract = abstract
            mng.replace(u, new)
    mng.set_parameters(g, [g.parameters[i] for i in keep])
    return len(dead)
