"""From AzureRM to Az: which Az cmdlet replaces each AzureRM one a runbook calls, and how its parameters change.

The mapping is the one Microsoft publishes with the Az.Tools.Migration module
(repository Azure/azure-powershell-migration, MIT licence: its
``spec.json`` rules from AzureRM 6.13.1 to Az 4.8.0 and its Az alias map),
kept as package data (``amkit/deps/data/azurerm-to-az.json``) with its
source and how much of it was read. Runbooks are read with the grammar;
nothing runs.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from importlib.resources import files
from typing import Any

import pandas as pd

from amkit.defaults import AZ_RELEASES, command_family
from amkit.deps.default_commands import release_exporters
from amkit.deps.runbooks import commands_index
from amkit.deps.scanning import as_inventory
from amkit.powershell.runbook_scan import scan_runbook
from amkit.powershell.version import PSVersion

__all__ = ["MIGRATION_COLUMNS", "azurerm_mapping", "migration_plan"]

MIGRATION_COLUMNS = [
    "runbook",
    "line",
    "column",
    "azurerm",
    "az",
    "parameter_renames",
    "removed_parameters",
    "az_module",
    "note",
]
_Source = str | bytes | os.PathLike[str]


@functools.cache
def azurerm_mapping() -> dict[str, Any]:
    """The published AzureRM-to-Az mapping: source, licence, coverage, cmdlets (lower-case keys), aliases."""
    data = json.loads((files("amkit.deps") / "data" / "azurerm-to-az.json").read_text(encoding="utf-8"))
    data["index"] = {name.casefold(): (name, entry) for name, entry in data["cmdlets"].items()}
    data["alias_index"] = {alias.casefold(): target for alias, target in data["aliases"].items()}
    return data


def migration_plan(runbooks: _Source | Iterable[_Source], *, inventory: object = None) -> pd.DataFrame:
    """One row per AzureRM cmdlet a runbook calls: the Az cmdlet that replaces it, and what changes.

    Parameters
    ----------
    runbooks
        A runbook (path, text or bytes) or several.
    inventory
        Modules (an account, inventory or packages) whose commands say which
        Az module each replacement comes from, where the mapping does not;
        by default the modules of the newest Az release amkit knows.

    Returns
    -------
    pandas.DataFrame
        See :data:`MIGRATION_COLUMNS`: runbook, line, column, azurerm (as
        called), az (the replacement, its Az alias resolved; empty when there
        is none), parameter_renames (``Old -> New`` for the parameters the
        call names), removed_parameters (named in the call, gone in Az),
        az_module, note. ``plan["az_module"].dropna().unique()`` are the
        modules the migrated runbooks need.

    Raises
    ------
    ScriptError
        When a runbook cannot be read or decoded.
    """
    mapping = azurerm_mapping()
    sources = [runbooks] if isinstance(runbooks, str | bytes | os.PathLike) else list(runbooks)
    exporters = _exporters(inventory)
    rows = []
    for number, source in enumerate(sources, start=1):
        label = os.fspath(source) if isinstance(source, os.PathLike) else f"runbook {number}"
        for call in scan_runbook(source, file=label).calls:
            bare = call.name.rpartition("\\")[2]
            found = mapping["index"].get(bare.casefold())
            if found is None and command_family(bare) != "AzureRM":
                continue
            rows.append(_row(label, call.line, call.column, bare, call.parameters, found, mapping, exporters))
    frame = pd.DataFrame(rows, columns=MIGRATION_COLUMNS)
    return frame.astype({**dict.fromkeys(MIGRATION_COLUMNS, "string"), "line": "Int64", "column": "Int64"})


def _exporters(inventory: object) -> dict[str, str]:
    """Command (lower case) -> the module exporting it: ``inventory``'s, else the newest Az release amkit knows."""
    if inventory is None:
        return release_exporters(max(AZ_RELEASES, key=PSVersion))
    table = commands_index(as_inventory(inventory))
    return {
        str(command).casefold(): str(module) for command, module in table[["command", "module"]].itertuples(index=False)
    }


def _row(
    runbook: str,
    line: int,
    column: int,
    called: str,
    parameters: tuple[str, ...],
    found: tuple[str, dict[str, Any]] | None,
    mapping: dict[str, Any],
    exporters: dict[str, str],
) -> tuple[object, ...]:
    if found is None:
        note = "an AzureRM name the published mapping does not list"
        return (runbook, line, column, called, None, "", "", None, note)
    _, entry = found
    az = entry.get("az")
    if az is None:
        return (runbook, line, column, called, None, "", "", None, "no Az cmdlet replaces it")
    seen = {az.casefold()}
    while (resolved := mapping["alias_index"].get(az.casefold())) is not None and resolved.casefold() not in seen:
        az = resolved  # the mapping may name an alias (Add-AzAccount), or an alias of an alias
        seen.add(az.casefold())
    renames = {**mapping["common_parameter_renames"], **entry.get("parameters", {})}
    folded = {old.casefold(): new for old, new in renames.items()}
    renamed = [f"{name} -> {folded[name.casefold()]}" for name in parameters if name.casefold() in folded]
    gone = {name.casefold() for name in entry.get("removed", [])}
    removed = [name for name in parameters if name.casefold() in gone]
    module = entry.get("az_module") or exporters.get(az.casefold())
    return (runbook, line, column, called, az, ", ".join(renamed), ", ".join(removed), module, None)
