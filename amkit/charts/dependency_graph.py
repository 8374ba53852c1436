"""The dependency graph as a layered drawing: dependencies below their dependants.

Modules are placed in layers by dependency level (:func:`amkit.deps.graph.levels`:
modules needing nothing at the bottom), ordered within a layer to keep edges
short (a few barycentre sweeps, as Sugiyama-style layouts do), and a wide
layer is folded into several rows so that 100 modules stay readable. Nodes
are coloured by how well the module is provided to those that need it (the
worst status of the requirements pointing at it), edges by their own status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from amkit.charts.style import STATUS_COLORS
from amkit.deps.graph import levels
from amkit.deps.scanning import as_inventory
from amkit.deps.table import DEPENDENCY_COLUMNS, STATUSES, dependencies

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["GraphLayout", "dependency_graph", "layout"]

#: A layer with more modules than this is folded into several rows.
ROW_WIDTH = 16
_SWEEPS = 4


@dataclass(frozen=True)
class GraphLayout:
    """Where each module goes: position, level and status, by module name (lower case)."""

    names: dict[str, str]
    positions: dict[str, tuple[float, float]]
    levels: dict[str, int]
    statuses: dict[str, str]
    edges: list[tuple[str, str, str]]  # (dependant, dependency, status)


def _worst(statuses: list[str]) -> str:
    return max(statuses, key=STATUSES.index) if statuses else "ok"


def _order_layers(layers: dict[int, list[str]], graph: dict[str, set[str]]) -> None:
    """Reorder each layer by the mean position of its neighbours in the layer below, then above."""
    neighbours: dict[str, set[str]] = {node: set() for layer in layers.values() for node in layer}
    for node, needed in graph.items():
        for dependency in needed:
            neighbours[node].add(dependency)
            neighbours[dependency].add(node)
    index = {node: float(position) for layer in layers.values() for position, node in enumerate(layer)}
    ordered = sorted(layers)
    for sweep in range(_SWEEPS):
        for level in ordered if sweep % 2 == 0 else reversed(ordered):
            layer = layers[level]

            def centre(node: str, layer: list[str] = layer) -> float:
                around = [index[other] for other in neighbours[node] if other not in layer]
                return sum(around) / len(around) if around else index[node]

            layer.sort(key=lambda node: (centre(node), node))
            for position, node in enumerate(layer):
                index[node] = float(position) - (len(layer) - 1) / 2


def layout(frame: pd.DataFrame, *, modules: Iterable[str] = (), row_width: int = ROW_WIDTH) -> GraphLayout:
    """Place the modules of a dependency table (columns of :func:`amkit.dependencies`) and ``modules``.

    ``modules`` are names to show even when no row of the table names them (a
    module that needs nothing and that nothing needs); they sit in the bottom layer.
    """
    names: dict[str, str] = {}
    graph: dict[str, set[str]] = {}
    for module in modules:
        names.setdefault(str(module).casefold(), str(module))
        graph.setdefault(str(module).casefold(), set())
    incoming: dict[str, list[str]] = {}
    edges: list[tuple[str, str, str]] = []
    for module, dependency, status in frame[["module", "dependency", "status"]].itertuples(index=False):
        source, target = str(module).casefold(), str(dependency).casefold()
        names.setdefault(source, str(module))
        names.setdefault(target, str(dependency))
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
        incoming.setdefault(target, []).append(str(status))
        edges.append((source, target, str(status)))
    level = levels({node: sorted(needed) for node, needed in graph.items()})
    layers: dict[int, list[str]] = {}
    for node in sorted(graph):
        layers.setdefault(level[node], []).append(node)
    _order_layers(layers, graph)
    positions: dict[str, tuple[float, float]] = {}
    y = 0.0
    for value in sorted(layers):
        layer = layers[value]
        rows = [layer[start : start + row_width] for start in range(0, len(layer), row_width)]
        for number, row in enumerate(rows):
            # Rows of one layer sit close together, layers further apart; odd rows shift half a slot.
            shift = 0.5 if number % 2 else 0.0
            for position, node in enumerate(row):
                positions[node] = (position - (len(row) - 1) / 2 + shift, y + number * 0.6)
        y += (len(rows) - 1) * 0.6 + 1.5
    statuses = {node: _worst(incoming.get(node, [])) for node in graph}
    return GraphLayout(names, positions, level, statuses, edges)


def dependency_graph(
    source: object,
    *,
    ax: Axes | None = None,
    labels: bool = True,
    modules: Iterable[str] | None = None,
    row_width: int = ROW_WIDTH,
) -> Axes:
    """Draw who depends on whom: dependencies below their dependants, coloured by status.

    Parameters
    ----------
    source
        A dependency table (:func:`amkit.dependencies`, filtered or not), or
        anything :func:`amkit.dependencies` takes: an inventory, a package,
        paths, an account.
    ax
        Axes to draw into; a new figure sized to the graph when ``None``.
    labels
        Write each module's name beside its node.
    modules
        Module names to draw even without an edge. By default every module of
        ``source`` when it is not a table (a module that needs nothing and that
        nothing needs is drawn and labelled too); none for a table, which only
        knows the modules its rows name.
    row_width
        Fold layers wider than this many modules into several rows.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one scatter of the nodes (in the order of
        ``layout(...).positions``), one line collection of the edges, a
        text per module and a legend of the statuses shown.
    """
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        inventory = as_inventory(source)
        frame = dependencies(inventory)
        if modules is None:
            modules = list(dict.fromkeys(inventory.modules["name"]))
    missing = [column for column in ("module", "dependency", "status") if column not in frame.columns]
    if missing:
        raise ValueError(f"a dependency table needs the columns {', '.join(missing)}; see {DEPENDENCY_COLUMNS}")
    placed = layout(frame, modules=modules or (), row_width=row_width)
    if ax is None:
        import matplotlib.pyplot as plt

        xs_, ys_ = zip(*placed.positions.values(), strict=True) if placed.positions else ((0.0,), (0.0,))
        width, height = max(xs_) - min(xs_) + 1, max(ys_) - min(ys_) + 1
        _, ax = plt.subplots(figsize=(min(24.0, max(6.0, width * 1.2)), min(18.0, max(3.0, height * 1.2))))
    nodes = list(placed.positions)
    segments = [(placed.positions[source_], placed.positions[target]) for source_, target, _ in placed.edges]
    colours = [STATUS_COLORS[status] for _, _, status in placed.edges]
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.8, alpha=0.6, zorder=1))
    xs = [placed.positions[node][0] for node in nodes]
    ys = [placed.positions[node][1] for node in nodes]
    ax.scatter(xs, ys, s=60, c=[STATUS_COLORS[placed.statuses[node]] for node in nodes], zorder=2, edgecolors="white")
    if labels:
        size = 8 if len(nodes) <= 40 else 6
        for node, x, y in zip(nodes, xs, ys, strict=True):
            ax.text(x, y + 0.12, placed.names[node], ha="center", va="bottom", fontsize=size, rotation=20, zorder=3)
    shown = [status for status in STATUSES if status in set(placed.statuses.values()) | {s for *_, s in placed.edges}]
    handles = [Line2D([], [], marker="o", linestyle="-", color=STATUS_COLORS[status], label=status) for status in shown]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.set_axis_off()
    ax.autoscale_view()
    # Room above the top layer for its labels, below the title.
    ax.margins(x=0.08, y=0.2)
    ax.set_title(f"Dependencies of {len(nodes)} modules (dependencies below)", fontsize=10, pad=14)
    return ax
