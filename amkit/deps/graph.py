"""Directed graphs as plain mappings: cycles and dependency levels, without recursion.

A graph is a mapping from each node to the nodes it depends on. Both
functions are iterative and linear in nodes plus edges, so gallery-sized
graphs (hundreds of thousands of edges) neither hit Python's recursion limit
nor grow quadratically.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

__all__ = ["cycles", "levels"]

Node = TypeVar("Node", bound=Hashable)


def _components(graph: Mapping[Node, Iterable[Node]]) -> list[list[Node]]:
    """Strongly connected components (Tarjan's algorithm, with an explicit stack), dependencies first."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    found: list[list[Node]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[Node, list[Node]]] = [(root, list(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            if successors:
                successor = successors.pop()
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, list(graph.get(successor, ()))))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[Node] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def cycles(graph: Mapping[Node, Iterable[Node]]) -> list[list[Node]]:
    """The groups of nodes that depend on each other (a node that depends on itself is one too).

    Each group is in the order of ``graph``'s keys; groups come in the order
    of their first node.
    """
    order = {node: number for number, node in enumerate(graph)}
    groups = [
        sorted(component, key=lambda node: order.get(node, len(order)))
        for component in _components(graph)
        if len(component) > 1 or component[0] in set(graph.get(component[0], ()))
    ]
    return sorted(groups, key=lambda group: order.get(group[0], len(order)))


def levels(graph: Mapping[Node, Iterable[Node]]) -> dict[Node, int]:
    """Each node's dependency level: 0 without dependencies, else one above its highest dependency.

    Nodes on a cycle share one level, one above everything the cycle
    depends on, so every node gets a level and the function always ends.
    """
    level: dict[Node, int] = {}
    for component in _components(graph):  # dependencies come before their dependants
        members = set(component)
        below = [
            level[successor]
            for node in component
            for successor in graph.get(node, ())
            if successor not in members and successor in level
        ]
        value = max(below) + 1 if below else 0
        for node in component:
            level[node] = value
    return level
