"""Random work on one account file from threads and processes, and what the file must hold after any of it.

The load and kill tests share these: :func:`operate` runs one random import,
delete or "Update Az modules"; :func:`work` runs them from several threads
until a time is up, tallying how each ended; :func:`write_until_killed` runs
them until its process is killed; :func:`assert_sound` checks a file
afterwards. Child processes come from a fork server (:func:`processes`) that
has amkit imported already, so each starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from multiprocessing.context import BaseContext
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

from packages import module, requires, spec, write_zip

import amkit
from amkit.account import IMPORT_STATES

T0 = datetime(2026, 3, 2, tzinfo=UTC)
ENDED = ("Succeeded", "Failed")
# The states a succeeded import walks before Succeeded (ConnectionTypeImported only with a connection type).
_EVERY_STEP = {IMPORT_STATES.index(state) for state in IMPORT_STATES[:-1] if state != "ConnectionTypeImported"}
#: Refusals random work meets on a sound account: another writer deleted the module first, or it is a default one.
REFUSALS = ("not-found", "default-module")
_AZ = {
    "Az.Accounts": module("Az.Accounts", "2.12.1"),
    "Az.Storage": module("Az.Storage", "9.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.12.0"))),
}


@dataclass(frozen=True)
class Material:
    """What random work imports: packages (good and faulty), and Az modules for "Update Az modules"."""

    packages: tuple[str, ...]
    az: amkit.Inventory  # scanned once here: a scan's progress bar leaves a semaphore behind in a killed process

    @property
    def names(self) -> tuple[str, ...]:
        """The modules random work deletes."""
        return (*(Path(package).stem for package in self.packages), *_AZ)


def material(tmp_path: Path, samples: dict[str, Path]) -> Material:
    faulty = amkit.samples.build(tmp_path / "faulty", ["BrokenLayout"])
    for name, members in _AZ.items():
        write_zip(tmp_path / "az" / f"{name}.zip", members)
    packages = tuple(str(path) for path in [*samples.values(), *faulty.values()])
    return Material(packages, amkit.scan(tmp_path / "az", progress=False))


def processes() -> BaseContext:
    """Processes forked from a server that imported amkit once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["account_work"])
    return context


def operate(
    account: amkit.AutomationAccount,
    rng: random.Random,
    material: Material,
    on_state: Callable[[str, datetime], None] | None = None,
) -> None:
    """One random operation: an import, a delete or "Update Az modules", at a random time far from others."""
    at = T0 + timedelta(hours=rng.randrange(1_000_000))  # never crowded by the import throttle
    roll = rng.random()
    if roll < 0.5:
        account.import_package(rng.choice(material.packages), at=at, on_state=on_state)
    elif roll < 0.75:
        account.delete_module(rng.choice(material.names), at=at)
    else:
        account.update_az_modules(material.az, at=at)


@dataclass
class Tally:
    """How operations ended: done, refused as :data:`REFUSALS` allow, busy (naming the file), or otherwise."""

    done: int = 0
    refused: int = 0
    busy: int = 0
    unexpected: list[str] = field(default_factory=list)

    def run(self, operation: Callable[[], object], path: str) -> None:
        try:
            operation()
            self.done += 1
        except amkit.AccountError as error:
            if error.code == "busy" and error.retryable and error.file == path:
                self.busy += 1
            elif error.code in REFUSALS:
                self.refused += 1
            else:
                self.unexpected.append(traceback.format_exc())
        except Exception:
            self.unexpected.append(traceback.format_exc())

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{item.name: getattr(self, item.name) + getattr(other, item.name) for item in fields(self)})


