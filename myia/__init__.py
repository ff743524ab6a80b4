"""Myia: a differentiable subset of Python, compiled through a graph IR.

The import order below follows the pipeline, as a table of contents:
errors, the IR, primitives, the parser, the debug VM, the pipeline, the API.
"""

from .errors import (MyiaError, MyiaNameError, MyiaRecursionError, MyiaShapeError,
                     MyiaSyntaxError, MyiaTypeError)
from . import ir, prims  # noqa: F401
from .parse import parse  # noqa: F401
from .vm import debug  # noqa: F401
from . import pipeline  # noqa: F401
from . import grad as _grad_stage  # noqa: F401
from .api import (MyiaFunction, defbprop, explain_backend, grad,  # noqa: F401
                  ir as ir_of, myia, stop_gradient, value_and_grad)
from .vm.debug import recursion_limit, set_recursion_limit  # noqa: F401
from . import nn  # noqa: F401  (myia.nn.conv2d, myia.nn.max_pool2d)



class _IRPackage(type(ir)):
    """`myia.ir` is both the IR subpackage (`import myia.ir`, `myia.ir.Graph`)
    and the public function `myia.ir(fn, *example_args, stage=...)`."""

    __call__ = staticmethod(ir_of)  # no frame of its own in a user's traceback


ir.__class__ = _IRPackage

__all__ = ["myia", "grad", "value_and_grad", "stop_gradient", "defbprop", "ir", "explain_backend", "MyiaError", "MyiaSyntaxError", "MyiaTypeError",
           "MyiaShapeError", "MyiaNameError", "MyiaRecursionError", "MyiaFunction",
           "recursion_limit", "set_recursion_limit"]
