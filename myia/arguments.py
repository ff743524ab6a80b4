"""Binding a call's arguments to a callee's parameters, by Python's rules.

Shared by every stage that sees calls: the parser binds argument *nodes* when
it knows the callee; the VMs bind argument *values* for a callee known only
at run time (a method, a function passed as an argument).
"""

from .errors import MyiaTypeError


def match_arguments(name, params, defaults, kwonly, args, kw):
    """Order positional `args` and keyword `kw` as `params`, filling `defaults`.

    Python's rules for binding a call's arguments.  The parser applies them to
    nodes when it knows the callee; the debug VM applies them to values for a
    callee known only at run time (a method, a function passed as argument).
    """
    npos = len([p for p in params if p not in kwonly])
    if len(args) > npos:
        raise MyiaTypeError(f"{name}() takes {npos} positional arguments but "
                            f"{len(args)} were given")
    out = dict(zip(params, args))
    for k, v in kw.items():
        if k not in params:
            raise MyiaTypeError(f"{name}() got an unexpected keyword argument {k!r}")
        if k in out:
            raise MyiaTypeError(f"{name}() got multiple values for argument {k!r}")
        out[k] = v
    missing = [p for p in params if p not in out and p not in defaults]
    if missing:
        raise MyiaTypeError(f"{name}() missing required argument(s): "
                            f"{', '.join(map(repr, missing))}")
    return [out[p] if p in out else defaults[p] for p in params]
