"""`device="cuda"` end to end: gradients equal the CPU's, arrays stay on the device.

The functions below run through the whole pipeline (parse, grad, production
VM) with their array primitives as CUDA kernels (in the simulator here), and
are compared with the debug VM on the CPU.  The device's counters (kernel
launches and transfers by kind) show where arrays live: copied in once,
copied out once, whatever the loop in between does.
"""

import dataclasses
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import myia
from myia.vm import cuda

from .conftest import REAL_GPU


def mlp_loss(x, t, w1, b1, w2, b2):
    h = np.tanh(x @ w1 + b1)
    y = h @ w2 + b2
    return np.mean((y - t) ** 2)


def rnn_loss(xs, h0, wx, wh, b, wo):
    h = h0
    for i in range(xs.shape[0]):
        h = np.tanh(xs[i] @ wx + h @ wh + b)
    return np.sum((h @ wo) ** 2)


def mlp_args(rng, dtype, batch=4):
    shapes = [(batch, 3), (batch, 2), (3, 5), (5,), (5, 2), (2,)]
    return tuple(rng.normal(size=s).astype(dtype) for s in shapes)


def rnn_args(rng, dtype, steps=3, batch=2):
    shapes = [(steps, batch, 3), (batch, 4), (3, 4), (4, 4), (4,), (4, 2)]
    return tuple((0.5 * rng.normal(size=s)).astype(dtype) for s in shapes)


def assert_same_grads(got, want, rtol):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert isinstance(g, np.ndarray) and g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("loss, make", [(mlp_loss, mlp_args), (rnn_loss, rnn_args)],
                         ids=["mlp", "rnn"])
def test_gradient_equals_cpu(loss, make, dtype, rtol):
    args = make(np.random.default_rng(0), dtype)
    argnums = tuple(range(2, 6))
    value, grads = myia.value_and_grad(myia.myia(loss, device="cuda"), argnums)(*args)
    want_value, want = myia.value_and_grad(loss, argnums)(*args)
    assert np.asarray(value).dtype == np.asarray(want_value).dtype
    np.testing.assert_allclose(value, want_value, rtol=rtol)
    assert_same_grads(grads, want, rtol)


@dataclasses.dataclass
class Linear:
    w: np.ndarray
    b: np.ndarray

    def apply(self, x):
        return np.tanh(self.w @ x + self.b)


def layer_loss(layer, x):
    return np.sum(layer.apply(x) ** 2)


def test_gradient_through_a_dataclass_method():
    rng = np.random.default_rng(4)
    layer, x = Linear(rng.normal(size=(2, 3)), rng.normal(size=(2,))), rng.normal(size=(3,))
    got = myia.grad(myia.myia(layer_loss, device="cuda"))(layer, x)
    want = myia.grad(layer_loss)(layer, x)
    assert type(got) is Linear
    np.testing.assert_allclose(got.w, want.w, rtol=1e-12)
    np.testing.assert_allclose(got.b, want.b, rtol=1e-12)


def grad_norm(x, w):
    gx = myia.grad(mlp_loss, 2)(x, x[:, :2], w, w[0], w[:, :2], w[:2, 0])
    return np.sum(gx * gx)


def test_second_order_gradient_equals_cpu():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    got = myia.grad(myia.myia(grad_norm, device="cuda"), (0, 1))(x, w)
    assert_same_grads(got, myia.grad(grad_norm, (0, 1))(x, w), 1e-11)


def host_only(x):
    return math.exp(x)


def test_a_host_function_given_a_device_array_is_a_clear_error():
    with pytest.raises(myia.MyiaTypeError) as info:
        myia.myia(host_only, device="cuda")(np.ones(3))
    assert info.value.location.file == __file__


def loop(x, w, n):
    i = 0
    while i < n:
        x = np.tanh(x @ w)
        i = i + 1
    return x


