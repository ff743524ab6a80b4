"""The CUDA device: array primitives as numba.cuda kernels, arrays kept on the GPU.

`compile(graph)` gives a callable that copies array arguments to the device
once, runs the graph on the production VM with every primitive that has a
CUDA facet (`prim.cuda_kernel(dev, *args)`, defined beside the primitive)
replaced by it, and copies the results back as numpy arrays.  Scalars,
tuples, closures and control flow stay on the host, in the VM, so a loop
keeps its arrays on the device from one iteration to the next.

Device values (cuda_values.py) are strided views of device buffers and lazy
elementwise trees: elementwise chains are fused at run time into one kernel
(cuda_kernels.py) when a matmul, a reduction or the return needs them, with
no type inference needed.  The operations the facets call are a `Device`
(cuda_arrays.py).

The substitution happens on a copy of the graphs (`on_device`), so the
production VM itself knows nothing of devices: for `x * 2.0` the copy calls
`P.mul` whose impl is `mul.cuda_kernel` bound to the device.
"""

import copy
import dataclasses
import functools

from ..errors import MyiaError
from ..ir import Apply, Constant, Graph, Parameter
from ..ir.nodes import DebugInfo
from ..ir.traverse import Manager
from ..prims import Primitive
from . import production

DEVICES = ("cpu", "cuda")


def check_device(name):
    """Raise a `MyiaError` for a device name Myia does not know."""
    if name not in DEVICES:
        raise MyiaError(f"unknown device {name!r}; the devices are "
                        f"{', '.join(map(repr, DEVICES))}")


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
        from .cuda_arrays import Device
        DEVICE = Device(cuda)
    return DEVICE


_prims = {}
_graphs = {}


def _on_device_prim(prim, dev):
    p = _prims.get(prim)
    if p is None:
        p = copy.copy(prim)
        p.impl = functools.partial(prim.cuda_kernel, dev)
        _prims[prim] = p
    return p


def on_device(graph, dev):
    """A copy of `graph` (and every graph it reaches) calling CUDA facets."""
    if graph in _graphs:
        return _graphs[graph]
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
    _graphs[graph] = gmap[graph]
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
