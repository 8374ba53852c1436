"""Dependency tables: what each module version needs, whether the source can satisfy it, and who needs what.

Every requirement a version declares (see :class:`amkit.deps.inventory.Requirement`)
is resolved against the same source: the highest version meeting the
requirement under its own semantics (PowerShell's for manifests, NuGet's for
nuspecs), releases before prereleases. A requirement is:

- ``ok``: a version satisfies it (``resolved_version``);
- ``missing``: no version of the module is there at all;
- ``version-conflict``: versions are there, none at an accepted version;
- ``guid-mismatch``: an accepted version is there, but with another GUID, so
  it is another module of the same name;
- ``cycle``: it is satisfied, but the version it resolves to depends, directly
  or not, back on the dependant: no import order exists;
- ``external``: nothing provides it and ``ExternalModuleDependencies`` says it
  comes from elsewhere.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from amkit.bulk import collector_paused
from amkit.deps.inventory import ModuleRecord
from amkit.deps.requirements import Requirement
from amkit.deps.resolution import ResolvedRows, resolved_rows
from amkit.deps.scanning import as_inventory

__all__ = ["DEPENDENCY_COLUMNS", "STATUSES", "Resolution", "dependencies", "resolve", "reverse_dependencies"]

#: From best to worst: the order the charts and filters use.
STATUSES = ("ok", "external", "cycle", "guid-mismatch", "version-conflict", "missing")
DEPENDENCY_COLUMNS = [
    "module",
    "version",
    "dependency",
    "kind",
    "min_version",
    "required_version",
    "max_version",
    "guid",
    "resolved_version",
    "status",
    "semantics",
    "written",
    "note",
    "source",
]


class Resolution(NamedTuple):
    """One requirement of one module version, resolved against a source.

    A named tuple: a gallery has hundreds of thousands of them, and a frozen
    dataclass costs several times as much to make.
    """

    record: ModuleRecord
    requirement: Requirement
    resolved: ModuleRecord | None
    status: str
    note: str | None = None


def resolve(source: object) -> list[Resolution]:
    """Every requirement of every usable module version in ``source``, resolved against ``source`` itself.

    ``source`` is anything :func:`amkit.deps.scanning.as_inventory` takes. The
    resolutions come in the inventory's order of records, then declaration
    order; resolutions whose versions depend on each other are marked
    ``cycle``, with the cycle in their note. Equal requirements share one
    object, the first declared.
    """
    inventory = as_inventory(source)
    with collector_paused():
        rows = resolved_rows(inventory)
        records, requirements = rows.records, rows.requirements
        columns = (rows.owner.tolist(), rows.which.tolist(), [rows.outcomes[at] for at in rows.outcome_at.tolist()])
        return [
            Resolution(records[owner], requirements[which], outcome.resolved, outcome.status, outcome.note)
            for owner, which, outcome in zip(*columns, strict=True)
        ]


def _dependency_frame(rows: ResolvedRows) -> pd.DataFrame:
    """The dependency table of ``rows``, a column at a time.

    A gallery's table has hundreds of thousands of rows but far fewer
    distinct module versions and requirements: each one's cells are made
    once, as pandas string arrays, and repeated by position. Making a tuple
    per row and letting pandas turn them into columns cost more than
    resolving them.
    """
    if not len(rows.owner):
        return _frame([], DEPENDENCY_COLUMNS)
    columns = {
        **_repeated(
            rows.records,
            rows.owner,
            ("module", "version", "source"),
            lambda record: (record.name, str(record.version), record.source),
        ),
        **_repeated(
            rows.requirements,
            rows.which,
            tuple(_REQUIREMENT_COLUMNS),
            operator.attrgetter(*_REQUIREMENT_COLUMNS.values()),
        ),
        **_repeated(
            rows.outcomes,
            rows.outcome_at,
            ("resolved_version", "status", "note"),
            lambda outcome: (
                str(outcome.resolved.version) if outcome.resolved is not None else None,
                outcome.status,
                outcome.note,
            ),
        ),
    }
    return pd.DataFrame({column: columns[column] for column in DEPENDENCY_COLUMNS}, copy=False)


#: The columns that come from the requirement, each with the attribute it shows.
_REQUIREMENT_COLUMNS = {
    "dependency": "name",
    "kind": "kind",
    "min_version": "min_version",
    "required_version": "required_version",
    "max_version": "max_version",
    "guid": "guid",
    "semantics": "semantics",
    "written": "written",
}


def _repeated(
    objects: Sequence[Any],
    positions: np.ndarray,
    columns: Sequence[str],
    cells: Callable[[Any], tuple[str | None, ...]],
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The ``columns`` of the rows at ``positions`` of ``objects``: each object's ``cells`` made once."""
    by_column = zip(*map(cells, objects), strict=True)
    return {column: _strings(list(values)).take(positions) for column, values in zip(columns, by_column, strict=True)}


