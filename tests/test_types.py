"""Abstract values (myia/types.py): typeof, printing, static values, join."""

import dataclasses

import numpy as np
import pytest

from myia import prims as P
from myia import types as T
from myia.errors import MyiaTypeError
from myia.prims.values import NEWENV, ZERO, Env, JFunction, Partial


@dataclasses.dataclass
class Point:
    x: float
    y: object


def scale(v, k):
    return v * k


@pytest.mark.parametrize("value,text", [
    (3, "int"), (2.5, "float"), (True, "bool"), (None, "None"),
    (np.int64(3), "i64"), (np.float32(1), "f32"), (np.bool_(True), "bool_"),
    (np.ones((64, 256)), "f64[64, 256]"), (np.zeros((), np.int32), "i32[]"),
    ((1.5, 2), "(float, int)"), ((1.0,), "(float,)"),
    (Point(1.0, (2, 3)), "Point(x: float, y: (int, int))"),
    (ZERO, "ZERO"), (NEWENV, "Env{}"), (P.mul, "P.mul"),
    (Partial(P.add, (1.0,)), "partial(P.add, float)"),
    (slice(1, None, 2), "slice(int, None, int)"),
])
def test_typeof_prints(value, text):
    assert str(T.typeof(value)) == text


def test_typeof_is_a_cache_key():
    a, b = T.typeof((np.ones(3), 1.0)), T.typeof((np.zeros(3), 7.5))
    assert a == b and hash(a) == hash(b)
    assert T.typeof(np.ones(3)) != T.typeof(np.ones(4))
    assert T.typeof(np.ones(3, np.float32)) != T.typeof(np.ones(3))
    assert T.typeof(1) != T.typeof(np.int64(1))  # Python int is not int64
    assert T.typeof(True) != T.typeof(1)


def test_functions_are_typed():
    assert T.typeof(JFunction(scale)) == T.JFn(T.Const(scale, T.Opaque))
    assert T.typeof(Env({"k": 1.0})) == T.EnvT({"k"})


def test_static_values():
    shape = T.Tuple([T.Const(2), T.Const(3)])
    assert T.is_static(shape) and T.static_value(shape) == (2, 3)
    assert T.is_static(T.NoneType) and T.static_value(T.NoneType) is None
    assert T.is_static(T.PrimFn(P.add)) and T.static_value(T.PrimFn(P.add)) is P.add
    assert not T.is_static(T.Int)
    assert not T.is_static(T.Tuple([T.Const(2), T.Int]))
    assert str(T.Const(0)) == "int=0"
    assert T.widen(T.Tuple([T.Const(1), T.Float])) == T.Tuple([T.Int, T.Float])
    assert T.widen(T.Const(np.float32)) == T.Const(np.float32)  # dtypes stay static
    assert T.widen(T.Const("axis")) is T.Str


def test_join():
    assert T.join(T.Const(0), T.Const(0)) == T.Const(0)
    assert T.join(T.Const(0), T.Const(1)) is T.Int
    assert T.join(T.Const(0), T.Int) is T.Int
    assert str(T.join(T.Array("f8", (2, 3)), T.Array("f8", (4, 3)))) == "f64[?, 3]"
    assert T.join(T.ZeroType, T.Float) == T.OrZero(T.Float)
    assert str(T.join(T.OrZero(T.Float), T.ZeroType)) == "float|ZERO"
    assert T.join(T.Bottom, T.Float) is T.Float
    f, g = T.GraphFn("f"), T.GraphFn("g")
    assert T.join(f, g) == T.FnSet([f, g])
    with pytest.raises(MyiaTypeError, match="int on one path and float"):
        T.join(T.Int, T.Float, union=False)
    with pytest.raises(MyiaTypeError, match="only if they are data"):
        T.join(T.PrimFn(P.add), T.Float)  # a function or a number: no Union


