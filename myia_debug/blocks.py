"""What the trace asks of each graph, computed once per graph: its user
function, whether it is Myia's machinery, and per node the name it binds and
where it can stop.  `Trace` reads these on every step; `straight.py`
generates its straight runs from them.
"""

from myia.vm.debug import graph_nodes

from .graphs import (LOOP_ROLES, block_role, grad_call, is_control, is_entry, is_machinery,
                     is_second_order, phase_of, user_graph, user_loc)
from .statements import leaves, quiet_locs


class Block:
    """What the trace asks of a graph, once: its user function, whether it is
    machinery, per node the name it binds and its stop (`_stop_locs`)."""

    def __init__(self, g):
        self.graph = g
        self.runs = {}  # pc -> its straight run (straight.py), made on first use
        self.user = user_graph(g)
        self.hidden = is_machinery(self.user) or is_second_order(g)
        self.entry = is_entry(g)
        self.inner = grad_call(g) if not is_second_order(g) else None
        self.bwd = phase_of(g) == "bwd"
        self.params = [(p, p.debug.name) for p in g.parameters  # the named ones
                       if p.debug.name and p.debug.role != "adjoint"]
        self.names = [n.debug.name if n.debug.name and n.debug.role != "adjoint" else None
                      for n in graph_nodes(g)]
        self.locs, self.sens = _stop_locs(g)
        self.heres = [(loc.file, loc.line) if loc is not None else None for loc in self.locs]
        self.quiet = bool(quiet_locs(g)) and not self.hidden
        self.loop = block_role(g) in LOOP_ROLES
        n = len(self.names)  # per pc: a position there cannot stop, `_record` keeps nothing
        self.plain = [self.hidden or i < n and self.locs[i] is None and not (self.quiet and (
            i == n - 1 or leaves(graph_nodes(g)[i]))) for i in range(n + 1)]


_blocks = {}


def block(g):
    """The `Block` of graph `g` (made on first use)."""
    blk = _blocks.get(g)
    if blk is None:
        blk = _blocks[g] = Block(g)
    return blk


def hidden(g):
    """Whether graph `g` is Myia's machinery (never a frame the user sees)."""
    return block(g).hidden


def _stop_locs(g):
    """Per node of `g`: its location if it can be a line stop, and the input
    whose sensitivity decides a backward stop.  Forwards, in AD's graphs, a
    user node's forward call; backwards, its backward call unless it is
    control flow (or, for a program's `grad` under `--grad`, the forward call
    AD made of that backward call)."""
    role, bwd = g.debug.role, phase_of(g) == "bwd"
    locs, sens = [], []
    for node in graph_nodes(g):
        if role == "grad":
            can = False
        elif not bwd:
            can = role != "fprop" or node.debug.role == "fprop_call"
        else:
            call = node
            if role == "fprop" and node.debug.role == "fprop_call":
                call = node.debug.origin  # under --grad, a grad call's backward
            can = getattr(call, "debug", None) is not None and \
                call.debug.role == "bprop_call" and not is_control(call.debug.origin)
        loc = user_loc(node) if can else None
        locs.append(loc)
        dynamic = bwd and loc is not None and node.inputs[1].graph is not None
        sens.append(node.inputs[1] if dynamic else None)
    return locs, sens
