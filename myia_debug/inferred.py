"""Types at a stop, from Myia's inference of the program the debug VM runs.

The VM runs untyped graphs; this module infers the very graph it started
(the user function, or its gradient program under --grad) for the types of
the session's arguments (`myia.infer.Inferrer`, as `myia.ir(f, *args,
stage="infer")` does), once, and reads a node's type in the inference
context of the VM frame computing it::

    def loop(x, n):            # myia-debug programs.py loop 1.5 3
        s = 0.0
        for i in range(n):     # whatis i -> int   (loop-carried: widened, not 0)
            t = x * i          # whatis (t, 1) -> (float, int=1)   (1 is static)

A graph has one context per (argument types, enclosing context): the one
of a frame is the one whose argument types its runtime arguments fit, in a
parent context its enclosing frame fits.  A program inference rejects is
typed from the runtime values, with a note saying why (as
`myia.explain_backend` does).
"""

import ast
import bisect
import itertools
import linecache
import math
import re
import sys
import weakref

import numpy as np

import myia
from myia import MyiaError, MyiaTypeError
from myia import types as T
from myia.grad import fprop
from myia.infer import Inferrer, constant_type
from myia.ir import Constant, Graph

from .adjoints import namespace, version
from .engine import DebugError
from .evaluate import rewrite
from .graphs import user_loc
from .render import label

_views = weakref.WeakKeyDictionary()  # session -> Types


def types_of(session):
    """The `Types` view of `session` (inferred on first use, kept across restarts)."""
    view = _views.get(session)
    if view is None:
        view = _views[session] = Types(session)
    return view


class Types:
    """Inferred types of the nodes of one session's program."""

    def __init__(self, session):
        self.session = session
        self.inferrer = self.reason = None
        self.by_graph = {}
        self.matched = {}   # frame id -> contexts it fits (for the current VM)
        self.vm = None

    def ready(self):
        """Whether inference typed the program (else `reason` says why not)."""
        if self.inferrer is None and self.reason is None:
            self._infer()
        if self.vm is not self.session.vm:
            self.vm, self.matched = self.session.vm, {}
        return self.inferrer is not None

    def _infer(self):
        root = self.session.trace.invocations[0].frames[0].graph  # the VM's (kept)
        inferrer = Inferrer(fprop)
        try:
            inferrer.infer(root, [T.typeof(a) for a in self.session.args])
        except MyiaError as err:
            at = f" (line {err.location.line})" if err.location is not None else ""
            self.reason = f"inference rejects this program: {type(err).__name__}: " \
                          f"{err.message}{at}"
            return
        except Exception as err:  # noqa: BLE001 (too deep, or a bug of inference: say so)
            self.reason = f"inference failed: {type(err).__name__}: {err}"
            return
        self.inferrer = inferrer
        for ctx in inferrer.contexts.values():
            self.by_graph.setdefault(ctx.graph, []).append(ctx)

    # ----- frames and nodes ---------------------------------------------------

    def contexts(self, frame):
        """The inference contexts VM `frame` fits (usually one)."""
        found = self.matched.get(frame.id)
        if found is None:
            found = self.matched[frame.id] = [
                c for c in self.by_graph.get(frame.graph, ())
                if all(fits(frame.values.get(p), a)
                       for p, a in zip(frame.graph.parameters, c.args))
                and self._parent_fits(c, frame)]
        return found

    def _parent_fits(self, ctx, frame):
        if ctx.parent is None:
            return True
        env = frame.env
        while env is not None and env.graph is not ctx.parent.graph:
            env = env.env
        return env is not None and ctx.parent in self.contexts(env)

    def node_type(self, frame, node):
        """The type of `node` (of `frame`'s graph or an enclosing one), or None."""
        if not self.ready():
            return None
        if isinstance(node, Constant):
            return T.GraphFn(node.value) if isinstance(node.value, Graph) \
                else constant_type(node.value)
        while frame is not None and frame.graph is not node.graph:
            frame = frame.env
        if frame is None:
            return None
        out = None
        for ctx in self.contexts(frame):
            t = ctx.values.get(node)
            if t is None or t is T.Bottom:
                continue
            try:
                out = t if out is None else T.join(out, t)
            except MyiaTypeError:
                return None  # contexts that disagree: nothing sure to say
        return out

    def variables(self, pos):
        """Name -> (vm frame, node) of the variables `Session.variables` shows."""
        s = self.session
        inv, frame, pos = namespace(s, pos)
        out = {}
        for outer in [*reversed(s.trace.enclosing(frame)), inv]:
            for name, steps in outer.steps.items():
                i = bisect.bisect_right(steps, pos)
                if i:
                    out[name] = outer.defs[name][i - 1]
        return out

    def variable_types(self, pos):
        """Name -> inferred type of the variables visible at `pos` (None: unknown)."""
        return {name: self.node_type(frame, node)
                for name, (frame, node) in self.variables(pos).items()}

    def adjoint_type(self, name, pos):
        """The type of the sensitivity `adj(name)` reads under --grad, or None."""
        if not self.ready():
            return None
        fframe, primal = version(self.session, name, pos)
        self.session.lookahead(lambda: False)  # the backward frames exist then
        for bframe in self.session.trace.frames.values():
            if bframe.graph.debug.role != "bprop" or bframe.env is not fframe:
                continue
            if primal.graph is not None and primal in primal.graph.parameters:
                out = self.node_type(bframe, bframe.graph.output)
                i = 1 + primal.graph.parameters.index(primal)
                return out.items[i] if isinstance(out, T.Tuple) else None
            call = next((n for n in bframe.nodes if n.debug.role == "bprop_call"
                         and n.debug.origin is primal), None)
            return self.node_type(bframe, call.inputs[1]) if call is not None else None
        return None


