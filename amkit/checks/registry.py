"""The rule catalogue: one registry drives the checks, the docs and SARIF.

Each rule is one small function decorated with :func:`rule`, which records its
id, severity, title, rationale and the documentation it comes from. The ids
(``AM101`` ...) are part of amkit's public interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from amkit.checks.context import CheckContext

__all__ = ["SEVERITIES", "Hit", "Rule", "all_rules", "rule", "rules"]

#: Severities from the most to the least serious.
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Hit:
    """One place where a rule is broken, as a rule function reports it."""

    message: str
    version: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None


RuleFunction = Callable[["CheckContext"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A check: what it finds, why it matters, where the rule comes from, and how to fix it."""

    id: str
    severity: str
    title: str
    rationale: str
    help: str
    source: str
    help_uri: str
    function: RuleFunction
    needs: str | None = None  # "account" or "runtime" when the rule only runs with one


_REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    severity: str,
    title: str,
    *,
    rationale: str,
    help: str,
    source: str,
    help_uri: str,
    needs: str | None = None,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as rule ``id``."""
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: severity must be one of {SEVERITIES}, not {severity!r}")

    def register(function: RuleFunction) -> RuleFunction:
        if id in _REGISTRY:
            raise ValueError(f"rule {id} is registered twice")
        _REGISTRY[id] = Rule(id, severity, title, rationale, help, source, help_uri, function, needs)
        return function

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, ordered by id."""
    from amkit.checks import authoring, import_rules  # noqa: F401 - importing registers the rules

    return tuple(_REGISTRY[key] for key in sorted(_REGISTRY))


def rules() -> pd.DataFrame:
    """The rule catalogue: id, severity, title, rationale, help, source, help_uri, needs."""
    columns = ["id", "severity", "title", "rationale", "help", "source", "help_uri", "needs"]
    return pd.DataFrame([[getattr(item, column) for column in columns] for item in all_rules()], columns=columns)