def test_arrays_stay_on_the_device_across_loop_iterations(dev):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    got = myia.myia(loop, device="cuda")(x, w, 5)
    np.testing.assert_allclose(got, loop(x, w, 5), rtol=1e-12)
    # x and w copied in once, the result out once; one matmul per iteration,
    # whose input (the previous tanh) is computed by one fused kernel.
    assert dev.counts["to_device"] == 2 and dev.counts["to_host"] == 1
    assert dev.counts["matmul"] == 5 and dev.counts["fill"] == 5


def fused(x, y):
    return np.sum(np.tanh(x * 2.0 + 1.0) * y - x, axis=1)


def test_elementwise_chain_is_one_kernel_with_its_reduction(dev):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(4,))
    got = myia.myia(fused, device="cuda")(x, y)
    np.testing.assert_allclose(got, fused(x, y), rtol=1e-12)
    assert dev.counts["reduce"] == 1 and dev.counts["fill"] == 0


def branch(x):
    if np.sum(x) > 0:
        return x * 2.0, np.max(x)
    return -x, np.min(x)


def test_control_flow_on_device_results_runs_on_the_host():
    f = myia.myia(branch, device="cuda")
    for x in (np.array([1.0, 2.0, -0.5]), np.array([-1.0, 0.25])):
        got, want = f(x), branch(x)
        assert np.array_equal(got[0], want[0]) and got[1] == want[1]
        assert type(got[1]) is type(want[1])   # a numpy scalar, as numpy gives


def scale(x, w):
    return x @ w * 0.5


def test_device_arrays_in_and_out(dev):
    from numba import cuda as ncuda
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    f = myia.myia(scale, device="cuda", device_arrays=True)
    y = f(x, w)
    assert ncuda.devicearray.is_cuda_ndarray(y) and y.shape == (2, 3)
    # Passing device arrays in gives device arrays out, for chained calls.
    g = myia.myia(scale, device="cuda")
    dw = ncuda.to_device(w)
    z = g(y, dw)
    assert ncuda.devicearray.is_cuda_ndarray(z)
    np.testing.assert_allclose(z.copy_to_host(), scale(scale(x, w), w), rtol=1e-12)
    assert isinstance(g(x, w), np.ndarray)


def bad_matmul(x, y):
    return np.tanh(x @ y)


def test_errors_are_located_in_the_users_code():
    f = myia.myia(bad_matmul, device="cuda")
    with pytest.raises(myia.MyiaShapeError) as info:
        f(np.ones((2, 3)), np.ones((2, 3)))
    assert info.value.location.file == __file__
    assert "return np.tanh(x @ y)" in str(info.value)


def test_unknown_device_raises_when_the_decorator_is_applied():
    with pytest.raises(myia.MyiaError, match="unknown device 'tpu'; the devices are 'cpu', 'cuda'"):
        myia.myia(scale, device="tpu")
    with pytest.raises(myia.MyiaError, match="backend='vm'"):
        myia.myia(scale, device="cuda", backend="debug")


@pytest.mark.skipif(REAL_GPU, reason="there is a CUDA device on this machine")
def test_no_device_and_no_simulator_is_a_clear_error(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import numpy as np\nimport myia\n\n\ndef f(x):\n    return x * 2.0\n\n\n"
                      "try:\n    myia.myia(f, device='cuda')(np.ones(2))\n"
                      "except myia.MyiaError as e:\n    print('MyiaError:', e)\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.dirname(cuda.__file__)))
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                         text=True, timeout=120).stdout
    assert "MyiaError: device='cuda': no CUDA device was found" in out
    assert "NUMBA_ENABLE_CUDASIM=1" in out


def convnet_loss(x, w, v):
    h = np.tanh(myia.nn.conv2d(x, w, 1, 1))
    p = myia.nn.max_pool2d(h, 2)
    return np.sum(p * v)


def test_convnet_gradient_equals_cpu():
    rng = np.random.default_rng(6)
    x, w, v = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(2, 2, 3, 3)), \
        rng.normal(size=(1, 2, 2, 2))
    got = myia.grad(myia.myia(convnet_loss, device="cuda"), (0, 1))(x, w, v)
    assert_same_grads(got, myia.grad(convnet_loss, (0, 1))(x, w, v), 1e-12)
