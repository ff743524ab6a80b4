"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse.py
    (inference, optimization and the production VM join here in later stages)
    run on the debug VM                   # myia/vm/debug.py

No stage logic lives here: each stage is a function of its own module.
"""

from .ir import Graph
from .parse import parse
from .vm.debug import DebugVM

BACKENDS = ("debug", "vm")
STAGES = ("parse",)


def to_graph(fn):
    """The parsed graph of a Python function (or a graph, unchanged)."""
    if isinstance(fn, Graph):
        return fn
    return parse(getattr(fn, "__myia_fn__", fn))


def graph_at(fn, stage="parse"):
    """The IR of `fn` after `stage`."""
    if stage not in STAGES:
        raise ValueError(f"unknown or not yet available stage {stage!r}; "
                         f"available: {', '.join(STAGES)}")
    return to_graph(fn)


def compile(fn, backend="debug"):
    """A Python callable running `fn` on `backend`."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend == "vm":
        raise NotImplementedError("the production VM is not built yet; "
                                  "use backend='debug'")
    graph = to_graph(fn)

    def run(*args):
        return DebugVM().run(graph, args)

    return run
