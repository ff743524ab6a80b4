"""numpy arrays: every numpy function SPEC lists, indexing, dtypes, matmul."""

import numpy as np

A = np.arange(6.0).reshape(2, 3) - 2.5
B = np.arange(12.0).reshape(3, 4) / 7
V = np.array([0.5, -1.5, 2.0])
F32 = np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(3)
I64 = np.arange(6, dtype=np.int64).reshape(2, 3) - 2
I32 = np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32)
BOOL = np.array([[True, False, True], [False, False, True]])


def elementwise_math(x):
    return np.exp(x), np.sin(x), np.cos(x), np.tanh(x), np.abs(x)


def log_sqrt(x):
    return np.log(np.abs(x) + 1.0), np.sqrt(x * x + 1.0)


def array_arith(x, y):
    return x + y, x - y, x * y, x / (y * y + 1.0), -x, x ** 2


def broadcasting(x, v):
    return x + v, x * v[None], x - 1, 2.0 * x


def sum_variants(x):
    return (np.sum(x), np.sum(x, axis=0), np.sum(x, axis=1), np.sum(x, axis=-1),
            np.sum(x, axis=0, keepdims=True), np.sum(x, axis=(0, 1)),
            np.sum(x, keepdims=True))


def mean_variants(x):
    return (np.mean(x), np.mean(x, axis=0), np.mean(x, axis=1, keepdims=True),
            np.mean(x, keepdims=True))


def max_min_variants(x):
    return (np.max(x), np.min(x), np.max(x, axis=0), np.min(x, axis=1),
            np.max(x, axis=1, keepdims=True), np.min(x, axis=0, keepdims=True))


def dot_matmul(x, y):
    return np.dot(x, y), np.matmul(x, y), x @ y


def dot_vectors(v):
    return np.dot(v, v), v @ v


def matvec(x, v):
    return x @ v, np.dot(x, v)


def maximum_minimum(x, y):
    return np.maximum(x, y), np.minimum(x, y), np.maximum(x, 0.0), np.minimum(1, x)


def relu(x):
    return np.maximum(x, 0.0)


def where_fn(x):
    return np.where(x > 0, x, 0.0), np.where(x > 0, 1, -1)


def transpose_fns(x):
    return np.transpose(x), x.T, np.transpose(x, (1, 0))


def reshape_fns(x):
    return np.reshape(x, (3, 2)), np.reshape(x, (-1,)), np.reshape(x, (1, 6))


def concatenate_fn(x, y):
    return np.concatenate((x, y)), np.concatenate((x, y), axis=1)


def split_fn(x):
    a, b = np.split(x, 2)
    c, d, e = np.split(x, 3, axis=1)
    return a, b, c, d, e


def creation(n):
    return (np.zeros(n), np.ones((n, 2)), np.full((2, n), 7.5), np.arange(n),
            np.arange(1, n), np.arange(0.0, 1.0, 0.25))


def creation_dtype(n):
    return np.zeros((n,), dtype=np.int64), np.ones(n, np.float32), np.full(n, 3)


def like_fns(x):
    return np.zeros_like(x), np.ones_like(x)


def shape_attr(x):
    return x.shape, x.shape[0], len(x), x.T.shape


def index_int(x, i):
    return x[i], x[0], x[-1]


def index_2d(x, i, j):
    return x[i, j], x[1, 2], x[i][j]


def slice_rows(x):
    return x[0:1], x[1:], x[:-1], x[::-1]


def slice_cols(x):
    return x[:, 1], x[:, 1:], x[:, ::2], x[1, :]


def slice_runtime(x, a, b):
    return x[a:b]


def float32_promotion(x):
    return x * 2.5, x + 1, x / 3, x * np.float32(2.0)


def float32_reductions(x):
    return np.sum(x), np.mean(x, axis=0), np.max(x), np.exp(x)


def float32_int_mix(x, y):
    return x + y


def int_arrays(x):
    return x + 1, x * x, x // 2, x % 3, x / 2, np.sum(x), -x, np.abs(x)


def int32_arrays(x):
    return x + x, x * np.int32(2), np.sum(x, axis=0), np.max(x)


def int_bitwise_arrays(x):
    return x & 3, x | 8, x ^ x, ~x, x << 1, x >> 1


def bool_arrays(b):
    return b & ~b, b | b, np.sum(b), np.where(b, 1.0, -1.0), b ^ True


def comparisons(x, y):
    return x < y, x >= y, x == x, x != y


def mask_arith(x):
    m = x > 0
    return x * m, np.sum(m)


def array_scalar_result(x):
    return np.sum(x * x) / len(x)


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def logsumexp(v):
    m = np.max(v)
    return m + np.log(np.sum(np.exp(v - m)))


def layer(w, x, b):
    return np.tanh(w @ x + b)


def mlp(w1, w2, x):
    h = np.maximum(w1 @ x, 0.0)
    return np.sum(w2 @ h)


def mse(pred, target):
    d = pred - target
    return np.mean(d * d)


def normalize(x):
    mu = np.mean(x, axis=0, keepdims=True)
    sd = np.sqrt(np.mean((x - mu) ** 2, axis=0, keepdims=True) + 1e-5)
    return (x - mu) / sd


def outer(u, v):
    return np.reshape(u, (-1, 1)) * np.reshape(v, (1, -1))


def array_loop_accumulate(x, n):
    y = x
    for _ in range(n):
        y = y @ x
    return y


def sum_of_rows_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + np.sum(x[i])
    return s


