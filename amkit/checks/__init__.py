"""Check a package before import: Azure Automation's import rules and the authoring practices."""

from amkit.checks.catalogue import all_rules, rules
from amkit.checks.context import RUNTIMES, CheckContext
from amkit.checks.registry import Hit, Rule
from amkit.checks.report import Finding, Report
from amkit.checks.run import check

__all__ = ["RUNTIMES", "CheckContext", "Finding", "Hit", "Report", "Rule", "all_rules", "check", "rules"]
