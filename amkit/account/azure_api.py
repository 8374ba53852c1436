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
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from amkit.account.azure import AzureAccount, Snapshot, load_snapshot
from amkit.account.azure_sync import ENDED_STATES, SnapshotWriter, failure_of_state
from amkit.account.environments import Environments
from amkit.account.history import Recorder
from amkit.account.importing import Importer, ImportRecord, record_of
from amkit.account.modules import ModuleList
from amkit.account.provisioning import IMPORT_STATES, throttled
from amkit.account.runbooks import Runbooks
from amkit.account.runtimes import (
    RuntimeEnvironment,
)
from amkit.account.store import DEFAULT_TIMEOUT, Store, moment
from amkit.deps.plan import IMPORT_LIMIT, IMPORT_WINDOW_SECONDS
from amkit.errors import AccountError

if TYPE_CHECKING:
    from amkit.account.connections import Connections

__all__ = ["AzureOperations"]

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
        timeout: float = DEFAULT_TIMEOUT,
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
        timeout
            How long, in seconds, an operation may wait for another thread's or process's operation on the file.

        Raises
        ------
        AccountError
            ``azure-missing`` without ``amkit[azure]``; ``azure`` or
            ``azure-auth`` with Azure's own message when a call fails;
            ``not-an-account`` for a file of another account; ``busy`` when
            another operation holds the file longer than ``timeout``.
        """
        azure = AzureAccount(subscription_id, resource_group, account_name, credential, client_options)
        snapshot = azure.snapshot()  # a read that fails writes nothing, not even a new file
        store = Store(path, timeout)
        account = cls(store)
        account._azure = azure
        with store.opening():
            _claim(store, azure.resource_id, account_name, read_only=not writable)
            account._apply(snapshot)
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
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Self:
        """A read-only account from a snapshot saved earlier (``account.refresh().save(file)``).

        ``source`` is the saved file, its parsed JSON, or a :class:`Snapshot`.
        The snapshot is what an account looked like at one read, so notebooks
        and tests can show a real account without reaching Azure. The account's
        name is the one in the snapshot's ``account`` id, unless ``name`` is given;
        ``path`` and ``timeout`` are as :meth:`connect`'s.

        Raises
        ------
        AccountError
            ``snapshot`` when the source is not a snapshot, naming the file.
        """
        snapshot = source if isinstance(source, Snapshot) else load_snapshot(source)
        resource = str(snapshot.document.get("account") or "")
        store = Store(path, timeout)
        account = cls(store)
        with store.opening():
            _claim(store, resource, name or resource.rpartition("/")[2] or "snapshot", read_only=True)
            account._apply(snapshot)
        return account

    def _apply(self, snapshot: Snapshot) -> None:
        """Make the account what ``snapshot`` saw, recording the changes (one transaction)."""
        with self._store.write():
            self._writer.apply(snapshot, moment())

    @property
    def _writer(self) -> SnapshotWriter:
        return SnapshotWriter(self._store, self._modules, self._environments, self._connections, self._runbooks)

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
            recorder = Recorder(self._store, "import", environment, name, None)  # a new import, whatever was open
            recorder.enter(started.state, moment(), started.version)
        return record_of(recorder, started.version, None)

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

        Without ``runtime_environment`` or ``runtime``, the import followed is
        the one still open for ``name`` (in the environment
        :meth:`import_from_uri` started it in), else one in the account's
        default environment. A progress bar (a widget in Jupyter, text
        elsewhere) moves along the import states. Returns how the import ended.

        Raises
        ------
        AccountError
            ``timeout`` when it has not ended after ``timeout`` seconds; ``azure`` with Azure's message.
        """
        from tqdm.auto import tqdm

        azure = self._connected()
        if runtime is None and runtime_environment is None:
            runtime_environment = self._writer.open_import_environment(name)
        environment = self._environment(runtime, runtime_environment)
        deadline = time.monotonic() + timeout
        # Go on with the operation import_from_uri (or a refresh) started, when it has not ended.
        recorder = self._writer.import_recorder(environment, name)
        last = recorder.states[-1][0] if recorder.states else None
        bar = tqdm(total=len(IMPORT_STATES), desc=name, disable=not progress, unit="state")
        try:
            while True:
                seen = azure.module(name, environment.name)
                if seen.state != last:
                    with self._store.write():
                        recorder.enter(seen.state, moment(), seen.version, failure_of_state(seen))
                        if seen.state in ENDED_STATES:  # the module list as the next refresh will read it
                            self._writer.put(seen, environment, moment())
                    step = IMPORT_STATES.index(seen.state) + 1 if seen.state in IMPORT_STATES else bar.n
                    bar.update(max(step - bar.n, 0))
                    bar.set_postfix_str(seen.state)
                    last = seen.state
                if seen.state in ENDED_STATES:
                    break
                if time.monotonic() > deadline:
                    raise AccountError(f"the import of {name} had not ended after {timeout:g} s", code="timeout")
                time.sleep(interval)
        finally:
            bar.close()
        return record_of(recorder, seen.version, failure_of_state(seen))


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