def work(path: str, material: Material, seed: int, seconds: float, threads: int, timeout: float) -> Tally:
    """Random operations on ``path`` from ``threads`` threads for ``seconds``, every wait at most ``timeout``.

    Even-numbered threads share one account object (its connection), the
    others open one each, as separate processes would.
    """
    stop = time.monotonic() + seconds
    tallies = [Tally() for _ in range(threads)]
    shared = _opened(path, timeout, tallies[0], stop)

    def run(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        account = shared if number % 2 == 0 else _opened(path, timeout, tallies[number], stop)
        while account is not None and time.monotonic() < stop:
            tallies[number].run(lambda: operate(account, rng, material), path)
        if account is not None and account is not shared:
            account.close()

    workers = [threading.Thread(target=run, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if shared is not None:
        shared.close()
    return sum(tallies, Tally())


def _opened(path: str, timeout: float, tally: Tally, stop: float) -> amkit.AutomationAccount | None:
    """The account at ``path``, opening it again while it is busy until ``stop``; opening is tallied too."""
    opened: list[amkit.AutomationAccount] = []
    while not opened and not tally.unexpected and time.monotonic() < stop:
        tally.run(lambda: opened.append(amkit.AutomationAccount.open(path, timeout=timeout)), path)
    return opened[0] if opened else None


def write_until_killed(
    path: str, material: Material, seed: int, kill_at: tuple[str, int] | None, running: EventType
) -> None:
    """Random operations on ``path`` until this process is killed; ``running`` is set once the first one is done.

    With ``kill_at`` (a state, and how many imports entering it to let by)
    the process kills itself as an import enters that state, between two of
    its provisioning states.
    """
    rng = random.Random(seed)
    passed = 0

    def on_state(state: str, _: datetime) -> None:
        nonlocal passed
        if kill_at is not None and state == kill_at[0]:
            passed += 1
            if passed > kill_at[1]:
                os.kill(os.getpid(), signal.SIGKILL)

    with amkit.AutomationAccount.open(path) as account:
        while True:
            try:
                operate(account, rng, material, on_state)
            except amkit.AccountError as error:
                if error.code not in REFUSALS:
                    raise
            running.set()


def assert_sound(path: str | os.PathLike[str], context: str = "") -> int:
    """Check that SQLite finds the file sound, no operation is half-done and the history explains the modules.

    Every operation is one transaction, so whatever stopped its writer, each
    operation in the history ended (``Succeeded`` or ``Failed``) after
    walking the import states in order, no module is left in another state,
    and each custom module is the one its last succeeded import brought,
    unless a succeeded delete came after it. Returns how many operations
    the history holds.
    """
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == [], context
    with amkit.AutomationAccount.open(path) as account:
        history = account.history()
        modules = account.modules(runtime_environment="*")
    stuck = modules[~modules["provisioning_state"].isin(["Succeeded", "Created"])]
    assert stuck.empty, f"{context}: modules stuck mid-import:\n{stuck}"
    expected: dict[tuple[str, str], str] = {}
    for operation_id, rows in history.sort_values("operation_id", kind="stable").groupby("operation_id"):
        first, states = rows.iloc[0], list(rows["state"])
        key = (str(first["runtime_environment"]).casefold(), str(first["module"]).casefold())
        where = f"{context}: operation {operation_id} ({first['operation']} {first['module']}): {' -> '.join(states)}"
        assert states[-1] in ENDED and not set(states[:-1]) & set(ENDED), where
        if first["operation"] in ("import", "update-az"):
            walked = [IMPORT_STATES.index(state) for state in states[:-1]]
            assert walked == sorted(set(walked)) and walked[:1] in ([], [0]), where
            if states[-1] == "Succeeded":
                assert set(walked) >= _EVERY_STEP, where
                expected[key] = str(rows["version"].iloc[-1])
        elif first["operation"] == "delete":
            assert expected.pop(key, None) is not None, f"{where}: deletes a module no import brought"
    custom = modules[~modules["is_global"]]
    held = {
        (str(environment).casefold(), str(name).casefold()): str(version)
        for environment, name, version in custom[["runtime_environment", "name", "version"]].itertuples(index=False)
    }
    assert held == expected, f"{context}: the custom modules are not those the history imported"
    return int(history["operation_id"].nunique())
