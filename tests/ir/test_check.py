"""The IR checker accepts what the parser builds and rejects malformed graphs."""

import importlib
import pkgutil

import pytest

import myia
from myia import prims as P
from myia.ir import Constant, DebugInfo, Graph, IRError, Parameter, check

from .. import corpus
from .test_clone import closure_tree
from .test_traverse import closures


def corpus_functions():
    fns = {}
    for info in pkgutil.iter_modules(corpus.__path__):
        module = importlib.import_module(f"{corpus.__name__}.{info.name}")
        fns.update(dict.fromkeys(fn for fn, _ in module.CASES))
    return list(fns)


@pytest.mark.parametrize("fn", [closures, closure_tree, *corpus_functions()],
                         ids=lambda f: f.__name__)
def test_parsed_graphs_are_well_formed(fn):
    g = myia.ir(fn)
    assert check(g) is g


def simple():
    g = Graph(DebugInfo("g"))
    x = g.add_parameter("x")
    g.output = g.apply(P.neg, x)
    return g, x


def test_accepts_hand_built_closure():
    g, x = simple()
    inner = Graph(DebugInfo("inner"))
    inner.output = inner.apply(P.add, x, 1)
    g.output = g.apply(inner)
    check(g)


def test_rejects_missing_output():
    g = Graph(DebugInfo("g"))
    g.add_parameter("x")
    with pytest.raises(IRError, match="no output"):
        check(g)


def test_rejects_missing_output_of_a_nested_graph():
    g, x = simple()
    inner = Graph(DebugInfo("inner"))
    g.output = g.apply(inner)
    with pytest.raises(IRError, match="inner.*no output"):
        check(g)


def test_rejects_node_of_unrelated_graph():
    g, _ = simple()
    other, y = simple()
    g.output = g.apply(P.add, g.parameters[0], y)  # y: a parameter of `other`
    with pytest.raises(IRError, match="unrelated"):
        check(g)


def test_rejects_returning_node_of_unrelated_graph():
    g, _ = simple()
    other, y = simple()
    g.output = other.output
    with pytest.raises(IRError, match="unrelated"):
        check(g)


def test_rejects_sibling_closure_variables():
    """A graph may use its enclosing graphs' nodes, not a sibling's."""
    g, x = simple()
    left = Graph(DebugInfo("left"))
    lv = left.add_parameter("v")
    left_val = left.apply(P.mul, lv, x)
    left.output = left_val
    right = Graph(DebugInfo("right"))
    right.output = right.apply(P.add, left_val, 1)  # reads inside `left`
    g.output = g.apply(P.add, g.apply(left, 1), g.apply(right))
    with pytest.raises(IRError, match="unrelated"):
        check(g)


def test_rejects_foreign_parameter():
    g, x = simple()
    other, y = simple()
    g.parameters.append(y)
    with pytest.raises(IRError, match="does not belong"):
        check(g)


def test_rejects_input_that_is_not_a_node():
    g, x = simple()
    g.output.inputs.append(3)
    with pytest.raises(IRError, match="not a node"):
        check(g)


def test_rejects_output_that_is_not_a_node():
    g, x = simple()
    g.output = 3
    with pytest.raises(IRError, match="not a node"):
        check(g)


def test_rejects_empty_apply():
    g, x = simple()
    g.output.inputs = []
    with pytest.raises(IRError, match="not a proper Apply"):
        check(g)


def test_checker_errors_are_not_user_errors():
    assert not issubclass(IRError, myia.MyiaError)
    assert isinstance(Parameter(Graph()), Parameter)
    assert isinstance(Constant(1), Constant)
