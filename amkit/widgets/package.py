"""PackageExplorer: one package's versions, files, manifest, commands, connection type, dependencies and findings."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from amkit.checks import check
from amkit.checks.registry import SEVERITIES
from amkit.deps.table import dependencies
from amkit.errors import AmkitError
from amkit.package.commands import exported_commands, parameters_by_set
from amkit.package.module_package import ModulePackage, ModuleVersion, open_package
from amkit.widgets.common import SCROLLING, ExplorerBase, describe, reporting
from amkit.widgets.html import (
    command_html,
    files_tree_html,
    frame_html,
    key_values_html,
    message_html,
    package_header_html,
)

__all__ = ["PackageExplorer"]

_TABS = ("Files", "Manifest", "Commands", "Connection type", "Dependencies", "Findings")
_SORTABLE = ("name", "kind", "synopsis", "file", "line")
_COMMAND_COLUMNS = ["name", "kind", "synopsis", "output_types", "parameter_sets", "file", "line"]
_DEPENDENCY_COLUMNS = ["dependency", "kind", "written", "resolved_version", "status", "note"]
_FINDING_COLUMNS = ["rule", "severity", "message", "version", "file", "line", "help"]


class PackageExplorer(ExplorerBase):
    """Explore a module package as Automation would import it.

    Parameters
    ----------
    package_or_path
        An open :class:`~amkit.ModulePackage`, or a path :func:`amkit.open_package` takes.

    The header names the package, its kind, versions, module type and size;
    the version selector starts at the latest, the one Automation shows.
    A path that cannot be opened gives a widget showing why.
    """

    version = traitlets.Unicode("", help="The version shown, as PSVersion text; the latest at first.")
    selected_command = traitlets.Unicode(
        None, allow_none=True, help="The command whose details are shown; None when none is selected."
    )
    severities = traitlets.Tuple(SEVERITIES, help="The finding severities the Findings tab shows.")

    def __init__(self, package_or_path: ModulePackage | str | os.PathLike[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.header = widgets.HTML()
        self.error: str | None = None
        try:
            self.package = (
                package_or_path if isinstance(package_or_path, ModulePackage) else open_package(package_or_path)
            )
            self.check_report = check(self.package)

        except AmkitError as error:
            self.error = describe(error)
            self.header.value = message_html(self.error)
            self.children = [self.header, self.messages]
            return
        self._dependencies = dependencies(self.package)
        labels = [str(version.version) for version in reversed(self.package.versions)]
        self.version_selector = widgets.Dropdown(options=labels, value=labels[0], description="Version")
        # The whole package, so that the side-by-side version folders show beside each other.
        self.files_view = widgets.HTML(files_tree_html(list(self.package.files["path"])), layout=SCROLLING)
        self.manifest_view = widgets.HTML(layout=SCROLLING)
        self.sort_by = widgets.Dropdown(options=_SORTABLE, value="name", description="Sort by")
        self.descending = widgets.Checkbox(value=False, description="descending", indent=False)
        self.command_list = widgets.Select(options=[], rows=10, layout=widgets.Layout(width="40%"))
        self.command_detail = widgets.HTML(layout=widgets.Layout(width="60%"))
        self.commands_view = widgets.HTML(layout=SCROLLING)
        self.connection_view = widgets.HTML()
        self.dependencies_view = widgets.HTML(layout=SCROLLING)
        self.severity_filter = widgets.SelectMultiple(options=SEVERITIES, value=SEVERITIES, description="Severity")
        self.findings_view = widgets.HTML(layout=SCROLLING)
        self.tabs = widgets.Tab(
            children=(
                self.files_view,
                self.manifest_view,
                widgets.VBox(
                    [
                        widgets.HBox([self.sort_by, self.descending]),
                        widgets.HBox([self.command_list, self.command_detail]),
                        self.commands_view,
                    ]
                ),
                self.connection_view,
                self.dependencies_view,
                widgets.VBox([self.severity_filter, self.findings_view]),
            ),
            titles=_TABS,
        )
        self.children = [self.header, self.version_selector, self.tabs, self.messages]
        self.version_selector.observe(self._on_selector, "value")
        self.sort_by.observe(self._on_sort, "value")
        self.descending.observe(self._on_sort, "value")
        self.command_list.observe(self._on_pick, "value")
        self.severity_filter.observe(self._on_severity, "value")
        self.observe(self._on_version, "version")
        self.observe(self._on_selected, "selected_command")
        self.observe(self._on_severities, "severities")
        self.version = labels[0]

    def __repr__(self) -> str:
        if self.error is not None:
            return f"PackageExplorer(error={self.error!r})"
        selected = f"selected_command={self.selected_command!r}"
        return f"PackageExplorer({self.package.name}, version={self.version!r}, {selected})"

    # State ---------------------------------------------------------------------------------------

    @traitlets.validate("version")
    def _valid_version(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        known = [str(version.version) for version in self.package.versions]
        if value not in known:
            raise traitlets.TraitError(f"{self.package.name} has no version {value!r}; it has {', '.join(known)}")
        return value

    @traitlets.validate("selected_command")
    def _valid_command(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        if value is None:
            return None
        names = list(self.commands["name"])
        match = next((name for name in names if name.casefold() == str(value).casefold()), None)
        if match is None:
            raise traitlets.TraitError(f"version {self.version} exports no command {value!r}")
        return str(match)

    @traitlets.validate("severities")
    def _valid_severities(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        chosen = tuple(proposal["value"])
        unknown = [item for item in chosen if item not in SEVERITIES]
        if unknown:
            raise traitlets.TraitError(f"severities are {', '.join(SEVERITIES)}, not {', '.join(unknown)}")
        return tuple(item for item in SEVERITIES if item in chosen)

    @property
    def current(self) -> ModuleVersion:
        """The version shown."""
        return self.package[self.version]

    @property
    def commands(self) -> pd.DataFrame:
        """The shown version's commands, in the order the table shows them."""
        frame = self.current.commands
        column = self.sort_by.value
        key = frame[column].astype("string").str.casefold() if column != "line" else frame[column]
        order = key.sort_values(ascending=not self.descending.value, kind="stable", na_position="last").index
        return frame.loc[order].reset_index(drop=True)

    @property
    def findings(self) -> pd.DataFrame:
        """The findings of ``check`` for the shown version (and the package as a whole), of the chosen severities."""
        frame = self.check_report.findings
        keep = (frame["version"].isna() | (frame["version"] == self.version)) & frame["severity"].isin(self.severities)
        return frame[keep].reset_index(drop=True)

    # Views -----------------------------------------------------------------------------------------

    @reporting
    def _on_version(self, change: dict[str, Any]) -> None:
        self.clear_messages()
        version = self.current
        if self.version_selector.value != self.version:
            self.version_selector.value = self.version
        self.header.value = package_header_html(self.package, self.current, self.check_report)
        self.manifest_view.value = self._manifest(version)
        self.connection_view.value = self._connection(version)
        deps = self._dependencies[self._dependencies["version"] == self.version]
        self.dependencies_view.value = frame_html(deps, columns=_DEPENDENCY_COLUMNS)
        self._draw_commands()
        self._draw_findings()

    def _manifest(self, version: ModuleVersion) -> str:
        if version.error is not None:
            return message_html(str(version.error))
        manifest = version.manifest
        if manifest is None:
            return message_html("this version has no manifest", kind="info")
        return key_values_html([(str(key), value) for key, value in manifest.data.items()])

    def _connection(self, version: ModuleVersion) -> str:
        try:
            connection = version.connection_type
        except AmkitError as error:
            return message_html(str(error))
        if connection is None:
            return message_html("this version defines no connection type", kind="info")
        frame = pd.DataFrame(
            [(field.name, field.type_name, field.is_encrypted, field.is_optional) for field in connection.fields],
            columns=["field", "type_name", "is_encrypted", "is_optional"],
        )
        return message_html(f"connection type {connection.name}", kind="info") + frame_html(frame)

    def _draw_commands(self) -> None:
        try:
            frame = self.commands
        except AmkitError as error:
            self.commands_view.value = message_html(str(error))
            self.command_list.options = []
            return
        self.commands_view.value = frame_html(frame, columns=_COMMAND_COLUMNS)
        labels = [
            (f"{name} - {synopsis}" if isinstance(synopsis, str) else str(name), str(name))
            for name, synopsis in zip(frame["name"], frame["synopsis"], strict=True)
        ]
        selected = self.selected_command if self.selected_command in set(frame["name"]) else None
        self.command_list.options = labels
        self.command_list.value = selected
        self.selected_command = selected
        self._draw_detail()

    def _draw_findings(self) -> None:
        self.findings_view.value = frame_html(self.findings, columns=_FINDING_COLUMNS)

    def _draw_detail(self) -> None:
        if self.selected_command is None:
            self.command_detail.value = message_html("select a command to see its help and parameters", kind="info")
            return
        frame = self.current.commands
        row = {str(key): value for key, value in frame[frame["name"] == self.selected_command].iloc[0].items()}
        command = next(item for item in exported_commands(self.current) if item.name == self.selected_command)
        parameters = parameters_by_set(command.definition.parameters, command.default_parameter_set)
        self.command_detail.value = command_html(row, parameters)

    @reporting
    def _on_selector(self, change: dict[str, Any]) -> None:
        self.version = change["new"]

    @reporting
    def _on_sort(self, change: dict[str, Any]) -> None:
        self._draw_commands()

    @reporting
    def _on_pick(self, change: dict[str, Any]) -> None:
        self.selected_command = change["new"]

    @reporting
    def _on_selected(self, change: dict[str, Any]) -> None:
        if self.command_list.value != change["new"]:
            self.command_list.value = change["new"]
        self._draw_detail()

    @reporting
    def _on_severity(self, change: dict[str, Any]) -> None:
        self.severities = tuple(change["new"])

    @reporting
    def _on_severities(self, change: dict[str, Any]) -> None:
        if tuple(self.severity_filter.value) != self.severities:
            self.severity_filter.value = self.severities
        self._draw_findings()
