"""The module list of an account file: rows per runtime environment, custom imports over default modules.

Each module name has at most one default (global) row and one custom row
per runtime environment; the custom one, when there, is the one runbooks get
(:meth:`ModuleList.effective`). A custom row holds every side-by-side version
of its import, each with the record (requirements, commands) its package
declared, so dependency tables and plans work on an account as on packages.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from amkit.account.connections import Connections
from amkit.account.runtimes import RuntimeEnvironment, default_modules
from amkit.account.store import Store, moment, time_text
from amkit.defaults import CORE_COMMANDS, ENGINE_MODULE_VERSIONS, INTERNAL_COMMANDS, INTERNAL_MODULE
from amkit.deps.default_commands import default_commands
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.package.connection import ConnectionType
from amkit.package.module_package import ModulePackage
from amkit.powershell.version import PSVersion

__all__ = ["MODULE_COLUMNS", "ModuleList", "default_inventory", "listed_version"]

MODULE_COLUMNS = [
    "name",
    "is_global",
    "version",
    "size_in_bytes",
    "activity_count",
    "provisioning_state",
    "creation_time",
    "last_modified_time",
    "description",
    "error_code",
    "error_message",
    "runtime",
    "runtime_environment",
]
_NUMBERS = ("is_global", "size_in_bytes", "activity_count", "creation_time", "last_modified_time")
_TEXT_COLUMNS = tuple(column for column in MODULE_COLUMNS if column not in _NUMBERS)
_UNKNOWN_VERSION = PSVersion("0.0")
# The rows runbooks use: custom ones, and default ones no custom import of the same name hides; each with
# its environment's version (the runtime) and name.
_EFFECTIVE = """SELECT m.*, e.version AS runtime, e.name AS runtime_environment
    FROM modules m JOIN runtime_environments e ON e.name_key = m.environment
    WHERE (m.is_global = 0 OR NOT EXISTS (SELECT 1 FROM modules c
        WHERE c.environment = m.environment AND c.name_key = m.name_key AND c.is_global = 0))"""


def listed_version(version: str | None, name: str = "") -> PSVersion:
    """A version as a module list writes it: ``1`` is ``1.0``.

    Windows PowerShell's own modules, listed without a version (or as 0),
    have the version the engine gives them; any other module listed without
    one counts as 0.0.
    """
    engine = next((value for key, value in ENGINE_MODULE_VERSIONS.items() if key.casefold() == name.casefold()), None)
    if engine is not None and version in (None, "", "0"):
        return PSVersion(engine)
    if version is None:
        return _UNKNOWN_VERSION
    return PSVersion.parse(version) or PSVersion.parse(f"{version}.0") or _UNKNOWN_VERSION


def times_utc(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Stored time text as UTC datetimes."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _pick(rows: list[sqlite3.Row]) -> sqlite3.Row | None:
    """Of one module's rows (custom first), the one runbooks use: the custom import, else the default.

    A custom row whose import did not succeed (a module list from Azure can
    hold one) leaves the default module in use, when there is one.
    """
    usable = [row for row in rows if row["is_global"] or row["provisioning_state"] == "Succeeded"]
    return usable[0] if usable else (rows[0] if rows else None)


def default_inventory(environment: RuntimeEnvironment) -> Inventory:
    """The modules a new ``environment`` holds before anything is imported into it."""
    return Inventory(_default_record(module, version) for module, version in default_modules(environment))


def _default_record(name: str, version: str | None) -> ModuleRecord:
    """A default module as a record: its listed version, and the commands amkit knows it has.

    Windows PowerShell's own modules and Automation's internal one have their
    documented commands; a default package's module the commands its own
    manifest exports at that version, or its release's documentation lists,
    where amkit has read them.
    """
    commands = CORE_COMMANDS.get(name, INTERNAL_COMMANDS if name == INTERNAL_MODULE else ())
    complete = True
    if not commands and version is not None:
        commands, complete = default_commands(name, version) or ((), True)
    return ModuleRecord(
        name, listed_version(version, name), commands=tuple(commands), source="(default)", commands_complete=complete
    )


class ModuleList:
    """The ``modules`` and ``module_versions`` tables of one account file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def rows(self, name: str, environment: str) -> list[sqlite3.Row]:
        """The custom row (first) and the default row of module ``name`` in ``environment``, those that exist."""
        return self.store.rows(
            "SELECT * FROM modules WHERE environment = ? AND name_key = ? ORDER BY is_global",
            (environment, name.casefold()),
        )

    def effective(self, name: str, environment: str) -> sqlite3.Row | None:
        """The row runbooks use for ``name``: the custom import, else the default module (see :func:`_pick`)."""
        return _pick(self.rows(name, environment))

    def provision(self, environment: RuntimeEnvironment, at: datetime, *, missing_only: bool = False) -> None:
        """Give ``environment`` its default modules (inside the caller's transaction); only those it lacks, if asked."""
        held: set[str] = set()
        if missing_only:
            query = "SELECT name_key FROM modules WHERE environment = ? AND is_global = 1"
            held = {row["name_key"] for row in self.store.rows(query, (environment.key,))}
        for module, version in default_modules(environment):
            if module.casefold() not in held:
                self.insert(module, version, environment=environment.key, is_global=True, state="Created", at=at)

    def replace_defaults(self, environment: RuntimeEnvironment, at: datetime) -> None:
        """Make ``environment``'s default modules those its default packages now bring."""
        self.store.connection.execute("DELETE FROM modules WHERE environment = ? AND is_global = 1", (environment.key,))
        self.provision(environment, at)

    def custom_names(self, environment: str) -> set[str]:
        """The names (lower case) of modules imported as custom modules."""
        found = self.store.rows("SELECT name_key FROM modules WHERE environment = ? AND is_global = 0", (environment,))
        return {row["name_key"] for row in found}

    def records(self, name: str, environment: str) -> tuple[ModuleRecord, ...]:
        """The usable versions of ``name``, ascending, with what their packages declared (GUID, requirements).

        A default module has its listed version (and, for Windows PowerShell's
        own modules and Automation's internal one, their commands).
        """
        row = self.effective(name, environment)
        return self._usable(row) if row is not None else ()

    def _usable(self, row: sqlite3.Row) -> tuple[ModuleRecord, ...]:
        """The versions a module row provides, ascending."""
        if row["provisioning_state"] not in ("Succeeded", "Created"):
            return ()  # an import that failed, or is still running, provides nothing
        if row["is_global"]:
            return (_default_record(row["name"], row["version"]),)
        found = self.store.rows("SELECT record FROM module_versions WHERE module_id = ?", (row["id"],))
        records = [ModuleRecord.from_data(json.loads(item["record"])) for item in found]
        return tuple(sorted(records, key=lambda record: record.version or _UNKNOWN_VERSION))

    def versions(self, name: str, environment: str) -> tuple[PSVersion, ...]:
        """The usable versions of ``name``, ascending: every side-by-side version of its import."""
        return tuple(record.version for record in self.records(name, environment) if record.version is not None)

    def frame(self, environment: str | None) -> pd.DataFrame:
        """The effective rows as the ARM module list shows them (see :data:`MODULE_COLUMNS`)."""
        if environment is None:
            rows = self.store.rows(f"{_EFFECTIVE} ORDER BY e.name_key, m.name_key")
        else:
            rows = self.frame_rows(environment)
        frame = pd.DataFrame([[row[column] for column in MODULE_COLUMNS] for row in rows], columns=MODULE_COLUMNS)
        frame["is_global"] = frame["is_global"].astype(bool)
        times_utc(frame, "creation_time", "last_modified_time")
        return frame.astype(
            {"size_in_bytes": "int64", "activity_count": "int64", **dict.fromkeys(_TEXT_COLUMNS, "string")}
        )

    def inventory(self, environment: str) -> Inventory:
        """The usable module versions of ``environment``, each with what its package declared.

        Default modules carry their version, and Windows PowerShell's own
        modules and Automation's internal one their commands.
        """
        by_name: dict[str, list[sqlite3.Row]] = {}
        query = "SELECT * FROM modules WHERE environment = ? ORDER BY name_key, is_global"
        for row in self.store.rows(query, (environment,)):
            by_name.setdefault(row["name_key"], []).append(row)
        picked = [_pick(rows) for rows in by_name.values()]
        return Inventory(record for row in picked if row is not None for record in self._usable(row))

    def frame_rows(self, environment: str) -> list[sqlite3.Row]:
        """The effective rows of ``environment``, by name."""
        return self.store.rows(f"{_EFFECTIVE} AND m.environment = ? ORDER BY m.name_key", (environment,))

    def insert(
        self,
        name: str,
        version: str | None,
        *,
        environment: str,
        is_global: bool,
        state: str,
        at: datetime,
        created: datetime | None = None,
        size: int = 0,
        activities: int = 0,
        description: str | None = None,
        source: str | None = None,
        error: tuple[str | None, str | None] = (None, None),
    ) -> int:
        """Add a module row; return its id."""
        cursor = self.store.connection.execute(
            "INSERT INTO modules (environment, name, name_key, is_global, version, size_in_bytes, activity_count, "
            "provisioning_state, creation_time, last_modified_time, description, error_code, error_message, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                environment,
                name,
                name.casefold(),
                int(is_global),
                version,
                size,
                activities,
                state,
                time_text(created or at),
                time_text(at),
                description,
                *error,
                source,
            ),
        )
        return int(cursor.lastrowid or 0)

    def add_versions(self, module_id: int, records: Sequence[ModuleRecord]) -> None:
        """Record the usable versions of a custom row."""
        self.store.connection.executemany(
            "INSERT INTO module_versions (module_id, version, record) VALUES (?, ?, ?)",
            [(module_id, str(record.version), json.dumps(record.to_data())) for record in records],
        )

    def replace_import(
        self,
        package: ModulePackage,
        records: Sequence[ModuleRecord],
        *,
        environment: str,
        start: datetime,
        done: datetime,
        connection: ConnectionType | None,
    ) -> None:
        """Make ``package`` the module's custom import, replacing every version of the earlier one."""
        earlier = [row for row in self.rows(package.name, environment) if not row["is_global"]]
        for row in earlier:
            self.store.connection.execute("DELETE FROM modules WHERE id = ?", (row["id"],))
        latest = package.latest
        manifest = latest.manifest if latest.error is None else None
        module_id = self.insert(
            package.name,
            str(latest.version),
            environment=environment,
            is_global=False,
            state="Succeeded",
            at=done,
            created=moment(earlier[0]["creation_time"]) if earlier else start,
            size=package.compressed_size,
            activities=len(records[-1].commands) if records else 0,
            description=manifest.description if manifest is not None else None,
            source=str(package.location),
        )
        self.add_versions(module_id, records)
        if connection is not None:
            Connections(self.store).store_type(connection, module_id, environment)

    def delete(self, module_id: int) -> None:
        """Remove a row with its versions and connection type."""
        self.store.connection.execute("DELETE FROM modules WHERE id = ?", (module_id,))
