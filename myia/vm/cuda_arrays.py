"""The device operations CUDA facets call: `dev.elementwise`, `dev.reduce`, ...

Facets (`prim.cuda_kernel(dev, *args)`, beside each primitive) say WHAT a
primitive is on the GPU in terms of these operations; this module says how:
views where no data moves, a lazy tree for elementwise work (fused into one
kernel when needed), generated or written-out kernels (cuda_kernels.py) for
the rest.  Shapes, dtypes and errors follow numpy: the result dtype of an
elementwise primitive is its impl's on one-element probes, so weak Python
scalars (`float32_array * 2.0` stays float32) behave exactly as in numpy.
"""

import dataclasses

import numpy as np

from ..ir import Graph
from ..prims.values import JFunction
from .cuda_values import DeviceValue, Lazy, View, _c_strides, _same

MAX_FUSED = 32   # Lazy nodes per fused kernel before the inputs are computed


class Device:
    """The operations facets use: `dev.elementwise`, `dev.reduce`, `dev.matmul`..."""

    def __init__(self, cuda):
        from . import cuda_kernels
        self.cuda = cuda
        self.kernels = cuda_kernels
        self.counts = cuda_kernels.counts
        self.functions, self.origins = {}, {}

    # ----- functions met at run time ------------------------------------------

    def function(self, fn):
        """The device graph of a function only known at run time: a dataclass's
        method (`layer.apply`), or its forward version under grad (a `JFunction`)."""
        key = _function_key(fn)
        g = self.functions.get(key)
        if g is None:
            from ..grad import fprop_value
            from ..parse import parse
            from .cuda import on_device
            g = on_device(fprop_value(fn, None) if isinstance(fn, JFunction) else parse(fn),
                          self)
            self.functions[key] = g
            self.origins[g] = fn
        return g

    def origin(self, fn):
        """The function a graph made by `function` came from (else `fn` itself)."""
        return self.origins.get(fn, fn) if isinstance(fn, Graph) else fn

    # ----- values and transfers --------------------------------------------

    def is_array(self, x):
        """Whether `x` is an array (device or host), or a tuple holding one."""
        if isinstance(x, tuple):
            return any(self.is_array(a) for a in x)
        return isinstance(x, (DeviceValue, np.ndarray)) or self.is_device_array(x)

    def is_device_array(self, x):
        """Whether `x` is a numba device array (a user's, passed in)."""
        return self.cuda.devicearray.is_cuda_ndarray(x)

    def host(self, *args):
        """Whether no argument holds an array: the impl can run on the host."""
        return not any(self.is_array(a) for a in args)

    def value(self, x):
        """`x` as a device value (host arrays are copied), or the host scalar."""
        if isinstance(x, DeviceValue):
            return x
        if isinstance(x, np.ndarray):
            flat = np.ascontiguousarray(x).reshape(-1)
            self.counts["to_device"] += 1
            return View(self.cuda.to_device(flat), 0, x.shape, _c_strides(x.shape), x.dtype)
        if self.is_device_array(x):
            arr = x
            if not arr.is_c_contiguous():
                arr = self.cuda.to_device(arr.copy_to_host())
            return View(arr.reshape(arr.size), 0, arr.shape, _c_strides(arr.shape), arr.dtype)
        return x

    def empty(self, shape, dtype):
        shape = tuple(shape)
        buf = self.cuda.device_array(max(int(np.prod(shape)), 1), dtype)
        return View(buf, 0, shape, _c_strides(shape), dtype)

    def materialize(self, x):
        """A contiguous `View` holding the elements of `x`."""
        x = self.value(x)
        if isinstance(x, Lazy) and x.value is not None:
            return x.value
        if isinstance(x, View) and x.contiguous:
            return x
        if not isinstance(x, DeviceValue):
            x = Lazy(_same, (x,), (), np.asarray(x).dtype)
        out = self.empty(x.shape, x.dtype)
        self.kernels.fill(out, x)
        if isinstance(x, Lazy):
            x.value = out
        return out

    def flat(self, x, dtype=None):
        """The contiguous device buffer of `x` (cast to `dtype`), offset 0."""
        x = self.value(x)
        if dtype is not None and x.dtype != dtype:
            x = Lazy(_same, (x,), x.shape, dtype)
        v = self.materialize(x)
        return v.buf[v.offset:v.offset + v.size] if v.offset else v.buf

    def to_host(self, x, keep):
        """Device values in `x` as numpy arrays (or device arrays if `keep`)."""
        if isinstance(x, tuple):
            return tuple(self.to_host(a, keep) for a in x)
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            return dataclasses.replace(x, **{f.name: self.to_host(getattr(x, f.name), keep)
                                            for f in dataclasses.fields(x)})
        if keep and isinstance(x, np.ndarray):
            x = self.value(x)
        if not isinstance(x, DeviceValue):
            return x
        buf = self.flat(x)[:max(x.size, 1)]
        if keep:
            return buf.reshape(x.shape) if x.size else buf[:0].reshape(x.shape)
        self.counts["to_host"] += 1
        return buf.copy_to_host()[:x.size].reshape(x.shape)

    def scalar(self, x):
        """The one element of device value `x`, as a numpy scalar on the host."""
        return self.to_host(x, False).reshape(-1)[0]

    # ----- elementwise: fused lazily ----------------------------------------

    def elementwise(self, prim, args, scalar=None):
        """`prim(*args)` as a `Lazy` node computing `scalar` (default: the impl)."""
        if self.host(*args):
            return prim.impl(*args)
        args = [self.value(a) for a in args]
        shape = np.broadcast_shapes(*[np.shape(a) if not isinstance(a, DeviceValue)
                                      else a.shape for a in args])
        probes = [np.ones(1, a.dtype) if isinstance(a, DeviceValue) else a for a in args]
        with np.errstate(all="ignore"):
            dtype = np.asarray(prim.impl(*probes)).dtype
            ctype = np.result_type(*[a.dtype if isinstance(a, DeviceValue) else a
                                     for a in args])
        if sum(a.count for a in args if isinstance(a, Lazy)) >= MAX_FUSED:
            args = [self.materialize(a) if isinstance(a, Lazy) else a for a in args]
        return Lazy(scalar or prim.impl, args, shape, dtype, ctype)

    def astype(self, x, dtype):
        x = self.value(x)
        if not isinstance(x, DeviceValue):
            return self.full((), x, dtype)
        return x if x.dtype == dtype else Lazy(_same, (x,), x.shape, dtype)

    def full(self, shape, value, dtype=None):
        shape = (shape,) if np.ndim(shape) == 0 else tuple(shape)
        dtype = np.full((), value, dtype).dtype
        return Lazy(_same, (dtype.type(value),), shape, dtype)

    # ----- reductions -------------------------------------------------------

    def reduce(self, x, op, axis=None, keepdims=False, impl=None):
        """`op` ("sum", "mean", "max", "min") over `axis`, one shared-memory tree per
        output element; `impl` (the primitive's) gives numpy's result dtype."""
        x = self.value(x)
        axes = tuple(range(x.ndim)) if axis is None else tuple(sorted(
            np.lib.array_utils.normalize_axis_tuple(axis, x.ndim)))
        dtype = impl(np.ones((1,) * x.ndim, x.dtype), axis, keepdims).dtype
        count = int(np.prod([x.shape[d] for d in axes]))
        if count == 0 and op in ("max", "min"):
            raise ValueError(f"zero-size array to reduction operation {op}imum which has "
                             "no identity")
        kept = tuple(n for d, n in enumerate(x.shape) if d not in axes)
        out = self.empty(kept, dtype)
        self.kernels.reduce(out, x, axes, "sum" if op == "mean" else op,
                            count if op == "mean" else None)
        if keepdims:
            return self.reshape(out, tuple(1 if d in axes else n
                                           for d, n in enumerate(x.shape)))
        return self.scalar(out) if not kept else out

    # ----- views ------------------------------------------------------------

    def reshape(self, x, shape):
        x = self.value(x)
        if not isinstance(x, DeviceValue):
            return self.full(np.reshape(x, shape).shape, x) if np.size(shape) else x
        shape = np.broadcast_to(np.empty((), np.uint8), x.shape).reshape(shape).shape
        v = x if isinstance(x, View) and x.contiguous else self.materialize(x)
        return View(v.buf, v.offset, shape, _c_strides(shape), v.dtype)

    def transpose(self, x, axes=None):
        x = self.value(x)
        axes = tuple(reversed(range(x.ndim))) if axes is None else \
            np.lib.array_utils.normalize_axis_tuple(axes, x.ndim)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError("axes don't match array")
        v = x if isinstance(x, View) else self.materialize(x)
        return View(v.buf, v.offset, [v.shape[a] for a in axes],
                    [v.strides[a] for a in axes], v.dtype)

    def broadcast_to(self, x, shape):
        x = self.value(x)
        shape = tuple(shape) if np.ndim(shape) else (int(shape),)
        np.broadcast_to(np.empty(np.shape(x) if not isinstance(x, DeviceValue)
                                 else x.shape, np.uint8), shape)  # numpy's check
        if not isinstance(x, View):
            return Lazy(_same, (x,), shape, np.asarray(x).dtype
                        if not isinstance(x, DeviceValue) else x.dtype)
        lead = len(shape) - x.ndim
        strides = [0] * lead + [0 if n == 1 and m != 1 else s for n, m, s in
                                zip(x.shape, shape[lead:], x.strides)]
        return View(x.buf, x.offset, shape, strides, x.dtype)

    def getitem(self, x, index):
        """Basic indexing (ints, slices, None, ...) as a view; a 0-d result is a scalar."""
        out = self.view(x, index)
        return self.scalar(out) if not out.shape else out

    def view(self, x, index):
        """The `View` of `x[index]` for a basic index (0-d for a single element)."""
        v = self.value(x)
        v = v if isinstance(v, View) else self.materialize(v)
        index = index if isinstance(index, tuple) else (index,)
        if any(i is Ellipsis for i in index):
            k = index.index(Ellipsis)
            fill = v.ndim - (len(index) - 1 - sum(i is None for i in index))
            index = index[:k] + (slice(None),) * fill + index[k + 1:]
        shape, strides, offset, d = [], [], v.offset, 0
        for i in index:
            if i is None:
                shape.append(1)
                strides.append(0)
                continue
            if d >= v.ndim:
                raise IndexError(f"too many indices for array: array is {v.ndim}-dimensional")
            n, s = v.shape[d], v.strides[d]
            if isinstance(i, slice):
                start, stop, step = i.indices(n)
                shape.append(len(range(start, stop, step)))
                strides.append(s * step)
                offset += start * s
            elif isinstance(i, (int, np.integer)) and not isinstance(i, bool):
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for axis {d} with size {n}")
                offset += (i % n) * s
            else:
                raise TypeError(f"indexing with {type(i).__name__} is not supported on "
                                "device='cuda' (only ints, slices, None and ...)")
            d += 1
        shape += v.shape[d:]
        strides += v.strides[d:]
        return View(v.buf, offset, shape, strides, v.dtype)

    def setitem_new(self, shape, dtype, index, value):
        """A new array of zeros of `shape` with `value` written at `index`."""
        z = self.materialize(self.full(shape, 0, dtype))
        self.kernels.fill(self.view(z, index), self.value(value))
        return z

    def concatenate(self, xs, axis=0):
        xs = [self.value(x) for x in xs]
        if not xs or any(not isinstance(x, DeviceValue) or not x.ndim for x in xs):
            raise ValueError("zero-dimensional arrays cannot be concatenated")
        axis = np.lib.array_utils.normalize_axis_tuple(axis, xs[0].ndim)[0]
        for x in xs:
            if x.ndim != xs[0].ndim or any(a != b for d, (a, b) in
                                           enumerate(zip(x.shape, xs[0].shape)) if d != axis):
                raise ValueError("all the input array dimensions except for the "
                                 "concatenation axis must match exactly")
        shape = list(xs[0].shape)
        shape[axis] = sum(x.shape[axis] for x in xs)
        out = self.empty(shape, np.result_type(*[x.dtype for x in xs]))
        start = 0
        for x in xs:
            n = x.shape[axis]
            dest = self.view(out, (slice(None),) * axis + (slice(start, start + n),))
            self.kernels.fill(dest, x)
            start += n
        return out

    def split(self, x, sections, axis=0):
        x = self.value(x)
        axis = np.lib.array_utils.normalize_axis_tuple(axis, x.ndim)[0]
        n = x.shape[axis]
        if np.ndim(sections) == 0:
            if n % sections:
                raise ValueError("array split does not result in an equal division")
            bounds = [i * (n // sections) for i in range(sections + 1)]
        else:
            bounds = [0, *sections, n]
        return tuple(self.getitem(x, (slice(None),) * axis + (slice(a, b),))
                     for a, b in zip(bounds, bounds[1:]))

    # ----- matmul, convolution, pooling ---------------------------------------

    def matmul(self, x, y):
        """numpy's matmul (1-D promotion, broadcast batches) by a tiled kernel."""
        x, y = self.value(x), self.value(y)
        if np.ndim(x) == 0 or np.ndim(y) == 0:
            raise ValueError("matmul: Input operand does not have enough dimensions")
        xs = x.shape if x.ndim > 1 else (1,) + x.shape
        ys = y.shape if y.ndim > 1 else y.shape + (1,)
        if xs[-1] != ys[-2]:
            raise ValueError(f"matmul: mismatch in core dimension: shapes {x.shape} and "
                             f"{y.shape} cannot be multiplied (size {xs[-1]} is different "
                             f"from {ys[-2]})")
        batch = np.broadcast_shapes(xs[:-2], ys[:-2])
        dtype = np.result_type(x.dtype, y.dtype)
        m, k, n = xs[-2], xs[-1], ys[-1]
        a = self.flat(self.broadcast_to(self.reshape(x, xs), batch + xs[-2:]), dtype)
        b = self.flat(self.broadcast_to(self.reshape(y, ys), batch + ys[-2:]), dtype)
        out = self.empty(batch + (m, n), dtype)
        self.kernels.matmul(out.buf, a, b, int(np.prod(batch)), m, n, k)
        shape = batch + ((m,) if x.ndim > 1 else ()) + ((n,) if y.ndim > 1 else ())
        return self.scalar(out) if not shape else self.reshape(out, shape)

    def conv2d(self, name, a, b, shape, stride, padding):
        """`conv2d` (a=x, b=w), `conv2d_input_grad` (a=dout, b=w, shape of x) or
        `conv2d_weight_grad` (a=x, b=dout, shape of w): one thread per output."""
        a, b = self.value(a), self.value(b)
        if a.ndim != 4 or b.ndim != 4:
            raise ValueError(f"{name} needs 4-dimensional (NCHW) arrays, got shapes "
                             f"{a.shape} and {b.shape}")
        (sh, sw), (ph, pw) = stride, padding
        dtype = np.result_type(a.dtype, b.dtype)
        if name == "conv2d":
            (n, c, h, w), (o, c2, kh, kw) = a.shape, b.shape
            oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
            shape = (n, o, oh, ow)
        elif name == "conv2d_input_grad":
            (n, c, h, w), (o, c2, kh, kw), (oh, ow) = shape, b.shape, a.shape[2:]
        else:
            (n, c, h, w), (o, c2, kh, kw), (oh, ow) = a.shape, shape, b.shape[2:]
        if c != c2:
            raise ValueError(f"{name}: shape mismatch, {c} input channels but the "
                             f"weights have {c2}")
        out = self.empty(shape, dtype)
        self.kernels.launch(name, out.size, out.buf, self.flat(a, dtype),
                            self.flat(b, dtype), dtype.type(0), n, c, h, w, o, kh, kw, oh, ow,
                            sh, sw, ph, pw)
        return out

    def pool(self, mode, x, out, d, size, stride):
        """Max pooling (mode 0), its gradient (1: `d` to each window's first max)
        or that gradient's adjoint (2: `d` read there); one thread per window."""
        x = self.value(x)
        if x.ndim != 4:
            raise ValueError(f"max_pool2d needs a 4-dimensional (NCHW) array, got "
                             f"shape {x.shape}")
        (kh, kw), (sh, sw) = size, stride
        n, c, h, w = x.shape
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
        if mode == 0:
            res, out, d = self.empty((n, c, oh, ow), x.dtype), x, x
        elif mode == 1:
            dtype = np.result_type(x.dtype, self.value(d).dtype)
            res = self.materialize(self.full(x.shape, 0, dtype))
        else:
            dtype = np.result_type(self.value(out).dtype, self.value(d).dtype)
            res = self.empty((n, c, oh, ow), dtype)
        self.kernels.launch("pool", n * c * oh * ow, mode, res.buf, self.flat(x),
                            self.flat(out), self.flat(d, res.dtype), n * c, h, w,
                            kh, kw, oh, ow, sh, sw)
        return res


def _function_key(fn):
    return ("J", _function_key(fn.fn)) if isinstance(fn, JFunction) else fn

