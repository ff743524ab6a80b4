"""The debug VM: a faithful interpreter of the IR, the executable specification.

It runs graphs exactly as parsed (or as AD made them) on an explicit stack of
`Frame`s, so deep recursion does not overflow and execution can pause after
any `step()`: one `Apply` run or entered, or one return (each graph is
lowered once, `_lower`).  Tail calls reuse the caller's place (loops run in
constant stack); other calls deepen it up to `recursion_limit` frames, past
which the user's call raises `MyiaRecursionError`.
"""

import dataclasses
import os
import types

from ..errors import MyiaError, MyiaRecursionError, MyiaShapeError, MyiaTypeError
from ..ir import Constant, Graph, Manager, Node
from ..grad import fprop_value
from ..parse import parse
from ..prims import Primitive, depend, switch
from ..prims.adjoint import JFunction
from ..prims.structure import Partial, dunder_method
from ..calls import bind, is_forward, keyword_call, not_callable, signature
from .atomic import Atomic


class Closure:
    """A graph together with the frame holding its free variables."""

    __slots__ = ("graph", "env")

    def __init__(self, graph, env):
        self.graph = graph
        self.env = env

    def __repr__(self):
        return f"<function {self.graph.name}>"


class Stacked:
    """A frame that knows its caller: both VMs' frames, so `user_node` can
    point an error of either at the user's line."""

    __slots__ = ()

    def stack(self):
        """This frame and its callers, innermost first."""
        f, out = self, []
        while f is not None:
            out.append(f)
            f = f.caller
        return out


class Frame(Stacked):
    """One running call of a graph."""

    __slots__ = ("graph", "env", "values", "nodes", "code", "pc", "caller", "call_node",
                 "id", "depth")

    def __init__(self, graph, env, args, caller, call_node, nodes, ident):
        self.depth = 1 if caller is None else caller.depth + 1
        self.graph = graph
        self.env = env
        self.values = dict(zip(graph.parameters, args))
        self.nodes = nodes
        self.code = _code[graph]
        self.pc = 0
        self.caller = caller
        self.call_node = call_node
        self.id = ident

    def lookup(self, node):
        """The value of `node`, which belongs to this frame's graph or an enclosing one."""
        f = self
        while f.graph is not node.graph:
            f = f.env
        return f.values[node]


@dataclasses.dataclass
class Event:
    """What one step did: `kind` is "call", "node" or "return"; `atomic`: a node
    step that was a whole call (atomic.py) and `value` one from inside it."""

    kind: str
    step: int
    frame: Frame
    node: object = None
    value: object = None
    atomic: bool = False


_nodes = {}
_owners = {}
_code = {}
_limit = [100_000]


def recursion_limit():
    """The deepest stack (in frames) a program may reach before `MyiaRecursionError`."""
    return _limit[0]


def set_recursion_limit(limit):
    """Set `recursion_limit()`, as `sys.setrecursionlimit` does for CPython."""
    if not isinstance(limit, int) or limit < 1:
        raise ValueError(f"the recursion limit must be a positive int, not {limit!r}")
    _limit[0] = limit


def too_deep(frame, node):
    """The `MyiaRecursionError` of a call at `node` from `frame`, one frame past
    `recursion_limit()` (both VMs raise it)."""
    role = getattr(getattr(node, "debug", None), "role", None)
    hint = "" if role not in ("fprop_call", "bprop_call") else (
        "; under grad a loop nests (its forward and backward calls, about two "
        "per iteration): for k iterations, myia.set_recursion_limit(2 * k + 100)")
    return MyiaRecursionError(
        f"maximum recursion depth exceeded: {_limit[0]} nested calls (a "
        "recursion that never reaches its base case?); "
        f"myia.set_recursion_limit(n) raises the limit{hint}",
        _loc(user_node(frame, node)))


