"""The runbooks of an account file: named scripts, each linked to one runtime environment.

A runbook runs in the environment it is linked to ("Jobs inherit the Runtime
environment from the runbook"); relinking it is the portal's "Update Runtime
Environment". The script's text is kept so what it needs can be asked again
whenever the environment changes; nothing in it is run.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import pandas as pd

from amkit.account.modules import times_utc
from amkit.account.store import Store, time_text
from amkit.errors import AccountError

__all__ = ["RUNBOOK_LIST_COLUMNS", "Runbooks", "runbook_name_problem"]

RUNBOOK_LIST_COLUMNS = ["name", "runtime_environment", "language", "version", "source", "creation_time"]
# The REST API's pattern for a runbook name.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def runbook_name_problem(name: object) -> str | None:
    """What is wrong with ``name`` as a runbook name (a letter, then letters, digits, ``-`` and ``_``), or ``None``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return f"{name!r} is not a runbook name: it starts with a letter and holds only letters, digits, '-' and '_'"
    return None


class Runbooks:
    """The ``runbooks`` table of one account file; writes run inside the caller's transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, name: str) -> sqlite3.Row | None:
        """The runbook called ``name`` (any case), or ``None``."""
        rows = self.store.rows("SELECT * FROM runbooks WHERE name_key = ?", (str(name).casefold(),))
        return rows[0] if rows else None

    def get(self, name: str) -> sqlite3.Row:
        """The runbook called ``name``.

        Raises
        ------
        AccountError
            ``not-found`` when there is none.
        """
        row = self.find(name)
        if row is None:
            raise AccountError(f"the account has no runbook {name!r}", code="not-found")
        return row

    def add(self, name: str, script: str, source: str | None, environment: str, at: datetime) -> None:
        """Add runbook ``name`` linked to ``environment`` (a key), or replace its script and link."""
        existing = self.find(name)
        created = existing["creation_time"] if existing is not None else time_text(at)
        self.store.connection.execute(
            "INSERT OR REPLACE INTO runbooks (name_key, name, environment, script, source, creation_time, "
            "last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name.casefold(), name, environment, script, source, created, time_text(at)),
        )

    def link(self, name: str, environment: str, at: datetime) -> None:
        """Link runbook ``name`` to ``environment`` (a key)."""
        self.store.connection.execute(
            "UPDATE runbooks SET environment = ?, last_modified_time = ? WHERE name_key = ?",
            (environment, time_text(at), name.casefold()),
        )

    def delete(self, name: str) -> None:
        """Remove runbook ``name``."""
        self.store.connection.execute("DELETE FROM runbooks WHERE name_key = ?", (name.casefold(),))

    def all(self) -> list[sqlite3.Row]:
        """Every runbook, by name."""
        return self.store.rows("SELECT * FROM runbooks ORDER BY name_key")

    def linked(self, environment: str) -> list[str]:
        """The names of the runbooks linked to ``environment`` (a key)."""
        rows = self.store.rows("SELECT name FROM runbooks WHERE environment = ? ORDER BY name_key", (environment,))
        return [row["name"] for row in rows]

    def frame(self) -> pd.DataFrame:
        """One row per runbook (see :data:`RUNBOOK_LIST_COLUMNS`), by name."""
        rows = self.store.rows(
            "SELECT r.name, e.name AS runtime_environment, e.language, e.version, r.source, r.creation_time "
            "FROM runbooks r JOIN runtime_environments e ON e.name_key = r.environment ORDER BY r.name_key"
        )
        frame = pd.DataFrame([list(row) for row in rows], columns=RUNBOOK_LIST_COLUMNS)
        times_utc(frame, "creation_time")
        return frame.astype(dict.fromkeys(RUNBOOK_LIST_COLUMNS[:-1], "string"))
