"""The graph IR: nodes, traversal, cloning, printing, checking and managing."""

from . import printer
from .check import IRError, check
from .clone import clone, copy_graphs
from .manager import GraphManager
from .nodes import Apply, Constant, DebugInfo, Graph, Location, Node, Parameter
from .printer import graph_to_dot, print_graph
from .traverse import Manager, owned_nodes, reachable_graphs, walk

Graph.printer = printer  # str(graph), graph.to_dot(): see nodes.Graph

__all__ = [
    "Apply", "Constant", "DebugInfo", "Graph", "GraphManager", "IRError", "Location",
    "Manager", "Node", "Parameter", "check", "clone", "copy_graphs", "graph_to_dot",
    "owned_nodes", "print_graph", "reachable_graphs",
]
