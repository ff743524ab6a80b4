"""The CUDA device: array primitives as numba.cuda kernels, arrays kept on the GPU.

`compile(graph)` gives a callable that copies array arguments to the device
once, runs the graph on the production VM with every primitive that has a
CUDA facet (`prim.cuda_kernel(dev, *args)`, defined beside the primitive)
replaced by it, and copies the results back as numpy arrays.  Scalars,
tuples, closures and control flow stay on the host, in the VM, so a loop
keeps its arrays on the device from one iteration to the next.

Device values come in two kinds:

* `View`: a strided window (offset, shape, strides in elements) on a flat
  device buffer.  `transpose`, `reshape`, `broadcast_to`, basic indexing and
  `split` make views without running a kernel.
* `Lazy`: an elementwise primitive applied to device values and host
  scalars, not computed yet.  `tanh(x @ w + b)` is `Lazy(tanh, [Lazy(add,
  [View, View])])`; the first primitive that needs its elements (a matmul, a
  reduction, the return to the host) runs the whole tree as ONE generated
  kernel (cuda_kernels.py): elementwise chains are fused at run time, with no
  type inference needed, and a reduction reads its fused input directly.

The substitution happens on a copy of the graphs (`on_device`), so the
production VM itself knows nothing of devices: for `x * 2.0` the copy calls
`P.mul` whose impl is `mul.cuda_kernel` bound to the device.
"""

import copy
import dataclasses
import functools

import numpy as np

from ..errors import MyiaError
from ..ir import Apply, Constant, Graph, Parameter
from ..ir.nodes import DebugInfo
from ..ir.traverse import Manager
from ..prims import PRIMITIVES, Primitive
from . import production

DEVICES = ("cpu", "cuda")
MAX_FUSED = 32   # Lazy nodes per fused kernel before the inputs are computed


def check_device(name):
    """Raise a `MyiaError` for a device name Myia does not know."""
    if name not in DEVICES:
        raise MyiaError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")


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
        return bool(DEVICE.to_host(self, False))

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
        return prim.cuda_kernel(DEVICE, *args)

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


class Device:
    """The operations facets use: `dev.elementwise`, `dev.reduce`, `dev.matmul`..."""

    def __init__(self, cuda):
        from . import cuda_kernels
        self.cuda = cuda
        self.kernels = cuda_kernels
        self.counts = cuda_kernels.counts

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
        out = View(v.buf, offset, shape, strides, v.dtype)
        return self.scalar(out) if not shape else out

    def setitem_new(self, shape, dtype, index, value):
        """A new array of zeros of `shape` with `value` written at `index`."""
        z = self.materialize(self.full(shape, 0, dtype))
        dest = self.getitem(z, index)
        if isinstance(dest, View):
            self.kernels.fill(dest, self.value(value))
        else:  # a single element
            self.kernels.fill(View(z.buf, _offset(z, index), (), (), dtype),
                              self.value(value))
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
            dest = self.getitem(out, (slice(None),) * axis + (slice(start, start + n),))
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


def _offset(v, index):
    index = index if isinstance(index, tuple) else (index,)
    return v.offset + sum((i % n) * s for i, n, s in zip(index, v.shape, v.strides))


# ----- the device and the graphs it runs ---------------------------------------

DEVICE = None


def device():
    """The CUDA device, or a `MyiaError` saying why there is none."""
    global DEVICE
    if DEVICE is None:
        try:
            from numba import cuda
        except ImportError as e:  # pragma: no cover (numba-cuda is a requirement)
            raise MyiaError(f"device='cuda' needs numba-cuda: {e}") from None
        if not cuda.is_available():
            raise MyiaError(
                "device='cuda': no CUDA device was found (numba.cuda.is_available() is "
                "False). To run CUDA code without a GPU, use numba-cuda's simulator: set "
                "NUMBA_ENABLE_CUDASIM=1 in the environment before Python starts (slow; "
                "for tests). Or use device='cpu'.")
        DEVICE = Device(cuda)
    return DEVICE


_moved = {}


def _on_device_prim(prim, dev):
    p = _moved.get(prim)
    if p is None:
        p = copy.copy(prim)
        p.impl = functools.partial(prim.cuda_kernel, dev)
        _moved[prim] = p
    return p


def on_device(graph, dev):
    """A copy of `graph` (and every graph it reaches) calling CUDA facets."""
    if graph in _moved:
        return _moved[graph]
    mng = Manager(graph)
    gmap, nmap = {}, {}

    def debug(n):
        d = n.debug
        return DebugInfo(d.name, d.loc, n, d.role)

    for g in mng.graphs:
        ng = gmap[g] = Graph(debug(g))
        ng.flags, ng.kwonly = set(g.flags), set(g.kwonly)
        for p in g.parameters:
            nmap[p] = Parameter(ng, debug(p))
            ng.parameters.append(nmap[p])

    def remap(n):
        if n in nmap:
            return nmap[n]
        if isinstance(n, Constant):
            v = n.value
            if isinstance(v, Graph) and v in gmap:
                v = gmap[v]
            elif isinstance(v, Primitive) and v.cuda_kernel is not None:
                v = _on_device_prim(v, dev)
            else:
                return n
            nmap[n] = Constant(v, debug(n))
            return nmap[n]
        return n

    pending = []
    for g in mng.graphs:
        for n in mng.nodes[g]:
            nmap[n] = Apply(gmap[g], list(n.inputs), debug(n))
            pending.append(nmap[n])
    for a in pending:
        a.inputs = [remap(i) for i in a.inputs]
    for g in mng.graphs:
        gmap[g].output = remap(g.output)
        gmap[g].defaults = {k: remap(v) for k, v in g.defaults.items()}
    _moved[graph] = gmap[graph]
    return gmap[graph]


def compile(graph, device_arrays=False):
    """A callable running `graph` with its array primitives on the GPU.

    Array arguments are copied to the device once; results come back as
    numpy arrays, or as numba device arrays with `device_arrays=True` or when
    an argument already was one.
    """
    dev = device()
    run = production.compile(on_device(graph, dev))

    def run_on_device(*args):
        keep = device_arrays or any(dev.is_device_array(a) for a in args)
        return dev.to_host(run(*[_inputs(dev, a) for a in args]), keep)

    return run_on_device


def _inputs(dev, x):
    if isinstance(x, tuple):
        return tuple(_inputs(dev, a) for a in x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return dataclasses.replace(x, **{f.name: _inputs(dev, getattr(x, f.name))
                                        for f in dataclasses.fields(x)})
    return dev.value(x) if dev.is_array(x) else x
