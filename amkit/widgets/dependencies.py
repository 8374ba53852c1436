"""DependencyExplorer: the dependency table of many packages, filtered, reversed and drawn."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets
from matplotlib.figure import Figure

from amkit.charts.dependency_graph import dependency_graph
from amkit.deps.inventory import Inventory
from amkit.deps.requirements import REQUIREMENT_KINDS
from amkit.deps.scanning import as_inventory, scan
from amkit.deps.table import STATUSES, dependencies, reverse_dependencies
from amkit.widgets.common import SCROLLING, ExplorerBase, draw_chart, reporting
from amkit.widgets.html import frame_html, message_html

__all__ = ["DependencyExplorer"]

_DIRECT_COLUMNS = ["module", "version", "dependency", "kind", "written", "resolved_version", "status", "note"]
_REVERSE_COLUMNS = ["module", "version", "depth", "dependency", "kind", "status", "path"]


class DependencyExplorer(ExplorerBase):
    """Filter, reverse and draw the dependencies of an inventory, a package, a folder of packages or an account.

    Parameters
    ----------
    source
        Anything :func:`amkit.dependencies` takes; a folder or paths are
        scanned with a progress bar.

    ``frame`` is the table as filtered (by status, kind and text), in the
    direction chosen: what each module needs, or who needs the module chosen.
    """

    direction = traitlets.Enum(("direct", "reverse"), "direct", help="What each module needs, or who needs `target`.")
    target = traitlets.Unicode(None, allow_none=True, help="The module whose dependants the reverse view lists.")

    def __init__(self, source: object, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(source, str | os.PathLike) or isinstance(source, list | tuple):
            self.inventory: Inventory = scan(source, progress=True)
        else:
            self.inventory = as_inventory(source)
        self.table = dependencies(self.inventory)
        # As many rows as choices, so that none (ok above all) hides below the fold.
        self.status_filter = widgets.SelectMultiple(
            options=STATUSES, value=STATUSES, rows=len(STATUSES), description="Status"
        )
        self.kind_filter = widgets.SelectMultiple(
            options=REQUIREMENT_KINDS, value=REQUIREMENT_KINDS, rows=len(REQUIREMENT_KINDS), description="Kind"
        )
        self.search = widgets.Text(placeholder="module or dependency contains...", description="Search")
        self.direction_toggle = widgets.ToggleButtons(options=("direct", "reverse"), value="direct")
        names = sorted({*self.table["module"], *self.table["dependency"]}, key=str.casefold)
        self.target_picker = widgets.Dropdown(options=names, value=names[0] if names else None, description="Module")
        self.summary = widgets.HTML()
        self.table_view = widgets.HTML(layout=SCROLLING)
        self.graph = widgets.Output()
        self.figure: Figure | None = None
        controls = widgets.HBox(
            [
                self.status_filter,
                self.kind_filter,
                widgets.VBox([self.search, self.direction_toggle, self.target_picker]),
            ]
        )
        self.children = [
            controls,
            self.summary,
            widgets.Tab(children=(self.table_view, self.graph), titles=("Table", "Graph")),
            self.messages,
        ]
        for control in (self.status_filter, self.kind_filter, self.search):
            control.observe(self._on_filter, "value")
        self.direction_toggle.observe(self._on_direction, "value")
        self.target_picker.observe(self._on_target, "value")
        self.observe(self._on_state, ("direction", "target"))
        self.target = self.target_picker.value
        self._redraw()

    def __repr__(self) -> str:
        reverse = f", target={self.target!r}" if self.direction == "reverse" else ""
        return f"DependencyExplorer({len(self.frame)} of {len(self.table)} rows, {self.direction}{reverse})"

    @traitlets.validate("target")
    def _valid_target(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        if value is None:
            return None
        names = list(self.target_picker.options)
        match = next((name for name in names if name.casefold() == str(value).casefold()), None)
        if match is None:
            raise traitlets.TraitError(f"no module {value!r} takes part in these dependencies")
        return str(match)

    @property
    def unfiltered(self) -> pd.DataFrame:
        """The table before filtering: every dependency, or (reverse) everything that needs the target."""
        if self.direction == "reverse":
            return reverse_dependencies(self.inventory, self.target) if self.target else self.table.iloc[0:0]
        return self.table

    @property
    def frame(self) -> pd.DataFrame:
        """The table shown: filtered by status, kind and search text, direct or reverse."""
        base = self.unfiltered
        keep = base["status"].isin(self.status_filter.value) & base["kind"].isin(self.kind_filter.value)
        text = self.search.value.strip().casefold()
        if text:
            keep &= base["module"].str.casefold().str.contains(text, regex=False) | base[
                "dependency"
            ].str.casefold().str.contains(text, regex=False)
        return base[keep].reset_index(drop=True)

    def _redraw(self) -> None:
        self.clear_messages()
        frame = self.frame
        columns = _REVERSE_COLUMNS if self.direction == "reverse" else _DIRECT_COLUMNS
        self.table_view.value = frame_html(frame, columns=columns)
        what = f"who needs {self.target}" if self.direction == "reverse" else "declared dependencies"
        self.summary.value = message_html(f"{len(frame)} of {len(self.unfiltered)} rows: {what}", kind="info")
        self.target_picker.layout.display = "" if self.direction == "reverse" else "none"
        drawn = frame if self.direction == "direct" else self.table[self.table["module"].isin(set(frame["module"]))]
        self.figure = draw_chart(
            self.graph, (11, 6), None if drawn.empty else lambda ax: dependency_graph(drawn, ax=ax)
        )

    @reporting
    def _on_filter(self, change: dict[str, Any]) -> None:
        self._redraw()

    @reporting
    def _on_direction(self, change: dict[str, Any]) -> None:
        self.direction = change["new"]

    @reporting
    def _on_target(self, change: dict[str, Any]) -> None:
        self.target = change["new"]

    @reporting
    def _on_state(self, change: dict[str, Any]) -> None:
        if self.direction_toggle.value != self.direction:
            self.direction_toggle.value = self.direction
        if self.target is not None and self.target_picker.value != self.target:
            self.target_picker.value = self.target
        self._redraw()
