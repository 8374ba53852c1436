"""The SQLite file behind an Automation account: its connection, transactions and times.

One file (or ``:memory:``) per account, opened with the standard library's
``sqlite3``. Opening an older file migrates it in one transaction, opening a
newer one is refused (:mod:`amkit.account.schema`). Every operation that
writes runs in one ``BEGIN IMMEDIATE`` transaction, and an exception anywhere
inside rolls everything back, so no operation leaves part of itself behind.

Another thread's or process's operation on the same file is waited for, but
never longer than the store's ``timeout``: then the operation fails with a
retryable :class:`~amkit.errors.AccountError` ``busy``, having changed
nothing. SQLite's word that the file itself cannot be used (a disk error, a
damaged or read-only file) becomes an AccountError naming the file too; any
other SQLite error is amkit's own bug, and passes unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from amkit.account.schema import migrate
from amkit.errors import AccountError

__all__ = ["DEFAULT_TIMEOUT", "Store", "moment", "time_text"]

#: How long, in seconds, an operation waits by default for another thread's or process's operation on the file.
DEFAULT_TIMEOUT = 5.0
# A day: SQLite keeps its busy timeout as a C int of milliseconds.
_LONGEST_TIMEOUT = 86_400.0
# SQLite's primary result codes saying another connection holds the file: waiting longer may help.
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_PROTOCOL})
# Those saying the file itself cannot be used. Any other (a statement amkit got wrong) is a bug, not the file's state.
_FILE_CODES = frozenset(
    {
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_NOLFS,
    }
)
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
    if not pd.Timestamp.min.tz_localize("UTC") <= stamp <= pd.Timestamp.max.tz_localize("UTC"):
        # Tables hold times as pandas does: from 1677 to 2262.
        raise ValueError(f"{at!r} is outside the times amkit holds (years 1678 to 2261)")
    return stamp.to_pydatetime()


def time_text(value: datetime) -> str:
    """How the file stores a time."""
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


class Store:
    """An open account file: a connection, its schema checked and migrated.

    Parameters
    ----------
    path
        The SQLite file; ``None`` keeps the account in memory.
    timeout
        The longest, in seconds, an operation waits for another thread's or
        process's operation on the file before it fails with AccountError ``busy``.

    Raises
    ------
    AccountError
        ``not-an-account`` for a file that cannot hold an account, ``schema``
        for one a newer amkit wrote, ``busy`` when another operation holds it
        longer than ``timeout``.
    ValueError
        For a timeout that is not 0 to 86,400 seconds.
    """

    def __init__(self, path: str | os.PathLike[str] | None, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not 0 <= timeout <= _LONGEST_TIMEOUT:
            raise ValueError(f"timeout must be 0 to {_LONGEST_TIMEOUT:,.0f} seconds, not {timeout!r}")
        self.timeout = float(timeout)
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
            self.connection = sqlite3.connect(
                self.where, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
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
        """Switch to write-ahead logging and migrate, waiting up to the timeout while another process does the same.

        SQLite answers a journal-mode change that meets another process's
        lock with "database is locked" at once, without its busy wait, so the
        attempt is repeated until the timeout runs out.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if self.path is not None:
                    # Readers go on while another process writes.
                    self.connection.execute("PRAGMA journal_mode = WAL")
                with self._transaction(deadline):
                    migrate(self.connection, self.where)
                return
            except sqlite3.OperationalError as error:
                if _result_code(error) not in _BUSY_CODES:
                    raise
            except AccountError as error:
                if error.code != "busy":
                    raise
            if time.monotonic() >= deadline:
                raise self._busy()
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0.0)))

    @property
    def is_new(self) -> bool:
        """Whether the file was created by this open (it has no account name yet)."""
        return self.meta("name") is None

    def write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One transaction: everything inside is committed together, or nothing is (on any exception).

        Raises
        ------
        AccountError
            ``busy`` when another operation holds the file longer than the timeout (nothing was begun).
        """
        return self._transaction(time.monotonic() + self.timeout)

    @contextlib.contextmanager
    def opening(self) -> Iterator[sqlite3.Connection]:
        """The transaction that sets up a store just opened: when it fails, the store is closed as well."""
        try:
            with self.write() as connection:
                yield connection
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def _transaction(self, deadline: float) -> Iterator[sqlite3.Connection]:
        """A transaction begun by ``deadline`` (``time.monotonic()``), or AccountError ``busy``."""
        with self._held(deadline):
            self._check_open()
            if self.connection.in_transaction:  # this thread's operation inside another: part of it
                yield self.connection
                return
            with self._typed_errors():
                self._begin(deadline)
                try:
                    yield self.connection
                    self.connection.execute("COMMIT")
                except BaseException:
                    self._roll_back()
                    raise

    def _begin(self, deadline: float) -> None:
        """``BEGIN IMMEDIATE``, SQLite waiting for another connection's write only until ``deadline``."""
        left = max(deadline - time.monotonic(), 0.0)
        self.connection.execute(f"PRAGMA busy_timeout = {int(left * 1000)}")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    def _roll_back(self) -> None:
        """Undo the open transaction; should even that fail, SQLite undoes it when the file is next opened."""
        if self.connection.in_transaction:  # SQLite has rolled back already after some errors (a full disk)
            with contextlib.suppress(sqlite3.DatabaseError):
                self.connection.execute("ROLLBACK")

    @contextlib.contextmanager
    def _held(self, deadline: float) -> Iterator[None]:
        """The calling thread's turn on the connection, waited for until ``deadline`` (``time.monotonic()``)."""
        if not self._lock.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise self._busy()
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _typed_errors(self) -> Iterator[None]:
        """SQLite's word that the file is busy or cannot be used, as an AccountError naming it."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            code = _result_code(error)
            if code in _BUSY_CODES:
                raise self._busy() from None
            if code in _FILE_CODES:
                raise AccountError(
                    f"cannot be read or written: {error} ({error.sqlite_errorname}), so the operation was not done; "
                    "check the disk it is on and its permissions, or restore the file from a copy",
                    code="storage",
                    file=self.where,
                ) from None
            raise

    def _busy(self) -> AccountError:
        return AccountError(
            f"is busy with another operation (of another thread or process): amkit waited {self.timeout:g} s for it. "
            "Nothing was changed, and the operation can be retried; to wait longer, open the account with a larger "
            "timeout= (for example AutomationAccount.open(path, timeout=30))",
            code="busy",
            file=self.where,
        )

    def meta(self, key: str) -> str | None:
        """A value of the account's ``meta`` table."""
        rows = self.rows("SELECT value FROM meta WHERE key = ?", (key,))
        return None if not rows else rows[0][0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a ``meta`` value (inside a transaction)."""
        self.connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows a query returns (never in the middle of another thread's operation).

        Raises
        ------
        AccountError
            ``busy`` when another thread's operation holds the account longer than the timeout.
        """
        return self._fetch(sql, parameters, sqlite3.Row)

    def tuples(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows a query returns as plain tuples: for tables of many rows, which :class:`sqlite3.Row` slows.

        Raises
        ------
        AccountError
            ``busy`` when another thread's operation holds the account longer than the timeout.
        """
        return self._fetch(sql, parameters, None)

    def _fetch(self, sql: str, parameters: tuple[Any, ...], row_factory: Any) -> list[Any]:
        with self._held(time.monotonic() + self.timeout), self._typed_errors():
            self._check_open()
            cursor = self.connection.cursor()
            cursor.row_factory = row_factory
            return cursor.execute(sql, parameters).fetchall()

    def _check_open(self) -> None:
        if self.closed:
            raise AccountError(
                "the account is closed: open it again with amkit.AutomationAccount.open(...)",
                code="closed",
                file=self.where,
            )

    def close(self) -> None:
        """Close the connection once no other thread is using it; what is asked afterwards raises AccountError.

        Raises
        ------
        AccountError
            ``busy`` when another thread's operation holds the account longer than the timeout.
        """
        with self._held(time.monotonic() + self.timeout):
            self.closed = True
            self.connection.close()


def _result_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``error``; ``None`` for one raised by Python's sqlite3 itself."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF
