"""The input of one runbook check: the runbook read (nothing runs), and the modules where it runs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.runbooks import runbook_requirements
from amkit.powershell.runbook_scan import CommandCall, RunbookScan
from amkit.powershell.script import ScriptInfo

__all__ = ["RunbookContext"]


@dataclass
class RunbookContext:
    """A runbook and the environment it is checked against.

    ``inventory`` holds the modules of that environment; ``runtime`` is its
    PowerShell version (``None`` when only an inventory was given, so the
    runtime rules do not run); ``environment`` names it in messages.
    """

    location: Path
    text: str
    script: ScriptInfo
    scan: RunbookScan
    inventory: Inventory
    runtime: str | None = None
    environment: str = "the inventory"

    @property
    def file(self) -> str:
        """The name findings carry."""
        return self.location.name

    @cached_property
    def requirements(self) -> pd.DataFrame:
        """:func:`amkit.runbook_requirements` of the runbook against the environment."""
        return runbook_requirements(self.script, self.inventory)  # the script read once

    def first_call(self, names: set[str]) -> CommandCall | None:
        """The first call of any of ``names`` (lower case, as the runbook may spell them)."""
        return next((call for call in self.scan.calls if _bare(call.name) in names), None)

    def loaded(self, module: str, version: str | None) -> ModuleRecord | None:
        """The record of the version of ``module`` the runbook would load."""
        return next((item for item in self.inventory.versions(module) if str(item.version) == str(version)), None)


def _bare(command: str) -> str:
    return command.rpartition("\\")[2].casefold()
