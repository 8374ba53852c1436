"""Which modules a runbook needs, from what it calls and what it imports, and which module exports what.

:func:`commands_index` maps every command an inventory's modules export to
the modules and versions exporting it. :func:`runbook_requirements` reads a
runbook with the PowerShell grammar (nothing runs) and lists, per module, the
commands it calls from it and its ``Import-Module``, ``using module`` and
``#Requires -Modules`` statements, with the versions the inventory offers.
Commands of Windows PowerShell's own modules and Automation's internal
cmdlets are recognised as built in (:mod:`amkit.defaults`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from amkit.defaults import builtin_module, is_builtin_module
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.requirements import Requirement
from amkit.deps.scanning import as_inventory
from amkit.package.module_spec import ModuleSpec
from amkit.powershell.script import ModuleReference, ScriptInfo, parse_script

__all__ = ["COMMAND_INDEX_COLUMNS", "RUNBOOK_COLUMNS", "RUNBOOK_STATUSES", "commands_index", "runbook_requirements"]

COMMAND_INDEX_COLUMNS = ["command", "module", "versions", "latest"]
RUNBOOK_COLUMNS = [
    "module",
    "status",
    "commands",
    "statements",
    "min_version",
    "required_version",
    "max_version",
    "version",
    "available_versions",
    "note",
]
#: ``ok``: a version satisfies every statement; ``built-in``: Windows PowerShell or Automation provides it;
#: ``missing``: no version is available; ``version-conflict``: none at the versions asked for;
#: ``ambiguous``: its commands are exported by other modules too and nothing says which one is meant;
#: ``unknown``: a command no module is known to export, or a statement naming a computed module.
RUNBOOK_STATUSES = ("ok", "built-in", "ambiguous", "version-conflict", "missing", "unknown")
_STATEMENTS = {"import-module": "Import-Module", "using-module": "using module", "requires": "#Requires -Modules"}
# The requirements PowerShell loads with a module: RequiredModules, and NestedModules named (not files).
_FOLLOWED = ("required", "nested")


def _exporters(inventory: Inventory) -> dict[str, dict[str, list[ModuleRecord]]]:
    """Command (lower case) -> module (lower case) -> the versions exporting it, ascending."""
    found: dict[str, dict[str, list[ModuleRecord]]] = {}
    for name in inventory.names:
        for record in inventory.versions(name):
            for command in record.commands:
                found.setdefault(command.casefold(), {}).setdefault(name.casefold(), []).append(record)
    return found


def commands_index(inventory: object) -> pd.DataFrame:
    """Every exported command with the modules and versions that export it.

    Parameters
    ----------
    inventory
        An :class:`~amkit.deps.inventory.Inventory` (or anything
        :func:`amkit.deps.scanning.as_inventory` takes).

    Returns
    -------
    pandas.DataFrame
        One row per command and module: command, module, versions (the
        versions exporting it, ascending, comma-separated) and latest.
        Sorted by command, then module, ignoring case; a command exported by
        several modules has several rows.
    """
    rows = []
    for command, modules in _exporters(as_inventory(inventory)).items():
        for records in modules.values():
            latest = records[-1]
            shown = next(name for name in latest.commands if name.casefold() == command)
            rows.append((shown, latest.name, ", ".join(str(item.version) for item in records), str(latest.version)))
    rows.sort(key=lambda row: (row[0].casefold(), row[1].casefold()))
    return pd.DataFrame(rows, columns=COMMAND_INDEX_COLUMNS).astype("string")


@dataclass
class _Need:
    """What a runbook asks of one module."""

    name: str
    commands: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    shared: dict[str, list[str]] = field(default_factory=dict)  # command -> other modules exporting it


def _reference_requirement(reference: ModuleReference, name: str) -> Requirement:
    keys = {"ModuleVersion": reference.version, "RequiredVersion": reference.required_version}
    keys["MaximumVersion"] = reference.maximum_version
    given = {key: value for key, value in keys.items() if value is not None}
    spec = ModuleSpec.from_value({"ModuleName": name, **given}) if given else ModuleSpec.from_value(name)
    return Requirement(name, "required", spec.written, spec)


def _is_script_path(command: str) -> bool:
    r"""A child runbook or script called by path (``.\Child.ps1``), not a command of a module."""
    folded = command.casefold()
    return folded.endswith((".ps1", ".psm1")) or folded.startswith(".") or "/" in folded


def _commands(names: Iterable[str], defined: set[str], aliases: dict[str, str]) -> list[str]:
    """The commands a runbook calls from modules: without its own functions, its aliases resolved."""
    found: dict[str, str] = {}
    for name in names:
        target = aliases.get(name.casefold(), name)
        if target.casefold() in defined or _is_script_path(target):
            continue
        found.setdefault(target.casefold(), target)
    return list(found.values())


def runbook_requirements(
    script_text_or_path: str | bytes | os.PathLike[str] | ScriptInfo,
    inventory: object,
    *,
    strict: bool = False,
) -> pd.DataFrame:
    """The modules a runbook needs, and whether ``inventory`` offers them at the versions it asks for.

    Parameters
    ----------
    script_text_or_path
        The runbook's text, bytes or path (as :func:`amkit.parse_script` takes), or the
        :class:`~amkit.powershell.script.ScriptInfo` it already gave.
    inventory
        The modules available: an :class:`~amkit.deps.inventory.Inventory`, or
        anything :func:`amkit.deps.scanning.as_inventory` takes.
    strict
        Raise the runbook's first syntax error instead of reading what parses.

    Returns
    -------
    pandas.DataFrame
        One row per module: module, status (see :data:`RUNBOOK_STATUSES`),
        commands (called from it, comma-separated), statements (the
        ``Import-Module``/``using module``/``#Requires`` naming it),
        min_version, required_version, max_version (asked for by those
        statements), version (the one that would load), available_versions
        and note; then one ``unknown`` row per command nothing exports. The
        modules those load in turn (RequiredModules, NestedModules named by
        module name) are rows too, their statement naming the module that
        requires them, at the versions it asks for. The runbook's own
        functions and child runbooks called by path are left out.

    Raises
    ------
    ScriptError
        When the runbook cannot be read or decoded (and for a syntax error with ``strict``).
    """
    script = (
        script_text_or_path
        if isinstance(script_text_or_path, ScriptInfo)
        else parse_script(script_text_or_path, strict=strict)
    )
    available = as_inventory(inventory)
    exporters = _exporters(available)
    defined = {function.name.casefold() for function in script.functions}
    own_aliases = {alias.casefold(): str(target) for alias, target in script.aliases.items()}
    needs: dict[str, _Need] = {}
    unknown: list[str] = []
    computed: list[str] = []

    def need(name: str) -> _Need:
        return needs.setdefault(name.casefold(), _Need(name))

    for reference in script.module_references:
        if reference.name is None:
            computed.append(f"{_STATEMENTS.get(reference.kind, reference.kind)} {reference.text}")
        elif not _is_script_path(reference.name) and not reference.name.casefold().endswith((".psd1", ".dll")):
            entry = need(reference.name)
            entry.statements.append(_STATEMENTS.get(reference.kind, reference.kind))
            entry.requirements.append(_reference_requirement(reference, reference.name))
    for command in _commands(script.commands, defined, own_aliases):
        qualifier, slash, bare = command.rpartition("\\")
        modules = exporters.get(bare.casefold(), {}) if slash else exporters.get(command.casefold(), {})
        if slash and qualifier:
            modules = {key: found for key, found in modules.items() if key == qualifier.casefold()}
            if not modules:
                need(qualifier).commands.append(bare)
                continue
        pinned = [key for key in modules if key in needs and needs[key].statements]
        chosen = pinned or list(modules)
        if not chosen:
            builtin = builtin_module(command)
            if builtin is not None:
                need(builtin).commands.append(command)
            else:
                unknown.append(command)
            continue
        for key in chosen:
            entry = need(modules[key][-1].name)
            entry.commands.append(bare if slash else command)
            others = [modules[other][-1].name for other in chosen if other != key]
            if others:
                entry.shared[bare if slash else command] = others
    _follow_required_modules(needs, available, need)
    rows = [_row(entry, available) for entry in sorted(needs.values(), key=lambda item: item.name.casefold())]
    rows += [
        (None, "unknown", command, "", None, None, None, None, "", "no module in the inventory exports it")
        for command in sorted(unknown, key=str.casefold)
    ]
    rows += [
        (None, "unknown", "", statement, None, None, None, None, "", "the module name is computed when it runs")
        for statement in computed
    ]
    return pd.DataFrame(rows, columns=RUNBOOK_COLUMNS).astype("string")


def _follow_required_modules(needs: dict[str, _Need], available: Inventory, need: Callable[[str], _Need]) -> None:
    """Add what the modules a runbook loads require in turn (RequiredModules, NestedModules by name).

    PowerShell loads those first, at the versions the loading module asks
    for; each becomes a need whose statement says which module requires it.
    """
    done: set[tuple[str, str]] = set()
    pending = list(needs.values())
    while pending:
        entry = pending.pop()
        best = available.best(entry.name, entry.requirements)
        if best is None or (entry.name.casefold(), best.label) in done:
            continue
        done.add((entry.name.casefold(), best.label))
        for requirement in best.requirements:
            if requirement.kind not in _FOLLOWED or requirement.spec is None:
                continue
            required = need(requirement.name)
            required.statements.append(f"RequiredModules of {best.label}")
            required.requirements.append(requirement)
            pending.append(required)


def _first(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value is not None), None)


def _row(entry: _Need, inventory: Inventory) -> tuple[object, ...]:
    versions = inventory.versions(entry.name)
    best = inventory.best(entry.name, entry.requirements)
    notes = []
    if best is not None:
        status = "ok"
        if entry.shared and len(entry.shared) == len(entry.commands) and not entry.statements:
            status = "ambiguous"
            notes += [f"{command} is also exported by {', '.join(others)}" for command, others in entry.shared.items()]
    elif versions:
        status = "version-conflict"
        notes.append(f"asked for {'; '.join(item.written for item in entry.requirements)}")
    elif is_builtin_module(entry.name):
        status = "built-in"
    else:
        status = "missing"
        notes.append("no module in the inventory has this name")
    return (
        entry.name,
        status,
        ", ".join(entry.commands),
        ", ".join(dict.fromkeys(entry.statements)),
        _first(item.min_version for item in entry.requirements),
        _first(item.required_version for item in entry.requirements),
        _first(item.max_version for item in entry.requirements),
        str(best.version) if best is not None else None,
        ", ".join(str(item.version) for item in versions),
        "; ".join(notes) or None,
    )
