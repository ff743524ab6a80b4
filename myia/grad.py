"""Stage 3: reverse-mode automatic differentiation as a graph transform.

This is the transform of Pearlmutter and Siskind's *Lambda the Ultimate
Backpropagator*: every graph `g` gets a forward graph `▶g` (role "fprop")
that returns its value together with a backpropagator, a closure `◀g` (role
"bprop") from the output's sensitivity to the inputs' sensitivities.  For a
node `y = f(x)` of `g` the transform emits, in `▶g`::

    r  = ▶f(x)            # every function value is its forward version
    y  = r[0]
    bp = r[1]

and in `◀g`, visiting nodes in reverse::

    t      = bp(∂y)        # (∂f, ∂x)
    ∂x    += t[1]          # gadd: sums sensitivities of every use
    env   += t[0]          # when f is a closure made in g: its free variables

Branches, loops and recursion are graph calls, so they differentiate like any
call.  A backpropagator returns `(∂closure, ∂arg1, ...)`; the sensitivity of
a closure is an `Env` mapping its free variables to their sensitivities, and
`◀g` reads from it the sensitivities of its own nodes (`env_getitem`) and
passes on those of its own free variables.  Zeros are symbolic (`ZERO`)
until they meet a value.  A primitive's forward version is a small generated
graph calling the primitive and closing its backpropagator (written in the
subset, in `myia/prims/`) over the inputs and output; it skips the call when
the incoming sensitivity is `ZERO`.  `grad(grad(f))` applies the transform
to its own output: everything it emits is differentiable again.

Every emitted node has `debug.origin` set to the primal node it comes from,
so the debugger and error messages can name the user's line.
"""

from .dependencies import Dependencies, notice, read_entry, recording
from .errors import MyiaTypeError
from .ir import Constant, DebugInfo, Graph, Manager
from .parse import function_of, parse
from .prims import (Primitive, bind_keywords, depend, find_dunder, getattr_, getitem,
                    getitem_sens, is_, kw_split, make_record, make_tuple, partial, regroup,
                    reshape, reshape_method, shape, switch, unpack_item)
from .prims.adjoint import (NEWENV, ZERO, J, JFunction, check_differentiable,
                            env_getitem, env_setitem, field_sens, fill_zeros, gadd,
                            is_zero, seed)

_fprops = {}
_fprop_deps = {}  # graph -> the `Dependencies` its forward graph was made from
_jprims = {}
_custom = {}  # id(Python function) -> its backpropagator (a Python function)
_kept = {}  # id(function) -> the function, alive, so that its id is not reused


def register_bprop(fn, bprop):
    """Use the Python function `bprop` as the backpropagator of the function `fn`.

    Keyed by the function, not its graph, so it holds for every graph `fn` is
    parsed to (again when a global it reads is rebound).  Forward graphs made
    before may have the old rule inlined: they are all made again.
    """
    _custom[id(fn)], _kept[id(fn)] = bprop, fn
    _fprops.clear()
    _fprop_deps.clear()


def _custom_bprop(graph):
    fn = function_of(graph)
    return None if fn is None else read_entry(_custom, id(fn))


def _forward(graph):
    """The forward graph of `graph`: its own rule's (defbprop), or the transform's."""
    return _custom_fprop(graph) if _custom_bprop(graph) is not None else fprop(graph)


def _info(origin, role, name=None):
    return DebugInfo(name, None, origin, role)


# ----- Forward half ---------------------------------------------------------


def fprop(graph):
    """The forward graph `▶graph`: same parameters, returns (value, ◀graph).

    Cached per graph, with the record of what the transform parsed (custom
    backpropagators): a program made from the cached graph is told of it,
    so that rebinding a global such a backpropagator reads is seen.
    """
    known = _fprop_deps.get(graph)
    if graph not in _fprops or known is not None and known.is_stale():
        record = Dependencies()
        with recording(record):
            tree = _Transform(graph).tree
        for g in tree:
            _fprop_deps[g] = record
    notice(_fprop_deps.get(graph))
    return _fprops[graph]


