"""Straight runs: a frame's node steps as one generated Python function,
recorded as single steps record them.

With nothing armed, `c` records every step and stops at none, so the
interpreter's dispatch (`DebugVM._step`, then `Trace.advance`'s
bookkeeping) is the whole cost.  For a graph and a pc to start at,
`run_from` generates once a function doing the node steps from there on,
each still one recorded step: the value into the frame, the position it
was born at, the name it binds, the new position, and where a position may
stop, `Trace._record`'s test (inlined; the call itself where quiet
statements or a return are involved).  Values computed in the run are read
back from locals.  For the loop body `t = x * i` of a user function::

    def run(trace, frame):               # from pc 0
        ...
        cur = 0
        v0 = c1(vals[c2], vals[c3])      # mul: c1 is its impl
        vals[c0] = v0
        born[c0] = new = p
        if inv.last_line != c4 ...:      # `t = x * i` may stop there: the test
            stops[p] = c4                # `Trace._record` makes, inlined
        ...
        sfa(frame); spa(1); p += 1       # the new position
        ...

A run ends, leaving the frame where `DebugVM._step` goes on, after a call
that pushed a frame (recorded as that call step), after the frame's return
step (`DebugVM._return`, not in a `brief` run), and before a node that
raises (the single step raises it again, located: programs are pure) or
an operator on a record (its method may be a frame); a call of a graph
known not to run at once (atomic.py) is the last node of its run.
"""

import myia.vm.debug as D


class _Records(Exception):
    """An operator's operand is a record: the single step calls its method."""


def run_from(blk, pc, vm):
    """The straight run of `blk`'s graph from `pc` (generated once)."""
    run = blk.runs.get(pc)
    if run is None:
        run = blk.runs[pc] = _generate(blk, pc, vm)
    return run


def _static(fk, fx):
    """The graph a call node always calls, if a constant says which."""
    if fk == 3:
        return fx
    return fx.graph if fk == 0 and fx.__class__ is D.Closure else None


