"""Source and IR commands: `list`, `longlist`, `source`, `ir`, `node`, `mode`, `dot`."""

import inspect
import os

from myia.ir import Manager, print_graph

from . import render
from .engine import DebugError
from .graphs import user_loc

STAGES = ("parse", "infer", "grad", "opt")


class SourceCommands:
    """Listings of the user's code and of the IR, with runtime values."""

    def _breaks(self, file):
        return {bp.line for bp in self.session.points.breakpoints
                if bp.kind in ("line", "func") and os.path.abspath(bp.file) ==
                os.path.abspath(file)}

    def do_list(self, arg):
        """l(ist) [FIRST[, LAST] | .]: list source around the current line; repeat continues."""
        s = self.session
        loc = s.location()
        if loc is None:
            raise DebugError("no source for this frame (library code); try 'ir'")
        ctx = self.options["context"]
        if arg and arg != ".":
            try:
                nums = [int(x) for x in arg.replace(",", " ").split()]
            except ValueError:
                nums = []
            if not nums:
                raise DebugError("usage: list [FIRST[, LAST] | .]")
            first = max(1, nums[0] - (ctx if len(nums) == 1 else 0))
            last = nums[1] if len(nums) > 1 else first + 2 * ctx
            if last < first:  # pdb: `list 10, 3` means 3 lines from 10
                last = first + last
        elif self.list_next is not None and arg != ".":
            first, last = self.list_next, self.list_next + 2 * ctx
        else:
            first = max(1, loc.line - ctx)
            last = loc.line + ctx
        lines = render.listing(loc.file, first, last, loc.line, self._breaks(loc.file))
        if not lines:
            raise DebugError("end of file")
        self.out(lines)
        self.list_next = last + 1
    do_l = do_list

    def do_longlist(self, arg):
        """ll / longlist: list the whole current function."""
        s = self.session
        inv = s.current_frame()[0]
        if user_loc(inv.graph) is None:
            raise DebugError("no source for this frame (library code); try 'ir'")
        file, first, last = render.function_lines(inv.graph)
        self.out(render.listing(file, first, last, s.line(), self._breaks(file)))
    do_ll = do_longlist

    def do_source(self, arg):
        """source FUNC: list the source of another function."""
        if not arg:
            raise DebugError("usage: source FUNC")
        try:
            g = self.session.function_graph(arg)
        except DebugError:
            value = self.session.variables().get(arg)
            if value is None or not inspect.isfunction(value):
                raise
            lines, first = inspect.getsourcelines(value)
            self.out(f"{first + i:>4}\t{t.rstrip()}" for i, t in enumerate(lines))
            return
        file, first, last = render.function_lines(g)
        self.out(render.listing(file, first, last, None, self._breaks(file)))

    def _graph(self, words):
        """The graph `ir`/`dot` show: a named function, or the current one."""
        s = self.session
        stage = "parse"
        if "--stage" in words:
            i = words.index("--stage")
            if i + 1 >= len(words) or words[i + 1] not in STAGES:
                raise DebugError(f"--stage takes one of {', '.join(STAGES)}")
            stage = words[i + 1]
            del words[i:i + 2]
        if stage in ("infer", "opt"):
            raise DebugError(f"stage {stage!r} is not available yet in this Myia")
        if stage == "grad":
            if s.grad is None:
                raise DebugError("stage 'grad' needs --grad")
            return s.program() if not words else s.function_graph(words[0])
        if words:
            return s.function_graph(words[0])
        return s.current_frame()[0].graph

    def do_ir(self, arg):
        """ir [--stage parse|infer|grad|opt] [FUNC]: the IR listing, current node marked '->'
        and computed values shown."""
        s = self.session
        graph = self._graph(arg.split())
        inv, frame, node = s.current_frame()
        values = {}
        for f in inv.frames:
            for n, step in s.trace.born[f.id].items():
                if step <= s.pos and n in f.values:
                    values[n] = f.values[n]
        self.out(print_graph(graph, marker=node, values=values,
                             manager=Manager(graph)).rstrip("\n").splitlines())

    def do_node(self, arg):
        """node [%N]: one IR node: operation, inputs and their values, users, location, type."""
        s = self.session
        inv, frame, node = s.current_frame()
        if arg:
            if not (arg.startswith("%") and arg[1:].isdigit()):
                raise DebugError("usage: node [%N]")
            wanted = int(arg[1:])
            found = [(f, n) for i in s.trace.invocations for f in i.frames
                     for n in f.nodes if n.id == wanted]
            if not found:
                raise DebugError(f"no node %{wanted} in the frames run so far")
            mine = [x for x in found if x[0] in inv.frames]
            frame, node = (mine or found)[-1]
        if node is None:
            raise DebugError("no current node (the program has finished)")
        self.out(render.node_lines(s, node, frame))

    def do_mode(self, arg):
        """mode source|ir|both: what each stop shows."""
        if arg not in ("source", "ir", "both"):
            raise DebugError("usage: mode source|ir|both")
        self.mode = arg

    def do_dot(self, arg):
        """dot FILE [--stage S]: write the current graph as Graphviz."""
        words = arg.split()
        if not words:
            raise DebugError("usage: dot FILE [--stage S]")
        path = words.pop(0)
        graph = self._graph(words)
        with open(path, "w") as f:
            f.write(graph.to_dot())
        self.write(f"Wrote {path}")