def trace(x):
    t = 0.0
    for i in range(min(x.shape[0], x.shape[1])):
        t = t + x[i, i]
    return t


def array_in_tuple(x):
    t = (x, x * 2)
    a, b = t
    return b - a


def scalar_array_item(x):
    return float(x[0, 0]) + 1, int(x[1, 1])


def array_truth_scalar(x):
    if np.sum(x) > 0:
        return x
    return -x


def power_fns(x):
    return (x * x) ** 0.5, np.abs(x) ** 1.5, 2.0 ** x


def sign_floor_ceil(x):
    return np.sign(x), np.floor(x), np.ceil(x)


def more_math(x):
    return np.tan(x), np.sinh(x), np.cosh(x), np.arctan(x), np.log1p(np.abs(x)), np.expm1(x)


def arange_float(n):
    return np.arange(n) * 0.5, np.arange(0, n, 2)


def np_scalar_casts(x):
    return np.float32(x), np.float64(x), np.int64(x), np.float32(x) * 2.0


def float32_mixed_with_f64_array(x, y):
    return x + y


CASES = [
    (elementwise_math, (A,)), (elementwise_math, (F32,)), (elementwise_math, (0.5,)),
    (log_sqrt, (A,)), (log_sqrt, (F32,)),
    (array_arith, (A, A * 0.5)), (array_arith, (F32, F32)),
    (array_arith, (I64, I64)),
    (broadcasting, (A, V)), (broadcasting, (F32, V.astype(np.float32))),
    (sum_variants, (A,)), (sum_variants, (F32,)), (sum_variants, (I64,)),
    (sum_variants, (BOOL,)),
    (mean_variants, (A,)), (mean_variants, (F32,)), (mean_variants, (I32,)),
    (max_min_variants, (A,)), (max_min_variants, (I64,)), (max_min_variants, (F32,)),
    (dot_matmul, (A, B)), (dot_matmul, (F32, B.astype(np.float32))), (dot_matmul, (I64, I64.T)),
    (dot_vectors, (V,)), (dot_vectors, (np.array([1, 2, 3]),)),
    (matvec, (A, V)),
    (maximum_minimum, (A, A[::-1] * 0.5)), (maximum_minimum, (F32, F32[::-1])),
    (maximum_minimum, (I64, I64[::-1])),
    (relu, (A,)), (relu, (F32,)), (relu, (-1.5,)),
    (where_fn, (A,)), (where_fn, (F32,)), (where_fn, (I64,)),
    (transpose_fns, (A,)), (transpose_fns, (I32,)),
    (reshape_fns, (A,)), (reshape_fns, (BOOL,)),
    (concatenate_fn, (A, A * 2)), (concatenate_fn, (F32, F32)),
    (split_fn, (np.arange(12.0).reshape(4, 3),)),
    (creation, (3,)), (creation, (0,)),
    (creation_dtype, (4,)),
    (like_fns, (A,)), (like_fns, (F32,)), (like_fns, (I32,)), (like_fns, (BOOL,)),
    (shape_attr, (A,)), (shape_attr, (np.zeros((4, 1, 2)),)),
    (index_int, (A, 1)), (index_int, (V, -2)),
    (index_2d, (A, 1, 0)), (index_2d, (I32, -1, -1)),
    (slice_rows, (B,)), (slice_rows, (I32,)),
    (slice_cols, (B,)), (slice_cols, (F32,)),
    (slice_runtime, (B, 1, 3)), (slice_runtime, (V, 0, -1)),
    (float32_promotion, (F32,)), (float32_promotion, (np.float32(1.5),)),
    (float32_reductions, (F32,)),
    (float32_int_mix, (F32, I32)), (float32_int_mix, (F32, 2)), (float32_int_mix, (F32, A)),
    (int_arrays, (I64,)), (int_arrays, (I32,)),
    (int32_arrays, (I32,)),
    (int_bitwise_arrays, (I64,)), (int_bitwise_arrays, (I32,)),
    (bool_arrays, (BOOL,)),
    (comparisons, (A, A * 0.5)), (comparisons, (I64, 0)),
    (mask_arith, (A,)),
    (array_scalar_result, (V,)),
    (softmax, (A,)), (softmax, (F32,)),
    (logsumexp, (V,)), (logsumexp, (np.array([1000.0, 1000.5]),)),
    (layer, (B.T[:3, :3], V, V)),
    (mlp, (B, A, np.arange(4.0) - 1.5)),
    (mse, (V, V[::-1])), (mse, (F32, F32 * 2)),
    (normalize, (B,)),
    (outer, (V, np.arange(4.0))),
    (array_loop_accumulate, (np.eye(3) * 0.5 + 0.1, 3)),
    (sum_of_rows_loop, (B,)),
    (trace, (B,)),
    (array_in_tuple, (A,)),
    (scalar_array_item, (B,)),
    (array_truth_scalar, (A,)), (array_truth_scalar, (-B,)),
    (power_fns, (A,)), (power_fns, (F32,)),
    (sign_floor_ceil, (A,)), (sign_floor_ceil, (F32 - 1,)), (sign_floor_ceil, (-2.5,)),
    (more_math, (V,)), (more_math, (F32,)),
    (arange_float, (5,)),
    (np_scalar_casts, (2.5,)), (np_scalar_casts, (3,)),
    (float32_mixed_with_f64_array, (np.float32(2.0), A)),
    (float32_mixed_with_f64_array, (F32, np.float64(2.0))),
]
