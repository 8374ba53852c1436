"""Cycles and dependency levels of plain graphs: exact answers, no recursion limits, linear growth."""

from __future__ import annotations

import pytest

from amkit.deps.graph import cycles, levels

DIAMOND = {"app": ["left", "right"], "left": ["base"], "right": ["base"], "base": []}


def test_levels_put_dependencies_first() -> None:
    assert levels(DIAMOND) == {"base": 0, "left": 1, "right": 1, "app": 2}


def test_level_is_one_above_the_highest_dependency() -> None:
    graph = {"top": ["low", "mid"], "mid": ["low"], "low": []}
    assert levels(graph) == {"low": 0, "mid": 1, "top": 2}


def test_nodes_only_named_as_dependencies_get_a_level() -> None:
    assert levels({"a": ["b"]}) == {"b": 0, "a": 1}


def test_no_cycles_in_a_dag() -> None:
    assert cycles(DIAMOND) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": ["b"], "b": ["a"]}, [["a", "b"]]),
        ({"a": ["a"]}, [["a"]]),
        ({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}, [["a", "b", "c"]]),
        ({"x": ["y"], "y": ["x"], "p": ["q"], "q": ["p"], "r": []}, [["x", "y"], ["p", "q"]]),
    ],
    ids=["pair", "self", "triangle-with-tail", "two"],
)
def test_cycles(graph: dict[str, list[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected


def test_a_cycle_shares_one_level_above_what_it_needs() -> None:
    graph = {"a": ["b", "base"], "b": ["a"], "base": [], "top": ["a"]}
    assert levels(graph) == {"base": 0, "a": 1, "b": 1, "top": 2}


def test_long_chains_do_not_recurse() -> None:
    chain = {number: [number + 1] for number in range(50_000)}
    assert levels(chain)[0] == 50_000
    ring = {number: [(number + 1) % 50_000] for number in range(50_000)}
    assert [len(group) for group in cycles(ring)] == [50_000]
