"""Run the runbook rules (AM3xx) over one runbook, against the account or inventory it runs with."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from amkit.checks.catalogue import all_rules
from amkit.checks.registry import Hit
from amkit.checks.report import Finding, Report
from amkit.checks.run import UNREADABLE_RULE, finding
from amkit.checks.runbook_context import RunbookContext
from amkit.deps.scanning import as_inventory
from amkit.errors import AmkitError, ScriptError
from amkit.powershell.runbook_scan import scan_runbook
from amkit.powershell.script import parse_script
from amkit.powershell.textfile import load_source

__all__ = ["check_runbook"]


def check_runbook(
    script: str | bytes | os.PathLike[str],
    account_or_inventory: Any,
    *,
    runtime_environment: str | None = None,
    runtime: str | None = None,
) -> Report:
    """Check a runbook against what breaks runbooks at run time: the AM3xx rules of ``docs/rules.md``.

    Parameters
    ----------
    script
        The runbook: a path, its bytes or its text. It is read, never run.
    account_or_inventory
        An :class:`~amkit.AutomationAccount`, whose environment
        ``runtime_environment`` (by default the account runtime's) gives the
        modules and the runtime; or an inventory (anything
        :func:`amkit.deps.scanning.as_inventory` takes), with ``runtime`` if
        the runtime rule (AM307) should run.
    runtime_environment, runtime
        Which environment of an account; the runtime of an inventory.

    Returns
    -------
    Report
        As :func:`amkit.check` returns, one finding per place; a runbook that
        cannot be read or decoded is one AM100 finding.
    """
    text_or_error = _read(script)
    location = Path(os.fspath(script)) if isinstance(script, os.PathLike) else Path("runbook.ps1")
    if isinstance(text_or_error, AmkitError):
        hit = Hit(text_or_error.message, None, location.name, text_or_error.line, text_or_error.column)
        unreadable = next(item for item in all_rules() if item.id == UNREADABLE_RULE)
        return Report(location, location.stem, [finding(unreadable, hit)], runtime=runtime, subject="runbook")
    if hasattr(account_or_inventory, "runtime_environment") and hasattr(account_or_inventory, "inventory"):
        environment = account_or_inventory.runtime_environment(
            runtime_environment or f"PowerShell-{account_or_inventory.runtime}"
        )
        inventory = account_or_inventory.inventory(runtime_environment=environment.name)
        runtime, where = environment.version, f"{environment.name}"
    else:
        inventory, where = as_inventory(account_or_inventory), "the inventory"
    parsed = parse_script(text_or_error)  # with what it uses: its requirements are the commands it calls
    scanned = scan_runbook(text_or_error, file=location.name)
    context = RunbookContext(location, text_or_error, parsed, scanned, inventory)
    context.runtime, context.environment = runtime, where
    findings: list[Finding] = []
    for item in all_rules():
        if item.target != "runbook" or (item.needs == "runtime" and runtime is None):
            continue
        findings += [finding(item, hit) for hit in item.function(context)]
    return Report(location, location.stem, findings, runtime=runtime, subject="runbook")


def _read(script: str | bytes | os.PathLike[str]) -> str | AmkitError:
    try:
        text, _ = load_source(script, error=ScriptError, caller="check_runbook")
    except AmkitError as error:
        return error
    return text
