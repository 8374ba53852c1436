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
from amkit.deps.graph import cycles
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.requirements import Requirement
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

    A named tuple: a gallery's table makes hundreds of thousands of them, and a
    frozen dataclass costs several times as much to make.
    """

    record: ModuleRecord
    requirement: Requirement
    resolved: ModuleRecord | None
    status: str
    note: str | None = None


def _versions(found: tuple[ModuleRecord, ...]) -> str:
    return ", ".join(str(record.version) for record in found)


def _resolve_one(inventory: Inventory, record: ModuleRecord, requirement: Requirement) -> Resolution:
    found = inventory.versions(requirement.name)
    if not found:
        status = "external" if requirement.provided_outside or requirement.kind == "external" else "missing"
        return Resolution(record, requirement, None, status, requirement.note)
    best = inventory.best(requirement.name, (requirement,))
    if best is not None:
        return Resolution(record, requirement, best, "ok", requirement.note)
    by_version = [item for item in found if item.version is not None and requirement.accepts_version(item.version)]
    if by_version:
        guids = ", ".join(sorted({str(item.guid) for item in by_version}))
        note = f"{requirement.name} {_versions(tuple(by_version))} has GUID {guids}, not {requirement.guid}"
        return Resolution(record, requirement, None, "guid-mismatch", _joined(requirement.note, note))
    note = f"available: {_versions(found)}"
    return Resolution(record, requirement, None, "version-conflict", _joined(requirement.note, note))


def _joined(*notes: str | None) -> str | None:
    return "; ".join(note for note in notes if note) or None


def resolve(source: object) -> list[Resolution]:
    """Every requirement of every usable module version in ``source``, resolved against ``source`` itself.

    ``source`` is anything :func:`amkit.deps.scanning.as_inventory` takes. The
    resolutions come in the inventory's order of records, then declaration
    order; resolutions whose versions depend on each other are marked
    ``cycle``, with the cycle in their note.
    """
    inventory = as_inventory(source)
    with collector_paused():
        return _resolved(inventory)


def _resolved(inventory: Inventory) -> list[Resolution]:
    # A gallery repeats requirements (every Az module asks for Az.Accounts): each distinct one is resolved once.
    known: dict[Requirement, Resolution] = {}
    resolutions = []
    graph: dict[int, list[int]] = {}  # each usable record to the records its requirements resolve to
    for record in inventory.records:
        if not record.usable:
            continue
        graph[id(record)] = edges = []
        for requirement in record.requirements:
            found = known.get(requirement)
            if found is None:
                found = known[requirement] = _resolve_one(inventory, record, requirement)
            elif found.record is not record:  # an equal requirement: its resolution, for this record
                found = Resolution(record, found.requirement, found.resolved, found.status, found.note)
            resolutions.append(found)
            if found.resolved is not None:
                edges.append(id(found.resolved))
    looped = {node: group for group in cycles(graph) for node in group}
    if not looped:
        return resolutions
    labels = {id(item.record): item.record.label for item in resolutions}
    marked = []
    for item in resolutions:
        group = looped.get(id(item.record))
        if item.resolved is not None and group is not None and id(item.resolved) in group:
            path = " -> ".join(labels[node] for node in group) + f" -> {labels[group[0]]}"
            item = Resolution(item.record, item.requirement, item.resolved, "cycle", _joined(item.note, path))
        marked.append(item)
    return marked


def _dependency_frame(resolutions: list[Resolution]) -> pd.DataFrame:
    """The dependency table of ``resolutions``, a column at a time.

    A gallery's table has hundreds of thousands of rows but far fewer
    distinct module versions and requirements (:func:`resolve` hands equal
    requirements one object): each one's cells are made once, as pandas
    string arrays, and repeated by position. Making a tuple per row and
    letting pandas turn them into columns cost more than resolving them.
    """
    if not resolutions:
        return _frame([], DEPENDENCY_COLUMNS)
    records, requirements, resolved, statuses, notes = zip(*resolutions, strict=True)
    columns = {
        "status": _strings(statuses),
        "note": _strings(notes),
        **_repeated(
            records, ("module", "version", "source"), lambda record: (record.name, str(record.version), record.source)
        ),
        **_repeated(requirements, tuple(_REQUIREMENT_COLUMNS), operator.attrgetter(*_REQUIREMENT_COLUMNS.values())),
        **_repeated(
            resolved, ("resolved_version",), lambda record: (str(record.version) if record is not None else None,)
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
    objects: Sequence[Any], columns: Sequence[str], cells: Callable[[Any], tuple[str | None, ...]]
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The ``columns`` of ``objects``: each distinct object's ``cells`` made once, and repeated where it is."""
    codes, distinct = _distinct(objects)
    by_column = zip(*map(cells, distinct), strict=True)
    return {column: _strings(list(values)).take(codes) for column, values in zip(columns, by_column, strict=True)}


def _distinct(objects: Sequence[object]) -> tuple[np.ndarray, list[Any]]:
    """Each object's position among the distinct ones (by identity), and those, in order of first appearance."""
    codes, _ = pd.factorize(np.fromiter(map(id, objects), dtype=np.int64, count=len(objects)))
    _, first = np.unique(codes, return_index=True)
    return codes, [objects[position] for position in first.tolist()]


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
        return _dependency_frame(_resolved(inventory))


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
