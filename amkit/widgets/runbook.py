"""RunbookExplorer: what a runbook needs where it runs, and what will break it there."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from amkit.account import AutomationAccount
from amkit.checks import Report, check_runbook
from amkit.deps.azurerm import migration_plan
from amkit.deps.runbooks import runbook_requirements
from amkit.widgets.common import SCROLLING, ExplorerBase, reporting
from amkit.widgets.html import frame_html, message_html

__all__ = ["RunbookExplorer"]

_NEED_COLUMNS = ["module", "status", "commands", "statements", "version", "available_versions", "note"]
_FINDING_COLUMNS = ["rule", "severity", "message", "line", "column"]
_MIGRATION_COLUMNS = ["line", "azurerm", "az", "parameter_renames", "removed_parameters", "az_module", "note"]


class RunbookExplorer(ExplorerBase):
    """A runbook read (never run) against an account's runtime environment, or an inventory.

    Tabs: Requirements (:func:`amkit.runbook_requirements`: the modules it
    needs, and whether the environment has them), Findings
    (:func:`amkit.check_runbook`: the AM3xx rules) and Migration
    (:func:`amkit.migration_plan`: the Az cmdlets that replace its AzureRM
    ones). With an account, a picker chooses the environment; the tabs follow it.
    """

    runtime_environment = traitlets.Unicode(
        "", allow_none=True, help="The account's runtime environment the runbook is read against ('' without one)."
    )

    def __init__(
        self,
        runbook: str | bytes | os.PathLike[str],
        account_or_inventory: Any = None,
        *,
        runtime_environment: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.runbook = runbook
        self.source = AutomationAccount.open() if account_or_inventory is None else account_or_inventory
        self.requirements_view = widgets.HTML(layout=SCROLLING)
        self.findings_view = widgets.HTML(layout=SCROLLING)
        self.migration_view = widgets.HTML(layout=SCROLLING)
        self.environment_picker = widgets.Dropdown(description="Environment")
        self._report: Report | None = None
        self._requirements = pd.DataFrame()
        self._migration = pd.DataFrame()
        if isinstance(self.source, AutomationAccount):
            names = self.source.runtime_environments().query("language == 'PowerShell'")["name"].tolist()
            default = self.source.runtime_environment(runtime_environment or f"PowerShell-{self.source.runtime}")
            self.environment_picker.options = names
            self.environment_picker.value = default.name
            self.runtime_environment = default.name
        else:
            self.environment_picker.layout.display = "none"
        self.tabs = widgets.Tab(
            children=(self.requirements_view, self.findings_view, self.migration_view),
            titles=("Requirements", "Findings", "Migration"),
        )
        self.children = [self.environment_picker, self.tabs, self.messages]
        self.environment_picker.observe(self._on_pick, "value")
        self._read()

    @property
    def requirements(self) -> pd.DataFrame:
        """What the runbook needs, and whether the environment has it (see :func:`amkit.runbook_requirements`)."""
        return self._requirements

    @property
    def migration(self) -> pd.DataFrame:
        """The AzureRM cmdlets the runbook calls and what replaces them (see :func:`amkit.migration_plan`)."""
        return self._migration

    @property
    def report(self) -> Report | None:
        """The runbook check against the environment (``None`` until read)."""
        return self._report

    def __repr__(self) -> str:
        shown = self.report.summary() if self.report is not None else "not read"
        return f"RunbookExplorer({shown})"

    @reporting
    def _on_pick(self, change: dict[str, Any]) -> None:
        self.runtime_environment = str(change["new"])
        self._read()

    def _read(self) -> None:
        self.clear_messages()
        if isinstance(self.source, AutomationAccount):
            where = self.runtime_environment
            inventory = self.source.inventory(runtime_environment=where)
            self._report = check_runbook(self.runbook, self.source, runtime_environment=where)
        else:
            inventory = self.source
            self._report = check_runbook(self.runbook, self.source)
        self._requirements = runbook_requirements(self.runbook, inventory)
        self.requirements_view.value = frame_html(self._requirements, columns=_NEED_COLUMNS)
        self._migration = migration_plan(self.runbook, inventory=inventory)
        self.migration_view.value = frame_html(self._migration, columns=_MIGRATION_COLUMNS)
        verdict = message_html(self._report.summary(), kind="info" if self._report.importable else "error")
        self.findings_view.value = verdict + frame_html(self._report.findings, columns=_FINDING_COLUMNS)
