"""Run every applicable rule over one package."""

from __future__ import annotations

import os
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from amkit.checks.catalogue import all_rules
from amkit.checks.context import RUNTIMES, CheckContext, runtime_edition, runtime_line
from amkit.checks.registry import Hit, Rule
from amkit.checks.report import Finding, Report
from amkit.errors import AmkitError
from amkit.limits import Limits
from amkit.package.module_package import ModulePackage, open_package

__all__ = ["UNREADABLE_RULE", "check", "finding"]

#: The rule under which input that stops another rule from running is reported.
UNREADABLE_RULE = "AM100"


def check(
    path_or_package: str | os.PathLike[str] | ModulePackage,
    *,
    account: Any = None,
    runtime: str | None = None,
    limits: Limits | None = None,
    executor: Executor | None = None,
) -> Report:
    """Check a package against Automation's import rules and the authoring practices, offline.

    Parameters
    ----------
    path_or_package
        A ``.zip``, ``.nupkg`` or module folder, or an open :class:`ModulePackage`.
    account
        An Automation account; enables the rules about what it already holds (AM111).
    runtime
        ``"5.1"`` or a ``"7.x"`` runtime, or its exact version (``"7.2.5"``); enables the runtime
        rule (AM112), which compares every component of PowerShellVersion with it. Its edition
        (``Desktop`` for 5.1, else ``Core``) decides a manifest's ``if ($PSEdition ...)``; without
        a runtime, and for a package opened already, the edition it was opened for.
    limits
        Reading limits passed to :func:`amkit.open_package`.
    executor
        Any :class:`concurrent.futures.Executor` to parse the package's
        scripts on (:meth:`amkit.ModulePackage.parse_scripts`); by default a
        process pool when they are large, else one by one here. The report
        is the same whatever parses them.

    Returns
    -------
    Report
        Never raises for bad input: an unreadable package or file becomes a finding.
    """
    if runtime is not None and runtime_line(runtime) not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)} (or a version of one: 7.2.5), not {runtime!r}")
    if isinstance(path_or_package, ModulePackage):
        path_or_package.parse_scripts(executor, usage=True)
        context = CheckContext(path_or_package.location, path_or_package, account=account, runtime=runtime)
        return _report(context)
    location = Path(path_or_package)
    try:
        edition = runtime_edition(runtime) if runtime is not None else "Desktop"
        package = open_package(location, limits=limits, executor=executor, edition=edition)
    except AmkitError as error:
        return _report(CheckContext(location, None, error, account=account, runtime=runtime))
    # The rules read everything they need before the report exists, so the package is closed
    # here rather than left holding the zip open until garbage collection.
    with package:
        package.parse_scripts(usage=True)
        return _report(CheckContext(location, package, account=account, runtime=runtime))


def _report(context: CheckContext) -> Report:
    findings = [finding for item in all_rules() if item.target == "package" for finding in _run(item, context)]
    name = context.package.name if context.package is not None else None
    return Report(context.location, name, findings, runtime=context.runtime)


def finding(item: Rule, hit: Hit) -> Finding:
    """The finding of one hit of rule ``item``."""
    return Finding(
        item.id, item.severity, item.title, hit.message, hit.version, hit.file, hit.line, hit.column, item.help
    )


def _run(item: Rule, context: CheckContext) -> list[Finding]:
    if (item.needs == "account" and context.account is None) or (item.needs == "runtime" and context.runtime is None):
        return []
    findings: list[Finding] = []
    try:
        # One hit at a time: what the rule found before an unreadable file stopped it still counts.
        for hit in item.function(context):
            findings.append(finding(item, hit))
    except AmkitError as error:
        # A file the rule needs cannot be read: say so under AM100, once per rule.
        unreadable = next(rule for rule in all_rules() if rule.id == UNREADABLE_RULE)
        where = context.member(error.file)
        findings.append(
            finding(unreadable, Hit(f"{item.id} could not run: {error.message}", None, where, error.line, error.column))
        )
    return findings