def fprop_value(jf, nargs):
    """The forward graph of a `JFunction` (a method met at run time, see `J`),
    called with `nargs` arguments (a primitive's forward graph depends on it)."""
    inner = jf.fn
    if isinstance(inner, Primitive):
        return jprim(inner, nargs)
    return fprop(fprop_value(inner, nargs) if isinstance(inner, JFunction)
                 else parse(inner))


class _Transform:
    """Transforms one closure tree: a graph and the graphs nested in it."""

    def __init__(self, root):
        mng = Manager(root)
        self.mng = mng
        tree = [g for g in mng.graphs if g is root or root in mng.scope(g)]
        tree.sort(key=lambda g: len(mng.scope(g)))  # enclosing graphs first
        self.tree = set(tree)
        self.fwd = {}
        self.bps = {}
        self.fprops = {}
        for g in tree:
            f = Graph(DebugInfo(f"fprop:{g.name}", g.debug.loc, g, "fprop"))
            f.flags = set(g.flags)
            for p in g.parameters:
                self.fwd[p] = f.add_parameter(p.debug.name, p.debug.loc)
                self.fwd[p].debug.origin = p
            self.fprops[g] = f
            _fprops[g] = f
        for g in tree:
            self.forward(g)
        for g in tree:
            self.backward(g)

    def jvalue(self, node, nargs=None):
        """The forward-pass counterpart of `node` (a function's `▶` version)."""
        if isinstance(node, Constant):
            v = node.value
            if isinstance(v, (Graph, Primitive)):
                return Constant(self.jconstant(v, nargs), _info(node, "fprop"))
            if isinstance(v, tuple):  # functions held in a global tuple
                jv = self.jconstant(v)
                return node if jv is v else Constant(jv, _info(node, "fprop"))
            return node
        return self.fwd.get(node, node)  # a node from outside the tree is data

    def jconstant(self, v, nargs=None):
        """The forward-pass counterpart of the constant value `v`."""
        if isinstance(v, Graph):
            if _custom_bprop(v) is not None:
                return _custom_fprop(v)
            return self.fprops.get(v) or fprop(v)
        if isinstance(v, Primitive):
            return jprim(v, nargs if nargs is not None else len(v.params or ()))
        if isinstance(v, tuple):
            items = tuple(self.jconstant(x) for x in v)
            return v if all(a is b for a, b in zip(items, v)) else items
        return v

    def forward(self, g):
        f = self.fprops[g]
        for n in self.mng.nodes[g]:
            fn = self.jvalue(n.inputs[0], len(n.inputs) - 1)
            args = [self.jvalue(i) for i in n.inputs[1:]]
            r = f.apply(fn, *args, debug=_info(n, "fprop_call"))
            self.fwd[n] = f.apply(getitem, r, 0, debug=_info(n, "fprop", n.debug.name))
            self.bps[n] = f.apply(getitem, r, 1, debug=_info(n, "bprop_fn"))

    # ----- Backward half ----------------------------------------------------

    def backward(self, g):
        f = self.fprops[g]
        b = Graph(DebugInfo(f"bprop:{g.name}", g.debug.loc, g, "bprop"))
        b.flags = set(g.flags)
        dout = b.add_parameter("dout")
        dout.debug.origin = g.output
        sens = {}
        env = [None]

        def add(node, contrib, origin):
            if node in sens:
                contrib = b.apply(gadd, sens[node], contrib,
                                  debug=_info(origin, "adjoint", node.debug.name))
            sens[node] = contrib

        def add_env(contrib, origin):
            env[0] = contrib if env[0] is None else b.apply(
                gadd, env[0], contrib, debug=_info(origin, "env"))

        def from_env(node):
            if env[0] is not None:
                d = b.apply(env_getitem, env[0], Constant(node), Constant(ZERO),
                            debug=_info(node, "adjoint", node.debug.name))
                add(node, d, node)

        out = g.output
        if isinstance(out, Constant):
            if isinstance(out.value, Graph):
                add_env(dout, out)
        else:
            sens[out] = dout
        kids = [k for k in self.mng.graphs if g in self.mng.scope(k)]
        captured = {v for k in kids for v in self.mng.free_variables[k] if v.graph is g}
        for n in reversed(self.mng.nodes[g]):
            if n in captured:
                from_env(n)
            if n not in sens:
                continue
            t = b.apply(self.bps[n], sens[n], debug=_info(n, "bprop_call"))
            if not isinstance(n.inputs[0], Constant):  # maybe a Partial: see regroup
                t = b.apply(regroup, t, len(n.inputs) - 1, debug=_info(n, "regroup"))
            for i, inp in enumerate(n.inputs):
                if isinstance(inp, Constant):
                    if isinstance(inp.value, Graph):
                        add_env(b.apply(getitem, t, i, debug=_info(n, "env")), n)
                    continue
                add(inp, b.apply(getitem, t, i, debug=_info(n, "adjoint", inp.debug.name)), n)
        for p in g.parameters:
            if p in captured:
                from_env(p)
        env_out = Constant(NEWENV)
        for m in sorted(self.mng.free_variables[g], key=lambda x: x.id):
            from_env(m)
            if m in sens:
                env_out = b.apply(env_setitem, env_out, Constant(m), sens[m],
                                  debug=_info(m, "env"))
        grads = [sens.get(p, Constant(ZERO)) for p in g.parameters]
        b.output = b.apply(make_tuple, env_out, *grads, debug=_info(g.output, "bprop_out"))
        f.output = f.apply(make_tuple, self.jvalue(g.output), Constant(b),
                           debug=_info(g.output, "fprop_out"))


