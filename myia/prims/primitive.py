"""The `Primitive` class: one object per operation, holding all its facets.

    Primitive("add", _add, infer=elementwise, bprop=_bprop_add, dunder="__add__")

* `impl`: the Python/numpy implementation, what the debug VM runs;
* `infer`: the type and shape rule, from the arguments' abstract values
  (`myia.types`) to the result's; `elementwise`/`sampled` (see `rules.py`)
  build the rule of most numeric primitives from `impl` itself;
* `bprop`: the backpropagator, a function in the Myia subset taking
  `(*inputs, out, dout)` (None for non-differentiable primitives);
* `kernel`: for a scalar operation the production VM fuses into Numba
  code, a `ScalarKernel`: its source in generated code and the kind of its
  type rule and guards (`myia/vm/emit.py`); None: the VM calls `impl`;
* `static`: the parameters that must be compile-time constants (`axis`,
  `keepdims`, `dtype`, shapes).
"""

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
        infer, bprop, kernel, static: the other facets (see the module docstring).
        cuda_kernel: `(dev, *args) -> value`, the primitive on the GPU, run by
            myia/vm/cuda.py with `dev` its device operations (None: the impl
            runs on the host, for primitives that only move values around).
        differentiable: False for primitives whose outputs carry no gradient
            (comparisons, casts to int/bool, shape queries).
    """

    def __init__(self, name, impl, *, infer, bprop=None, kernel=None, static=(),
                 dunder=None, rdunder=None, differentiable=True, variadic=False):
        self.name = name
        self.impl = impl
        self.dunder = dunder
        self.rdunder = rdunder
        self.differentiable = differentiable
        self.bprop = bprop
        self.kernel = kernel
        self.static = tuple(static)
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
        # A rule maker (`rules.elementwise`) builds the rule from the primitive.
        self.infer = infer(self) if getattr(infer, "makes_rule", False) else infer

    def __abstract__(self):
        return T.PrimFn(self)

    def __call__(self, *args, **kwargs):
        return self.impl(*args, **kwargs)

    def __repr__(self):
        return f"P.{self.name}"


class ScalarKernel:
    """The kernel facet of a scalar primitive: `add.kernel("a", "b")` is `"a + b"`.

    `template` spells one call in Numba-compiled Python; `kind` ("arith",
    "div", "pow", "cmp", "logic" or "math") is what `myia/vm/emit.py` knows
    of its result type and of the guards that keep it exact.
    """

    def __init__(self, template, kind):
        self.template, self.kind = template, kind

    def __call__(self, *names):
        return self.template.format(*names)

    def __repr__(self):
        return f"ScalarKernel({self.template!r}, {self.kind!r})"


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
