"""Pure functions from session state to text: stop headers, listings, values.

Nothing here prints or reads a terminal, so the same text serves the
prompt_toolkit UI, batch mode and the golden transcripts.
"""

import linecache
import os

import numpy as np

from myia.ir import Constant, printer
from myia.types import typeof

from .graphs import return_loc, user_loc

ARROWS = {"bwd": "<-"}


def value_text(v, precision=None, threshold=None, pretty=False):
    """A value as the user wrote it: repr for scalars, numpy's text for arrays."""
    opts = {}
    if precision is not None:
        opts["precision"] = precision
    if threshold is not None and not pretty:
        opts["threshold"] = threshold
    if pretty:
        opts["threshold"] = np.inf
    if isinstance(v, tuple):
        sep = ",\n " if pretty else ", "
        inner = sep.join(value_text(x, precision, threshold, pretty) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, (float, np.floating)) and precision is not None:
        return f"{float(v):.{precision}g}"
    if isinstance(v, np.generic):  # numpy 2's repr says np.float64(...)
        return str(v)
    with np.printoptions(**opts):
        return repr(v)


def short(v, limit=12):
    """A value cut to `limit` characters with an ellipsis (adjoint summaries)."""
    text = value_text(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_line(file, line):
    return linecache.getline(file, line).rstrip("\n")


def header(session, stop, ascii=False):
    """The two pdb-style lines of a stop: `> file(line)func() [phase #N]` and the source."""
    pos = stop.pos
    inv = session.current_frame(pos)[0]
    loc = session.location(pos, stop.node)
    if loc is None:
        return [f"> <unknown>()  {inv.name}() [{session.phase} #{pos}]"]
    phase = session.phase if pos == session.pos else session.trace.phase(pos)
    label = session.phase_label if pos == session.pos else session.trace.phase_label(pos)
    if session.frame_index and phase != "pm":  # `up` to a caller: its own pass (`fwd`)
        label = session.trace.frame_phase(session.current_frame(pos)[1])
        phase = label.split()[0]
    text = [f"> {os.path.basename(loc.file)}({loc.line}){inv.name}() [{label} #{pos}]",
            f"{ARROWS.get(phase, '->')} {source_line(loc.file, loc.line).strip()}"]
    return text


def adjoint_line(flow, ascii=False):
    """`   ∂c = 3.44  →  ∂b += 3.44…, ∂x += 3.44…` for a backward stop."""
    d = (lambda n: f"d{n}" if n.startswith("(") else f"d({n})") if ascii else \
        (lambda n: f"∂{n}")
    arrow = "->" if ascii else "→"
    (name, value), outs = flow
    grouped = {}
    for n, v in outs:  # `u * u` sends two contributions to ∂u: show their sum too
        grouped.setdefault(n, []).append(v)
    parts = ", ".join(f"{d(n)} += {short(vs[0])}" if len(vs) == 1 else
                      f"{d(n)} = {short(_sum(vs))} ({', '.join('+= ' + short(v) for v in vs)})"
                      for n, vs in grouped.items())
    line = f"   {d(name)} = {value_text(value)}"
    return f"{line}  {arrow}  {parts}" if parts else line


def _sum(values):
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def listing(file, first, last, current=None, breaks=()):
    """Source lines `first..last` of `file` in pdb's format (`B` breakpoint, `->` current)."""
    out = []
    for n in range(first, last + 1):
        text = linecache.getline(file, n)
        if not text:
            break
        s = str(n).rjust(3)
        if len(s) < 4:
            s += " "
        s += "B" if n in breaks else " "
        s += "->" if n == current else "  "
        out.append(s + "\t" + text.rstrip("\n"))
    return out


def function_lines(graph):
    """(file, first, last) of the source of a user function."""
    loc = graph.debug.loc
    lines = linecache.getlines(loc.file)
    first = loc.line
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    last = first
    for n in range(first, len(lines)):
        text = lines[n]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        if text.strip():
            last = n + 1
    return loc.file, first, last


def stack_lines(session):
    """`where`: one line per source frame, outermost first, the selected one marked."""
    stack, trace, pos = session.stack(), session.trace, session.pos
    done = not stack  # finished (or in the grad wrapper): the outermost function
    out = []
    for i, (inv, frame, node) in reversed(list(enumerate(stack or [session.current_frame()]))):
        loc = session.location(node=node) if done else user_loc(node) or user_loc(inv.graph)
        if i == 0 and not done and (pos in trace.virtual or pos in trace.returns):
            loc = trace.virtual.get(pos) or return_loc(inv)  # the header's line
        where = f"{os.path.basename(loc.file)}({loc.line})" if loc else "<unknown>"
        mark = ">" if i == session.frame_index else " "
        phase = session.phase_label if done else session.trace.frame_phase(frame)
        out.append(f"{mark} {where}{inv.name}() [{phase}]")
    return out


def node_lines(session, node, frame):
    """`node`: operation, inputs with values, users, location, type."""
    out = [f"%{node.id} = {printer.node_text(node)}" if node.inputs else
           f"{printer.node_ref(node)} (a parameter of {node.graph.name})"]  # `return y`
    for i, inp in enumerate(node.inputs[1:]):
        if isinstance(inp, Constant):
            out.append(f"  input {i}: {printer.node_ref(inp)} (constant)")
            continue
        try:
            val = value_text(frame.lookup(inp))
        except (KeyError, AttributeError):
            val = "<not computed yet>"
        name = label(inp)
        ref = printer.node_ref(inp)
        out.append(f"  input {i}: {name if name == ref else f'{name} ({ref})'} = {val}")
    if node in frame.values:
        out.append(f"  value: {value_text(frame.values[node])}")
    users = [f"%{u.id}" for u in frame.nodes if node in u.inputs]
    out.append(f"  users: {', '.join(users) or '(graph output)'}")
    loc = user_loc(node)
    out.append(f"  location: {os.path.basename(loc.file)}:{loc.line}" if loc else
               "  location: none (bookkeeping node)")
    out.append(f"  graph: {frame.graph.name}  name: {node.debug.name or '-'}  "
               f"role: {node.debug.role or '-'}")
    from .inferred import type_text, types_of

    view = types_of(session)
    t = node.abstract if node.abstract is not None else view.node_type(frame, node)
    out.append(f"  type: {type_text(session, t)}" if t is not None else
               f"  type: not inferred ({view.reason or 'no context fits this frame'})")
    return out


def label(node):
    """A value's name for users: its variable, else its source text, else `%N`."""
    if isinstance(node, Constant):
        return printer.node_ref(node)
    if node.debug.name:
        return node.debug.name
    loc = node.debug.loc
    if loc is not None:
        text = linecache.getline(loc.file, loc.line)[loc.column:loc.end_column]
        text = text.strip().rstrip(":")
        if text:
            return f"({text})"
    return f"%{node.id}"


def operation_text(node):
    """The user's own spelling of an operation (`x ** 0.5`, `np.log(a)`) when its
    source is on one line; else `op(a, b)`."""
    loc = getattr(node.debug, "loc", None)
    if loc is not None and loc.end_column is not None:
        text = linecache.getline(loc.file, loc.line)[loc.column:loc.end_column].strip()
        if text and not text.endswith(":"):
            return text
    return expr_text(node)


def expr_text(node):
    """`op(a, b)` with the users' names for the inputs (ids change between runs)."""
    fn, *args = node.inputs
    return f"{label(fn)}({', '.join(label(a) for a in args)})"


def stats_lines(v):
    arr = np.asarray(v)
    if arr.dtype.kind not in "biuf":
        return [f"not numeric: {typeof(v)}"]
    fin = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    lines = [f"shape {arr.shape}  dtype {arr.dtype}  count {arr.size}"]
    if fin.size:
        lines.append(f"min {value_text(fin.min())}  max {value_text(fin.max())}  "
                     f"mean {value_text(fin.mean())}")
    if arr.dtype.kind == "f":
        lines.append(f"nan {int(np.isnan(arr).sum())}  inf {int(np.isinf(arr).sum())}")
    return lines
