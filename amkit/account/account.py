"""An Azure Automation account's modules, modelled by the service's rules and kept in SQLite.

The rules, from "Manage modules in Azure Automation":

- a new account holds the default (global) modules;
- a custom import of a module takes precedence over the default module of
  the same name;
- all side-by-side versions of one package are usable, but importing a module
  again replaces every version of the earlier import;
- deleting a newer version of a default module rolls back to the default
  one, and the original default version cannot be deleted;
- "Update Az modules" imports the Az modules, leaving alone those already
  imported as custom modules;
- an import fails when its package breaks an import rule
  (:mod:`amkit.checks`), its dependencies are missing, or 5 imports started in
  the 30 seconds before it.

Modules are kept per runtime environment (:mod:`amkit.account.environment_api`):
the old per-runtime lists are the system-generated environments
(``PowerShell-5.1``, ``PowerShell-7.2`` ...), which ``runtime=`` names.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd

from amkit.account.arm import load_module_list
from amkit.account.azure_api import AzureOperations
from amkit.account.connections import Connection, Connections
from amkit.account.environment_api import EnvironmentOperations
from amkit.account.environments import Environments
from amkit.account.history import Recorder, StateCallback, history_frame
from amkit.account.importing import Importer, ImportRecord
from amkit.account.modules import ModuleList
from amkit.account.runbooks import Runbooks
from amkit.account.runtimes import SYSTEM_ENVIRONMENTS, RuntimeEnvironment
from amkit.account.store import DEFAULT_TIMEOUT, Store, moment
from amkit.account.warnings import WARNING_COLUMNS, account_warnings
from amkit.checks import RUNTIMES
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.scanning import as_inventory
from amkit.errors import AccountError
from amkit.package.module_package import ModulePackage
from amkit.powershell.version import PSVersion

__all__ = ["WARNING_COLUMNS", "AutomationAccount"]


class AutomationAccount(EnvironmentOperations, AzureOperations):
    """An Automation account's runtime environments, modules, runbooks, connection types, connections and history.

    Open one with :meth:`open` (a SQLite file, or in memory) or build a
    read-only one from what Azure reports with :meth:`from_arm`. Every
    operation is one transaction: threads and processes can share one file.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._modules = ModuleList(store)
        self._environments = Environments(store, self._modules)
        self._runbooks = Runbooks(store)
        self._connections = Connections(store)
        self._importer = Importer(store, self._modules)

    # Opening ---------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        name: str = "local",
        runtime: str = "5.1",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> AutomationAccount:
        """Open the account stored at ``path``, creating it with its system-generated environments when new.

        A new account has the six system-generated runtime environments
        (``PowerShell-5.1``, ``PowerShell-7.1``, ``PowerShell-7.2``,
        ``Python-2.7``, ``Python-3.8``, ``Python-3.10``), each with its default
        modules. A file an older amkit wrote is upgraded in one transaction,
        its per-runtime module lists becoming these environments.

        Parameters
        ----------
        path
            The SQLite file; ``None`` keeps the account in memory.
        name, runtime
            The name of a new account, and the PowerShell runtime whose
            system-generated environment operations use unless told otherwise
            (an existing file keeps its own).
        timeout
            How long, in seconds, this and every later operation may wait for another thread's or process's operation.

        Raises
        ------
        AccountError
            When the file is not an amkit account, or was written by a newer amkit;
            ``busy`` (retryable, nothing changed) when another operation holds it longer than ``timeout``.
        ValueError
            For a runtime with no system-generated environment (7.4 has none), or a timeout out of 0-86,400 s.
        """
        if path is None or not Path(path).exists():  # an existing file keeps its own runtime
            _check_runtime(runtime)
        store = Store(path, timeout)
        account = cls(store)
        with store.opening():
            if store.is_new:  # asked again inside the transaction: another process may have just created it
                store.set_meta("name", name)
                store.set_meta("runtime", runtime)
                store.set_meta("read_only", "0")
            if not account.read_only:
                account._environments.ensure_defaults(moment())
        return account

    @classmethod
    def from_arm(cls, module_list_json: object, *, name: str) -> AutomationAccount:
        """A read-only account, in memory, from an account's module list as Azure returns it.

        ``module_list_json`` is the REST API's ``{"value": [...]}``, the Azure
        CLI's list, a path to either, or the parsed JSON (see
        :mod:`amkit.account.arm`). Each custom module's latest import becomes
        history, at its last-modified time, so the import charts work offline.

        Raises
        ------
        AccountError
            When the input is not a module list, naming the file and the module.
        """
        store = Store(None)
        with store.opening():
            store.set_meta("name", name)
            store.set_meta("read_only", "1")
            store.set_meta("runtime", load_module_list(store, module_list_json))
        return cls(store)

    # Properties -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The account's name."""
        return self._store.meta("name") or ""

    @property
    def runtime(self) -> str:
        """The PowerShell runtime whose system-generated environment operations use unless told otherwise."""
        return self._store.meta("runtime") or "5.1"

    @property
    def path(self) -> Path | None:
        """The account's file, ``None`` in memory."""
        return self._store.path

    @property
    def read_only(self) -> bool:
        """Whether the account only shows what Azure reported (:meth:`from_arm`)."""
        return self._store.meta("read_only") == "1"

    def _writable(self) -> None:
        """Refuse a modelled change to an account that shows what Azure reported."""
        if self.read_only:
            raise AccountError(f"account {self.name} is read-only: it shows what Azure reported", code="read-only")
        if self._store.meta("azure_resource") is not None:
            raise AccountError(
                f"account {self.name} mirrors a real account: change it in Azure (import_from_uri, the portal) "
                "and refresh()",
                code="read-only",
            )

    def _environment(self, runtime: str | None, runtime_environment: str | None) -> RuntimeEnvironment:
        """The environment an operation works in: ``runtime_environment``, else ``runtime``'s system-generated one.

        Raises
        ------
        ValueError
            For a runtime Automation does not offer, one with no environment
            here, or a runtime that is not the named environment's.
        AccountError
            ``not-found`` for an environment the account does not have.
        """
        if runtime_environment is not None:
            environment = self._environments.get(runtime_environment)
            if runtime is not None and runtime != environment.version:
                raise ValueError(f"runtime environment {environment.name} is {environment.label}, not {runtime}")
            return environment
        chosen = runtime or self.runtime
        if chosen not in RUNTIMES:
            raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {chosen!r}")
        found = self._environments.find(f"PowerShell-{chosen}")
        if found is None:
            raise ValueError(
                f"account {self.name} has no runtime environment for PowerShell {chosen} (Automation generates none "
                "for 7.4 and later): create one with create_runtime_environment and pass runtime_environment="
            )
        return found

    def _powershell_environment(self, runtime: str | None, runtime_environment: str | None) -> RuntimeEnvironment:
        """:meth:`_environment`, which must take PowerShell module packages."""
        environment = self._environment(runtime, runtime_environment)
        if not environment.is_powershell:
            raise AccountError(
                f"runtime environment {environment.name} is {environment.label}: it takes Python packages "
                "(.whl), not PowerShell module packages",
                code="language",
            )
        return environment

    # Modules ----------------------------------------------------------------------------------

    def modules(self, *, runtime: str | None = None, runtime_environment: str | None = None) -> pd.DataFrame:
        """The module list as Azure reports it: one row per module and environment, custom imports over defaults.

        Columns are the ARM Module properties: name, is_global, version,
        size_in_bytes, activity_count, provisioning_state, creation_time,
        last_modified_time (UTC), description, error_code, error_message,
        runtime, runtime_environment. ``runtime_environment`` names an
        environment, ``runtime`` a system-generated one (``"7.2"`` is
        ``PowerShell-7.2``); by default the account's runtime's, as the old
        experience's Modules page shows it. ``runtime_environment="*"`` lists every environment's.
        """
        if runtime_environment == "*":
            if runtime is not None:
                raise ValueError("runtime_environment='*' lists every environment's modules: give no runtime with it")
            return self._modules.frame(None)
        return self._modules.frame(self._environment(runtime, runtime_environment).key)

    def versions(
        self, name: str, *, runtime: str | None = None, runtime_environment: str | None = None
    ) -> tuple[PSVersion, ...]:
        """The usable versions of module ``name`` (every side-by-side version of its import), ascending."""
        return self._modules.versions(name, self._environment(runtime, runtime_environment).key)

    def records(
        self, name: str, *, runtime: str | None = None, runtime_environment: str | None = None
    ) -> tuple[ModuleRecord, ...]:
        """The usable versions of module ``name`` with what their packages declared (GUID, requirements, commands)."""
        return self._modules.records(name, self._environment(runtime, runtime_environment).key)

    def effective_version(
        self,
        name: str,
        required_version: str | PSVersion | None = None,
        *,
        runtime: str | None = None,
        runtime_environment: str | None = None,
    ) -> PSVersion | None:
        """The version a runbook gets: ``required_version`` when usable, else the highest; ``None`` when absent."""
        versions = self.versions(name, runtime=runtime, runtime_environment=runtime_environment)
        if required_version is None:
            return versions[-1] if versions else None
        wanted = PSVersion.parse(required_version)
        return next((version for version in versions if version == wanted), None)

    def inventory(self, *, runtime: str | None = None, runtime_environment: str | None = None) -> Inventory:
        """The environment's usable module versions, for :func:`amkit.dependencies`, plans and runbook checks."""
        return self._modules.inventory(self._environment(runtime, runtime_environment).key)

    # Operations -------------------------------------------------------------------------------

    def import_package(
        self,
        pkg_or_path: ModulePackage | str | os.PathLike[str],
        *,
        at: object = None,
        runtime: str | None = None,
        runtime_environment: str | None = None,
        on_state: StateCallback | None = None,
    ) -> ImportRecord:
        """Import a module package as Automation would, walking its provisioning states.

        The package is checked against the environment it goes into
        (:func:`amkit.check`, at that environment's PowerShell version); an
        error finding stops the import in ``Failed`` at the step the service
        fails at, with its error code and message, and a sixth import within
        30 seconds (in any environment of the account) is refused. A failed
        import changes nothing but the history; an exception anywhere inside
        leaves the file as it was.

        Parameters
        ----------
        pkg_or_path
            An open package, or a path :func:`amkit.open_package` takes.
        at
            When the import starts (a datetime or ISO text; naive is UTC). The
            states follow at the modelled durations of
            :data:`amkit.account.provisioning.STATE_DURATIONS`. By default the
            import is one that ends now, as the portal shows a finished one:
            its states lie before the call, never before the history's latest
            entry (durations shrink to fit), so none is in the future and the
            history keeps the order of the calls.
        runtime, runtime_environment
            Where the package goes: a runtime environment by name, or the
            system-generated environment of a runtime; the account's runtime's by default.
        on_state
            Called with each state and its time as the import enters it.

        Raises
        ------
        AccountError
            ``language`` for a Python environment; ``not-found`` for an unknown one.
        """
        self._writable()
        environment = self._powershell_environment(runtime, runtime_environment)
        start = None if at is None else moment(at)
        with self._store.write():
            return self._importer.run(pkg_or_path, start, environment, "import", on_state)

    def delete_module(
        self, name: str, *, at: object = None, runtime: str | None = None, runtime_environment: str | None = None
    ) -> None:
        """Delete module ``name``: a custom module goes, and a default one it hid is used again (a rollback).

        Raises
        ------
        AccountError
            ``default-module`` for the original version of a default module,
            which cannot be deleted; ``not-found`` when there is no such module.
        """
        self._writable()
        environment = self._environment(runtime, runtime_environment)
        time = moment(at)
        with self._store.write():
            rows = self._modules.rows(name, environment.key)
            custom = next((row for row in rows if not row["is_global"]), None)
            default = next((row for row in rows if row["is_global"]), None)
            if custom is None and default is not None:
                raise AccountError(
                    f"{default['name']} {default['version'] or ''} is a default module of account {self.name}: "
                    "its original version cannot be deleted",
                    code="default-module",
                )
            if custom is None:
                raise AccountError(
                    f"account {self.name} has no module {name} in runtime environment {environment.name}",
                    code="not-found",
                )
            self._modules.delete(custom["id"])
            Recorder(self._store, "delete", environment, custom["name"], None).enter(
                "Succeeded", time, custom["version"]
            )
            if default is not None:
                rollback = Recorder(self._store, "rollback", environment, default["name"], None)
                rollback.enter("Succeeded", time, default["version"])

    def update_az_modules(
        self,
        source: object,
        *,
        at: object = None,
        runtime: str | None = None,
        runtime_environment: str | None = None,
    ) -> list[ImportRecord]:
        """Import the Az modules of ``source`` (an inventory, or packages to scan), as "Update Az modules" does.

        Az modules already imported as custom modules are left alone; the
        others are imported dependencies first (Az.Accounts before the rest),
        in waves the import throttle admits, each level once the one below it
        is done. One operation: all of it is written, or (on an exception) none.

        Returns
        -------
        list of ImportRecord
            One per import, in the order they ran.
        """
        self._writable()
        environment = self._powershell_environment(runtime, runtime_environment)
        available = as_inventory(source)
        start = moment(at)
        with self._store.write():
            return self._importer.update_az(available, start, environment)

    # History, connections, warnings ---------------------------------------------------------

    def history(self, module: str | None = None, *, start: object = None, end: object = None) -> pd.DataFrame:
        """One row per state change of every operation, in time order; only ``module``'s, from ``start`` to ``end``.

        Columns: time (UTC), operation (import, delete, rollback, update-az,
        update-default-packages: see :data:`amkit.account.history.OPERATIONS`),
        module, version, state, error_code, error_message, runtime,
        operation_id, runtime_environment. An account read from Azure has the
        changes each read found (:meth:`refresh`). ``module`` is matched in
        any case of its ASCII letters (SQLite's NOCASE, as the history's own
        lookups); ``start`` and ``end`` are included, anything pandas reads as
        a time (UTC without a zone; ``ValueError`` otherwise). Indexes serve
        the filters: part of a long history is read without the rest.
        """
        return history_frame(self._store, module, start, end)

    def connection_types(self) -> pd.DataFrame:
        """One row per field of every connection type, built-in ones first.

        Columns: type, module (empty for built-in types), field, type_name,
        is_encrypted, is_optional.
        """
        return self._connections.types_frame()

    def add_connection(self, name: str, type_name: str, **fields: object) -> Connection:
        """Add a connection asset of type ``type_name``, its fields checked against the type.

        Encrypted fields are kept only as a salted digest: no table, repr or
        widget shows them.

        Raises
        ------
        AccountError
            ``connection`` when the type is unknown, a required field is
            missing, a field unknown or a value of the wrong type; ``exists``
            when the name is taken.
        """
        self._writable()
        with self._store.write():
            return self._connections.add(name, type_name, fields)

    def connection(self, name: str) -> Connection:
        """The connection asset ``name``, encrypted values hidden."""
        return self._connections.get(name)

    def connections(self) -> pd.DataFrame:
        """One row per field of every connection asset: name, type, field, value (hidden if encrypted), is_encrypted."""
        return self._connections.frame()

    def warnings(self, *, runtime: str | None = None, runtime_environment: str | None = None) -> pd.DataFrame:
        """What may break runbooks: Az and AzureRM side by side, modules whose dependencies are gone, orphan runbooks.

        Az and AzureRM are flagged when a custom module of either family is in
        the account with a module of the other, custom or default: Windows
        PowerShell 5.1 accounts carry default AzureRM modules, so importing Az
        there is enough.

        Returns
        -------
        pandas.DataFrame
            kind (``az-and-azurerm``, ``runbook-without-environment`` (a real
            account's runbook linked to an environment it no longer has) or
            ``unsatisfied-dependency``), module, message.
        """
        environment = self._environment(runtime, runtime_environment)
        return account_warnings(
            self._modules.frame(environment.key), self._modules.inventory(environment.key), self._writer.orphans()
        )

    def next_import_start(self, at: object = None) -> datetime:
        """The earliest time at or after ``at`` (now by default) when the import throttle lets an import start.

        Five imports may start in any 30 seconds, in all the account's environments together.
        """
        return self._importer.next_start(moment(at))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[AutomationAccount]:
        """Make the operations inside one: all of them are kept, or (on an exception) none.

        Another thread's or process's operation on the file waits until it ends, or fails ``busy`` after its timeout.
        """
        with self._store.write():
            yield self

    # Lifetime and display ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the account file."""
        self._store.close()

    def __enter__(self) -> AutomationAccount:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        modules = self.modules()
        custom = int((~modules["is_global"]).sum())
        environments = len(self._environments.all())
        mode = ", read-only" if self.read_only else ""
        return (
            f"<AutomationAccount {self.name} ({self.runtime}{mode}): {environments} runtime environments, "
            f"{len(modules)} modules, {custom} custom, {self._store.where}>"
        )


def _check_runtime(runtime: str) -> None:
    """Refuse a default runtime with no system-generated environment.

    Raises
    ------
    ValueError
        For a runtime Automation does not offer, or 7.4, which has no system-generated environment.
    """
    offered = [version for language, version in SYSTEM_ENVIRONMENTS if language == "PowerShell"]
    if runtime not in offered:
        raise ValueError(
            f"runtime must be one of {', '.join(offered)} (the PowerShell runtimes with a system-generated "
            f"environment), not {runtime!r}"
        )