# ----- Primitives -------------------------------------------------------------


def _zeros_bprop(n):
    """A backpropagator returning `n + 1` zeros (one for the function itself)."""
    key = ("zeros", n)
    if key not in _jprims:
        g = Graph(DebugInfo(f"zeros{n}", role="bprop"))
        g.add_parameter("dout")
        g.output = g.apply(make_tuple, *[Constant(ZERO)] * (n + 1))
        g.flags.add("core")
        _jprims[key] = g
    return _jprims[key]


def jprim(prim, n):
    """The forward graph of primitive `prim` called with `n` arguments."""
    key = (prim, n)
    if key in _jprims:
        return _jprims[key]
    if prim.bprop is None and prim.differentiable and prim not in _STRUCTURAL:
        raise MyiaTypeError(f"primitive {prim.name!r} has no backpropagator")
    _jprims[key] = _rule_fprop(prim, prim.name, n, prim.bprop, prim.differentiable)
    return _jprims[key]


def _custom_fprop(graph):
    """The forward graph of a function given its own backpropagator (defbprop)."""
    bprop = _custom_bprop(graph)
    key = ("custom", graph, parse(bprop))  # parsed again if a global it reads changed
    if key not in _jprims:
        _jprims[key] = _rule_fprop(graph, graph.name, len(graph.parameters), bprop, True)
    return _jprims[key]


