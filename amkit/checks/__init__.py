"""Check a package before import (Automation's import rules, authoring practices) and a runbook before it runs.

Here live the rule catalogue (each rule a small function, declared with
:func:`~amkit.checks.registry.rule`), the runner and the :class:`Report` with
its JSON, SARIF and HTML views. Its modules may import the dependency layer,
the package reader, the language layer and the base modules; the account model
and the front ends build on it.
"""

from amkit.checks.catalogue import all_rules, rules
from amkit.checks.context import RUNTIMES, CheckContext
from amkit.checks.registry import Hit, Rule
from amkit.checks.report import Finding, Report
from amkit.checks.run import check
from amkit.checks.runbook_run import check_runbook

__all__ = [
    "RUNTIMES",
    "CheckContext",
    "Finding",
    "Hit",
    "Report",
    "Rule",
    "all_rules",
    "check",
    "check_runbook",
    "rules",
]
