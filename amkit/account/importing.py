"""Importing packages into an account: the check, the provisioning states, the throttle, the replacement.

An import starts (``Creating``) unless 5 imports started in the 30 seconds
before it; the package is checked against the account
(:func:`amkit.check`); the states follow at their modelled durations until
the step an error finding fails, where the import ends in ``Failed`` with
Automation's error (:mod:`amkit.account.provisioning`). An import given no
start time is one that ends as it is called: its states are placed back from
now, never before the history's latest entry, so no time lies in the future
and the history stays in call order. Only a ``Succeeded``
import changes the module list: its package replaces every version of the
module's earlier import. "Update Az modules" imports an inventory's Az
modules the same way, dependencies first and in throttled waves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from amkit.account.history import Recorder, StateCallback, last_time, starts_between
from amkit.account.modules import ModuleList
from amkit.account.provisioning import IMPORT_STATES, STATE_DURATIONS, Failure, failure_of, throttled
from amkit.account.runtimes import RuntimeEnvironment
from amkit.account.store import Store, moment
from amkit.checks import Report, check
from amkit.checks.context import runtime_edition
from amkit.defaults import module_family
from amkit.deps.inventory import Inventory, ModuleRecord, records_of
from amkit.deps.plan import IMPORT_LIMIT, IMPORT_WINDOW_SECONDS, plan_imports
from amkit.errors import AmkitError
from amkit.package.connection import ConnectionType
from amkit.package.module_package import ModulePackage, open_package
from amkit.package.module_spec import ModuleSpec
from amkit.powershell.version import PSVersion

__all__ = ["ImportRecord", "Importer", "record_of"]

_WINDOW = timedelta(seconds=IMPORT_WINDOW_SECONDS)


@dataclass(frozen=True)
class ImportRecord:
    """One import: the states it went through with their times, and how it ended.

    ``report`` is the check the import ran (``None`` when it was throttled
    before anything was read).
    """

    operation_id: int
    operation: str
    module: str
    version: str | None
    runtime: str
    states: tuple[tuple[str, datetime], ...]
    error_code: str | None = None
    error_message: str | None = None
    report: Report | None = None
    runtime_environment: str | None = None

    @property
    def state(self) -> str:
        """The last state: ``Succeeded`` or ``Failed``."""
        return self.states[-1][0]

    @property
    def succeeded(self) -> bool:
        """Whether the module is now in the account."""
        return self.state == "Succeeded"

    @property
    def finished(self) -> datetime:
        """When the import ended."""
        return self.states[-1][1]

    def __repr__(self) -> str:
        path = " -> ".join(state for state, _ in self.states)
        error = f" [{self.error_code}]" if self.error_code else ""
        return f"<ImportRecord {self.module} {self.version or ''} {path}{error}>"


class _EnvironmentView:
    """The modules of one runtime environment, as checks and plans ask for them (``versions(name)``)."""

    def __init__(self, modules: ModuleList, environment: RuntimeEnvironment) -> None:
        self.modules = modules
        self.environment = environment

    def versions(self, name: str) -> tuple[PSVersion, ...]:
        return self.modules.versions(name, self.environment.key)

    def records(self, name: str) -> tuple[ModuleRecord, ...]:
        return self.modules.records(name, self.environment.key)

    def inventory(self) -> Inventory:
        return self.modules.inventory(self.environment.key)


def _connection_type(package: ModulePackage) -> ConnectionType | None:
    try:
        return package.connection_type if package.versions else None
    except AmkitError:
        return None  # AM108 fails the import at ConnectionTypeImported


def _required(package: ModulePackage) -> list[ModuleSpec]:
    return [
        spec
        for version in package.versions
        if version.error is None and version.manifest is not None
        for spec in version.manifest.required_modules
    ]


class Importer:
    """Runs imports against one account file; every call runs inside the caller's transaction."""

    def __init__(self, store: Store, modules: ModuleList) -> None:
        self.store = store
        self.modules = modules

    def check(self, target: ModulePackage | str | os.PathLike[str], environment: RuntimeEnvironment) -> Report:
        """The check an import into ``environment`` runs: against its modules, at its PowerShell version."""
        return check(target, account=_EnvironmentView(self.modules, environment), runtime=environment.version)

    def _crowded(self, start: datetime) -> datetime | None:
        """``None`` when an import may start at ``start``; else the earliest later time it may.

        Each import allows at most :data:`~amkit.deps.plan.IMPORT_LIMIT` starts in
        the 30 seconds up to and including its own, itself counted; a new
        start must keep that true for itself and for every import started
        after it (another process may have recorded a later one first).
        """
        nearby = starts_between(self.store, start - _WINDOW, start + _WINDOW)

        def fits(moment_: datetime) -> bool:
            times = sorted([*nearby, moment_])
            return all(
                sum(1 for other in times if time - _WINDOW < other <= time) <= IMPORT_LIMIT
                for time in times
                if time >= moment_
            )

        if fits(start):
            return None
        candidates = sorted({time + _WINDOW for time in nearby if time + _WINDOW > start})
        # Past the last nearby start's window nothing can crowd it, so one candidate always fits.
        return next(candidate for candidate in candidates if fits(candidate))

    def next_start(self, start: datetime) -> datetime:
        """The earliest time at or after ``start`` at which the throttle lets an import begin."""
        while (later := self._crowded(start)) is not None:
            start = later
        return start

    def run(
        self,
        source: ModulePackage | str | os.PathLike[str],
        start: datetime | None,
        environment: RuntimeEnvironment,
        operation: str = "import",
        on_state: StateCallback | None = None,
    ) -> ImportRecord:
        """Import ``source`` (an open package or a path) starting at ``start``, or ending now when it is ``None``."""
        if isinstance(source, ModulePackage):
            return self._run(source, source, start, environment, operation, on_state)
        path = Path(os.fspath(source))
        try:  # read as the environment's PowerShell reads it: its edition decides a manifest's if ($PSEdition)
            package = open_package(path, edition=runtime_edition(environment.version))
        except AmkitError:
            return self._run(None, path, start, environment, operation, on_state)
        with package:
            return self._run(package, package, start, environment, operation, on_state)

    def _run(
        self,
        package: ModulePackage | None,
        target: ModulePackage | Path,
        start: datetime | None,
        environment: RuntimeEnvironment,
        operation: str,
        on_state: StateCallback | None,
    ) -> ImportRecord:
        name = package.name if package is not None else Path(str(target)).stem
        version = str(package.latest.version) if package is not None and package.versions else None
        report = self.check(target, environment)
        failure = failure_of(name, report, _required(package) if package is not None else ())
        connection = _connection_type(package) if package is not None else None
        start, steps = self._placed(start, _steps(failure, connection))
        recorder = Recorder(self.store, operation, environment, name, on_state)
        retry_at = self._crowded(start)
        if retry_at is not None:
            refusal = throttled(IMPORT_LIMIT, _WINDOW, retry_at)
            recorder.enter("Failed", start, version, refusal)
            return record_of(recorder, version, refusal, None)
        recorder.enter("Creating", start, version)
        for state, offset in steps:
            time = start + offset
            if state == "Failed":
                recorder.enter("Failed", time, version, failure)
                return record_of(recorder, version, failure, report)
            if state == "Succeeded" and package is not None:
                records = records_of(package)
                self.modules.replace_import(
                    package, records, environment=environment.key, start=start, done=time, connection=connection
                )
            recorder.enter(state, time, version)
        return record_of(recorder, version, None, report)

    def _placed(
        self, start: datetime | None, steps: list[tuple[str, timedelta]]
    ) -> tuple[datetime, list[tuple[str, timedelta]]]:
        """When the import starts, and its steps' offsets from then.

        A given ``start`` keeps the modelled durations. With ``None`` the import
        ends now: it starts that long before the call, or at the history's
        latest entry if that is later, its durations squeezed in proportion to
        fit (to nothing when the history already reaches past now).
        """
        if start is not None:
            return start, steps
        now, total = moment(), steps[-1][1]
        latest = last_time(self.store)
        if latest is None or now - total >= latest:
            return now - total, steps
        room = max(now - latest, timedelta(0))
        return latest, [(state, offset * (room / total)) for state, offset in steps]

    def update_az(self, available: Inventory, start: datetime, environment: RuntimeEnvironment) -> list[ImportRecord]:
        """Import ``available``'s Az modules that are not custom imports yet, dependencies first.

        Each level starts once the one below it is done, and each import at
        the first moment the throttle admits it. Modules the plan cannot
        satisfy are still imported, last: they fail as the service fails
        them, and the history says why.
        """
        custom = self.modules.custom_names(environment.key)
        targets = [name for name in available.names if module_family(name) == "Az" and name.casefold() not in custom]
        plan = plan_imports(targets, available)
        steps = plan.steps[(plan.steps["action"] == "import") & ~plan.steps["module"].str.casefold().isin(custom)]
        groups = [list(group["source"]) for _, group in steps.groupby("level", sort=True)]
        failing = [
            str(best.source)
            for name in plan.unsatisfiable["module"]
            if module_family(name) == "Az" and name.casefold() not in custom and (best := available.best(name))
        ]
        records: list[ImportRecord] = []
        level_start = start
        for sources in [*groups, failing]:
            done = level_start
            for source in sources:
                imported = self.run(source, self.next_start(level_start), environment, "update-az")
                records.append(imported)
                done = max(done, imported.finished)
            level_start = done
        return records


def _steps(failure: Failure | None, connection: ConnectionType | None) -> list[tuple[str, timedelta]]:
    """The states after ``Creating`` with their modelled offsets from it: to ``Succeeded``, or to ``Failed``."""
    steps: list[tuple[str, timedelta]] = []
    offset = timedelta(0)
    for state in IMPORT_STATES[1:]:
        failing = failure is not None and failure.step == state
        if state == "ConnectionTypeImported" and connection is None and not failing:
            continue
        offset += STATE_DURATIONS[state]
        steps.append(("Failed" if failing else state, offset))
        if failing:
            break
    return steps


def record_of(
    recorder: Recorder, version: str | None, failure: Failure | None, report: Report | None = None
) -> ImportRecord:
    """The :class:`ImportRecord` of the operation ``recorder`` wrote, as far as it has gone."""
    return ImportRecord(
        recorder.operation_id,
        recorder.operation,
        recorder.module,
        version,
        recorder.runtime,
        tuple(recorder.states),
        failure.code if failure else None,
        failure.message if failure else None,
        report,
        recorder.environment.name,
    )
