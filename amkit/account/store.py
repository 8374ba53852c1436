"""The SQLite file behind an Automation account: schema, migrations, transactions and times.

One file (or ``:memory:``) per account, opened with the standard library's
``sqlite3``. The schema carries its version in ``meta``; opening an older
file migrates it in one transaction, opening a newer one is refused. Every
operation that writes runs in one ``BEGIN IMMEDIATE`` transaction: another
process using the same file waits for it, and an exception anywhere inside
rolls everything back, so no operation leaves part of itself behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from amkit.account.runtimes import SYSTEM_ENVIRONMENTS, system_default_packages, system_environment_name
from amkit.errors import AccountError

__all__ = ["SCHEMA_VERSION", "Store", "moment", "time_text"]

#: The schema this amkit writes. Each entry of _MIGRATIONS takes a file one version further.
SCHEMA_VERSION = 2
_RUNTIME_ENVIRONMENTS = """
    CREATE TABLE runtime_environments (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        version TEXT NOT NULL,
        default_packages TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        system_generated INTEGER NOT NULL,
        creation_time TEXT NOT NULL,
        last_modified_time TEXT NOT NULL
    );
    CREATE TABLE runbooks (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        environment TEXT NOT NULL REFERENCES runtime_environments (name_key),
        script TEXT NOT NULL,
        source TEXT,
        creation_time TEXT NOT NULL,
        last_modified_time TEXT NOT NULL
    );
    ALTER TABLE modules RENAME COLUMN runtime TO environment;
    ALTER TABLE connection_types RENAME COLUMN runtime TO environment;
    ALTER TABLE history ADD COLUMN environment TEXT;
    CREATE INDEX history_module ON history (module);
    CREATE INDEX runbooks_environment ON runbooks (environment)
"""


def _to_runtime_environments(connection: sqlite3.Connection) -> None:
    """Schema 2: each runtime's module list becomes an environment's; runbooks link to environments.

    A runtime with a system-generated environment (5.1, 7.1, 7.2) becomes
    that environment, with its default packages; another one an amkit file
    held (7.4) becomes an environment of the same name, not system-generated,
    holding the Az release its default modules came from. Custom modules,
    connection types and history rows follow, so nothing imported is lost;
    7.x environments drop the 5.1 defaults schema 1 gave them.
    """
    runtimes = [
        (row[0], row[1], row[2])
        for row in connection.execute(
            "SELECT runtime, MIN(creation_time), MAX(last_modified_time) FROM modules GROUP BY runtime"
        )
    ]
    _run_script(connection, _RUNTIME_ENVIRONMENTS)
    system = {version for language, version in SYSTEM_ENVIRONMENTS if language == "PowerShell"}
    for runtime, created, modified in runtimes:
        name = system_environment_name("PowerShell", runtime)
        packages = system_default_packages("PowerShell", runtime) if runtime in system else {"Az": "8.0.0"}
        connection.execute(
            "INSERT INTO runtime_environments (name_key, name, language, version, default_packages, "
            "system_generated, creation_time, last_modified_time) VALUES (?, ?, 'PowerShell', ?, ?, ?, ?, ?)",
            (name.casefold(), name, runtime, json.dumps(packages), int(runtime in system), created, modified),
        )
    for table in ("modules", "connection_types"):
        connection.execute(f"UPDATE {table} SET environment = lower('PowerShell-' || environment)")
    # Schema 1 gave every runtime 5.1's default modules (AzureRM, DSC...); 7.x system-generated environments
    # hold their own, which opening the account adds (Environments.ensure_system). Custom imports stay.
    for runtime in system - {"5.1"}:
        connection.execute("DELETE FROM modules WHERE is_global = 1 AND environment = ?", (f"powershell-{runtime}",))
    # The history keeps names as they were written, as it keeps module names.
    connection.execute("UPDATE history SET environment = 'PowerShell-' || runtime WHERE runtime IS NOT NULL")


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


_MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE modules (
        id INTEGER PRIMARY KEY,
        runtime TEXT NOT NULL,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        is_global INTEGER NOT NULL,
        version TEXT,
        size_in_bytes INTEGER NOT NULL DEFAULT 0,
        activity_count INTEGER NOT NULL DEFAULT 0,
        provisioning_state TEXT NOT NULL,
        creation_time TEXT NOT NULL,
        last_modified_time TEXT NOT NULL,
        description TEXT,
        error_code TEXT,
        error_message TEXT,
        source TEXT,
        UNIQUE (runtime, name_key, is_global)
    );
    CREATE TABLE module_versions (
        module_id INTEGER NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE connection_types (
        module_id INTEGER REFERENCES modules (id) ON DELETE CASCADE,
        runtime TEXT,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        module TEXT,
        fields TEXT NOT NULL
    );
    CREATE TABLE connections (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type_name TEXT NOT NULL,
        fields TEXT NOT NULL,
        creation_time TEXT NOT NULL
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL,
        time TEXT NOT NULL,
        operation TEXT NOT NULL,
        runtime TEXT,
        module TEXT NOT NULL,
        version TEXT,
        state TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT
    );
    CREATE INDEX history_time ON history (time);
    CREATE INDEX module_versions_module ON module_versions (module_id);
    """,
    _to_runtime_environments,
)
#: How long an operation waits for another process's transaction on the same file.
_WAIT = 30.0
# ISO 8601 in UTC with microseconds: sorts as text in time order.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def moment(at: object = None) -> datetime:
    """``at`` as an aware UTC datetime: now when ``None``; naive times are taken as UTC.

    Raises
    ------
    ValueError
        When ``at`` is not a time.
    """
    if at is None:
        return datetime.now(UTC)
    try:
        stamp = pd.Timestamp(at)  # type: ignore[arg-type]  # pandas reads what a time can be written as
    except (TypeError, ValueError) as error:
        raise ValueError(f"{at!r} is not a time: {error}") from None
    if stamp is pd.NaT:
        raise ValueError(f"{at!r} is not a time")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.to_pydatetime()