def fits(value, a):
    """Whether runtime `value` is one of the values of abstract type `a`."""
    if isinstance(a, T.Const):
        s = a.value
        if isinstance(s, np.ndarray) or isinstance(value, np.ndarray) or callable(s):
            return value is s
        try:
            return type(value) is type(s) and bool(value == s)
        except Exception:  # noqa: BLE001 (a value without a plain ==)
            return value is s
    if a is T.ZeroType or isinstance(a, T.OrZero):
        return type(value).__name__ == "Zero" or (
            isinstance(a, T.OrZero) and fits(value, a.item))
    if isinstance(a, T.EnvT):
        return type(value).__name__ == "Env"
    if isinstance(a, T.Tuple):
        return isinstance(value, tuple) and len(value) == len(a.items) and \
            all(fits(v, x) for v, x in zip(value, a.items))
    if isinstance(a, T.Record):
        return type(value) is a.cls and all(fits(getattr(value, k, None), t)
                                            for k, t in a.fields)
    if isinstance(a, T.GraphFn):
        return getattr(value, "graph", a.graph) is a.graph
    if isinstance(a, T.FUNCTIONS):
        return True
    try:
        return T.join(T.typeof(value), a) == a
    except MyiaTypeError:
        return False


# ----- expressions --------------------------------------------------------------

_files = itertools.count(1)  # `<whatis-N>`: each expression's own source
_ADJ = re.compile(r"""\badj\(\s*["'](\w+)["']\s*\)""")


def expression_type(session, expr, pos):
    """`(type, note)` of Python expression `expr` at `pos`: inferred by Myia over
    the inferred types of the variables it reads (`x * 2.0` on a float x is
    `float`); with a note, and the type of its value, where inference cannot."""
    view = types_of(session)
    # adj("v") (or ∂v) is a parameter `__adj_v`, typed as the sensitivity of v
    text = _ADJ.sub(r"__adj_\1", rewrite(expr).strip())
    body = ast.parse(text, "<whatis>", "eval").body
    if not view.ready():
        return _from_value(session, expr, pos, view.reason)
    defs = view.variables(pos)
    names = list(dict.fromkeys(n.id for n in ast.walk(body) if isinstance(n, ast.Name)
                               and (n.id in defs or n.id.startswith("__adj_")
                                    or n.id in session.user_names)))
    params = []
    for name in names:
        if name.startswith("__adj_"):
            t, why = _adjoint(session, view, name[6:], pos)
        elif name in defs:
            t, why = view.node_type(*defs[name]), "its type is unknown"
        else:
            t, why = T.typeof(session.user_names[name]), None
        if t is None:
            return _from_value(session, expr, pos, f"{name}: {why}")
        params.append(t)
    if isinstance(body, ast.Name) and body.id in names:
        return params[0], None
    if any(isinstance(n, ast.Name) and n.id.startswith("__dollar_") for n in ast.walk(body)):
        return _from_value(session, expr, pos, "$ variables are the debugger's, not the "
                           "program's: Myia does not type them")
    try:
        return _infer_function(session, names, body, params, pos), None
    except MyiaError as err:
        return _from_value(session, expr, pos, f"{type(err).__name__}: {err.message}", err)
    except Exception as err:  # noqa: BLE001 (a bug of inference: the value's type, said so)
        return _from_value(session, expr, pos, f"inference failed: {type(err).__name__}")