def _analyze(graph):
    # A Manager's results hold for every graph it covers: cache them all.
    m = Manager(graph)
    for g in m.graphs:
        _nodes.setdefault(g, m.nodes[g])
        _owners.setdefault(g, frozenset(n.graph for n in m.free_variables[g]))
    for g in m.graphs:
        if g not in _code:
            tail = tail_node(g, _nodes[g])
            _code[g] = [_lower(g, n, n is tail) for n in _nodes[g]] + [None]  # None: return


def tail_node(graph, nodes):
    """The node of `graph` in tail position: its output if evaluated last, or
    `x` of a last `depend(x, checks...)` evaluated just before it (which only
    keeps checks alive: nothing is left to do after `x`, see parse/parser.py)."""
    out = nodes[-1] if nodes and nodes[-1] is graph.output else None
    checked = out is not None and getattr(out.inputs[0], "value", None) is depend
    return out.inputs[1] if checked and len(nodes) > 1 and nodes[-2] is out.inputs[1] else out


def _lower(graph, node, tail):
    """`(node, impl, fn kind, fn, refs, keys, tail)` for `_step`; `impl`: a
    primitive's, if no record can override it; a ref is `(kind, x)`: 0 constant,
    1 node of `graph`, 2 free variable, 3 graph to close over; with kinds 0 and 1
    only, the inputs are `map(values.get, *keys)` (no frame holds a Constant)."""
    refs = []
    for i in node.inputs:
        if not isinstance(i, Constant):
            refs.append((1 if i.graph is graph else 2, i))
        elif not isinstance(i.value, Graph):
            refs.append((0, i.value))
        elif _owners.get(i.value, True):  # nested in a frame, or not analyzed yet
            refs.append((3, i.value))
        else:
            refs.append((0, Closure(i.value, None)))
    (fk, fx), refs = refs[0], tuple(refs[1:])
    keys = (tuple(node.inputs[1:]), tuple(x if k == 0 else None for k, x in refs)) \
        if all(k < 2 for k, _ in refs) else None
    plain = fk == 0 and fx.__class__ is Primitive and (fx is switch or fx.dunder is None)
    return node, fx.impl if plain else None, fk, fx, refs, keys, tail


def graph_nodes(graph):
    """The Apply nodes `graph` evaluates, in order (cached)."""
    if graph not in _nodes:
        _analyze(graph)
    return _nodes[graph]


def graph_owners(graph):
    """The graphs owning the free variables of `graph` (cached)."""
    if graph not in _owners:
        _analyze(graph)
    return _owners[graph]


_LIBRARY = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_node(frame, node):
    """The node an error at `node` should point to: the node itself."""
    here = node
    for f in frame.stack() if frame is not None else ():
        loc = _loc(here)
        if loc is not None and not _in_library(loc):
            return here
        here = f.call_node
    loc = _loc(here)
    return here if loc is not None and not _in_library(loc) else node


_library_files = {}  # file -> whether it is Myia's own (asked at every tail call)


def _in_library(loc):
    if loc is None:
        return False
    if loc.file not in _library_files:
        _library_files[loc.file] = os.path.abspath(loc.file).startswith(_LIBRARY)
    return _library_files[loc.file]


def user_error(exc, node):
    """Turn an exception raised by a primitive into a located user error."""
    loc = _loc(node)
    if isinstance(exc, MyiaError):
        return exc.with_location(loc)
    msg = str(exc)
    text = msg.lower()
    if isinstance(exc, (ValueError, IndexError)) and any(
            w in text for w in ("shape", "broadcast", "align", "dimension", "bounds",
                                "size", "index", "axis", "split")):
        return MyiaShapeError(msg, loc)
    if isinstance(exc, (TypeError, AttributeError)):
        return MyiaTypeError(msg, loc)
    return MyiaError(f"{type(exc).__name__}: {msg}", loc)