def time_text(value: datetime) -> str:
    """How the file stores a time."""
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


class Store:
    """An open account file: a connection, its schema checked and migrated."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = None if path is None else Path(path)
        self.where = ":memory:" if self.path is None else str(self.path)
        # One connection, used by one thread at a time: another thread's operation waits for the running one,
        # instead of joining its transaction.
        self._lock = threading.RLock()
        self.closed = False
        if self.path is not None and (self.path.is_dir() or not self.path.parent.is_dir()):
            problem = "is a folder" if self.path.is_dir() else "is in a folder that does not exist"
            raise AccountError(f"cannot hold an account: it {problem}", code="not-an-account", file=self.where)
        try:
            self.connection = sqlite3.connect(self.where, timeout=_WAIT, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise AccountError(f"cannot be opened: {error}", code="not-an-account", file=self.where) from None
        try:
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            self._prepare()
        except (sqlite3.DatabaseError, ValueError, AccountError) as error:
            self.connection.close()
            if isinstance(error, AccountError):
                raise
            raise AccountError(
                f"cannot be opened as an amkit account: {error}", code="not-an-account", file=self.where
            ) from None

    def _prepare(self) -> None:
        """Switch to write-ahead logging and migrate, waiting while another process does the same.

        SQLite answers a journal-mode change or a first schema write that
        meets another process's lock with "database is locked" at once,
        without its busy wait, so the attempt is repeated for a while.
        """
        deadline = time.monotonic() + _WAIT
        while True:
            try:
                if self.path is not None:
                    # Readers go on while another process writes.
                    self.connection.execute("PRAGMA journal_mode = WAL")
                self._migrate()
                return
            except sqlite3.OperationalError as error:
                if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def is_new(self) -> bool:
        """Whether the file was created by this open (it has no account name yet)."""
        return self.meta("name") is None

    def _version(self) -> int:
        tables = {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return 0
        if "meta" not in tables:
            raise AccountError(
                "is a SQLite file but not an amkit account (it has no meta table)",
                code="not-an-account",
                file=self.where,
            )
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row is not None else 0

    def _migrate(self) -> None:
        with self.write():
            version = self._version()
            if version > SCHEMA_VERSION:
                raise AccountError(
                    f"was written by a newer amkit (schema {version}; this amkit reads up to {SCHEMA_VERSION})",
                    code="schema",
                    file=self.where,
                )
            for migration in _MIGRATIONS[version:]:
                if isinstance(migration, str):
                    _run_script(self.connection, migration)
                else:
                    migration(self.connection)
            self.connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is committed together, or nothing is (on any exception)."""
        with self._lock:
            self._check_open()
            if self.connection.in_transaction:  # this thread's operation inside another: part of it
                yield self.connection
                return
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        """A value of the account's ``meta`` table."""
        rows = self.rows("SELECT value FROM meta WHERE key = ?", (key,))
        return None if not rows else rows[0][0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a ``meta`` value (inside a transaction)."""
        self.connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows a query returns (never in the middle of another thread's operation)."""
        with self._lock:
            self._check_open()
            return self.connection.execute(sql, parameters).fetchall()

    def _check_open(self) -> None:
        if self.closed:
            raise AccountError(
                "the account is closed: open it again with amkit.AutomationAccount.open(...)",
                code="closed",
                file=self.where,
            )

    def close(self) -> None:
        """Close the connection; what the account is asked afterwards raises a typed AccountError."""
        self.closed = True
        self.connection.close()