def _adjoint(session, view, name, pos):
    if session.grad is None:
        return None, "without --grad, adjoints are finite differences, not typed"
    return view.adjoint_type(name, pos), f"no backward pass reached {name!r}"


def _infer_function(session, names, body, params, pos):
    """The inferred output of `def __whatis__(NAMES): return BODY` on `params`."""
    file = f"<whatis-{next(_files)}>"
    src = f"def __whatis__({', '.join(names)}):\n    return {ast.unparse(body)}\n"
    linecache.cache[file] = (len(src), None, src.splitlines(True), file)
    scope = dict(_module_globals(session, pos))
    exec(compile(src, file, "exec"), scope)
    graph = myia.ir(scope["__whatis__"])  # parsed
    return Inferrer(fprop).infer(graph, params).out


def _module_globals(session, pos):
    """The globals of the module defining the stop's function (np, its helpers)."""
    loc = user_loc(session.current_frame(pos)[0].graph)
    for module in list(sys.modules.values()):
        if loc is not None and getattr(module, "__file__", None) == loc.file:
            return vars(module)
    return getattr(session.fn, "__globals__", {"np": np, "math": math})


def _from_value(session, expr, pos, why, error=None):
    """The type of `expr`'s value, with the note saying why it is not inferred;
    inference's `error` if Python cannot evaluate it either (`w @ h` on
    mismatched shapes: the MyiaShapeError, not numpy's ValueError)."""
    try:
        value = session.evaluate(expr, pos)
    except Exception:
        if error is None:
            raise
        raise DebugError(why) from None
    return T.typeof(value), f"not inferred ({why}); this is the type of its value"


# ----- showing types --------------------------------------------------------------

GLOSSARY = {"ZERO": "ZERO is the symbolic zero: no sensitivity flows on that path",
            "Env": "Env{v: T} holds the sensitivities of a closure's free variables "
                   "(v?: only on some paths)"}


def type_text(session, a):
    """`a` as listings print it, an `Env` with the type of what it holds per
    variable (`Env{k: float, n?: ZERO}`), `T|ZERO` for a sensitivity that may be ZERO."""
    view = types_of(session)
    if isinstance(a, T.EnvT):
        sens = {}  # key -> {activation: type}: what any activation's Env holds
        for k, held in (view.inferrer.sens if view.inferrer is not None else {}).items():
            for t in held.values():
                sens[k] = T.join(sens.get(k, T.Bottom), t)
        items = sorted(((label(k) if hasattr(k, "debug") else str(k)) +
                        ("" if k in a.must else "?"),
                        type_text(session, sens.get(k, T.Bottom))) for k in a.keys)
        return "Env{" + ", ".join(f"{k}: {t}" for k, t in items) + "}"
    if isinstance(a, T.OrZero):
        return f"{type_text(session, a.item)}|ZERO"
    if isinstance(a, T.Tuple):
        inner = ", ".join(type_text(session, x) for x in a.items)
        return f"({inner},)" if len(a.items) == 1 else f"({inner})"
    if isinstance(a, T.Record):
        fields = ", ".join(f"{k}: {type_text(session, v)}" for k, v in a.fields)
        return f"{a.cls.__name__}({fields})"
    if isinstance(a, T.Const) and a.base is T.Opaque and not callable(a.value):
        return type(a.value).__name__  # a Python value Myia has no type for (a list)
    return str(a)


def glossary(text):
    """The notes explaining the sensitivity types `text` mentions."""
    return [note for word, note in GLOSSARY.items() if word in text]
