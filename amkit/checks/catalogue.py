"""The rule catalogue: every rule amkit has, in one order that the checks, the docs and SARIF share."""

from __future__ import annotations

import pandas as pd

# Importing the rule modules declares their rules.
from amkit.checks import authoring, help_rules, import_rules, runbook_rules
from amkit.checks.registry import Rule, registered

__all__ = ["all_rules", "rules"]

_RULE_MODULES = (import_rules, help_rules, authoring, runbook_rules)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by id."""
    catalogue = registered()
    return tuple(catalogue[key] for key in sorted(catalogue))


def rules() -> pd.DataFrame:
    """The rule catalogue: id, severity, title, rationale, help, source, help_uri, needs, target (package, runbook)."""
    columns = ["id", "severity", "title", "rationale", "help", "source", "help_uri", "needs", "target"]
    return pd.DataFrame([[getattr(item, column) for column in columns] for item in all_rules()], columns=columns)