def _rule_fprop(fn, name, n, bprop, differentiable, dunder=True):
    """A forward graph calling `fn` and closing the backpropagator rule `bprop`."""
    jp = Graph(DebugInfo(f"J({name})", role="fprop"))
    jp.flags.add("core")
    args = [jp.add_parameter(f"x{i}") for i in range(n)]
    if dunder and differentiable and getattr(fn, "dunder", None) and n <= 2:
        return _dunder_fprop(jp, fn, name, args, bprop)
    out = jp.apply(fn, *args)
    if fn is getattr_ or fn is find_dunder:  # they return methods: called by their
        out = jp.apply(J, out)                  # forward versions (see J)
    if not differentiable:
        jp.output = jp.apply(make_tuple, out, Constant(_zeros_bprop(n)))
        return jp
    bp = Graph(DebugInfo(f"bprop({name})", role="bprop"))
    bp.flags.add("core")
    dout = bp.add_parameter("dout")
    real = Graph(DebugInfo(f"bprop({name})", role="bprop"))
    real.flags.add("core")
    d = real.add_parameter("dout")
    if fn in _STRUCTURAL:
        ds = _STRUCTURAL[fn](real, args, d)
    else:
        # Called with fewer arguments than it has (an array method relying
        # on numpy's defaults): the backpropagator gets the defaults too.
        params = getattr(fn, "params", None) or ()
        rest = [Constant(fn.defaults[p]) for p in params[n:] if p in fn.defaults]
        t = real.apply(parse(bprop), *args, *rest, out, d)
        ds = [real.apply(getitem, t, i) for i in range(n)]
    real.output = real.apply(make_tuple, Constant(ZERO), *ds)
    zeros = Constant(_zeros_bprop(n))
    pick = bp.apply(switch, bp.apply(is_zero, dout), zeros, Constant(real))
    bp.output = bp.apply(pick, dout)
    jp.output = jp.apply(make_tuple, out, Constant(bp))
    return jp


def _dunder_fprop(jp, prim, name, args, bprop):
    """`jp` for an operator a dataclass may override (`__add__`...).

    It runs the method's forward graph when an operand overrides the
    operator, and the primitive's otherwise::

        found = find_dunder(names, x, y)  # (Partial(method, args), perm) or None
        switch(found is None, ▶prim, ▶method)()
    """
    names = Constant((prim.dunder, prim.rdunder, len(args)))
    found = jp.apply(find_dunder, names, args[0], args[1] if len(args) > 1 else None)
    plain = Graph(DebugInfo(f"J({name})", role="fprop"))
    plain.flags.add("core")
    plain.output = plain.apply(_rule_fprop(prim, name, len(args), bprop, True,
                                           dunder=False), *args)
    method = Graph(DebugInfo(f"J({name}:method)", role="fprop"))
    method.flags.add("core")
    r = method.apply(method.apply(J, method.apply(getitem, found, 0)))
    bp = Graph(DebugInfo(f"bprop({name}:method)", role="bprop"))
    bp.flags.add("core")
    t = bp.apply(bp.apply(getitem, r, 1), bp.add_parameter("dout"))
    perm = bp.apply(getitem, found, 1)
    bp.output = bp.apply(make_tuple, Constant(ZERO), *[
        bp.apply(getitem, t, bp.apply(getitem, perm, i)) for i in range(len(args))])
    method.output = method.apply(make_tuple, method.apply(getitem, r, 0), Constant(bp))
    pick = jp.apply(switch, jp.apply(is_, found, None), Constant(plain), Constant(method))
    jp.output = jp.apply(pick)
    return jp


def _bprop_make_tuple(g, args, dout):
    return [g.apply(getitem, dout, i) for i in range(len(args))]


def _bprop_make_record(g, args, dout):
    return [Constant(ZERO)] + [g.apply(field_sens, dout, i) for i in range(len(args) - 1)]


def _bprop_bind_keywords(g, args, dout):
    q = len(args) - 2  # bind_keywords(fn, names, v1..vq)
    s = g.apply(kw_split, dout, q)
    return [g.apply(getitem, s, 0), Constant(ZERO)] + \
        [g.apply(getitem, s, i + 1) for i in range(q)]


KEYWORD_ADAPTERS = set()  # monomorphize calls them directly (_Cloner.keyword_call)


