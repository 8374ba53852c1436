"""Every requirement of an inventory resolved against the inventory itself, held as columns of positions.

A gallery's versions declare hundreds of thousands of requirements, but far
fewer distinct ones (every Az module asks for Az.Accounts) and far fewer
versions. :func:`resolved_rows` resolves each distinct requirement once and
keeps, per declared requirement (a row), only the positions of its version and
of its distinct requirement: the dependency table repeats each one's cells by
position, and :func:`amkit.deps.table.resolve` makes one object per row only
when it is asked for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from amkit.deps.graph import cycles
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.requirements import Requirement

__all__ = ["Outcome", "ResolvedRows", "joined", "resolved_rows"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one requirement resolves to: the version chosen (``None`` when none serves), its status and note."""

    resolved: ModuleRecord | None
    status: str
    note: str | None


@dataclass(frozen=True)
class ResolvedRows:
    """One row per requirement of each usable version, in the inventory's order, then declaration order.

    Attributes
    ----------
    records
        The usable versions, in the inventory's order.
    owner
        Per row, the position in ``records`` of the version that declares it.
    requirements
        The distinct requirements (equal ones are one), in order of first declaration.
    which
        Per row, the position in ``requirements`` of its requirement.
    outcomes
        What the requirements resolve to: first one per distinct requirement,
        then one per distinct requirement and cycle it is on (status
        ``cycle``, with the cycle as ``A 1.0 -> B 2.0 -> A 1.0`` in the note).
    outcome_at
        Per row, the position in ``outcomes`` of its outcome.
    """

    records: list[ModuleRecord]
    owner: np.ndarray
    requirements: list[Requirement]
    which: np.ndarray
    outcomes: list[Outcome]
    outcome_at: np.ndarray


def joined(*notes: str | None) -> str | None:
    """The notes that say something, joined by ``; `` (``None`` when none does)."""
    return "; ".join(note for note in notes if note) or None


def _versions(found: Sequence[ModuleRecord]) -> str:
    return ", ".join(str(record.version) for record in found)


def _outcome(inventory: Inventory, requirement: Requirement) -> Outcome:
    found = inventory.versions(requirement.name)
    if not found:
        status = "external" if requirement.provided_outside or requirement.kind == "external" else "missing"
        return Outcome(None, status, requirement.note)
    best = inventory.best(requirement.name, (requirement,))
    if best is not None:
        return Outcome(best, "ok", requirement.note)
    by_version = [item for item in found if item.version is not None and requirement.accepts_version(item.version)]
    if by_version:
        guids = ", ".join(sorted({str(item.guid) for item in by_version}))
        note = f"{requirement.name} {_versions(by_version)} has GUID {guids}, not {requirement.guid}"
        return Outcome(None, "guid-mismatch", joined(requirement.note, note))
    return Outcome(None, "version-conflict", joined(requirement.note, f"available: {_versions(found)}"))


def resolved_rows(inventory: Inventory) -> ResolvedRows:
    """Every requirement of every usable version of ``inventory``, resolved against it (see :class:`ResolvedRows`).

    Each distinct requirement is resolved once. Versions that depend on each
    other, directly or not, are found on the graph of versions to the
    versions their requirements resolve to; the rows along such a cycle are
    marked ``cycle``.
    """
    records = [record for record in inventory.records if record.usable]
    declared = [record.requirements for record in records]
    owner = np.repeat(np.arange(len(records), dtype=np.intp), list(map(len, declared)))
    flat = np.fromiter(itertools.chain.from_iterable(declared), dtype=object, count=len(owner))
    which, first = pd.factorize(flat)  # equal requirements share one position, in order of first declaration
    requirements: list[Requirement] = first.tolist()
    outcomes = [_outcome(inventory, requirement) for requirement in requirements]
    outcome_at = which.copy()
    _mark_cycles(records, owner, which, outcomes, outcome_at)
    return ResolvedRows(records, owner, requirements, which, outcomes, outcome_at)


def _mark_cycles(
    records: list[ModuleRecord], owner: np.ndarray, which: np.ndarray, outcomes: list[Outcome], at: np.ndarray
) -> None:
    """Give the rows from a version to a version on a cycle with it a ``cycle`` outcome (in ``outcomes`` and ``at``).

    The graph's nodes are record objects: one listed twice is one node, at its first position.
    """
    first: dict[int, int] = {}
    for number, record in enumerate(records):
        first.setdefault(id(record), number)
    node_of = np.fromiter((first[id(record)] for record in records), dtype=np.intp, count=len(records))
    owner = node_of[owner]
    target = np.array([first.get(id(item.resolved), -1) for item in outcomes], dtype=np.intp)[which]
    linked = target >= 0
    sources, destinations = owner[linked], target[linked]
    # A version on a cycle both needs a version and is needed by one: most versions are not both (only the
    # latest of a module is usually needed), and the search for cycles leaves them out.
    needs, needed = np.zeros(len(records), dtype=bool), np.zeros(len(records), dtype=bool)
    needs[sources] = needed[destinations] = True
    candidate = needs & needed
    graph: dict[int, list[int]] = {node: [] for node in np.flatnonzero(candidate).tolist()}
    kept = candidate[sources] & candidate[destinations]
    for source, destination in zip(sources[kept].tolist(), destinations[kept].tolist(), strict=True):
        graph[source].append(destination)
    groups = cycles(graph)
    if not groups:
        return
    group_of = np.full(len(records), -1, dtype=np.intp)
    for number, group in enumerate(groups):
        group_of[group] = number
    own_group = group_of[owner]
    looped = np.flatnonzero(linked & (own_group >= 0) & (own_group == group_of[np.where(linked, target, 0)]))
    paths = [" -> ".join(records[node].label for node in [*group, group[0]]) for group in groups]
    marked: dict[tuple[int, int], int] = {}  # (distinct requirement, cycle): its outcome's position
    on_cycles = zip(looped.tolist(), which[looped].tolist(), own_group[looped].tolist(), strict=True)
    for row, requirement, group in on_cycles:
        if (requirement, group) not in marked:
            marked[requirement, group] = len(outcomes)
            found = outcomes[requirement]
            outcomes.append(Outcome(found.resolved, "cycle", joined(found.note, paths[group])))
        at[row] = marked[requirement, group]
