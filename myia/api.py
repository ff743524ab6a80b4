"""What users call: the `@myia` decorator and `myia.ir`."""

import functools

from . import pipeline
from .errors import MyiaError

DEFAULT_BACKEND = "debug"


def _user_facing(fn):
    """Raise a `MyiaError` from the API call itself, not from Myia's internals.

    The error already names the user's line; the frames of the parser or VM
    that found it would only hide that line in a traceback.  They are kept in
    `err.internal_traceback` for Myia's own developers.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MyiaError as err:
            err.internal_traceback = err.__traceback__
            raise err.with_traceback(None) from None

    return wrapper


class MyiaFunction:
    """A Python function compiled by Myia when called.

    Compiled code is cached per backend; the debug VM needs no per-signature
    compilation, later backends key their cache on argument types.
    """

    def __init__(self, fn, backend, device):
        functools.update_wrapper(self, fn)
        self.__myia_fn__ = fn
        self.backend = backend
        self.device = device
        self._compiled = None

    @_user_facing
    def __call__(self, *args):
        if self._compiled is None:
            self._compiled = pipeline.compile(self.__myia_fn__, self.backend)
        return self._compiled(*args)

    def __repr__(self):
        return f"<myia function {self.__myia_fn__.__name__} on {self.backend}>"


def myia(fn=None, *, backend=DEFAULT_BACKEND, device="cpu"):
    """Compile `fn` with Myia; usable bare (`@myia`) or with options."""
    if fn is None:
        return lambda f: MyiaFunction(f, backend, device)
    return MyiaFunction(getattr(fn, "__myia_fn__", fn), backend, device)


@_user_facing
def ir(fn, *example_args, stage="parse"):
    """The IR graph of `fn` at `stage` (`str()` for the listing, `.to_dot()`)."""
    return pipeline.graph_at(fn, stage)
