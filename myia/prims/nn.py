"""Neural-network primitives: 2-D convolution and max pooling (NCHW layout).

`conv2d(x, w, stride=1, padding=0)` takes an input `x` of shape (N, C, H, W)
and weights `w` of shape (O, C, KH, KW) and gives (N, O, OH, OW), with
`OH = (H + 2 * padding - KH) // stride + 1`: a cross-correlation, as in
PyTorch.  `max_pool2d(x, size, stride=None)` takes the maximum of each
`size` x `size` window (stride defaults to `size`).  `stride`, `padding` and
`size` are ints or (height, width) pairs.

The backward passes are primitives too, each with its own backpropagator,
so that second order works: the input and weight gradients of a convolution
are each other's adjoints, and pooling's gradient (scatter to the arg-max)
and its adjoint (gather from the arg-max) likewise.
"""

import numpy as np

from .primitive import Primitive
from .rules import sampled
from .values import ZERO


def _pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _windows(shape, ksize, stride):
    """`(i, j, index)` for each kernel offset: `x[index]` is what it sees."""
    (kh, kw), (sh, sw) = ksize, stride
    oh, ow = (shape[2] - kh) // sh + 1, (shape[3] - kw) // sw + 1
    for i in range(kh):
        for j in range(kw):
            yield i, j, (slice(None), slice(None), slice(i, i + sh * oh, sh),
                         slice(j, j + sw * ow, sw))


def _pad(x, padding):
    ph, pw = _pair(padding)
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x


def _crop(x, padding):
    ph, pw = _pair(padding)
    return x[:, :, ph:x.shape[2] - ph, pw:x.shape[3] - pw]


def _conv2d(x, w, stride=1, padding=0):
    xp = _pad(np.asarray(x), padding)
    out = None
    for i, j, index in _windows(xp.shape, w.shape[2:], _pair(stride)):
        term = np.einsum("nchw,oc->nohw", xp[index], w[:, :, i, j])
        out = term if out is None else out + term
    return out


def _conv2d_input_grad(dout, w, xshape, stride, padding):
    """The sensitivity of conv2d's input `x` (of shape `xshape`) for `dout`."""
    ph, pw = _pair(padding)
    shape = (xshape[0], xshape[1], xshape[2] + 2 * ph, xshape[3] + 2 * pw)
    dx = np.zeros(shape, np.result_type(dout, w))
    for i, j, index in _windows(shape, w.shape[2:], _pair(stride)):
        dx[index] += np.einsum("nohw,oc->nchw", dout, w[:, :, i, j])
    return _crop(dx, padding)


def _conv2d_weight_grad(x, dout, wshape, stride, padding):
    """The sensitivity of conv2d's weights (of shape `wshape`) for `dout`."""
    xp = _pad(np.asarray(x), padding)
    dw = np.zeros(wshape, np.result_type(x, dout))
    for i, j, index in _windows(xp.shape, wshape[2:], _pair(stride)):
        dw[:, :, i, j] = np.einsum("nohw,nchw->oc", dout, xp[index])
    return dw


def _bprop_conv2d(x, w, stride, padding, out, dout):
    return (conv2d_input_grad(dout, w, np.shape(x), stride, padding),
            conv2d_weight_grad(x, dout, np.shape(w), stride, padding), ZERO, ZERO)


def _bprop_conv2d_input_grad(dout, w, xshape, stride, padding, out, ddx):
    return (conv2d(ddx, w, stride, padding),
            conv2d_weight_grad(ddx, dout, np.shape(w), stride, padding), ZERO, ZERO, ZERO)


def _bprop_conv2d_weight_grad(x, dout, wshape, stride, padding, out, ddw):
    return (conv2d_input_grad(dout, ddw, np.shape(x), stride, padding),
            conv2d(x, ddw, stride, padding), ZERO, ZERO, ZERO)


conv2d = Primitive("conv2d", _conv2d, infer=sampled, static=("stride", "padding"), bprop=_bprop_conv2d)
conv2d_input_grad = Primitive("conv2d_input_grad", _conv2d_input_grad, infer=sampled, static=("xshape", "stride", "padding"),
                              bprop=_bprop_conv2d_input_grad)
conv2d_weight_grad = Primitive("conv2d_weight_grad", _conv2d_weight_grad, infer=sampled, static=("wshape", "stride", "padding"),
                               bprop=_bprop_conv2d_weight_grad)


