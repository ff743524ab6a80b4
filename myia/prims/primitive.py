"""The `Primitive` class: one object per operation, holding all its facets."""

import inspect

from .. import types as T


class Primitive:
    """One operation of the IR.

    Attributes:
        name: the name printed in IR listings.
        impl: the Python implementation.
        params: parameter names, for keyword arguments at call sites (None for
            variadic primitives such as `make_tuple`).
        defaults: parameter name -> default value.
        dunder: for operators, the special method (`"__add__"`) that a
            dataclass operand may define; `rdunder` the reflected one.
        infer, bprop, kernel: the other facets (see the module docstring).
        cuda_kernel: `(dev, *args) -> value`, the primitive on the GPU, run by
            myia/vm/cuda.py with `dev` its device operations (None: the impl
            runs on the host, for primitives that only move values around).
        differentiable: False for primitives whose outputs carry no gradient
            (comparisons, casts to int/bool, shape queries).
    """

    def __init__(self, name, impl, *, bprop=None, dunder=None, rdunder=None,
                 differentiable=True, variadic=False):
        self.name = name
        self.impl = impl
        self.dunder = dunder
        self.rdunder = rdunder
        self.differentiable = differentiable
        self.infer = None
        self.bprop = bprop
        self.kernel = None
        self.cuda_kernel = None
        if variadic:
            self.params, self.defaults = None, {}
        else:
            sig = inspect.signature(impl)
            self.params = tuple(sig.parameters)
            self.defaults = {
                k: p.default for k, p in sig.parameters.items()
                if p.default is not inspect.Parameter.empty
            }

    def __abstract__(self):
        return T.PrimFn(self)

    def __call__(self, *args, **kwargs):
        return self.impl(*args, **kwargs)

    def __repr__(self):
        return f"P.{self.name}"


def elementwise_cuda(prim, scalar=None):
    """The CUDA facet of an elementwise primitive: one generated kernel whose
    body calls `scalar` (default: the impl) per element, fused with its
    elementwise neighbours by the device runtime."""
    def cuda_kernel(dev, *args):
        return dev.elementwise(prim, args, scalar)

    return cuda_kernel


def host_cuda(prim):
    """The CUDA facet of a primitive whose result lives on the host (`bool(x)`):
    device arguments are copied back, then the impl runs."""
    def cuda_kernel(dev, *args):
        return prim.impl(*[dev.to_host(a, False) for a in args])

    return cuda_kernel