def test_union_of_data_of_different_kinds():
    u = T.join(T.Const(1), T.Float)
    assert u == T.Union([T.Int, T.Float]) and str(u) == "float|int"
    assert T.join(u, T.Int) == u and T.join(T.Int, u) == u  # it contains int
    assert str(T.join(u, T.NoneType)) == "None|float|int"
    assert str(T.join(u, T.ZeroType)) == "float|int|ZERO"
    assert T.members(T.join(u, T.ZeroType)) == (T.OrZero(T.Float), T.OrZero(T.Int))
    # Members of one kind join: dimensions, tuple items, record fields.
    a = T.join(T.Union([T.Array("f8", (2,)), T.NoneType]), T.Array("f8", (3,)))
    assert str(a) == "None|f64[?]"
    assert str(T.join(T.Tuple([T.Int]), T.Tuple([T.Float]))) == "(float|int,)"
    assert str(T.join(T.Tuple([T.Int]), T.Tuple([T.Int, T.Int]))) == "(int, ...)"
    assert str(T.join(T.Array("f8", (2,)), T.Array("f4", (2,)))) == "f32[2]|f64[2]"
    assert T.join(T.Float, T.Scalar("f8")) == T.Scalar("f8")  # one kind, as before
    assert T.widen(T.Union([T.Tuple([T.Const(1)]), T.NoneType])) == \
        T.Union([T.Tuple([T.Int]), T.NoneType])


def test_env_keys_held_on_every_path():
    # An Env surely holds the keys set on every path; reading one is not T|ZERO.
    a, n = "a", "n"
    both, only_a = T.EnvT({a, n}), T.EnvT({a})
    assert str(T.join(both, only_a)) == "Env{a, n?}"
    assert T.join(both, only_a).must == {a}
    sens = {a: T.Float, n: T.Float}
    got = P.env_getitem.infer(T.join(both, only_a), T.Const(a, T.Opaque), T.ZeroType, sens)
    assert got == T.Float
    got = P.env_getitem.infer(T.join(both, only_a), T.Const(n, T.Opaque), T.ZeroType, sens)
    assert got == T.OrZero(T.Float)
    # An Env that may be ZERO holds nothing surely.
    maybe = T.join(both, T.ZeroType)
    got = P.env_getitem.infer(maybe, T.Const(a, T.Opaque), T.ZeroType, sens)
    assert got == T.OrZero(T.Float)
    set_ = P.env_setitem.infer(maybe, T.Const(n, T.Opaque), T.Float, dict(sens))
    assert str(set_) == "Env{a?, n}"
    assert str(T.may_keys(T.Tuple([both]))) == "(Env{a?, n?},)"


def test_tuples_of_different_lengths_join_as_a_seq():
    # A tuple that grows in a loop has one type: its items', length unknown.
    one, two = T.Tuple([T.Const(1)]), T.Tuple([T.Int, T.Float])
    seq = T.join(T.Tuple([]), one)
    assert seq == T.Seq(T.Int) and str(seq) == "(int, ...)" and not T.is_static(seq)
    assert str(T.join(seq, two)) == "(float|int, ...)"  # items of two kinds: a Union
    assert T.join(seq, one) == seq and T.join(one, seq) == seq
    assert T.join(seq, T.Tuple([]), union=False) == seq  # (also where loops widen)
    assert str(T.join(seq, T.NoneType)) == "(int, ...)|None"
    assert str(T.join(seq, T.ZeroType)) == "(int, ...)|ZERO"
    assert T.item_of(two) == T.Union([T.Int, T.Float]) and T.item_of(seq) is T.Int
    assert T.seq_of(T.Tuple([])) == T.Tuple([])
    assert T.widen(T.Seq(T.Const(2))) == T.Seq(T.Int)
    with pytest.raises(MyiaTypeError, match="only if they are data"):
        T.join(T.Tuple([T.PrimFn(P.add)]), T.Tuple([T.Float, T.Float]))
    with pytest.raises(MyiaTypeError, match="not a tuple"):
        T.item_of(T.Float)


