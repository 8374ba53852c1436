"""Import plans: which modules to import into an Automation account, at which versions, in what order.

Automation refuses a module until every module in its RequiredModules is in
the account ("All dependencies must be present before this module can be
imported"), holds one version of each module, and takes at most a few
imports at a time. :func:`plan_imports` works out the whole set a list of
targets needs, picks one version of each (the highest that meets every
requirement on it, releases before prereleases), skips what the account
already holds at an accepted version, and orders the rest dependencies
first; :meth:`ImportPlan.waves` groups the steps into waves the service's
throttle admits.

The choice is found by repeated narrowing first: each chosen version adds
its requirements; when a later requirement rules a choice out, the next
version down is taken and what the old one required is withdrawn. That is
quick, and is all a gallery's usual requirements (minimums) need. When it
leaves a module without a version, the complete search of
:mod:`amkit.deps.resolver` (resolvelib's backtracking over every version)
looks for versions that meet every requirement, so a plan that needs several
versions changed at once is still found. When there is none (or none within
``search_seconds``), the narrowing search's plan stands, made again with
conflicting versions passed over (a bounded number of times) to fail as
little as it can: a module whose choice keeps changing, one that no version
satisfies, a dependency cycle, and everything that needs one of them, are
listed as unsatisfiable with the reason, never looped on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from amkit.bulk import collector_paused
from amkit.deps.graph import cycles, levels
from amkit.deps.inventory import Inventory, ModuleRecord, held_records
from amkit.deps.requirements import Requirement
from amkit.deps.resolver import PLANNED_KINDS, Candidate, complete_choices
from amkit.deps.scanning import as_inventory
from amkit.package.module_spec import ModuleSpec
from amkit.package.nuspec import parse_nuget_range
from amkit.powershell.version import PSVersion

__all__ = ["IMPORT_LIMIT", "IMPORT_WINDOW_SECONDS", "ImportPlan", "plan_imports", "target_requirement"]

#: Automation's throttle: at most this many module imports ...
IMPORT_LIMIT = 5
#: ... per this many seconds, per account.
IMPORT_WINDOW_SECONDS = 30
#: How often one module's choice may change before the plan gives up on it.
_MAX_CHANGES = 25
#: How many times the plan passes a conflicting module version over and plans again,
#: and after how many retries in a row that fail to improve it the plan stops trying.
_MAX_RETRIES = 20
_MAX_STALE = 3
_TARGET = "(target)"

STEP_COLUMNS = ["step", "module", "version", "level", "action", "required_by", "source"]
UNSATISFIABLE_COLUMNS = ["module", "reason", "required_by"]
WAVE_COLUMNS = ["wave", "not_before_seconds", "level", "step", "module", "version", "source"]


class AccountModules(Protocol):
    """What a plan needs of an Automation account: the usable versions of a module it holds."""

    def versions(self, name: str) -> Sequence[PSVersion]:
        """The versions of module ``name`` the account can use; empty when it holds none."""


def target_requirement(target: str | ModuleSpec | Requirement) -> Requirement:
    """A plan target as a requirement: ``'Name'``, ``'Name==1.2.0'`` (exactly that version), or a specification.

    A prerelease asked for by name (``'Name==2.0.0-beta1'``) is matched label and all, as the
    gallery matches it (``Install-Module -RequiredVersion 2.0.0-beta1 -AllowPrerelease``):
    PowerShell's module specifications cannot hold a label.

    Raises
    ------
    ValueError
        When a text target has no name or its version is not a version.
    """
    if isinstance(target, Requirement):
        return target
    if isinstance(target, ModuleSpec):
        return Requirement(target.name, "required", target.written, target)
    name, equals, version = (part.strip() for part in str(target).partition("=="))
    if not name:
        raise ValueError(f"{target!r} names no module; write 'Name' or 'Name==1.2.0'")
    if equals:
        parsed = PSVersion.parse(version)
        if parsed is None:
            raise ValueError(f"{target!r}: {version!r} is not a version")
        if parsed.is_prerelease:
            return Requirement(name, "required", str(target).strip(), range=parse_nuget_range(f"[{version}]"))
        spec = ModuleSpec.from_value({"ModuleName": name, "RequiredVersion": version})
    else:
        spec = ModuleSpec.from_value(name)
    return Requirement(spec.name, "required", spec.written, spec)


@dataclass(frozen=True)
class _Choice:
    """What the plan does with one module: import a record, skip (the account holds it), or give up."""

    action: str  # "import", "skip" or "unsatisfiable"
    record: ModuleRecord | None = None
    version: PSVersion | None = None
    reason: str = ""

    @property
    def origin(self) -> str:
        """How requirements this choice adds name their origin."""
        return self.record.label if self.record is not None else ""


_Origin = tuple[str, int]  # who asks (a module version's label, or the target marker), and which of its requirements


class _Planner:
    def __init__(
        self,
        available: Inventory,
        account: AccountModules | None,
        banned: dict[str, set[PSVersion]],
        allow_prerelease: bool,
        pinned: Mapping[str, Candidate] | None = None,
    ) -> None:
        self.available = available
        self.account = account
        self.banned = banned
        self.allow_prerelease = allow_prerelease
        self.pinned = pinned or {}  # choices the complete search made: taken as they are
        self.constraints: dict[str, dict[_Origin, Requirement]] = {}
        self.names: dict[str, str] = {}
        self.choices: dict[str, _Choice] = {}
        self.added: dict[str, list[str]] = {}
        self.changes: dict[str, int] = {}
        self.queue: deque[str] = deque()
        self.queued: set[str] = set()

    def require(self, key: str, origin: _Origin, requirement: Requirement) -> None:
        self.names.setdefault(key, requirement.name)
        self.constraints.setdefault(key, {})[origin] = requirement
        self.enqueue(key)

    def enqueue(self, key: str) -> None:
        if key not in self.queued:
            self.queued.add(key)
            self.queue.append(key)

    def run(self) -> None:
        while self.queue:
            key = self.queue.popleft()
            self.queued.discard(key)
            self.settle(key)

    def settle(self, key: str) -> None:
        requirements = self.constraints.get(key, {})
        old = self.choices.get(key)
        new = self.decide(key, list(requirements.values())) if requirements else None
        if new == old:
            return
        self.changes[key] = self.changes.get(key, 0) + 1
        if self.changes[key] > _MAX_CHANGES and new is not None:
            new = _Choice("unsatisfiable", reason=f"the requirements on it keep changing ({self._listed(key)})")
        for dependency in self.added.pop(key, []):
            if old is not None:
                held = self.constraints.get(dependency, {})
                for origin in [origin for origin in held if origin[0] == old.origin]:
                    del held[origin]
            self.enqueue(dependency)
        if new is None:
            self.choices.pop(key, None)
            return
        self.choices[key] = new
        if new.action == "import" and new.record is not None:
            for number, requirement in enumerate(new.record.requirements):
                if requirement.kind in PLANNED_KINDS:
                    dependency = requirement.name.casefold()
                    self.require(dependency, (new.origin, number), requirement)
                    self.added.setdefault(key, []).append(dependency)

    def decide(self, key: str, requirements: list[Requirement]) -> _Choice:
        pinned = self.pinned.get(key)
        if pinned is not None:
            record = pinned.record
            return _Choice("skip", version=record.version) if pinned.held else _Choice("import", record, record.version)
        name = self.names[key]
        held = held_records(self.account, name) if self.account is not None else ()
        accepted = [record.version for record in held if all(item.accepts(record) for item in requirements)]
        if accepted:
            return _Choice("skip", version=max(version for version in accepted if version is not None))
        best = self.available.best(
            name, requirements, excluded=self.banned.get(key, set()), allow_prerelease=self.allow_prerelease
        )
        if best is not None:
            return _Choice("import", record=best, version=best.version)
        found = self.available.versions(name)
        shown = ", ".join(str(record.version) for record in held)
        holds = f"; the account holds {shown}" if held else ""
        if not found:
            where = "the account nor the available packages hold it" if self.account else "no package provides it"
            return _Choice("unsatisfiable", reason=f"{where}{holds}")
        versions = ", ".join(str(record.version) for record in found)
        return _Choice(
            "unsatisfiable",
            reason=f"no available version meets every requirement ({self._listed(key)}); available: {versions}{holds}",
        )

    def _listed(self, key: str) -> str:
        return "; ".join(f"{item.written} by {origin}" for (origin, _), item in self.constraints.get(key, {}).items())

    def required_by(self, key: str) -> str:
        origins = {origin for origin, _ in self.constraints.get(key, {})}
        return ", ".join(sorted(origins, key=str.casefold))

    def conflict_origins(self) -> list[tuple[str, PSVersion]]:
        """The module versions whose requirements rule out every version of a module that has some.

        Passing one of them over (its next version down may ask less) is how
        the plan retries; targets are never passed over.
        """
        chosen = {item.origin: item.record for item in self.choices.values() if item.record is not None}
        found = []
        for key, choice in self.choices.items():
            if choice.action != "unsatisfiable" or choice.record is not None or not self.available.versions(key):
                continue
            for origin, _ in self.constraints.get(key, {}):
                record = chosen.get(origin)
                if record is not None and record.version is not None:
                    found.append((record.name.casefold(), record.version))
        return found


def _block(planner: _Planner, graph: dict[str, list[str]]) -> None:
    """Mark unsatisfiable every import that needs, directly or not, an unsatisfiable module."""
    dependants: dict[str, list[str]] = {}
    for key, needed in graph.items():
        for dependency in needed:
            dependants.setdefault(dependency, []).append(key)
    queue = deque(key for key, choice in planner.choices.items() if choice.action == "unsatisfiable")
    while queue:
        failed = queue.popleft()
        for key in dependants.get(failed, ()):
            if planner.choices[key].action == "import":
                reason = f"it needs {planner.names[failed]}, which cannot be imported"
                planner.choices[key] = _Choice("unsatisfiable", planner.choices[key].record, reason=reason)
                queue.append(key)


def _graph(planner: _Planner) -> dict[str, list[str]]:
    """Chosen module -> the chosen modules its chosen version requires."""
    return {
        key: [dependency for dependency in planner.added.get(key, []) if dependency in planner.choices]
        for key, choice in planner.choices.items()
        if choice.action in ("import", "unsatisfiable")
    }


def plan_imports(
    targets: str | ModuleSpec | Requirement | Iterable[str | ModuleSpec | Requirement],
    available: object,
    *,
    account: AccountModules | None = None,
    allow_prerelease: bool = False,
    search_seconds: float = 10.0,
) -> ImportPlan:
    """Plan the imports that bring ``targets`` into an account, dependencies first.

    Parameters
    ----------
    targets
        Modules to import: ``'Az.Storage'``, ``'Az.Storage==5.0.0'``, a
        :class:`~amkit.ModuleSpec` or a requirement; one or several.
    available
        Where versions come from: an :class:`~amkit.deps.inventory.Inventory`
        (from :func:`amkit.scan`), or paths to scan.
    account
        An Automation account (anything with ``versions(name)``): what it
        holds at an accepted version is skipped rather than imported again.
    allow_prerelease
        Take the highest version that meets the requirements even when it is a
        prerelease. By default a prerelease is taken only when no release
        meets them, or when a target names it (``'Name==2.0.0-beta1'``).
    search_seconds
        How long the complete search may take when the quick one leaves
        something unsatisfiable (see :attr:`ImportPlan.search`).

    Returns
    -------
    ImportPlan

    Raises
    ------
    ValueError
        For a target that names no module or no version, or ``search_seconds`` that is not a positive number.
    """
    items = [targets] if isinstance(targets, str | ModuleSpec | Requirement) else list(targets)
    requirements = [target_requirement(target) for target in items]
    if isinstance(search_seconds, bool) or not isinstance(search_seconds, int | float) or not search_seconds > 0:
        raise ValueError(f"search_seconds must be a positive number of seconds, not {search_seconds!r}")
    inventory = as_inventory(available)
    with collector_paused():
        return _plan(requirements, inventory, account, allow_prerelease, search_seconds)


def _plan(
    requirements: list[Requirement],
    inventory: Inventory,
    account: AccountModules | None,
    allow_prerelease: bool,
    search_seconds: float,
) -> ImportPlan:
    """Narrow, search completely when narrowing fails, and fail as little as possible when nothing works."""
    banned: dict[str, set[PSVersion]] = {}
    planner = _plan_once(inventory, account, requirements, banned, allow_prerelease)
    if not _failures(planner):
        return _finish(planner, "narrowing")
    pinned, search = complete_choices(
        requirements, inventory, account, allow_prerelease=allow_prerelease, seconds=search_seconds
    )
    if pinned is not None:
        return _finish(_plan_once(inventory, account, requirements, banned, allow_prerelease, pinned), search)
    best = planner
    # Narrowing never goes back up: when a chosen version's requirements leave a module no version, pass that
    # version over and plan again, a bounded number of times, keeping the plan with the fewest failures.
    stale = 0
    for _ in range(_MAX_RETRIES):
        origins = [origin for origin in planner.conflict_origins() if origin[1] not in banned.get(origin[0], set())]
        if not origins or not _failures(best) or stale == _MAX_STALE:
            break
        name, version = max(origins, key=lambda origin: origin[1])
        banned.setdefault(name, set()).add(version)
        planner = _plan_once(inventory, account, requirements, banned, allow_prerelease)
        stale = 0 if _failures(planner) < _failures(best) else stale + 1
        if not stale:
            best = planner
    return _finish(best, search)


def _plan_once(
    inventory: Inventory,
    account: AccountModules | None,
    requirements: list[Requirement],
    banned: dict[str, set[PSVersion]],
    allow_prerelease: bool,
    pinned: Mapping[str, Candidate] | None = None,
) -> _Planner:
    planner = _Planner(inventory, account, banned, allow_prerelease, pinned)
    for number, requirement in enumerate(requirements):
        planner.require(requirement.name.casefold(), (_TARGET, number), requirement)
    planner.run()
    return planner


def _failures(planner: _Planner) -> int:
    return sum(choice.action == "unsatisfiable" for choice in planner.choices.values())


def _finish(planner: _Planner, search: str) -> ImportPlan:
    """Block what needs an unsatisfiable module, find cycles, and make the plan."""
    graph = _graph(planner)
    _block(planner, graph)
    imports = {key: [dep for dep in graph[key] if planner.choices[dep].action == "import"] for key in graph}
    imports = {key: needed for key, needed in imports.items() if planner.choices[key].action == "import"}
    found_cycles = cycles(imports)
    for group in found_cycles:
        loop = " -> ".join(planner.names[key] for key in [*group, group[0]])
        for key in group:
            planner.choices[key] = _Choice(
                "unsatisfiable", planner.choices[key].record, reason=f"dependency cycle {loop}"
            )
    if found_cycles:
        _block(planner, graph)
    return ImportPlan(planner, [[planner.names[key] for key in group] for group in found_cycles], search)


class ImportPlan:
    """What to import, in which order; what the account already holds; what cannot be imported and why.

    Build one with :func:`plan_imports`.

    Attributes
    ----------
    steps
        One row per module: step (the import order), module, version, level
        (0: needs nothing imported before it), action (``import``, or
        ``skip`` when the account holds an accepted version), required_by
        (the targets and module versions that need it) and source (the
        package to import).
    unsatisfiable
        One row per module that cannot be imported: module, reason, required_by.
    cycles
        Each group of modules that require each other.
    search
        How the versions were chosen: ``narrowing`` (the quick search met
        every requirement), ``complete`` (it did not, and the complete
        search, :mod:`amkit.deps.resolver`, found versions that do);
        ``impossible`` (the complete search proved that no choice of
        versions meets every requirement: ``unsatisfiable`` says where the
        quick search ran into it) or ``cut short`` (the complete search
        found nothing within ``search_seconds``: a plan may still exist).
    """

    def __init__(self, planner: _Planner, found_cycles: list[list[str]], search: str) -> None:
        choices = planner.choices
        imports = {key for key, choice in choices.items() if choice.action == "import"}
        graph = {key: [dep for dep in planner.added.get(key, []) if dep in imports] for key in imports}
        level = levels(graph)
        order = sorted(imports, key=lambda key: (level[key], key))
        rows: list[tuple[Any, ...]] = []
        for key in sorted((key for key, choice in choices.items() if choice.action == "skip")):
            rows.append(
                (None, planner.names[key], str(choices[key].version), None, "skip", planner.required_by(key), None)
            )
        for number, key in enumerate(order, start=1):
            record = choices[key].record
            assert record is not None
            rows.append(
                (
                    number,
                    record.name,
                    str(record.version),
                    level[key],
                    "import",
                    planner.required_by(key),
                    record.source,
                )
            )
        self.steps: pd.DataFrame = pd.DataFrame(rows, columns=STEP_COLUMNS).astype(
            {
                "step": "Int64",
                "level": "Int64",
                **dict.fromkeys(("module", "version", "action", "required_by", "source"), "string"),
            }
        )
        failed = sorted(key for key, choice in choices.items() if choice.action == "unsatisfiable")
        self.unsatisfiable: pd.DataFrame = pd.DataFrame(
            [(planner.names[key], choices[key].reason, planner.required_by(key)) for key in failed],
            columns=UNSATISFIABLE_COLUMNS,
        ).astype("string")
        self.cycles: list[list[str]] = found_cycles
        self.search = search

    @property
    def complete(self) -> bool:
        """Whether every module the targets need can be imported or is already there."""
        return self.unsatisfiable.empty

    def waves(self, limit: int = IMPORT_LIMIT, per_seconds: float = IMPORT_WINDOW_SECONDS) -> pd.DataFrame:
        """The imports grouped into waves that respect dependency levels and the import throttle.

        A wave holds at most ``limit`` imports, all of one level, so nothing
        in a wave needs anything else in it; waves start ``per_seconds``
        apart, Automation's limit being 5 imports per 30 seconds per
        account. A wave must also wait until the imports of lower levels
        have succeeded, which takes as long as the service takes:
        ``not_before_seconds`` is the earliest start the throttle allows.

        Raises
        ------
        ValueError
            When ``limit`` is not a positive whole number or ``per_seconds`` is negative.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive whole number of imports, not {limit!r}")
        if isinstance(per_seconds, bool) or not isinstance(per_seconds, int | float) or not per_seconds >= 0:
            raise ValueError(f"per_seconds must be zero or more seconds, not {per_seconds!r}")
        imports = self.steps[self.steps["action"] == "import"]
        rows: list[tuple[Any, ...]] = []
        wave = 0
        for level_value, group in imports.groupby("level", sort=True):
            records = list(group.itertuples(index=False))
            for start in range(0, len(records), limit):
                wave += 1
                for step in records[start : start + limit]:
                    rows.append(
                        (wave, (wave - 1) * per_seconds, level_value, step.step, step.module, step.version, step.source)
                    )
        frame = pd.DataFrame(rows, columns=WAVE_COLUMNS)
        return frame.astype({"wave": "int64", "not_before_seconds": "float64", "level": "int64", "step": "int64"})

    def summary(self) -> str:
        """One line for people: ``2 modules to import, 1 already in the account, 0 that cannot be imported``."""
        counts = self.steps["action"].value_counts()
        imports, skips = int(counts.get("import", 0)), int(counts.get("skip", 0))
        return (
            f"{imports} module{'' if imports == 1 else 's'} to import, {skips} already in the account, "
            f"{len(self.unsatisfiable)} that cannot be imported"
        )

    def __repr__(self) -> str:
        counts = self.steps["action"].value_counts()
        return (
            f"<ImportPlan {int(counts.get('import', 0))} to import, {int(counts.get('skip', 0))} already there, "
            f"{len(self.unsatisfiable)} unsatisfiable>"
        )
