"""Python expressions over a stop's values (`p`, conditions, displays, `!STMT`):
the frame's variables, `np`, `math`, `adj`, `isfinite`, `$name` convenience
variables (rewritten to identifiers) and `∂v` (rewritten to `adj("v")`).
"""

import builtins
import copy
import math
import re

import numpy as np

from myia.ir import printer

_DOLLAR = re.compile(r"\$(\w+)")
_PARTIAL = re.compile(r"∂\s*([A-Za-z_]\w*)")


def rewrite(expr):
    """`$_step` -> `__dollar__step`, `∂x` -> `adj("x")`."""
    expr = _PARTIAL.sub(lambda m: f'adj("{m.group(1)}")', expr)
    return _DOLLAR.sub(lambda m: f"__dollar_{m.group(1)}", expr)


def isfinite(x):
    """True when `x` (number, array or nested tuple) holds no NaN or Inf."""
    if isinstance(x, tuple):
        return all(isfinite(v) for v in x)
    return bool(np.isfinite(np.asarray(x, dtype=float)).all())


def convenience(session, pos):
    """The `$` variables of DEBUGGER.md, as of position `pos`."""
    node = session.trace.next_node(pos)
    out = session.result if session.finished and pos == session.end else None
    grad = None
    if out is not None and session.grad is not None:
        out, grad = out
    return {
        "_retval": session.last_retval,
        "_exception": session.error if pos == session.end else None,
        "_step": pos,
        "_phase": session.phase if pos == session.pos else session.trace.phase(pos),
        "_node": f"%{node.id} = {printer.node_text(node)}" if node is not None else None,
        "out": out,
        "grad": grad,
    }


def namespace(session, pos):
    """The values an expression at position `pos` can read."""
    from .gradients import adjoint

    ns = {"np": np, "math": math, "isfinite": isfinite,
          "adj": lambda name: adjoint(session, name, pos)}
    ns.update(session.user_names)  # made by `!NAME = ...`; the program's own win
    ns.update(session.variables(pos))
    for k, v in convenience(session, pos).items():
        ns[f"__dollar_{k}"] = v
    return ns


def evaluate(session, expr, pos):
    """The value of the Python expression `expr` at position `pos`."""
    code = compile(rewrite(expr).strip(), "<expr>", "eval")
    return eval(code, {"__builtins__": builtins}, namespace(session, pos))


def execute(session, stmt, pos, write):
    """Run a statement on copies of the values: the program is never changed.

    New names it binds (`!y = x * 2`) stay, as in pdb, for later commands.
    """
    base = namespace(session, pos)
    ns = {k: copy.deepcopy(v) if isinstance(v, np.ndarray) else v for k, v in base.items()}
    code = compile(rewrite(stmt), "<stmt>", "single")
    env = {"__builtins__": builtins, "print": lambda *a, **k: write(" ".join(map(str, a)))}
    exec(code, env, ns)
    session.user_names.update((k, v) for k, v in ns.items()
                              if k not in base or k in session.user_names)