def _generate(blk, start, vm):
    g = blk.graph
    code = D._code[g]
    atomic = vm._atomic
    ns = {"Records": _Records, "records": D.records, "Closure": D.Closure,
          "NOSENS": ("Zero", "Env")}
    consts = {}

    def const(value):
        key = id(value)
        if key not in consts:
            consts[key] = f"c{len(consts)}"
            ns[consts[key]] = value
        return consts[key]

    local = {}  # node -> the local holding its value, once computed in the run

    def ref(k, x):
        if k == 0:
            return const(x)
        if k == 1:
            return local.get(x) or f"vals[{const(x)}]"
        return f"lookup({const(x)})" if k == 2 else f"ref(frame, 3, {const(x)})"

    body, named = [], False
    end = len(code) - 1
    for i in range(start, end):
        node, impl, fk, fx, refs, _, tail = code[i]
        xs = [ref(k, x) for k, x in refs]
        out, key, args = f"v{i}", const(node), ", ".join(xs)
        body.append(f"cur = {i}")
        last = False
        if impl is not None:
            body.append(f"{out} = {const(impl)}({args})")
        elif fk == 0 and fx.__class__ is D.Primitive:
            if xs:
                body.append(f"if records({', '.join(xs[:2])}): raise Records")
            body.append(f"{out} = {const(fx.impl)}({args})")
        else:
            callee = _static(fk, fx)
            fn = f"f{i}"
            body.append(f"{fn} = {ref(fk, fx)}")
            quick = callee is not None and atomic is not None and \
                len(xs) == len(callee.parameters) and atomic.function(callee) is not None
            last = callee is not None and not quick  # it will push a frame
            if quick or callee is None and atomic is not None:  # it may run at once
                guard = "" if quick else f" if {fn}.__class__ is Closure else None"
                body += [f"r = arun({fn}, [{args}], frame, {key}){guard}",
                         "if r is None:",  # not at once (a record's method): the call
                         f"    frame.pc = {i}",
                         f"    r = call({fn}, [{args}], frame, {key}, {tail})"]
            else:  # known to push a frame (or, a record's method, maybe not)
                enter = callee is not None and len(xs) == D._arity(callee)
                body.append(f"frame.pc = {i}")
                body.append(f"r = {'enter' if enter else 'call'}({fn}, [{args}], frame, {key}, {tail})")
            body += ["if r is None:",  # a frame was pushed: the call step
                     "    crossed('call', frame, p)",
                     "    new = p", *_ended(i + 1 - start),
                     f"{out} = r[0]"]
        local[node] = out
        body += [f"vals[{key}] = {out}", f"born[{key}] = new = p"]
        name = blk.names[i]
        if name is not None:
            named = True
            body += [f"steps({name!r}, []).append(p)", f"defs({name!r}, []).append((frame, {key}))"]
        if blk.plain[i + 1]:
            body += ["sfa(frame)", f"spa({i + 1})", "p += 1"]
        elif blk.quiet or i + 1 == len(code) - 1:  # quiet statements, the return
            body += [f"frame.pc = {i + 1}", "record(False)", "p = base + len(sframes)"]
        else:
            body += _line_stop(blk, i + 1, const)
        if not blk.plain[i + 1] and i + 1 < len(code) - 1:  # `brief`: end at a new stop
            body += ["if brief and len(stops) > nstops:", f"    frame.pc = {i + 1}",
                     *_ended(i + 1 - start)]
        if last:
            end = i + 1
            break
    head = ["def run(trace, frame, brief=False):",
            "    vm = trace.vm",
            "    inv = trace.inv_of[frame.id]",
            "    stops = trace.stops",
            "    nstops = len(stops)",
            "    vals = frame.values",
            "    lookup = frame.lookup",
            "    ref = vm._ref",
            "    call = vm._call",
            "    enter = vm._enter",
            "    record = trace._record",
            "    crossed = trace._crossed",
            "    born = trace.born[frame.id]",
            "    sframes = trace.sframes",
            "    sfa = sframes.append",
            "    spa = trace.spcs.append",
            "    base = trace.base",
            "    p = new = base + len(sframes)"]
    if atomic is not None:
        head.append("    arun = vm._atomic.run")
    if named:
        head += ["    steps = inv.steps.setdefault",
                 "    defs = inv.defs.setdefault"]
    lines = head + [f"    cur = {start}", "    try:"] + ["        " + b for b in body] + [
        "    except Exception:",  # before node `cur`: the single step does it
        "        frame.pc = cur",
        *("    " + line for line in _ended(f"cur - {start}")),
        f"    frame.pc = {end}"]
    if end < len(code) - 1:
        lines += _ended(end - start)
    else:  # the return step too, but not in a brief run (the return may stop)
        lines += ["    if brief:", *("    " + line for line in _ended(end - start)),
                  "    vm._return(frame)", "    crossed('return', frame, p)", "    new = p",
                  *_ended(end - start + 1)]
    exec(compile("\n".join(lines), f"<straight {g.name}:{start}>", "exec"), ns)
    return ns["run"]


def _ended(steps):
    """The lines ending a run after `steps` steps (the frame's pc is set)."""
    return [f"    vm.steps += {steps}", "    trace.last_step = new", f"    return {steps}"]


def _line_stop(blk, pc, const):
    """`Trace._record` of a node step to `pc`, which may be a line stop, in a
    block without quiet statements: the text doing the same."""
    here, graph = const(blk.heres[pc]), const(blk.graph)
    again = "last is not frame" if blk.loop else \
        f"last is not frame and last is not None and last.graph is {graph}"
    stop = ["last = inv.last_frame",
            f"if inv.last_line != {here} or {again}:",  # a new line, or a loop's next turn
            f"    stops[p] = {here}",
            "    if inv.first_stop is None: inv.first_stop = p",
            f"inv.last_line = {here}",
            "inv.last_frame = frame"]
    if blk.sens[pc] is not None:  # a backward call that receives no sensitivity: no stop
        stop = [f"if type(lookup({const(blk.sens[pc])})).__name__ not in NOSENS:",
                *("    " + line for line in stop)]
    return [*stop, "sfa(frame)", f"spa({pc})", "p += 1"]
