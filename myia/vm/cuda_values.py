"""Arrays on the GPU for the device runtime (cuda.py): strided views and lazy trees.

* `View`: a strided window (offset, shape, strides in elements) on a flat
  device buffer.  `transpose`, `reshape`, `broadcast_to`, basic indexing and
  `split` make views without running a kernel.
* `Lazy`: an elementwise primitive applied to device values and host
  scalars, not computed yet.  `tanh(x @ w + b)` is `Lazy(tanh, [Lazy(add,
  [View, View])])`; the first primitive that needs its elements (a matmul, a
  reduction, the return to the host) runs the whole tree as ONE generated
  kernel (cuda_kernels.py).

Python operators on device values are the primitives' CUDA facets, so the
impls of structural primitives (`gadd`'s `x + y`) work on them unchanged;
anything that would silently copy them to the host (`np.asarray`) raises.
"""

import numpy as np

from ..prims import PRIMITIVES


def _c_strides(shape):
    out, s = [], 1
    for n in reversed(shape):
        out.append(s)
        s *= n
    return tuple(reversed(out))


def _same(x):
    return x


class DeviceValue:
    """An array on the GPU (see the module docstring): shape, dtype, no host data."""

    __slots__ = ("shape", "dtype")

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __bool__(self):
        return bool(_device().to_host(self, False))

    def __array__(self, *args, **kwargs):
        raise TypeError(f"a device array ({self}) reached code that only runs on the "
                        "host; this operation is not supported with device='cuda'")

    def __repr__(self):
        return f"<{type(self).__name__} {self.dtype}{list(self.shape)} on cuda>"

    # numpy leaves `x + device_array` to the reflected operator defined below.
    __array_ufunc__ = None


def _operator(prim, reflected):
    def op(self, *other):
        args = (other[0], self) if reflected else (self, *other)
        return prim.cuda_kernel(_device(), *args)

    op.__name__ = prim.rdunder if reflected else prim.dunder
    return op


# Python operators on device arrays (`x + y` in `gadd`'s impl) are the
# primitives' own CUDA facets.
for _p in PRIMITIVES:
    if _p.dunder and _p.cuda_kernel is not None:
        setattr(DeviceValue, _p.dunder, _operator(_p, False))
        if _p.rdunder and _p.rdunder.startswith("__r"):
            setattr(DeviceValue, _p.rdunder, _operator(_p, True))


class View(DeviceValue):
    """`buf[offset + sum(i_d * strides[d])]` for each index `i` of `shape`."""

    __slots__ = ("buf", "offset", "strides")

    def __init__(self, buf, offset, shape, strides, dtype):
        self.buf, self.offset = buf, offset
        self.shape, self.strides, self.dtype = tuple(shape), tuple(strides), np.dtype(dtype)

    @property
    def contiguous(self):
        return all(n == 1 or s == c for n, s, c in
                   zip(self.shape, self.strides, _c_strides(self.shape)))


class Lazy(DeviceValue):
    """`fn(*args)` elementwise, broadcast to `shape`; operands cast to `ctype`."""

    __slots__ = ("fn", "args", "ctype", "count", "value")

    def __init__(self, fn, args, shape, dtype, ctype=None):
        self.fn, self.args, self.ctype = fn, tuple(args), ctype
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.count = 1 + sum(a.count for a in args if isinstance(a, Lazy))
        self.value = None   # the View, once computed


def _device():
    from .cuda import device
    return device()
