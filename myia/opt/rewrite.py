"""The rewrite engine: a small pattern language and a fixpoint driver.

A pattern is a nested tuple read like the call it matches::

    (getitem, (make_tuple, Xs), I)     # getitem(make_tuple(a, b, c), 1)

* a tuple matches an `Apply`: its first element the function, the others
  the arguments, in order;  a `SeqVar` last matches the remaining arguments;
* a `Var` matches any node (`Var("I", int_const)`: one passing the test) and
  binds it; a variable met twice must match the same node (or a constant of
  the same value);
* anything else (a primitive, `True`, `0`, `ZERO`) matches a `Constant` of
  that value (same type: `0` does not match `False` nor `0.0`).

A rule is `Rule(pattern, build)`; `build(m)` gets the match (`m.X` or
`m["X"]`, and `m.node`, `m.graph`) and returns the replacement node, or None
to decline.  New nodes are made with `m.apply(fn, *args)`, which gives them
the replaced node's `debug.origin` (so they name the user's line) and its
type.  The driver (`rewrite`) keeps a worklist of nodes: a node whose inputs
changed, or that was just created, is looked at again, so a fixpoint costs
time proportional to the rewrites done, not to rounds over the whole graph.
Rules are indexed by the primitive at the head of their pattern.
"""

from ..ir import Apply, Constant, DebugInfo, Graph, Node


class Var:
    """A pattern variable: matches a node satisfying `test` (any by default)."""

    def __init__(self, name, test=None):
        self.name = name
        self.test = test

    def __repr__(self):
        return self.name


class SeqVar(Var):
    """Matches the remaining arguments of a call (a list of nodes)."""


class Match(dict):
    """The bindings of a match, plus the matched `node`."""

    def __init__(self, node):
        super().__init__()
        self.node = node

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def graph(self):
        return self.node.graph

    def apply(self, fn, *args, abstract=True):
        """A new node in the matched node's graph, derived from it.

        It has the matched node's type unless `abstract` gives another (a
        rule making an inner node of another type must say which).
        """
        return derived(self.node, fn, *args, abstract=abstract)


def derived(origin, fn, *args, abstract=True, graph=None):
    """A new `Apply` in `origin`'s graph (or `graph`) naming `origin` as its origin."""
    inputs = [x if isinstance(x, Node) else Constant(x) for x in (fn, *args)]
    d = origin.debug
    node = Apply(graph or origin.graph, inputs, DebugInfo(d.name, None, origin, d.role))
    typ = getattr(origin, "abstract", None) if abstract is True else abstract
    if typ is not None:
        node.abstract = typ
    return node


def is_const(node, *types):
    """`node` is a Constant (holding an instance of `types`, if given)."""
    if not isinstance(node, Constant):
        return False
    if not types:
        return True
    return type(node.value) in types


def same_node(a, b):
    """The same node, or constants of the same value (of the same type)."""
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant):
        va, vb = a.value, b.value
        if va is vb:
            return True
        if type(va) is not type(vb) or type(va) not in (int, float, bool, str):
            return False
        return va == vb and (type(va) is not float or repr(va) == repr(vb))
    return False


def match(pattern, node, m):
    """Whether `node` matches `pattern`, filling the bindings `m`."""
    if isinstance(pattern, Var):
        if pattern.test is not None and not pattern.test(node):
            return False
        if pattern.name in m:
            return same_node(m[pattern.name], node)
        m[pattern.name] = node
        return True
    if isinstance(pattern, tuple):
        if not isinstance(node, Apply):
            return False
        inputs = node.inputs
        if pattern and isinstance(pattern[-1], SeqVar):
            fixed = pattern[:-1]
            if len(inputs) < len(fixed):
                return False
            rest = inputs[len(fixed):]
            if not all(match(p, i, m) for p, i in zip(fixed, inputs)):
                return False
            m[pattern[-1].name] = list(rest)
            return True
        return len(inputs) == len(pattern) and all(
            match(p, i, m) for p, i in zip(pattern, inputs))
    if not isinstance(node, Constant):
        return False
    v = node.value
    return v is pattern or (type(v) is type(pattern) and not isinstance(v, Graph)
                            and type(v) in (int, float, bool, str) and v == pattern)


class Rule:
    """`pattern -> build(match)`; `name` is the algebra it states."""

    def __init__(self, pattern, build, name=None):
        self.pattern = pattern
        self.build = build
        self.name = name or repr(pattern)

    @property
    def head(self):
        """The primitive (or other constant) called at the top of the pattern."""
        p = self.pattern
        f = p[0] if isinstance(p, tuple) and p else None
        return None if isinstance(f, (Var, tuple)) or f is None else f

    def __call__(self, node, mng):
        m = Match(node)
        if not match(self.pattern, node, m):
            return None
        return self.build(m)

    def __repr__(self):
        return f"Rule<{self.name}>"


class Rules:
    """Rules and other local rewriters (`fn(node, mng) -> node or None`), by head."""

    def __init__(self, rules):
        self.by_head = {}
        self.anywhere = []
        for r in rules:
            head = getattr(r, "head", None)
            if head is None:
                self.anywhere.append(r)
            else:
                self.by_head.setdefault(id(head), []).append(r)

    def for_node(self, node):
        f = node.inputs[0]
        own = self.by_head.get(id(f.value), ()) if isinstance(f, Constant) else ()
        return (*own, *self.anywhere)


def rewrite(mng, rules, limit=1_000_000):
    """Apply `rules` everywhere under `mng.root` until none applies.

    Returns the number of rewrites done.
    """
    table = rules if isinstance(rules, Rules) else Rules(rules)
    todo = [n for g in list(mng.graphs) for n in sorted(mng.nodes[g], key=_id)][::-1]
    queued = set(todo)

    def watch(node):
        if node not in queued:
            queued.add(node)
            todo.append(node)

    mng.watchers.append(watch)
    done = 0
    try:
        while todo and done < limit:
            node = todo.pop()
            queued.discard(node)
            if node not in mng.uses or node.graph not in mng.graphs:
                continue  # dead since it was queued
            for rule in table.for_node(node):
                mng.work += 1
                new = rule(node, mng)
                if new is not None and new is not node:
                    mng.replace(node, new)
                    done += 1
                    break
    finally:
        mng.watchers.remove(watch)
    return done


def _id(n):
    return n.id