class DebugVM:
    """Runs graphs one step at a time: `DebugVM().run(graph, args)`; a call of a
    graph `atomic(graph)` accepts is one step (see atomic.py)."""

    def __init__(self, atomic=None):
        self.atomic = atomic
        self._atomic = Atomic(atomic) if atomic is not None else None
        self.steps = 0
        self.frame = None
        self.finished = False
        self.result = None
        self._ids = 0

    # ----- driving ----------------------------------------------------------

    def run(self, fn, args):
        """Run `fn` on `args` to completion and return its result."""
        self.start(fn, args)
        while not self.finished:
            self._step()
        return self.result

    def start(self, fn, args):
        """Prepare to run `fn(*args)`; nothing runs until `step()`."""
        self.finished = False
        self.result = None
        self.frame = None
        entered = self._call(self._as_callable(fn), list(args), None, None, tail=False)
        if entered is not None:  # fn was a primitive: already done
            self.finished, self.result = True, entered[0]

    def step(self):
        """Do one step and return its `Event` (None once finished)."""
        if self.finished:
            return None
        frame = self.frame
        pc = frame.pc
        kind = self._step()
        if kind == "return":
            return Event(kind, self.steps, frame, frame.call_node,
                         self.value(frame, frame.graph.output))
        node = frame.nodes[pc]
        return Event(kind, self.steps, self.frame, node, frame.values.get(node))

    def _step(self):
        """Do one step; return its kind ("node", "call" or "return")."""
        frame = self.frame
        self.steps += 1
        pc = frame.pc
        ins = frame.code[pc]
        if ins is not None:
            node, impl, fk, fx, refs, keys, tail = ins
            vals = frame.values
            if keys is not None:
                args = [*map(vals.get, *keys)]
            else:
                args = [x if k == 0 else vals[x] if k == 1 else frame.lookup(x) if k == 2
                        else self._ref(frame, k, x) for k, x in refs]
            if impl is not None or fk == 0 and fx.__class__ is Primitive and not records(*args):
                try:
                    vals[node] = (impl or fx.impl)(*args)
                except Exception as e:  # a user's bad values: locate them
                    raise user_error(e, user_node(frame, node)) from None
                frame.pc = pc + 1
                return "node"
            fn = fx if fk == 0 else vals[fx] if fk == 1 else self._ref(frame, fk, fx)
            done = self._call(fn, args, frame, node, tail)
            if done is None:
                return "call"
            vals[node] = done[0]
            frame.pc = pc + 1
            return "node"
        return self._return(frame)

    def _return(self, frame):
        """The return step of `frame`, at its end."""
        result = self.value(frame, frame.graph.output)
        caller = self.frame = frame.caller
        if caller is None:
            self.finished, self.result = True, result
        else:
            caller.values[frame.call_node] = result
            caller.pc += 1
        return "return"

    # ----- values and calls -------------------------------------------------

    def _ref(self, frame, kind, x):
        """A free variable (kind 2) or a graph made a closure (kind 3)."""
        if kind == 2:
            return frame.lookup(x)
        # The enclosing frames are innermost first, so the first one
        # owning a free variable of x is the one x is nested in.
        owners = graph_owners(x)
        env = frame if owners else None
        while env is not None and env.graph not in owners:
            env = env.env
        return Closure(x, env)

    def value(self, frame, node):
        if isinstance(node, Constant):
            v = node.value
            return self._ref(frame, 3, v) if isinstance(v, Graph) else v
        return frame.lookup(node)

    def _as_callable(self, fn):
        if isinstance(fn, Graph):
            return Closure(fn, None)
        return fn

    def _call(self, fn, args, frame, node, tail):
        """Call `fn`: returns `(value,)` if done at once, or None if a frame was pushed."""
        if fn.__class__ is Closure and len(args) == _arity(fn.graph):
            return self._enter(fn, args, frame, node, tail)
        kw = {}
        ncall = len(args)
        while isinstance(fn, Partial):
            fn, args, kw = fn.fn, [*fn.args, *args], {**fn.kwargs, **kw}
        sig = signature(fn, node) if is_forward(fn) else None
        if sig is not None and (kw or len(args) < len(sig[1]) and not sig[4]):
            return self._call_keywords(fn, args, kw, len(args) - ncall, frame, node, tail)
        if isinstance(fn, types.FunctionType):
            fn = Closure(parse(fn), None)
        if isinstance(fn, JFunction):  # a bound method under grad
            fn = Closure(fprop_value(fn, len(args)), None)
        if isinstance(fn, Graph):
            fn = Closure(fn, None)
        if isinstance(fn, Primitive):
            if kw:
                args = bind(fn.name, fn.params or (), fn.defaults, set(), args, kw, node)
            method = _dunder(fn, args)
            if method is not None:
                return self._call(method[0], method[1], frame, node, tail)
            try:
                return (fn.impl(*args),)
            except Exception as e:  # a user's bad values: locate them
                raise user_error(e, user_node(frame, node)) from None
        if not isinstance(fn, Closure):
            raise MyiaTypeError(not_callable(type(fn)),
                                _loc(user_node(frame, node)))
        g = fn.graph
        if kw or (len(args) < len(g.parameters) and g.defaults):
            # A callee only known now (a method, a function passed as an
            # argument): bind keywords and defaults as the parser does for
            # the callees it knows.
            args = bind(g.name, [p.debug.name for p in g.parameters],
                         _default_values(fn), g.kwonly, args, kw, node)
        if len(args) != len(g.parameters):
            raise MyiaTypeError(
                f"{g.name}() takes {len(g.parameters)} arguments but {len(args)} "
                "were given", _loc(user_node(frame, node)))
        return self._enter(fn, args, frame, node, tail)

    def _enter(self, fn, args, frame, node, tail):
        """Push the frame of a closure called with exactly its parameters (or
        run it at once: `(value,)`)."""
        g = fn.graph
        if self._atomic is not None and frame is not None:
            done = self._atomic.run(fn, args, frame, node)
            if done is not None:
                return done
        if tail and _in_library(g.debug.loc):
            tail = False  # keep the user's call site on the stack, for errors
        caller, call_node = (frame.caller, frame.call_node) if tail else (frame, node)
        if caller is not None and caller.depth >= _limit[0]:
            raise too_deep(frame, node)
        self._ids += 1
        self.frame = Frame(g, fn.env, args, caller, call_node, graph_nodes(g), self._ids)
        return None

    def _call_keywords(self, fn, args, kw, nbound, frame, node, tail):
        """A forward function called with keywords or relying on defaults:
        through its keyword adapter (see `calls.keyword_call`)."""
        adapter, flat = keyword_call(fn, args, kw, nbound, node)
        return self._call(Closure(adapter, None), [fn, *flat], frame, node, tail)


