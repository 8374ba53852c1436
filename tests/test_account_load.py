"""One account file under load: an operation waits for another at most its timeout, then fails busy, writing nothing.

Threads and processes share a real SQLite file. A holder keeps a write
transaction open (another connection, as another process would; another
account's ``transaction()`` in a thread; this account's own, in another
thread) while an operation opened with a short timeout tries the file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from account_work import assert_sound, material, processes, work

import amkit
from amkit.account.store import DEFAULT_TIMEOUT

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
#: The timeout of the operations tried while the file is held.
TIMEOUT = 0.5
#: Longer than any wait of TIMEOUT takes even on a slow CI machine, and shorter than the default timeout.
LATEST = 4.0
HOLDERS = ["another connection", "another account's transaction in a thread", "its own transaction in another thread"]


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of an account file, as another process sees it."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


@contextlib.contextmanager
def held(holder: str, path: Path, account: amkit.AutomationAccount | None = None) -> Iterator[None]:
    """A write transaction on ``path`` kept open by ``holder`` (one of :data:`HOLDERS`) while the block runs."""
    if holder == "another connection":
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            yield
            connection.execute("ROLLBACK")
        return
    owner = amkit.AutomationAccount.open(path) if holder.startswith("another account") else account
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with owner.transaction():
            entered.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert entered.wait(10)
        yield
    finally:
        release.set()
        thread.join()
        if owner is not account:
            owner.close()


def busy_after(operation: Callable[[], object], path: Path) -> float:
    """How long ``operation`` waited before it failed busy, checking what the error says."""
    started = time.monotonic()
    with pytest.raises(amkit.AccountError) as refused:
        operation()
    waited = time.monotonic() - started
    error = refused.value
    assert (error.code, error.retryable, error.file) == ("busy", True, str(path))
    message = str(error)
    assert message.startswith(f"{path}: is busy with another operation")
    assert f"waited {TIMEOUT:g} s" in message and "can be retried" in message and "timeout=" in message
    return waited


@pytest.mark.parametrize("holder", HOLDERS)
def test_an_operation_on_a_held_file_fails_busy_after_its_timeout_writing_nothing(
    tmp_path: Path, samples: dict[str, Path], holder: str
) -> None:
    path = tmp_path / "account.db"
    with amkit.AutomationAccount.open(path, timeout=TIMEOUT) as account:
        account.import_package(samples["SideBySide"], at=T0)
        before = dump(path)
        with held(holder, path, account):
            for operation in (
                lambda: account.import_package(samples["ContosoCore"], at=T1),
                lambda: account.delete_module("SideBySide", at=T1),
            ):
                # Its own timeout, not the default.
                assert TIMEOUT * 0.9 <= busy_after(operation, path) < LATEST < DEFAULT_TIMEOUT
            assert dump(path) == before
        # Once the holder lets go, the same operations go through.
        assert account.import_package(samples["ContosoCore"], at=T1).succeeded
        account.delete_module("SideBySide", at=T1)
        assert set(account.modules().query("~is_global")["name"]) == {"ContosoCore"}
    assert_sound(path)


def test_opening_a_held_file_fails_busy_and_succeeds_once_it_is_free(tmp_path: Path) -> None:
    path = tmp_path / "account.db"
    amkit.AutomationAccount.open(path, name="contoso-dev").close()
    before = dump(path)
    with held("another connection", path):
        waited = busy_after(lambda: amkit.AutomationAccount.open(path, timeout=TIMEOUT), path)
        assert TIMEOUT * 0.9 <= waited < LATEST
    assert dump(path) == before
    with amkit.AutomationAccount.open(path, timeout=TIMEOUT) as account:
        assert account.name == "contoso-dev"


def test_threads_and_processes_sharing_a_file_succeed_or_fail_busy(tmp_path: Path, samples: dict[str, Path]) -> None:
    path = str(tmp_path / "account.db")
    amkit.AutomationAccount.open(path).close()
    stuff = material(tmp_path, samples)
    # Two processes and this one, four threads each (two sharing one account), for a few seconds.
    with processes().Pool(2) as pool:
        elsewhere = pool.starmap_async(work, [(path, stuff, seed, 3.0, 4, TIMEOUT) for seed in (2, 3)], chunksize=1)
        here = work(path, stuff, 1, 3.0, 4, TIMEOUT)
        tally = sum(elsewhere.get(timeout=60), here)
    assert not tally.unexpected, (
        f"{len(tally.unexpected)} operations failed otherwise; the first:\n{tally.unexpected[0]}"
    )
    assert tally.done > 0, tally
    assert_sound(path)


def test_a_file_damaged_while_open_raises_a_typed_error_naming_it(tmp_path: Path, samples: dict[str, Path]) -> None:
    path = tmp_path / "account.db"
    with amkit.AutomationAccount.open(path) as account:
        for name in ("ContosoCore", "SideBySide", "ContosoNotify"):
            account.import_package(samples[name])
    with amkit.AutomationAccount.open(path) as account:
        os.truncate(path, 3 * 4096)  # the pages the history and the module versions are on are gone
        for operation in (account.history, lambda: account.import_package(samples["ContosoCore"])):
            with pytest.raises(amkit.AccountError) as refused:
                operation()
            assert (refused.value.code, refused.value.file, refused.value.retryable) == ("storage", str(path), False)
            assert "database disk image is malformed" in str(refused.value)


@pytest.mark.parametrize("timeout", [-1, float("nan"), 86_401])
def test_a_timeout_out_of_range_is_refused(tmp_path: Path, timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout must be 0 to 86,400 seconds"):
        amkit.AutomationAccount.open(tmp_path / "account.db", timeout=timeout)
