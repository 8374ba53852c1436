"""Writing what a read of a real account saw into its account file, and recording what changed.

:class:`SnapshotWriter` makes the file hold what one :class:`~amkit.account.azure.Snapshot`
saw, inside the caller's transaction, and keeps the history the portal does
not: an import that appeared or moved on continues the import operation
still open for that module (the one :meth:`import_from_uri` started, say),
or starts one; a module that went is a ``delete``; a changed or removed
default package is an ``update-default-packages`` (a removed one with no
version). Runbooks linked to an environment Azure no longer has are kept
aside (:meth:`SnapshotWriter.orphans`), never dropped silently.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from amkit.account.azure import ModuleState, Snapshot
from amkit.account.connections import Connections
from amkit.account.environments import Environments
from amkit.account.history import Recorder
from amkit.account.modules import ModuleList, listed_version
from amkit.account.provisioning import Failure
from amkit.account.runbooks import Runbooks
from amkit.account.runtimes import SYSTEM_ENVIRONMENTS, RuntimeEnvironment, default_modules, system_environment_name
from amkit.account.store import Store, moment, time_text
from amkit.deps.inventory import ModuleRecord
from amkit.errors import AccountError
from amkit.package.connection import ConnectionField, ConnectionType

__all__ = ["ENDED_STATES", "SnapshotWriter", "failure_of_state"]

#: The states an import ends in (both spellings of cancelled occur).
ENDED_STATES = ("Succeeded", "Failed", "Cancelled", "Canceled")
_ORPHANS = "orphan_runbooks"


def failure_of_state(module: ModuleState) -> Failure | None:
    """The error Azure reported for a module, if any."""
    if not (module.error_code or module.error_message):
        return None
    return Failure(module.state, module.error_code, module.error_message)


class SnapshotWriter:
    """The tables of one account file, as a read of the real account fills them."""

    def __init__(
        self,
        store: Store,
        modules: ModuleList,
        environments: Environments,
        connections: Connections,
        runbooks: Runbooks,
    ) -> None:
        self.store, self.modules, self.environments = store, modules, environments
        self.connections, self.runbooks = connections, runbooks

    def apply(self, snapshot: Snapshot, now: datetime) -> None:
        """Make the file hold what ``snapshot`` saw (inside the caller's transaction).

        Raises
        ------
        AccountError
            ``snapshot`` when the snapshot contradicts itself (a module listed
            twice, packages of an environment it does not list).
        """
        self.store.connection.execute("DELETE FROM runbooks")  # read again below; environments may go first
        before = {
            (row["environment"], row["name_key"], bool(row["is_global"])): row
            for row in self.store.rows("SELECT * FROM modules")
        }
        environments, removed = self._environments(snapshot, now)
        self._modules(snapshot, environments, before, now)
        # What is left of ``before`` the read no longer shows: every custom module of it went, its environment's too.
        for (environment_key, _, is_global), row in before.items():
            where = environments.get(environment_key) or removed.get(environment_key)
            if not is_global and where is not None:
                Recorder(self.store, "delete", where, row["name"], None).enter("Succeeded", now, row["version"])
        self._connection_types(snapshot)
        self._runbooks(snapshot, environments, now)
        self.store.set_meta("last_refresh", time_text(now))

    def orphans(self) -> list[tuple[str, str]]:
        """(runbook, environment) of the runbooks the last read found linked to an environment Azure does not have."""
        return [tuple(item) for item in json.loads(self.store.meta(_ORPHANS) or "[]")]

    def _environments(
        self, snapshot: Snapshot, now: datetime
    ) -> tuple[dict[str, RuntimeEnvironment], dict[str, RuntimeEnvironment]]:
        """The environments the read saw, by key, and those it no longer sees (removed from the file)."""
        reported: dict[str, RuntimeEnvironment] = {}
        removed: dict[str, RuntimeEnvironment] = {}
        for row in snapshot.environments:
            environment = RuntimeEnvironment(*row)
            if environment.key in reported:
                raise AccountError(f"runtime environment {environment.name} is listed twice", code="snapshot")
            reported[environment.key] = environment
        for language, line in SYSTEM_ENVIRONMENTS:
            name = system_environment_name(language, line)
            reported.setdefault(name.casefold(), RuntimeEnvironment(name, language, line, {}, "", True))
        for kept in self.environments.all():
            new = reported.get(kept.key)
            # One recreated as another language or version is another environment under the same name.
            if new is None or (new.language, new.version) != (kept.language, kept.version):
                self.environments.delete(kept)
                removed[kept.key] = kept
        for environment in reported.values():
            held = self.environments.find(environment.name)
            if held is None:
                self.environments.create(environment, now, with_defaults=False, check_name=False)
                continue
            packages: dict[str, str | None] = {**dict.fromkeys(held.default_packages), **environment.default_packages}
            for package, release in packages.items():
                if held.default_packages.get(package) != release:
                    Recorder(self.store, "update-default-packages", environment, package, None).enter(
                        "Succeeded", now, release
                    )
            self.environments.replace(environment, now)
        return reported, removed

    def _modules(
        self,
        snapshot: Snapshot,
        environments: dict[str, RuntimeEnvironment],
        before: dict[tuple[str, str, bool], sqlite3.Row],
        now: datetime,
    ) -> None:
        """Write the modules the read saw, taking each out of ``before`` (the rows the file held)."""
        self.store.connection.execute("DELETE FROM modules")
        listed: set[tuple[str, str, bool]] = set()
        for module in snapshot.modules:
            environment = environments.get(module.environment.casefold())
            if environment is None:
                raise AccountError(
                    f"packages are listed for {module.environment}, which is not among the runtime environments",
                    code="snapshot",
                )
            key = (environment.key, module.name.casefold(), module.is_global)
            if key in listed:
                kind = "default" if module.is_global else "custom"
                raise AccountError(
                    f"{module.name} is listed twice as a {kind} module of {environment.name}", code="snapshot"
                )
            listed.add(key)
            old = before.pop(key, None)
            self.put(module, environment, now)
            if not module.is_global and _changed(old, module):
                recorder = self.import_recorder(environment, module.name)
                if not recorder.states or recorder.states[-1][0] != module.state:  # an open import seen as it was
                    recorder.enter(module.state, module.modified or now, module.version, failure_of_state(module))
        # A user environment's packages list shows what was imported into it; its default packages' modules are
        # there too, at the versions their release gives them.
        for environment in environments.values():
            if environment.system_generated or not environment.is_powershell:
                continue
            for name, version in default_modules(environment):
                if not {(environment.key, name.casefold(), True), (environment.key, name.casefold(), False)} & listed:
                    self.modules.insert(
                        name, version, environment=environment.key, is_global=True, state="Created", at=now
                    )

    def put(self, module: ModuleState, environment: RuntimeEnvironment, now: datetime) -> None:
        """Write one module as Azure reported it, replacing the row it had (inside the caller's transaction)."""
        self.store.connection.execute(
            "DELETE FROM modules WHERE environment = ? AND name_key = ? AND is_global = ?",
            (environment.key, module.name.casefold(), int(module.is_global)),
        )
        module_id = self.modules.insert(
            module.name,
            module.version,
            environment=environment.key,
            is_global=module.is_global,
            state=module.state,
            at=module.modified or module.created or now,
            created=module.created or module.modified or now,
            size=module.size,
            activities=module.activities,
            error=(module.error_code, module.error_message),
            source="azure",
        )
        if not module.is_global and module.version and environment.is_powershell:  # not a Python package
            version = listed_version(module.version, module.name)
            # No package file here: the record has what Azure lists, and no source to import again from.
            self.modules.add_versions(module_id, [ModuleRecord(module.name, version, commands=module.commands)])

    def open_import_environment(self, module: str) -> str | None:
        """The environment of ``module``'s latest import when it has not ended, else ``None``."""
        rows = self.store.rows(
            "SELECT environment, state FROM history WHERE operation = 'import' AND module = ? COLLATE NOCASE "
            "ORDER BY id DESC LIMIT 1",
            (module,),
        )
        return rows[0]["environment"] if rows and rows[0]["state"] not in ENDED_STATES else None

    def import_recorder(self, environment: RuntimeEnvironment, module: str) -> Recorder:
        """A recorder going on with the module's import still open in ``environment``, or starting a new one."""
        rows = self.store.rows(
            "SELECT operation_id, state FROM history WHERE operation = 'import' AND environment = ? "
            "AND module = ? COLLATE NOCASE ORDER BY id DESC LIMIT 1",
            (environment.name, module),
        )
        if not rows or rows[0]["state"] in ENDED_STATES:
            return Recorder(self.store, "import", environment, module, None)
        recorder = Recorder(self.store, "import", environment, module, None, rows[0]["operation_id"])
        earlier = self.store.rows(
            "SELECT state, time FROM history WHERE operation_id = ? ORDER BY id", (recorder.operation_id,)
        )
        recorder.states = [(row["state"], moment(row["time"])) for row in earlier]
        return recorder

    def _connection_types(self, snapshot: Snapshot) -> None:
        self.store.connection.execute("DELETE FROM connection_types WHERE module_id IS NULL")
        built_in = {item.name.casefold() for item in self.connections.types() if not item.module}
        for name, fields in snapshot.connection_types:
            if name.casefold() not in built_in:
                connection_type = ConnectionType(name, "", tuple(ConnectionField(**field) for field in fields))
                self.connections.store_type(connection_type)

    def _runbooks(self, snapshot: Snapshot, environments: dict[str, RuntimeEnvironment], now: datetime) -> None:
        orphans = []
        for name, environment, script in snapshot.runbooks:
            if environment.casefold() in environments:
                self.runbooks.add(name, script, "azure", environment.casefold(), now)
            else:  # Azure lets an environment go while runbooks use it
                orphans.append((name, environment))
        self.store.set_meta(_ORPHANS, json.dumps(orphans))


def _changed(old: sqlite3.Row | None, new: ModuleState) -> bool:
    """Whether a custom module is new, or its version, state or last change differ from the last read."""
    if old is None:
        return True
    modified = time_text(new.modified) if new.modified is not None else old["last_modified_time"]
    return (old["version"], old["provisioning_state"], old["last_modified_time"]) != (new.version, new.state, modified)