def _strings(values: Sequence[str | None]) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="string")


def _frame(rows: Sequence[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    # Strings throughout, so that filters such as frame[frame.status == "missing"] work on empty tables too.
    return frame.astype({column: "string" for column in columns if column not in ("depth",)})


def dependencies(source: object) -> pd.DataFrame:
    """One row per declared dependency of every module version in ``source``, resolved against it.

    Parameters
    ----------
    source
        An :class:`~amkit.deps.inventory.Inventory` (from :func:`amkit.scan`), an
        open package, paths to scan, or an Automation account.

    Returns
    -------
    pandas.DataFrame
        Columns: module, version, dependency, kind (required, nested,
        external, nuspec), min_version, required_version, max_version, guid
        (as declared), resolved_version, status (see :mod:`amkit.deps.table`),
        semantics (``PowerShell`` or ``NuGet``: how the versions compare),
        written (the declaration), note (why a status is not ok; a nuspec
        range that disagrees with its manifest) and source (the package).
    """
    inventory = as_inventory(source)
    # One pause for both steps, and the resolutions gone before it ends: the collector then has only the
    # table to look at, not the hundreds of thousands of objects the table was made from.
    with collector_paused():
        return _dependency_frame(resolved_rows(inventory))


REVERSE_COLUMNS = ["module", "version", "depth", "dependency", "kind", "status", "path", "source"]


def reverse_dependencies(source: object, name: str) -> pd.DataFrame:
    """Who depends on module ``name``, directly (depth 1) and through other modules (depth 2 and more).

    A module depends on another when any declared requirement names it,
    whatever its status, so the table answers "what breaks if ``name`` goes
    or changes". Transitive dependants are found through module names.

    Returns
    -------
    pandas.DataFrame
        One row per dependant module version and requirement: module,
        version, depth (shortest chain), dependency (the module it requires
        on the way to ``name``), kind, status, path (``A -> B -> name``) and
        source. Sorted by depth, then module and version.
    """
    by_dependency: dict[str, list[Resolution]] = {}
    for item in resolve(source):
        by_dependency.setdefault(item.requirement.name.casefold(), []).append(item)
    target = name.casefold()
    depths = {target: 0}
    chains = {target: [name]}
    found: list[tuple[int, Resolution, list[str]]] = []
    frontier = [target]
    while frontier:
        reached: list[str] = []
        for current in frontier:
            depth = depths[current] + 1
            for item in by_dependency.get(current, ()):
                dependant = item.record.name.casefold()
                if depths.get(dependant, depth) < depth:
                    continue  # the target itself, or reached by a shorter chain
                if dependant not in depths:
                    depths[dependant] = depth
                    chains[dependant] = [item.record.name, *chains[current]]
                    reached.append(dependant)
                found.append((depth, item, [item.record.name, *chains[current]]))
        frontier = reached
    found.sort(key=lambda entry: (entry[0], entry[1].record.name.casefold(), entry[1].record.version))
    rows = [
        (
            item.record.name,
            str(item.record.version),
            depth,
            item.requirement.name,
            item.requirement.kind,
            item.status,
            " -> ".join(path),
            item.record.source,
        )
        for depth, item, path in found
    ]
    return _frame(rows, REVERSE_COLUMNS).astype({"depth": "int64"})