# CUDA facets (myia/vm/cuda_arrays.py): one thread per output element.
def _cuda_conv2d(dev, x, w, stride=1, padding=0):
    return dev.conv2d("conv2d", x, w, None, _pair(stride), _pair(padding))


def _cuda_conv2d_input_grad(dev, dout, w, xshape, stride, padding):
    return dev.conv2d("conv2d_input_grad", dout, w, tuple(xshape), _pair(stride),
                      _pair(padding))


def _cuda_conv2d_weight_grad(dev, x, dout, wshape, stride, padding):
    return dev.conv2d("conv2d_weight_grad", x, dout, tuple(wshape), _pair(stride),
                      _pair(padding))


conv2d.cuda_kernel = _cuda_conv2d
conv2d_input_grad.cuda_kernel = _cuda_conv2d_input_grad
conv2d_weight_grad.cuda_kernel = _cuda_conv2d_weight_grad


def _pool_args(size, stride):
    return _pair(size), _pair(size if stride is None else stride)


def _max_pool2d(x, size, stride=None):
    x = np.asarray(x)
    out = None
    for _, _, index in _windows(x.shape, *_pool_args(size, stride)):
        out = x[index] if out is None else np.maximum(out, x[index])
    return out.copy()


def _argmax_masks(x, out, size, stride):
    """`(index, mask)` per window offset: where `x[index]` is its window's max.

    Ties go to the first offset, so each window's gradient goes to one place.
    """
    taken = np.zeros(out.shape, bool)
    for _, _, index in _windows(x.shape, *_pool_args(size, stride)):
        mask = (x[index] == out) & ~taken
        taken |= mask
        yield index, mask


def _max_pool2d_grad(x, out, dout, size, stride):
    """The sensitivity of max_pool2d's input: `dout` sent to each window's max."""
    dx = np.zeros(np.shape(x), np.result_type(x, dout))
    for index, mask in _argmax_masks(x, out, size, stride):
        dx[index] += np.where(mask, dout, 0)
    return dx


def _max_pool2d_select(x, out, dx, size, stride):
    """The adjoint of `max_pool2d_grad`: `dx` read at each window's max."""
    d = np.zeros(np.shape(out), np.result_type(out, dx))
    for index, mask in _argmax_masks(x, out, size, stride):
        d += np.where(mask, dx[index], 0)
    return d


def _bprop_max_pool2d(x, size, stride, out, dout):
    return (max_pool2d_grad(x, out, dout, size, stride), ZERO, ZERO)


def _bprop_max_pool2d_grad(x, out, dout, size, stride, dx, ddx):
    return (ZERO, ZERO, max_pool2d_select(x, out, ddx, size, stride), ZERO, ZERO)


def _bprop_max_pool2d_select(x, out, dx, size, stride, d, dd):
    return (ZERO, ZERO, max_pool2d_grad(x, out, dd, size, stride), ZERO, ZERO)


max_pool2d = Primitive("max_pool2d", _max_pool2d, infer=sampled, static=("size", "stride"), bprop=_bprop_max_pool2d)
max_pool2d_grad = Primitive("max_pool2d_grad", _max_pool2d_grad, infer=sampled, static=("size", "stride"),
                            bprop=_bprop_max_pool2d_grad)
max_pool2d_select = Primitive("max_pool2d_select", _max_pool2d_select, infer=sampled, static=("size", "stride"),
                              bprop=_bprop_max_pool2d_select)


# CUDA facets (myia/vm/cuda_arrays.py): one thread per output element.
def _cuda_max_pool2d(dev, x, size, stride=None):
    return dev.pool(0, x, None, None, *_pool_args(size, stride))


def _cuda_max_pool2d_grad(dev, x, out, dout, size, stride):
    return dev.pool(1, x, out, dout, *_pool_args(size, stride))


def _cuda_max_pool2d_select(dev, x, out, dx, size, stride):
    return dev.pool(2, x, out, dx, *_pool_args(size, stride))


max_pool2d.cuda_kernel = _cuda_max_pool2d
max_pool2d_grad.cuda_kernel = _cuda_max_pool2d_grad
max_pool2d_select.cuda_kernel = _cuda_max_pool2d_select
