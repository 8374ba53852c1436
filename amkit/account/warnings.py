"""What may break runbooks in an account: Az beside AzureRM, dependencies that are gone, orphan runbooks."""

from __future__ import annotations

import pandas as pd

from amkit.defaults import module_family
from amkit.deps.inventory import Inventory
from amkit.deps.table import resolve

__all__ = ["WARNING_COLUMNS", "account_warnings"]

WARNING_COLUMNS = ["kind", "module", "message"]
#: Dependency statuses that mean a module may fail to load.
_BROKEN = ("missing", "version-conflict", "guid-mismatch")


def account_warnings(modules: pd.DataFrame, inventory: Inventory, orphans: list[tuple[str, str]]) -> pd.DataFrame:
    """The warnings of one environment's module list and inventory, and of runbooks without an environment.

    See :meth:`amkit.AutomationAccount.warnings`.
    """
    rows: list[tuple[str, str, str]] = []
    # family -> is_global -> names: a custom import of either family that meets the other, a default
    # one included, is what the documentation warns of (both defaults alone are the service's own state).
    families: dict[str, dict[bool, list[str]]] = {}
    for name, is_global in modules[["name", "is_global"]].itertuples(index=False):
        family = module_family(str(name))
        if family is not None:
            families.setdefault(family, {}).setdefault(bool(is_global), []).append(str(name))
    if len(families) == 2 and any(False in held for held in families.values()):
        described = " and ".join(f"{family} ({_held(families[family])})" for family in ("Az", "AzureRM"))
        message = f"{described} are both in the account: a runbook that loads both crashes its sandbox"
        rows.append(("az-and-azurerm", "", message))
    for runbook, gone in orphans:
        message = f"runbook {runbook} is linked to {gone}, which Azure no longer has: it cannot run"
        rows.append(("runbook-without-environment", "", message))
    for item in resolve(inventory):
        if item.requirement.kind in ("required", "nested") and item.status in _BROKEN:
            message = (
                f"{item.record.label} requires {item.requirement.written}, "
                f"which the account does not satisfy ({item.status})"
            )
            rows.append(("unsatisfied-dependency", item.record.name, message))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS).astype("string")


def _held(names: dict[bool, list[str]]) -> str:
    """``custom: A, B; 6 default``: the modules of one family, custom ones named, default ones counted."""
    custom, default = names.get(False, []), names.get(True, [])
    parts = [f"custom: {', '.join(custom)}"] if custom else []
    parts += [f"{len(default)} default"] if default else []
    return "; ".join(parts)
