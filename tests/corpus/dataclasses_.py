"""Dataclasses: fields, methods, operator dunders, construction, recursion."""

import dataclasses
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Point:
    x: float
    y: float

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def scaled(self, k):
        return Point(self.x * k, self.y * k)

    def dot(self, other):
        return self.x * other.x + self.y * other.y

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Point(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Point(self.x * k, self.y * k)

    def __rmul__(self, k):
        return Point(k * self.x, k * self.y)

    def __neg__(self):
        return Point(-self.x, -self.y)


@dataclass
class Num:
    v: float

    def __add__(self, other):
        return Num(self.v + other.v)

    def __radd__(self, other):
        return Num(other + self.v)

    def __truediv__(self, other):
        return Num(self.v / other)

    def __lt__(self, other):
        return self.v < other.v

    def __abs__(self):
        return Num(abs(self.v))


@dataclass
class Config:
    scale: float = 2.0
    shift: float = 0.0
    name: str = "cfg"


@dataclass(frozen=True)
class Frozen:
    a: int
    b: tuple

    def total(self):
        s = self.a
        for v in self.b:
            s = s + v
        return s


@dataclass
class Tree:
    value: float
    left: "Tree" = None
    right: "Tree" = None


@dataclass
class Linear:
    w: np.ndarray
    b: np.ndarray

    def apply(self, x):
        return np.tanh(self.w @ x + self.b)


@dataclass
class Pair:
    first: object
    second: object = field(default=None)


def field_access(p):
    return p.x, p.y, p.x + p.y


def method_call(p):
    return p.norm2(), p.dot(p)


def method_returns_instance(p):
    return p.scaled(3)


def construct(x, y):
    return Point(x, y)


def construct_kwargs(x, y):
    return Point(y=y, x=x)


def construct_defaults(x):
    return Config(), Config(x), Config(shift=x), Config(x, 1.0, "named")


def use_config(c, x):
    return x * c.scale + c.shift


def add_dunder(p, q):
    return p + q, p - q


def mul_dunders(p):
    return p * 2, 3 * p, -p


def radd_dunder(n):
    return 1.5 + n, n + n


def truediv_lt_abs(n, m):
    return n / 2, n < m, m < n, abs(n)


def frozen_fields(f):
    return f.a, f.b[1], len(f.b)


def frozen_method(f):
    return f.total()


def frozen_construct(a):
    return Frozen(a, (a, a * 2))


def tree_sum(t):
    if t is None:
        return 0.0
    return t.value + tree_sum(t.left) + tree_sum(t.right)


def tree_depth(t):
    if t is None:
        return 0
    return 1 + max(tree_depth(t.left), tree_depth(t.right))


def tree_map(t, k):
    if t is None:
        return None
    return Tree(t.value * k, tree_map(t.left, k), tree_map(t.right, k))


def build_tree(n):
    if n == 0:
        return None
    return Tree(float(n), build_tree(n - 1), build_tree(n // 2))


def tree_build_and_sum(n):
    return tree_sum(build_tree(n))


def grow_tree(x):
    if x < 1.0:
        return None
    return Tree(x * x, grow_tree(x - 1.0), grow_tree(x * 0.5))


def grown_tree_sum(x):
    return tree_sum(grow_tree(x))


def is_leaf(t):
    return t.left is None and t.right is None


def tree_leaves(t):
    if t is None:
        return 0
    if is_leaf(t):
        return 1
    return tree_leaves(t.left) + tree_leaves(t.right)


def linear_layer(layer, x):
    return layer.apply(x), layer.w.shape


def dataclass_in_loop(p, n):
    acc = Point(0.0, 0.0)
    for _ in range(n):
        acc = acc + p
    return acc


def dataclass_in_tuple(p, q):
    t = (p, q)
    a, b = t
    return a.x + b.y, t[1]


def dataclass_in_branch(flag, p):
    if flag:
        r = p
    else:
        r = -p
    return r.x


def dataclass_equality(p, q):
    return p == q, p != q


def generic_pair(a, b):
    pair = Pair(a, b)
    return pair.first, pair.second, Pair(a).second


def dataclass_is_none(p):
    return p is None, p is not None


def point_sum(points):
    acc = Point(0, 0)
    for p in points:
        acc = acc + p
    return acc


def method_via_closure(p):
    f = p.scaled
    return f(2).x


def dataclasses_replace_like(p, x):
    return Point(x, p.y)


@dataclass
class Counter:
    count: int

    def incremented(self, by=1):
        return Counter(self.count + by)

    def twice(self):
        return self.incremented().incremented()


def method_defaults(c):
    return c.incremented(), c.incremented(5), c.incremented(by=10), c.twice()


T1 = Tree(1.0, Tree(2.0, Tree(4.0)), Tree(3.0, None, Tree(5.0)))

CASES = [
    (field_access, (Point(1.5, 2.0),)),
    (method_call, (Point(3.0, 4.0),)),
    (method_returns_instance, (Point(1, 2),)),
    (construct, (1.0, 2.0)),
    (construct_kwargs, (1.0, 2.0)),
    (construct_defaults, (5.0,)),
    (use_config, (Config(3.0, 1.0), 2.0)), (use_config, (Config(), 2.0)),
    (add_dunder, (Point(1, 2), Point(3.5, 4.5))),
    (mul_dunders, (Point(1.0, -2.0),)),
    (radd_dunder, (Num(2.0),)),
    (truediv_lt_abs, (Num(-3.0), Num(1.0))),
    (frozen_fields, (Frozen(1, (2, 3, 4)),)),
    (frozen_method, (Frozen(1, (2, 3, 4)),)),
    (frozen_construct, (7,)),
    (tree_sum, (T1,)), (tree_sum, (None,)), (tree_sum, (Tree(2.5),)),
    (tree_depth, (T1,)),
    (tree_map, (T1, 2.0)),
    (tree_build_and_sum, (6,)), (grown_tree_sum, (3.5,)),
    (tree_leaves, (T1,)),
    (linear_layer, (Linear(np.eye(2) * 0.5, np.ones(2)), np.array([1.0, -1.0]))),
    (dataclass_in_loop, (Point(1.0, 0.5), 4)),
    (dataclass_in_tuple, (Point(1, 2), Point(3, 4))),
    (dataclass_in_branch, (True, Point(1.0, 2.0))), (dataclass_in_branch, (False, Point(1.0, 2.0))),
    (dataclass_equality, (Point(1, 2), Point(1, 2))), (dataclass_equality, (Point(1, 2), Point(2, 1))),
    (generic_pair, (1, (2, 3))),
    (dataclass_is_none, (Point(0, 0),)), (dataclass_is_none, (None,)),
    (point_sum, ((Point(1, 2), Point(3, 4), Point(5, 6)),)),
    (method_via_closure, (Point(1.5, 0),)),
    (dataclasses_replace_like, (Point(1, 2), 9)),
    (method_defaults, (Counter(0),)),
]