_arities = {}


def _arity(graph):
    """The argument count a call of `graph` needs nothing bound for (or -1)."""
    if graph not in _arities:
        n, fn = len(graph.parameters), Closure(graph, None)
        sig = signature(fn, None) if is_forward(fn) else None
        _arities[graph] = n if sig is None or len(sig[1]) <= n or sig[4] else -1
    return _arities[graph]


def _default_values(closure):
    """Parameter name -> default value of a closure's graph."""
    out = {}
    for name, node in closure.graph.defaults.items():
        if isinstance(node, Constant):
            out[name] = node.value
            continue
        # A default computed in the enclosing function, when the `def` ran.
        env = closure.env
        while env is not None and env.graph is not node.graph:
            env = env.env
        if env is None:
            raise MyiaTypeError(f"the default value of {name!r} of {closure.graph.name}() "
                                "is not available where it is called; pass it explicitly",
                                node.loc)
        out[name] = env.values[node]
    return out


def _loc(node):
    return node.loc if node is not None else None


_plain = set()  # classes seen not to be dataclasses (asked at every operator)


def records(*args):
    """Whether an operand of an operator call (its first two arguments) is a
    record, whose class may override the operator."""
    for a in args[:2]:
        cls = a.__class__
        if cls not in _plain:
            if dataclasses.is_dataclass(cls):
                return True
            _plain.add(cls)
    return False


def _dunder(prim, args):
    """`(method, args)` if a dataclass operand overrides `prim`, else None."""
    found = None if prim is switch else dunder_method(prim.dunder, prim.rdunder, args)
    return None if found is None else found[:2]