def keyword_adapter(nflat, order, level=1):
    """A forward function called with keywords, its sensitivities reordered.

    `adapter(fn, x1..xn)` runs the forward function `fn` on the arguments
    bound by name (in parameter order) and returns its value and a
    backpropagator whose sensitivities come in the order `order` gives
    (the bound arguments, the keyword ones, then the call's positional
    ones), the layout `regroup` and `bind_keywords`' backpropagator expect.
    Defaults filled in get no sensitivity.

    Under second order, `fn` is a forward function of a forward function,
    whose value holds a first-order backpropagator that must be reordered
    too: the adapter of `level` runs the forward version of the adapter of
    `level - 1`, and reorders the sensitivities of its arguments.
    """
    key = ("keywords", nflat, order, level)
    if key not in _jprims:
        g = Graph(DebugInfo("keywords", role="fprop"))
        g.flags.add("core")
        fn = g.add_parameter("fn")
        xs = [g.add_parameter(f"x{i}") for i in range(nflat)]
        if level == 1:
            r, skip = g.apply(fn, *xs), 0
        else:  # its backpropagator gives (∂adapter, ∂fn, ∂x1, ...)
            r, skip = g.apply(fprop(keyword_adapter(nflat, order, level - 1)), fn, *xs), 1
        bp = Graph(DebugInfo("bprop(keywords)", role="bprop"))
        bp.flags.add("core")
        t = bp.apply(bp.apply(getitem, r, 1), bp.add_parameter("dout"))
        bp.output = bp.apply(make_tuple, bp.apply(getitem, t, skip),
                             *[bp.apply(getitem, t, i + 1 + skip) for i in order])
        g.output = g.apply(make_tuple, g.apply(getitem, r, 0), Constant(bp))
        _jprims[key] = g
        KEYWORD_ADAPTERS.add(g)
    return _jprims[key]


def _bprop_reshape_method(g, args, dout):
    return [g.apply(reshape, dout, g.apply(shape, args[0]))] + \
        [Constant(ZERO)] * (len(args) - 1)


# Variadic primitives: their backpropagators depend on the number of inputs.
# The sensitivity of a Partial is the tuple (∂fn, ∂args...), like a tuple's.
_STRUCTURAL = {make_tuple: _bprop_make_tuple, make_record: _bprop_make_record,
               partial: _bprop_make_tuple, reshape_method: _bprop_reshape_method,
               bind_keywords: _bprop_bind_keywords,
               # (the gradient alone still runs the checks; they go once proven)
               depend: lambda g, args, dout: [g.apply(depend, dout, *args[1:])] +
               [Constant(ZERO)] * (len(args) - 1),
               # (getitem's, not closing over the length: no sensitivity for it)
               unpack_item: lambda g, args, dout: [
                   g.apply(getitem_sens, *args[:2], dout), Constant(ZERO), Constant(ZERO)]}


# ----- Gradients of whole functions ----------------------------------------


def grad_graph(graph, argnums=0, value=False):
    """A graph computing the gradient of `graph` w.r.t. the arguments `argnums`.

    It takes the same arguments and returns the gradient (a tuple of them
    when `argnums` is a tuple), or `(value, gradient)` when `value` is True.
    """
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    n = len(graph.parameters)
    for i in nums:
        if not -n <= i < n:
            raise MyiaTypeError(f"argnums {i} is out of range: {graph.name}() takes "
                                f"{n} arguments", graph.debug.loc)
    g = Graph(DebugInfo(f"grad({graph.name})", graph.debug.loc, graph, "grad"))
    params = [g.add_parameter(p.debug.name, p.debug.loc) for p in graph.parameters]
    g.defaults, g.kwonly = graph.defaults, graph.kwonly  # the same call signature
    checked = list(params)
    for i in nums:
        checked[i] = g.apply(check_differentiable, params[i], graph.parameters[i].debug.name,
                             debug=DebugInfo(None, graph.debug.loc, graph, "grad"))
    r = g.apply(_forward(graph), *checked, debug=_info(graph.output, "grad"))
    out = g.apply(getitem, r, 0, debug=_info(graph.output, "grad"))
    bp = g.apply(getitem, r, 1, debug=_info(graph.output, "grad"))
    s = g.apply(bp, g.apply(seed, out, debug=_info(graph.output, "grad")),
                debug=_info(graph.output, "grad"))
    grads = [g.apply(fill_zeros, g.apply(getitem, s, i % n + 1), params[i],
                     debug=_info(graph.output, "grad")) for i in nums]
    result = grads[0] if isinstance(argnums, int) else g.apply(make_tuple, *grads)
    g.output = g.apply(make_tuple, out, result) if value else result
    return g
