"""The layered dependency graph: what is drawn where, in which colour, and that 100 modules stay readable."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

import amkit
from amkit.charts import STATUS_COLORS, dependency_graph
from amkit.charts.dependency_graph import layout


def record(name: str, *needs: str, version: str = "1.0.0") -> amkit.ModuleRecord:
    requirements = tuple(amkit.Requirement(need, "required", need, amkit.ModuleSpec.from_value(need)) for need in needs)
    return amkit.ModuleRecord(name, amkit.PSVersion(version), requirements=requirements)


@pytest.fixture
def inventory() -> amkit.Inventory:
    return amkit.Inventory(
        [
            record("Az.Accounts"),
            record("Az.Storage", "Az.Accounts"),
            record("Az.Compute", "Az.Accounts"),
            record("Reports", "Az.Storage", "Az.Compute", "Gone"),
        ]
    )


def drawn(ax: plt.Axes) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Each node's position and colour, read back from the Axes by its label."""
    (nodes,) = [item for item in ax.collections if isinstance(item, PathCollection)]
    offsets = nodes.get_offsets()
    colours = nodes.get_facecolors()
    labels = [text.get_text() for text in ax.texts]
    positions = {label: (float(x), float(y)) for label, (x, y) in zip(labels, offsets, strict=True)}
    hexes = {label: mcolors.to_hex(colour) for label, colour in zip(labels, colours, strict=True)}
    return positions, hexes


def test_dependencies_are_drawn_below_their_dependants(inventory: amkit.Inventory) -> None:
    ax = Figure().subplots()
    assert dependency_graph(inventory, ax=ax) is ax
    positions, colours = drawn(ax)
    assert set(positions) == {"Az.Accounts", "Az.Storage", "Az.Compute", "Reports", "Gone"}
    y = {name: position[1] for name, position in positions.items()}
    assert y["Az.Accounts"] == y["Gone"] < y["Az.Storage"] == y["Az.Compute"] < y["Reports"]
    assert colours["Gone"] == STATUS_COLORS["missing"]
    assert colours["Az.Accounts"] == STATUS_COLORS["ok"]
    (edges,) = [item for item in ax.collections if isinstance(item, LineCollection)]
    assert len(edges.get_segments()) == 5
    assert sorted(mcolors.to_hex(colour) for colour in edges.get_colors()) == sorted(
        [STATUS_COLORS["ok"]] * 4 + [STATUS_COLORS["missing"]]
    )
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["ok", "missing"]
    assert ax.get_title() == "Dependencies of 5 modules (dependencies below)"


def test_every_module_is_drawn_and_labelled_even_without_an_edge() -> None:
    alone = amkit.Inventory([record("Az.Accounts"), record("Az.Storage", "Az.Accounts"), record("Standalone")])
    positions, colours = drawn(dependency_graph(alone, ax=Figure().subplots()))
    assert set(positions) == {"Az.Accounts", "Az.Storage", "Standalone"}
    assert colours["Standalone"] == STATUS_COLORS["ok"]
    assert positions["Standalone"][1] == positions["Az.Accounts"][1]


def test_a_table_draws_the_modules_it_is_given_besides_its_rows(inventory: amkit.Inventory) -> None:
    table = amkit.dependencies(inventory)
    ax = dependency_graph(table[table["status"] == "missing"], ax=Figure().subplots(), modules=["Az.Accounts"])
    positions, _ = drawn(ax)
    assert set(positions) == {"Reports", "Gone", "Az.Accounts"}


def test_a_filtered_table_draws_only_its_rows(inventory: amkit.Inventory) -> None:
    table = amkit.dependencies(inventory)
    ax = dependency_graph(table[table["status"] == "missing"], ax=Figure().subplots())
    positions, colours = drawn(ax)
    assert set(positions) == {"Reports", "Gone"}
    assert colours == {"Reports": STATUS_COLORS["ok"], "Gone": STATUS_COLORS["missing"]}


def test_without_labels(inventory: amkit.Inventory) -> None:
    ax = dependency_graph(inventory, ax=Figure().subplots(), labels=False)
    assert len(ax.texts) == 0


def test_a_new_figure_when_no_axes_is_given(inventory: amkit.Inventory) -> None:
    ax = dependency_graph(inventory)
    try:
        width, height = ax.figure.get_size_inches()
        assert width >= 6 and height >= 3
    finally:
        plt.close(ax.figure)


def test_a_table_without_the_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the columns"):
        dependency_graph(pd.DataFrame({"module": ["A"]}), ax=Figure().subplots())


def test_a_hundred_modules_fold_into_readable_rows() -> None:
    leaves = [record(f"Az.Module{number:02d}", "Az.Accounts") for number in range(80)]
    tools = [
        record(f"Tool{number:02d}", f"Az.Module{number:02d}", f"Az.Module{number + 40:02d}") for number in range(19)
    ]
    inventory = amkit.Inventory([record("Az.Accounts"), *leaves, *tools])
    placed = layout(amkit.dependencies(inventory), row_width=16)
    assert len(placed.positions) == 100
    rows: dict[float, list[float]] = {}
    for x, y in placed.positions.values():
        rows.setdefault(y, []).append(x)
    assert max(len(xs) for xs in rows.values()) <= 16
    assert len(set(placed.positions.values())) == 100  # no two modules on one spot
    assert {placed.levels[name] for name in placed.levels if name.startswith("az.module")} == {1}
    assert {placed.levels[name] for name in placed.levels if name.startswith("tool")} == {2}
    level_rows = sorted(rows)
    accounts_y = placed.positions["az.accounts"][1]
    assert accounts_y == level_rows[0]
    assert all(placed.positions[f"tool{number:02d}"][1] > placed.positions["az.module00"][1] for number in range(19))
    ax = dependency_graph(inventory, ax=Figure().subplots())
    assert len(ax.texts) == 100
    assert {text.get_fontsize() for text in ax.texts} == {6}
