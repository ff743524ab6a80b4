"""Tuples: packing, unpacking, indexing, slicing, concatenation, len."""


def pack(x, y):
    t = x, y, x + y
    return t


def unpack(t):
    a, b, c = t
    return c, b, a


def nested_unpack(t):
    (a, b), (c, (d, e)) = t
    return a + b + c + d + e


def swap(a, b):
    a, b = b, a
    return a, b


def multi_target(x):
    a = b = x * 2
    return a + b


def const_index(t):
    return t[0], t[-1], t[1]


def runtime_index(t, i):
    return t[i]


def runtime_index_loop(t):
    s = 0
    for i in range(len(t)):
        s = s + t[i] * i
    return s


def nested_index(t):
    return t[1][0], t[1][1][1]


def slicing(t):
    return t[1:], t[:2], t[::2], t[::-1], t[1:-1], t[-2:]


def slicing_empty(t):
    return t[5:], t[2:1]


def concat(t, u):
    return t + u, u + t, t + (), () + u


def concat_accumulate(n):
    t = ()
    for i in range(n):
        t = t + (i * i,)
    return t


def tuple_len(t):
    return len(t), len(()), len((1,)), len(t + t)


def singleton(x):
    return (x,), ((x,),)


def empty():
    return ()


def tuple_equality(t, u):
    return t == u, t != u


def tuple_compare(t, u):
    return t < u, t <= u, t > u


def mixed_types(x):
    return (x, x * 1.5, x > 0, None, "s")


def tuple_of_tuples(n):
    return tuple_rows(n, n + 1)


def tuple_rows(a, b):
    return ((a, b), (b, a))


def unpack_return():
    return divmod_pair(17, 5)


def divmod_pair(a, b):
    return a // b, a % b


def unpack_call(a, b):
    q, r = divmod_pair(a, b)
    return q * b + r == a


def tuple_repeat_concat(t):
    return t + t + t


def reverse_tuple(t):
    out = ()
    for v in t:
        out = (v,) + out
    return out


def zip2(t, u):
    out = ()
    for i in range(min(len(t), len(u))):
        out = out + ((t[i], u[i]),)
    return out


def tuple_in_branch(flag):
    if flag:
        t = (1, 2)
    else:
        t = (3, 4, 5)
    return len(t), t[-1]


def tuple_index_neg_runtime(t, i):
    return t[-i]


def tuple_argmax(t):
    best = 0
    for i in range(1, len(t)):
        if t[i] > t[best]:
            best = i
    return best


def nested_pack_unpack(x):
    t = ((x, 1), (2, (3, x)))
    (a, _), (_, (b, c)) = t
    return a + b + c


def tuple_sum_pairs(t):
    s = 0
    for a, (b, c) in t:
        s += a * b - c
    return s


CASES = [
    (pack, (1, 2)),
    (unpack, ((1, 2.5, "x"),)),
    (nested_unpack, (((1, 2), (3, (4, 5))),)),
    (swap, (1, 2)),
    (multi_target, (3,)),
    (const_index, ((1, 2, 3),)),
    (runtime_index, ((10, 20, 30), 1)), (runtime_index, ((10, 20, 30), -1)),
    (runtime_index, ((1, 2.5, None), 2)),
    (runtime_index_loop, ((3, 4, 5),)),
    (nested_index, ((0, (1, (2, 3))),)),
    (slicing, ((1, 2, 3, 4, 5),)), (slicing, ((1,),)),
    (slicing_empty, ((1, 2, 3),)),
    (concat, ((1, 2), (3,))), (concat, ((), ())),
    (concat_accumulate, (5,)), (concat_accumulate, (0,)),
    (tuple_len, ((1, 2, 3),)), (tuple_len, ((),)),
    (singleton, (4,)),
    (empty, ()),
    (tuple_equality, ((1, 2), (1, 2))), (tuple_equality, ((1, 2), (1, 3))),
    (tuple_compare, ((1, 2), (1, 3))), (tuple_compare, ((2,), (1, 5))),
    (mixed_types, (2,)),
    (tuple_of_tuples, (3,)),
    (unpack_return, ()),
    (unpack_call, (17, 5)), (unpack_call, (-17, 5)),
    (tuple_repeat_concat, ((1, 2),)),
    (reverse_tuple, ((1, 2, 3),)),
    (zip2, ((1, 2, 3), (4.0, 5.0))),
    (tuple_in_branch, (True,)), (tuple_in_branch, (False,)),
    (tuple_index_neg_runtime, ((1, 2, 3), 1)), (tuple_index_neg_runtime, ((1, 2, 3), 3)),
    (tuple_argmax, ((3, 9, 2, 9, 1),)),
    (nested_pack_unpack, (10,)),
    (tuple_sum_pairs, (((1, (2, 3)), (4, (5, 6))),)),
]
