"""What users call: the `@myia` decorator and `myia.ir`."""

import functools

from . import pipeline

DEFAULT_BACKEND = "debug"


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


def ir(fn, *example_args, stage="parse"):
    """The IR graph of `fn` at `stage` (`str()` for the listing, `.to_dot()`)."""
    return pipeline.graph_at(fn, stage)
