"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse.py
    graph = grad_graph(graph)             # myia/grad.py, for grad(fn)
    (inference, optimization and the production VM join here in later stages)
    run on the debug VM                   # myia/vm/debug.py

No stage logic lives here: each stage is a function of its own module.
"""

from .dependencies import Dependencies, recording
from .ir import Constant, Graph
from .grad import grad_graph
from .arguments import match_arguments
from .errors import MyiaError, MyiaTypeError
from .parse import parse
from .vm.debug import DebugVM

BACKENDS = ("debug", "vm")
DEVICES = ("cpu", "cuda")
STAGES = ("parse", "grad")


def to_graph(fn):
    """The graph of a Python function, of a transformed one, or a graph itself."""
    if isinstance(fn, Graph):
        return fn
    fn = getattr(fn, "__myia_fn__", fn)
    graph_of = getattr(fn, "__myia_graph__", None)
    if graph_of is not None:
        return graph_of()
    return parse(fn)


def graph_at(fn, stage="parse"):
    """The IR of `fn` after `stage`."""
    if stage not in STAGES:
        raise ValueError(f"unknown or not yet available stage {stage!r}; "
                         f"available: {', '.join(STAGES)}")
    graph = to_graph(fn)
    if stage == "grad":
        return grad_graph(graph)
    return graph


def check_options(backend, device):
    """Refuse an unknown `backend` or `device` name, saying which exist."""
    if backend not in BACKENDS:
        raise MyiaError(f"unknown backend {backend!r}; the backends are "
                        f"{', '.join(map(repr, BACKENDS))}")
    if device not in DEVICES:
        raise MyiaError(f"unknown device {device!r}; the devices are "
                        f"{', '.join(map(repr, DEVICES))}")


class Compiled:
    """`fn` made ready to run on a backend, with what it was made from.

    `dependencies` records every global, closure cell and helper read while
    parsing (`myia.dependencies`); a cache of compiled programs asks
    `is_stale()` before each call and compiles again when it is true.
    """

    def __init__(self, fn, backend="debug"):
        check_options(backend, "cpu")
        if backend == "vm":
            raise NotImplementedError("the production VM is not built yet; "
                                      "use backend='debug'")
        self.dependencies = Dependencies()
        with recording(self.dependencies):
            self.graph = to_graph(fn)

    def is_stale(self):
        return self.dependencies.is_stale()

    def __call__(self, *args, **kwargs):
        return DebugVM().run(self.graph, self.bind(args, kwargs))

    def bind(self, args, kwargs):
        """The positional arguments of a call with keywords, by Python's rules."""
        g = self.graph
        if not kwargs and not g.kwonly and len(args) == len(g.parameters):
            return args
        defaults = {k: v.value for k, v in g.defaults.items() if isinstance(v, Constant)}
        try:
            return match_arguments(g.name, [p.debug.name for p in g.parameters],
                                   defaults, g.kwonly, args, kwargs)
        except MyiaTypeError as err:
            raise err.with_location(g.debug.loc) from None


def compile(fn, backend="debug"):
    """A `Compiled` callable running `fn` on `backend`."""
    return Compiled(fn, backend)
