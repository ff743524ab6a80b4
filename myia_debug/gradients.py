"""Gradient queries: `adj("v")`, `grad NAME`, `gradcheck`.

Finite differences need no AD: the program is pure, so a fork run `s` steps,
with the value born at step `s` perturbed, then to the end, gives ∂out/∂v.
"""

import numpy as np

from myia.ir import Manager
from myia.vm.debug import DebugVM, graph_nodes

from .engine import DebugError
from .graphs import user_graph

MAX_ELEMENTS = 64


def output_of(session, result):
    """The forward output of a run's result, as a float."""
    return scalar_output(result[0] if session.grad is not None else result)


def argnums(session):
    """The differentiated arguments (without --grad: the float ones)."""
    if session.grad is not None:
        return session.grad
    return tuple(i for i, a in enumerate(session.args)
                 if np.asarray(a).dtype.kind == "f")


def ad_gradient(session, argnum):
    """AD's gradient w.r.t. argument `argnum`, from a complete run of the program."""
    grads = DebugVM().run(session.program(), session.args)[1]
    return grads[session.grad.index(argnum)] if isinstance(grads, tuple) else grads


def scalar_output(value):
    """The forward output as a float; the gradient program returns (value, grads)."""
    arr = np.asarray(value)
    if arr.shape != () or arr.dtype.kind not in "biuf":
        raise DebugError(f"the output {value!r} is not a scalar: no gradient to take")
    return float(arr)


def definition(session, name, pos):
    """(frame id, node, step) of the latest SSA version of `name` at `pos`, in the
    frame whose variables the stop shows (the forward one at a bwd stop or `done`)."""
    from .adjoints import namespace

    inv, frame, until = namespace(session, pos)
    _, inner = session.trace.tags[frame.id]
    if inner is not None:  # perturbing f's values moves the program's output, not f's
        raise DebugError(f"inside {inner}, finite differences would perturb the program's "
                         f"output, not {inv.name}'s: check ∂{name} with myia-debug on "
                         f"{inv.name} itself")
    best = None
    for frame in inv.frames:
        for node, step in session.trace.born[frame.id].items():
            if node.debug.name == name and step <= until and node.debug.role != "adjoint":
                if best is None or step > best[2]:
                    best = (frame.id, node, step)
    if best is None:
        raise not_yet(session, name, pos)
    return best


def not_yet(session, name, pos):
    """The error for a name without a value yet, saying which line gives it one."""
    inv = session.current_frame(pos)[0]
    primal = inv.graph
    while primal.debug.origin is not None and primal.debug.role is not None:
        primal = primal.debug.origin
    blocks = [g for g in Manager(primal).graphs if user_graph(g) is primal]  # not callees'
    lines = sorted({n.loc.line for g in blocks for n in graph_nodes(g)
                    if n.debug.name == name and n.loc is not None}
                   | {p.loc.line for p in primal.parameters
                      if p.debug.name == name and p.loc is not None})
    if not lines:
        return DebugError(f"no variable {name!r} in {inv.name}()")
    return DebugError(f"{name!r} has no value yet in {inv.name}(): it gets one at line {lines[0]}")


def rerun(session, program, step, frame_id, node, value):
    """The output of the program with the value born at `step` replaced."""
    frames = {}
    vm = DebugVM(atomic=session.vm.atomic)  # the same steps as the session's
    vm.start(program, session.args)
    if vm.frame is not None:
        frames[vm.frame.id] = vm.frame
    steps = session.trace.vm_step(step)  # positions of quiet statements are no step
    while vm.steps < steps:
        if vm.step().kind == "call":
            frames[vm.frame.id] = vm.frame
    frames[frame_id].values[node] = value
    while not vm.finished:
        vm.step()
    return vm.result


def finite_difference(session, name, pos):
    """∂out/∂name by central differences on forks of the run."""
    frame_id, node, step = definition(session, name, pos)
    value = session.trace.vm_value(frame_id, node)
    arr = np.asarray(value)
    if arr.dtype.kind not in "f":
        raise DebugError(f"{name} = {value!r} is not a float: it has no gradient")
    if arr.size > MAX_ELEMENTS:
        raise DebugError(f"{name} has {arr.size} elements; finite differences stop at "
                         f"{MAX_ELEMENTS}")
    program = session.program()
    out = lambda result: output_of(session, result)  # noqa: E731
    grad = np.zeros(arr.shape)
    for idx in np.ndindex(arr.shape):
        h = 1e-6 * max(1.0, abs(float(arr[idx])))
        hi, lo = arr.copy(), arr.copy()
        hi[idx] += h
        lo[idx] -= h
        cast = (lambda a: a) if isinstance(value, np.ndarray) else (lambda a: type(value)(a))
        f_hi = out(rerun(session, program, step, frame_id, node, cast(hi)))
        f_lo = out(rerun(session, program, step, frame_id, node, cast(lo)))
        grad[idx] = (f_hi - f_lo) / (2 * h)
    return grad if arr.shape else float(grad)


def argument_fd(session, argnum):
    """∂out/∂args[argnum] by central differences on the primal function."""
    args = list(session.args)
    arr = np.asarray(args[argnum], dtype=float)
    grad = np.zeros(arr.shape)
    for idx in np.ndindex(arr.shape):
        h = 1e-6 * max(1.0, abs(float(arr[idx])))
        vals = []
        for sign in (1, -1):
            x = arr.copy()
            x[idx] += sign * h
            args[argnum] = x if isinstance(session.args[argnum], np.ndarray) else float(x)
            vals.append(scalar_output(DebugVM().run(session.primal, args)))
        grad[idx] = (vals[0] - vals[1]) / (2 * h)
    return grad if arr.shape else float(grad)


def adjoint(session, name, pos):
    """∂out/∂name at `pos`: AD's recorded adjoint with --grad, else finite differences."""
    if session.grad is not None:
        from .adjoints import recorded_adjoint

        return recorded_adjoint(session, name, pos)
    return finite_difference(session, name, pos)


def gradcheck(session, names):
    """Rows (label, ad, fd, relative error, ok) comparing AD with finite differences."""
    rows = []
    targets = names or [f"arg{i}" for i in argnums(session)]
    for label in targets:
        if label.startswith("arg") and label[3:].isdigit():
            i = int(label[3:])
            fd = argument_fd(session, i)
            label = session.primal.parameters[i].debug.name
            ad = ad_gradient(session, i) if session.grad is not None else None
        else:
            fd = finite_difference(session, label, session.pos)
            ad = adjoint(session, label, session.pos) if session.grad is not None else None
        if ad is None:
            rows.append((label, None, fd, None, None))
            continue
        a, f = np.asarray(ad, dtype=float), np.asarray(fd, dtype=float)
        err = float(np.max(np.abs(a - f) / np.maximum(1e-8, np.abs(a) + np.abs(f))))
        rows.append((label, ad, fd, err, err < 1e-5))
    return rows
