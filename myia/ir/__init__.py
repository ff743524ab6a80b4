"""The graph IR: nodes, traversal, cloning, printing and checking."""

from .check import IRError, check
from .clone import clone
from .nodes import Apply, Constant, DebugInfo, Graph, Location, Node, Parameter
from .printer import graph_to_dot, print_graph
from .traverse import Manager, owned_nodes, reachable_graphs

__all__ = [
    "Apply", "Constant", "DebugInfo", "Graph", "IRError", "Location", "Manager",
    "Node", "Parameter", "check", "clone", "graph_to_dot", "owned_nodes",
    "print_graph", "reachable_graphs",
]
