"""Reading a session's positions: its source frames, the location and the
variables shown at a stop (a mixin of `engine.Session`, which records them).
"""

from myia.ir import Graph, Manager

from .graphs import return_loc, user_loc


class Reading:
    """What a stop shows, read back from `self.trace` at `self.pos`."""

    def stack(self, pos=None):
        return self.trace.stack(self.pos if pos is None else pos)

    def current_frame(self, pos=None):
        """(invocation, vm frame, node) of the selected source frame."""
        stack = self.stack(pos)
        if not stack:  # finished, or in the `grad` wrapper: the outermost invocation
            pos = self.pos if pos is None else pos
            frame = self.trace.frame_at(pos)
            node = self.trace.next_node(pos) if frame is not None else None
            inv = self.trace.invocations[0]
            frame = frame or inv.frames[-1]
            return self.trace.inv_of[frame.id], frame, node or frame.graph.output
        return stack[min(self.frame_index, len(stack) - 1)]

    def location(self, pos=None, node=None):
        """The user location shown for a stop: its node's, or the nearest one before."""
        pos = self.pos if pos is None else pos
        inv, frame, cur = self.current_frame(pos)
        if pos in self.trace.virtual and self.frame_index == 0:  # `r = 1.0`
            return self.trace.virtual[pos]
        if node is None and pos in self.trace.returns and self.frame_index == 0:
            return return_loc(inv)
        for n in (node, cur):
            loc = user_loc(n) if n is not None else None
            if loc is not None:
                return loc
        for p in range(pos, self.trace.base - 1, -1):
            if self.trace.line_stop(p) is not None and self.trace.invocation(p) is inv:
                return user_loc(self.trace.next_node(p))
        if user_loc(inv.graph) is not None:
            return user_loc(inv.graph)
        for _, _, n in self.stack(pos)[self.frame_index + 1:]:  # library code: its caller
            if user_loc(n) is not None:
                return user_loc(n)
        return None

    def line(self, pos=None):
        loc = self.location(pos)
        return loc.line if loc is not None else None

    def variables(self, pos=None):
        """Name -> value visible at the selected frame (enclosing functions' first)."""
        pos = self.pos if pos is None else pos
        from .adjoints import namespace

        inv, frame, pos = namespace(self, pos)
        out = {}
        for outer in reversed(self.trace.enclosing(frame)):
            out.update(self.trace.variables(outer, pos))
        out.update(self.trace.variables(inv, pos))
        return out

    def arguments(self):
        return self.trace.arguments(self.current_frame()[0])

    def graphs(self):
        """Every graph the program can reach: nested ones and the ones it calls."""
        if self._graphs is None:
            # The primal too: under --grad the user's functions are reached
            # through their forward graphs only, but `b FUNC` names them.
            seen, todo = [], [self.program(), self.primal]
            while todo:
                m = Manager(todo.pop())
                for g in m.graphs:
                    if g not in seen:
                        seen.append(g)
                        todo += [i.value for n in m.nodes[g] for i in n.inputs
                                 if isinstance(getattr(i, "value", None), Graph)]
            self._graphs = seen
        return self._graphs

    def function_graph(self, name):
        """The user function called `name` among those this run can reach."""
        for g in self.graphs():
            if g.debug.name == name and g.debug.role is None:
                return g
        from .engine import DebugError  # (engine imports this module)

        raise DebugError(f"No function named {name!r} in this program.")
