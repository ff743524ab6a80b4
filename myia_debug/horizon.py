"""The horizon of the recorded history: a trace kept to a bounded size.

Past `set history N` positions plus N/4 (or 4x the frames alive at the last
trim: a trim walks them), the oldest go: `Trace.base` moves up, variables
keep newer versions and the one current there, unreachable frames go.  The
collector is paused while stepping (`running`); cycles are collected once 2x
the frames alive after the last collection were made (O(1) per frame).
"""

import bisect
import contextlib
import gc
import signal
import threading

import numpy as np


@contextlib.contextmanager
def running(session=None):
    """Around VM steps: no NaN/Inf warnings, and no cyclic GC (the trace keeps
    all alive: its passes cost more than the steps); then freeze the new objects.
    With a `session`, Ctrl-C sets `session.interrupted` (its loops stop at the
    next recorded position) instead of raising in the middle of a step, whose
    VM state and recording would then disagree."""
    paused = gc.isenabled()
    gc.disable()
    held = session is not None and threading.current_thread() is threading.main_thread()
    if held:
        old = signal.signal(signal.SIGINT, lambda *_: setattr(session, "interrupted", True))
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        if held:
            signal.signal(signal.SIGINT, old)
        if paused:
            gc.freeze()
            gc.enable()


def trim(trace, keep):
    """Drop the positions of `trace` older than its last `keep` (not the `pinned`
    one on: a look-ahead keeps the stop it reads from)."""
    k = len(trace.sframes) - keep
    if trace.pinned is not None:
        k = min(k, trace.pinned - trace.base)
    if k <= 0:
        return
    del trace.sframes[:k]
    del trace.spcs[:k]
    trace.base += k
    base = trace.base
    trace.returns = {p for p in trace.returns if p >= base}
    trace.stops = {p: stop for p, stop in trace.stops.items() if p >= base}
    gone = bisect.bisect_left(trace.virtual_order, base)
    for p in trace.virtual_order[:gone]:
        del trace.virtual[p]
    del trace.virtual_order[:gone]
    trace.virtual_dropped += gone
    live = _reachable([*dict.fromkeys(trace.sframes), *trace.invocations[0].frames[:1]], set())
    first = trace.invocations[0]
    trace.invocations = [inv for inv in trace.invocations if inv is first or any(
        f.id in live for f in inv.frames)]
    todo = []
    for inv in trace.invocations:
        for name, steps in inv.steps.items():
            i = bisect.bisect_left(steps, base)
            if i > 1:  # the version current at the horizon stays
                del steps[:i - 1]
                del inv.defs[name][:i - 1]
            todo += [frame for frame, _ in inv.defs[name]]
        todo += inv.frames[:1] + inv.frames[-1:]
    _reachable(todo, live)
    for inv in trace.invocations:
        inv.frames = [f for f in inv.frames if f.id in live]
    for fid in trace.frames.keys() - live:
        del trace.frames[fid], trace.born[fid], trace.inv_of[fid], trace.tags[fid]
        trace.cursors.pop(fid, None)
        trace.depths.pop(fid, None)
    trace.slack = len(live)
    trace.trims += 1
    made = trace.vm._ids  # VM frames made so far
    if made - trace.collected_at >= max(2 * trace.slack, keep // 4):
        gc.unfreeze()
        gc.collect()
        trace.collected_at = made


def _reachable(todo, live):
    """`live` plus the ids of `todo`'s frames, their callers and environments."""
    while todo:
        f = todo.pop()
        if f is None or f.id in live:
            continue
        live.add(f.id)
        todo += (f.caller, f.env)
    return live
