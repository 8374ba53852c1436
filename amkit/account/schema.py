"""The schema of an account file: its tables, the migrations from files older amkits wrote, and its check.

The schema carries its version in ``meta``; each migration takes a file one
version further. :func:`migrate` runs inside the caller's transaction
(:class:`~amkit.account.store.Store` opens one), refuses a file a newer amkit
wrote, and a file that says it is an account but lacks a table or column
the schema has, so such a file is refused when it is opened rather than
failing later in the middle of an operation.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections.abc import Callable

from amkit.account.runtimes import (
    SYSTEM_ENVIRONMENTS,
    chosen_default_packages,
    system_default_packages,
    system_environment_name,
)
from amkit.errors import AccountError

__all__ = ["SCHEMA_VERSION", "migrate"]

#: The schema this amkit writes. Each entry of _MIGRATIONS takes a file one version further.
SCHEMA_VERSION = 3
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
    with the default packages a new environment of that version gets. Custom
    modules, connection types and history rows follow, so nothing imported is
    lost; 7.x environments drop the 5.1 defaults schema 1 gave them, and get
    their own when the account opens (Environments.ensure_defaults).
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
        if runtime in system:
            packages = system_default_packages("PowerShell", runtime)
        else:
            packages = chosen_default_packages("PowerShell", runtime, None)
        connection.execute(
            "INSERT INTO runtime_environments (name_key, name, language, version, default_packages, "
            "system_generated, creation_time, last_modified_time) VALUES (?, ?, 'PowerShell', ?, ?, ?, ?, ?)",
            (name.casefold(), name, runtime, json.dumps(packages), int(runtime in system), created, modified),
        )
    for table in ("modules", "connection_types"):
        connection.execute(f"UPDATE {table} SET environment = lower('PowerShell-' || environment)")
    # Schema 1 gave every runtime 5.1's default modules (AzureRM, DSC...); 7.x environments hold their own,
    # which opening the account adds (Environments.ensure_defaults). Custom imports stay.
    for runtime, _, _ in runtimes:
        if runtime != "5.1":
            key = f"powershell-{runtime}"
            connection.execute("DELETE FROM modules WHERE is_global = 1 AND environment = ?", (key,))
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
    # Schema 3: the history's module index ignores case as every query of it does (an index in the
    # default BINARY collation serves none of them), and an operation's rows are found by index.
    """
    DROP INDEX IF EXISTS history_module;
    CREATE INDEX history_module ON history (module COLLATE NOCASE);
    CREATE INDEX history_operation ON history (operation_id)
    """,
)


def migrate(connection: sqlite3.Connection, where: str) -> None:
    """Bring the file's schema to :data:`SCHEMA_VERSION` (inside the caller's transaction), and check it.

    Raises
    ------
    AccountError
        ``schema`` for a file a newer amkit wrote; ``not-an-account`` for a
        SQLite file without amkit's ``meta`` table, or one lacking a table
        or column of the schema.
    """
    version = _version(connection, where)
    if version > SCHEMA_VERSION:
        raise AccountError(
            f"was written by a newer amkit (schema {version}; this amkit reads up to {SCHEMA_VERSION})",
            code="schema",
            file=where,
        )
    _run_migrations(connection, version)
    missing: list[str] = []
    for table, columns in _schema_columns().items():
        found = {row[0] for row in connection.execute("SELECT name FROM pragma_table_info(?)", (table,))}
        missing += [f"{table}.{column}" for column in sorted(columns - found)] if found else [f"table {table}"]
    if missing:
        raise AccountError(
            f"says it is an amkit account (schema {version}) but lacks {', '.join(missing)}",
            code="not-an-account",
            file=where,
        )


def _version(connection: sqlite3.Connection, where: str) -> int:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return 0
    if "meta" not in tables:
        raise AccountError(
            "is a SQLite file but not an amkit account (it has no meta table)", code="not-an-account", file=where
        )
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row is not None else 0


def _run_migrations(connection: sqlite3.Connection, version: int) -> None:
    """Take a file at schema ``version`` to :data:`SCHEMA_VERSION`."""
    for migration in _MIGRATIONS[version:]:
        if isinstance(migration, str):
            _run_script(connection, migration)
        else:
            migration(connection)
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


@functools.cache
def _schema_columns() -> dict[str, frozenset[str]]:
    """Each table of the schema and its columns, read from a scratch database the migrations build."""
    with contextlib.closing(sqlite3.connect(":memory:")) as scratch:
        _run_migrations(scratch, 0)
        tables = [row[0] for row in scratch.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: frozenset(row[0] for row in scratch.execute("SELECT name FROM pragma_table_info(?)", (table,)))
            for table in tables
        }