def test_rules_of_a_tuple_of_unknown_length():
    seq, i = T.Seq(T.Float), T.Int
    assert P.getitem.infer(seq, T.Const(0)) is T.Float  # IndexError, if any, at run time
    assert P.getitem.infer(seq, i) is T.Float
    sl = T.SliceT([T.NoneType, i, T.NoneType])
    assert P.getitem.infer(seq, sl) == seq
    assert P.getitem.infer(T.Tuple([T.Int, T.Float]), sl) == T.Seq(T.Union([T.Int, T.Float]))
    assert P.len_.infer(seq) is T.Int and P.truth.infer(seq) is T.Bool
    assert P.add.infer(seq, T.Tuple([T.Const(1)])) == T.Seq(T.Union([T.Int, T.Float]))
    assert P.add.infer(T.Tuple([]), T.Tuple([T.Float])) == T.Tuple([T.Float])
    with pytest.raises(MyiaTypeError, match="must be an int or a slice, not float"):
        P.getitem.infer(seq, T.Float)
    with pytest.raises(MyiaTypeError):
        P.mul.infer(seq, T.Float)  # no sample of a tuple of unknown length
    # Sensitivities: any item may get dout; sums and zeros keep the structure.
    sens = P.getitem_sens.infer(seq, i, T.Float)
    assert sens == T.Seq(T.OrZero(T.Float))
    assert P.getitem_sens.infer(seq, sl, T.Seq(T.Float)) == sens
    assert P.gadd.infer(sens, sens) == sens
    assert P.gadd.infer(sens, T.Tuple([T.Float])) == seq  # ZERO + float: a float
    assert P.fill_zeros.infer(sens, seq) == seq and P.fill_zeros.infer(T.ZeroType, seq) == seq
    assert P.J.infer(T.Seq(T.Const(len, T.Opaque))) == T.Seq(T.Const(len, T.Opaque))
    # A constant slice of a fixed tuple whose sensitivity may be ZERO, or
    # whose type is a Seq (contexts joined): each sliced item may get one.
    pair, tail = T.Tuple([T.Float, T.Float]), T.SliceT([T.Const(1), T.NoneType, T.NoneType])
    maybe = T.Tuple([T.ZeroType, T.OrZero(T.Float)])
    assert P.getitem_sens.infer(pair, tail, T.OrZero(T.Tuple([T.Float]))) == maybe
    assert P.getitem_sens.infer(pair, tail, T.Seq(T.Float)) == maybe
    assert P.getitem_sens.infer(pair, tail, T.Tuple([T.Float])) == \
        T.Tuple([T.ZeroType, T.Float])


def test_a_record_holding_its_own_class_folds_into_a_recursive_record():
    # A tree of any depth has one finite type; joins reach a fixpoint.
    @dataclasses.dataclass
    class Node:
        value: float
        next: object = None

    leaf = T.typeof(Node(1.0))
    assert str(leaf) == "Node(value: float, next: None)" and not leaf.recursive
    deep = T.typeof(Node(1.0, Node(2.0, Node(3.0))))
    assert str(deep) == "Node*(value: float, next: Node*|None)" and deep.recursive
    assert T.typeof(Node(5.0, Node(6.0))) == deep  # one type whatever the depth
    assert deep.field("next") == T.Union([T.NoneType, deep])  # unfolded once
    assert T.join(deep, leaf) == deep and T.join(leaf, deep) == deep
    assert T.widen(T.record(Node, [("value", T.Const(1.0)), ("next", deep)])) == deep
    grown = T.join(T.NoneType, T.record(Node, [("value", T.Float),
                                               ("next", T.join(T.NoneType, deep))]))
    assert grown == T.join(T.NoneType, deep)
    mixed = T.typeof(Node(1.0, Node(2, None)))  # fields of two kinds: a Union
    assert str(mixed) == "Node*(value: float|int, next: Node*|None)"
