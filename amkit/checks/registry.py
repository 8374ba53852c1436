"""How a rule is declared: the :func:`rule` decorator, the :class:`Rule` it records, the :class:`Hit` it yields.

Each rule is one small function decorated with :func:`rule`, which records its
id, severity, title, rationale and the documentation it comes from. The ids
(``AM101`` ...) are part of amkit's public interface. The rule modules import
this one; :mod:`amkit.checks.catalogue` imports them and lists what they declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amkit.package.manifest import Manifest
    from amkit.package.module_package import ModuleVersion

__all__ = ["SEVERITIES", "Hit", "Rule", "hit_at_key", "registered", "rule"]

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


# A rule takes the context of what it checks: a CheckContext (packages) or a RunbookContext (runbooks).
RuleFunction = Callable[[Any], Iterable[Hit]]


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
    target: str = "package"  # what the rule checks: a module package, or a runbook


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
    target: str = "package",
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as rule ``id``."""
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: severity must be one of {SEVERITIES}, not {severity!r}")

    def register(function: RuleFunction) -> RuleFunction:
        if id in _REGISTRY:
            raise ValueError(f"rule {id} is registered twice")
        _REGISTRY[id] = Rule(id, severity, title, rationale, help, source, help_uri, function, needs, target)
        return function

    return register


def registered() -> dict[str, Rule]:
    """The rules declared so far, by id (:func:`amkit.checks.catalogue.all_rules` declares them all first)."""
    return dict(_REGISTRY)


def hit_at_key(message: str, version: ModuleVersion, manifest: Manifest, key: str) -> Hit:
    """A hit at the place the manifest writes ``key``."""
    line, column = manifest.position(key) or (None, None)
    return Hit(message, str(version.version), version.manifest_path, line, column)
