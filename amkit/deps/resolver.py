"""A complete search for an import plan: resolvelib's backtracking resolver, the one pip uses.

:func:`amkit.plan_imports` first narrows its choices quickly
(:mod:`amkit.deps.plan`); that search can miss a plan that needs several
versions changed at once. When it reports something unsatisfiable, it asks
:func:`complete_choices`, which backtracks over every version of every
module until it finds versions that meet every requirement, proves there
are none, or runs out of time.

Candidates of a module, in the order they are tried: the versions the
account holds that meet every requirement on it (highest first: nothing to
import), then the available versions, releases before prereleases, highest
first (or highest first whatever they are, with ``allow_prerelease``), as
the narrowing search prefers them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, ResolutionTooDeep, Resolver

from amkit.deps.inventory import Inventory, ModuleRecord, held_records
from amkit.deps.requirements import Requirement

__all__ = ["Candidate", "complete_choices"]

#: Requirements that must be met before Automation imports a module: RequiredModules, and NestedModules
#: PowerShell has to find outside the package. Nuspec ranges and ExternalModuleDependencies only inform.
PLANNED_KINDS = ("required", "nested")


@dataclass(frozen=True, eq=False)
class Candidate:
    """One version of a module: ``held`` when the account already holds it (nothing to import)."""

    record: ModuleRecord
    held: bool

    @property
    def key(self) -> str:
        """The module's name as plans index it (ignoring case)."""
        return self.record.name.casefold()


class _Provider(AbstractProvider[Requirement, Candidate, str]):
    """What resolvelib asks about modules, answered from an inventory and an account."""

    def __init__(self, inventory: Inventory, account: Any, allow_prerelease: bool) -> None:
        self.inventory = inventory
        self.account = account
        self.allow_prerelease = allow_prerelease
        self._candidates: dict[str, list[Candidate]] = {}

    def identify(self, requirement_or_candidate: Requirement | Candidate) -> str:
        if isinstance(requirement_or_candidate, Candidate):
            return requirement_or_candidate.key
        return requirement_or_candidate.name.casefold()

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Candidate],
        candidates: Mapping[str, Iterator[Candidate]],
        information: Mapping[str, Iterator[Any]],
        backtrack_causes: Sequence[Any],
    ) -> tuple[bool, str]:
        # What caused the last backtrack first (pip's rule: settle conflicts early), then by name for a stable order.
        causes = {self.identify(cause.requirement) for cause in backtrack_causes}
        return identifier not in causes, identifier

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Requirement]],
        incompatibilities: Mapping[str, Iterator[Candidate]],
    ) -> list[Candidate]:
        asked = list(requirements[identifier])
        excluded = {id(candidate) for candidate in incompatibilities[identifier]}
        return [
            candidate
            for candidate in self._ordered(identifier, asked)
            if id(candidate) not in excluded and all(item.accepts(candidate.record) for item in asked)
        ]

    def _ordered(self, identifier: str, asked: list[Requirement]) -> list[Candidate]:
        found = self._candidates.get(identifier)
        if found is None:
            name = asked[0].name if asked else identifier
            held = held_records(self.account, name) if self.account is not None else ()
            available = list(reversed(self.inventory.versions(name)))  # highest first
            if not self.allow_prerelease:
                available.sort(key=lambda record: bool(record.version and record.version.is_prerelease))  # stable
            held_first = sorted(held, key=lambda record: record.version, reverse=True)  # type: ignore[arg-type,return-value]
            found = [Candidate(record, True) for record in held_first] + [Candidate(r, False) for r in available]
            self._candidates[identifier] = found
        return found

    def is_satisfied_by(self, requirement: Requirement, candidate: Candidate) -> bool:
        return requirement.accepts(candidate.record)

    def get_dependencies(self, candidate: Candidate) -> Iterable[Requirement]:
        if candidate.held:
            return ()  # in the account already: it brings nothing to import
        return [item for item in candidate.record.requirements if item.kind in PLANNED_KINDS]


class _Deadline(BaseReporter[Requirement, Candidate, str]):
    """Stops the search when its time is up: resolvelib bounds rounds, not seconds."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def starting_round(self, index: int) -> None:
        if time.monotonic() > self.deadline:
            raise _OutOfTime


class _OutOfTime(Exception):
    """The complete search ran past its time."""


def complete_choices(
    requirements: Sequence[Requirement],
    inventory: Inventory,
    account: Any,
    *,
    allow_prerelease: bool,
    seconds: float,
) -> tuple[dict[str, Candidate] | None, str]:
    """A version of every module the targets need that meets every requirement on it, and how the search ended.

    Returns the choices (by module name, folded) and ``"complete"``; or
    ``None`` and ``"impossible"`` when resolvelib proved there are none, or
    ``"cut short"`` when it found none within ``seconds``.
    """
    resolver = Resolver(_Provider(inventory, account, allow_prerelease), _Deadline(seconds))
    try:
        # Rounds are bounded by the time instead; resolvelib needs a number.
        result = resolver.resolve(requirements, max_rounds=sys.maxsize)
    except ResolutionImpossible:
        return None, "impossible"
    except (_OutOfTime, ResolutionTooDeep):
        return None, "cut short"
    return dict(result.mapping), "complete"
