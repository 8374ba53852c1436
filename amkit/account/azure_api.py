"""A real account in the account model: read, refreshed into a history that builds up, imports followed.

:meth:`AzureOperations.connect` reads an Automation account through the
Azure SDK (:mod:`amkit.account.azure`) into the same SQLite model as a
modelled one; :meth:`~AzureOperations.refresh` reads it again and records
what changed since the last read (the portal shows only the latest state of
each module, so this history is amkit's). The account is read-only unless
connected with ``writable=True``, which allows :meth:`~AzureOperations.import_from_uri`
and :meth:`~AzureOperations.watch`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from amkit.account.azure import AzureAccount, ModuleState, Snapshot, load_snapshot
from amkit.account.environments import Environments
from amkit.account.history import Recorder
from amkit.account.importing import Importer, ImportRecord
from amkit.account.modules import ModuleList, listed_version
from amkit.account.provisioning import IMPORT_STATES, Failure, throttled
from amkit.account.runbooks import Runbooks
from amkit.account.runtimes import (
    SYSTEM_ENVIRONMENTS,
    RuntimeEnvironment,
    default_modules,
    system_environment_name,
)
from amkit.account.store import Store, moment, time_text
from amkit.deps.inventory import ModuleRecord
from amkit.deps.plan import IMPORT_LIMIT, IMPORT_WINDOW_SECONDS
from amkit.errors import AccountError
from amkit.package.connection import ConnectionField, ConnectionType

if TYPE_CHECKING:
    from amkit.account.connections import Connections

__all__ = ["AzureOperations"]

_ENDED = ("Succeeded", "Failed", "Cancelled", "Canceled")
_WINDOW = timedelta(seconds=IMPORT_WINDOW_SECONDS)


class AzureOperations:
    """Connecting to a real account; mixed into :class:`~amkit.AutomationAccount`, which holds the tables."""

    _store: Store
    _modules: ModuleList
    _environments: Environments
    _connections: Connections
    _runbooks: Runbooks
    _importer: Importer
    _azure: AzureAccount | None = None

    if TYPE_CHECKING:

        def __init__(self, store: Store) -> None: ...

        def _environment(self, runtime: str | None, runtime_environment: str | None) -> RuntimeEnvironment: ...

    @classmethod
    def connect(
        cls,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        credential: Any = None,
        path: str | os.PathLike[str] | None = None,
        *,
        writable: bool = False,
        client_options: Mapping[str, Any] | None = None,
    ) -> Self:
        """Read a real Automation account into an account file (or memory), and keep it connected.

        Parameters
        ----------
        subscription_id, resource_group, account_name
            Which account.
        credential
            An azure-identity credential; ``DefaultAzureCredential()`` by default.
        path
            The SQLite file; an existing file of the same account is refreshed,
            its history kept and added to.
        writable
            Allow :meth:`import_from_uri`; reading is all the default allows.
        client_options
            Keyword arguments for ``AutomationClient`` (``base_url``, retry settings, policies).

        Raises
        ------
        AccountError
            ``azure-missing`` without ``amkit[azure]``; ``azure`` or
            ``azure-auth`` with Azure's own message when a call fails;
            ``not-an-account`` for a file of another account.
        """
        azure = AzureAccount(subscription_id, resource_group, account_name, credential, client_options)
        snapshot = azure.snapshot()  # a read that fails writes nothing, not even a new file
        store = Store(path)
        account = cls(store)
        account._azure = azure
        try:
            with store.write():
                _claim(store, azure.resource_id, account_name, read_only=not writable)
                account._apply(snapshot)
        except BaseException:
            store.close()
            raise
        return account

    def _connected(self) -> AzureAccount:
        if self._azure is None:
            raise AccountError(
                "the account is not connected to Azure: use amkit.AutomationAccount.connect(...)", code="not-connected"
            )
        return self._azure

    def refresh(self) -> Snapshot:
        """Read the account again; record in the history what changed since the last read.

        A module that appeared or whose version, state or last-modified time
        changed is an ``import`` in its reported state at its last-modified
        time; one that went is a ``delete``; a default package of another
        version is an ``update-default-packages``. One transaction: nothing of
        a read that fails is kept.
        """
        snapshot = self._connected().snapshot()
        self._apply(snapshot)
        return snapshot

    @classmethod
    def from_snapshot(
        cls,
        source: str | os.PathLike[str] | Mapping[str, Any] | Snapshot,
        *,
        name: str | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> Self:
        """A read-only account from a snapshot saved earlier (``account.refresh().save(file)``).

        ``source`` is the saved file, its parsed JSON, or a :class:`Snapshot`.
        The snapshot is what an account looked like at one read, so notebooks
        and tests can show a real account without reaching Azure. The account's
        name is the one in the snapshot's ``account`` id, unless ``name`` is given.

        Raises
        ------
        AccountError
            ``snapshot`` when the source is not a snapshot, naming the file.
        """
        snapshot = source if isinstance(source, Snapshot) else load_snapshot(source)
        resource = str(snapshot.document.get("account") or "")
        store = Store(path)
        account = cls(store)
        try:
            with store.write():
                _claim(store, resource, name or resource.rpartition("/")[2] or "snapshot", read_only=True)
                account._apply(snapshot)
        except BaseException:
            store.close()
            raise
        return account

    def _apply(self, snapshot: Snapshot) -> None:
        """Make the account what ``snapshot`` saw, recording the changes (one transaction)."""
        now = moment()
        with self._store.write():
            environments = self._sync_environments(snapshot, now)
            self._sync_modules(snapshot, environments, now)
            self._sync_connection_types(snapshot)
            self._sync_runbooks(snapshot, environments, now)
            self._store.set_meta("last_refresh", time_text(now))

    def _sync_environments(self, snapshot: Snapshot, now: datetime) -> dict[str, RuntimeEnvironment]:
        reported = [RuntimeEnvironment(*row) for row in snapshot.environments]
        for language, version in SYSTEM_ENVIRONMENTS:
            name = system_environment_name(language, version)
            if not any(item.key == name.casefold() for item in reported):
                reported.append(RuntimeEnvironment(name, language, version, {}, "", True))
        for environment in reported:
            held = self._environments.find(environment.name)
            if held is None:
                self._environments.create(environment, now, with_defaults=False)
                continue
            for package, version in environment.default_packages.items():
                if held.default_packages.get(package) != version:
                    Recorder(self._store, "update-default-packages", environment, package, None).enter(
                        "Succeeded", now, version
                    )
            self._environments.set_default_packages(held, environment.default_packages, now, with_modules=False)
        for held in self._environments.all():
            if all(held.key != item.key for item in reported):
                self._environments.delete(held)
        return {environment.key: environment for environment in reported}

    def _sync_modules(self, snapshot: Snapshot, environments: dict[str, RuntimeEnvironment], now: datetime) -> None:
        before = {
            (row["environment"], row["name_key"], bool(row["is_global"])): row
            for row in self._store.rows("SELECT * FROM modules")
        }
        self._store.connection.execute("DELETE FROM modules")
        listed: set[tuple[str, str]] = set()
        for module in snapshot.modules:
            environment = environments.get(module.environment.casefold())
            if environment is None:
                raise AccountError(
                    f"packages are listed for {module.environment}, which is not among the runtime environments",
                    code="snapshot",
                )
            old = before.pop((environment.key, module.name.casefold(), module.is_global), None)
            self._put(module, environment, now)
            listed.add((environment.key, module.name.casefold()))
            if not module.is_global and _changed(old, module):
                Recorder(self._store, "import", environment, module.name, None).enter(
                    module.state, module.modified or now, module.version, _failure(module)
                )
        # A user environment's packages list shows what was imported into it; its default packages' modules are
        # there too, at the versions their release gives them.
        for environment in environments.values():
            if environment.system_generated or not environment.is_powershell:
                continue
            for name, version in default_modules(environment):
                if (environment.key, name.casefold()) not in listed:
                    self._modules.insert(
                        name, version, environment=environment.key, is_global=True, state="Created", at=now
                    )
        for (environment_key, _, is_global), row in before.items():
            gone = environments.get(environment_key)
            if not is_global and gone is not None:
                Recorder(self._store, "delete", gone, row["name"], None).enter("Succeeded", now, row["version"])

    def _put(self, module: ModuleState, environment: RuntimeEnvironment, now: datetime) -> None:
        """Write one module as Azure reported it (inside the caller's transaction)."""
        module_id = self._modules.insert(
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
        if not module.is_global and module.version:
            version = listed_version(module.version, module.name)
            # No package file here: the record has what Azure lists, and no source to import again from.
            record = ModuleRecord(module.name, version, commands=module.commands)
            self._modules.add_versions(module_id, [record])

    def _sync_runbooks(self, snapshot: Snapshot, environments: dict[str, RuntimeEnvironment], now: datetime) -> None:
        self._store.connection.execute("DELETE FROM runbooks")
        for name, environment, script in snapshot.runbooks:
            if environment.casefold() not in environments:
                raise AccountError(
                    f"runbook {name} is linked to {environment}, which is not among the runtime environments",
                    code="snapshot",
                )
            self._runbooks.add(name, script, "azure", environment.casefold(), now)

    def _sync_connection_types(self, snapshot: Snapshot) -> None:
        self._store.connection.execute("DELETE FROM connection_types WHERE module_id IS NULL")
        built_in = {item.name.casefold() for item in self._connections.types() if not item.module}
        for name, fields in snapshot.connection_types:
            if name.casefold() not in built_in:
                self._connections.store_type(ConnectionType(name, "", tuple(ConnectionField(**f) for f in fields)))

    def import_from_uri(
        self,
        name: str,
        content_uri: str,
        *,
        runtime_environment: str | None = None,
        runtime: str | None = None,
        wait: bool = True,
    ) -> ImportRecord:
        """Start importing the package at ``content_uri`` as module ``name``; follow it with :meth:`watch`.

        The import throttle (5 starts in 30 seconds) is kept: this call waits
        until a start is admitted, or with ``wait=False`` refuses at once. The
        start is recorded as ``Creating``.

        Raises
        ------
        AccountError
            ``read-only`` unless connected with ``writable=True``; ``throttled``
            (saying when to retry) with ``wait=False`` while the throttle is
            full; ``azure`` with Azure's message.
        """
        azure = self._connected()
        if self._store.meta("read_only") == "1":
            raise AccountError(
                "the account was connected read-only: connect with writable=True to import", code="read-only"
            )
        environment = self._environment(runtime, runtime_environment)
        now = moment()
        admitted = self._importer.next_start(now)
        if admitted > now and not wait:
            raise AccountError(throttled(IMPORT_LIMIT, _WINDOW, admitted).message or "", code="throttled")
        time.sleep(max((admitted - moment()).total_seconds(), 0.0))
        started = azure.start_import(name, content_uri, environment.name)
        with self._store.write():
            recorder = Recorder(self._store, "import", environment, name, None)
            recorder.enter(started.state, moment(), started.version)
        return ImportRecord(
            recorder.operation_id,
            "import",
            name,
            started.version,
            environment.version,
            tuple(recorder.states),
            runtime_environment=environment.name,
        )

    def watch(
        self,
        name: str,
        *,
        runtime_environment: str | None = None,
        runtime: str | None = None,
        interval: float = 5.0,
        timeout: float = 1800.0,
        progress: bool = True,
    ) -> ImportRecord:
        """Follow module ``name``'s import until it ends, recording each provisioning state it enters.

        A progress bar (a widget in Jupyter, text elsewhere) moves along the
        import states. Returns how the import ended.

        Raises
        ------
        AccountError
            ``timeout`` when it has not ended after ``timeout`` seconds; ``azure`` with Azure's message.
        """
        from tqdm.auto import tqdm

        azure = self._connected()
        environment = self._environment(runtime, runtime_environment)
        deadline = time.monotonic() + timeout
        # Go on with the operation import_from_uri started, when it has not ended.
        latest = self._store.rows(
            "SELECT operation_id, state FROM history WHERE operation = 'import' AND module = ? AND environment = ? "
            "ORDER BY id DESC LIMIT 1",
            (name, environment.name),
        )
        going_on = latest and latest[0]["state"] not in _ENDED
        recorder = Recorder(
            self._store, "import", environment, name, None, latest[0]["operation_id"] if going_on else None
        )
        last = latest[0]["state"] if going_on else None
        if going_on:
            earlier = self._store.rows(
                "SELECT state, time FROM history WHERE operation_id = ? ORDER BY id", (recorder.operation_id,)
            )
            recorder.states = [(row["state"], moment(row["time"])) for row in earlier]
        bar = tqdm(total=len(IMPORT_STATES), desc=name, disable=not progress, unit="state")
        try:
            while True:
                seen = azure.module(name, environment.name)
                if seen.state != last:
                    with self._store.write():
                        recorder.enter(seen.state, moment(), seen.version, _failure(seen))
                        if seen.state in _ENDED:  # the module list as the next refresh will read it
                            self._store.connection.execute(
                                "DELETE FROM modules WHERE environment = ? AND name_key = ? AND is_global = 0",
                                (environment.key, name.casefold()),
                            )
                            self._put(seen, environment, moment())
                    step = IMPORT_STATES.index(seen.state) + 1 if seen.state in IMPORT_STATES else bar.n
                    bar.update(max(step - bar.n, 0))
                    bar.set_postfix_str(seen.state)
                    last = seen.state
                if seen.state in _ENDED:
                    break
                if time.monotonic() > deadline:
                    raise AccountError(f"the import of {name} had not ended after {timeout:g} s", code="timeout")
                time.sleep(interval)
        finally:
            bar.close()
        return ImportRecord(
            recorder.operation_id,
            "import",
            name,
            seen.version,
            environment.version,
            tuple(recorder.states),
            seen.error_code,
            seen.error_message,
            runtime_environment=environment.name,
        )


def _claim(store: Store, resource: str, name: str, *, read_only: bool) -> None:
    """Make ``store`` the file of the Azure account ``resource`` (inside a transaction).

    Raises
    ------
    AccountError
        ``not-an-account`` for a file that holds a modelled account or another Azure account.
    """
    known = store.meta("azure_resource")
    if known is None and not store.is_new:
        raise AccountError(
            "holds an account modelled with amkit, not one read from Azure: use a new file",
            code="not-an-account",
            file=store.where,
        )
    if known is not None and known.casefold() != resource.casefold():
        raise AccountError(f"holds account {known}, not {resource}", code="not-an-account", file=store.where)
    store.set_meta("name", name)
    store.set_meta("azure_resource", resource)
    store.set_meta("runtime", store.meta("runtime") or "5.1")
    store.set_meta("read_only", "1" if read_only else "0")


def _failure(module: ModuleState) -> Failure | None:
    """The error Azure reported for a module, if any."""
    return (
        Failure(module.state, module.error_code, module.error_message)
        if module.error_code or module.error_message
        else None
    )


def _changed(old: Any, new: ModuleState) -> bool:
    """Whether a custom module is new, or its version, state or last change differ from the last read."""
    if old is None:
        return True
    modified = time_text(new.modified) if new.modified is not None else old["last_modified_time"]
    return (old["version"], old["provisioning_state"], old["last_modified_time"]) != (new.version, new.state, modified)
