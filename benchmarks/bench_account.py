"""How one account file holds up when several writers share it: throughput, the slowest call, busy errors.

For 1, 2 and 8 writers on one new file, first threads of this process (each
with its own account object, so its own connection), then processes, each
writer imports a sample package and deletes it again, over and over, for
``--seconds``. For each it prints:

- operations per second, all writers together;
- the median and the slowest single call: a call's own work plus its wait
  for the others' (one import with the file to itself, measured first, is
  the floor);
- how many calls failed ``busy`` after waiting ``--timeout`` seconds.

Run: ``python benchmarks/bench_account.py [--seconds 5] [--timeout 5]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from measure import measure

import amkit
from amkit.account.store import DEFAULT_TIMEOUT

WRITERS = (1, 2, 8)
SAMPLES = ("ContosoCore", "SideBySide", "ContosoNotify")
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def write(
    path: str, packages: list[str], seconds: float, timeout: float, seed: int, start: Any
) -> tuple[list[float], int]:
    """Import and delete ``packages`` on ``path`` for ``seconds`` once ``start`` (a barrier) lets go.

    Returns each call's seconds, and how many calls failed busy.
    """
    rng = random.Random(seed)
    calls: list[float] = []
    busy = 0
    with amkit.AutomationAccount.open(path, timeout=timeout) as account:
        start.wait()
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            package = rng.choice(packages)
            at = T0 + timedelta(hours=rng.randrange(1_000_000))  # never crowded by the import throttle
            for call in (
                partial(account.import_package, package, at=at),
                partial(account.delete_module, Path(package).stem, at=at),
            ):
                began = time.perf_counter()
                try:
                    call()
                except amkit.AccountError as error:
                    if error.code == "busy":
                        busy += 1
                    elif error.code != "not-found":  # another writer deleted the module first
                        raise
                calls.append(time.perf_counter() - began)
    return calls, busy


def run(kind: str, writers: int, folder: Path, packages: list[str], seconds: float, timeout: float) -> str:
    """One row of the table: ``writers`` threads or processes on a new file."""
    path = str(folder / f"{kind}-{writers}.db")
    amkit.AutomationAccount.open(path).close()
    if kind == "threads":
        start: Any = threading.Barrier(writers + 1)
        results: list[tuple[list[float], int]] = [([], 0)] * writers

        def writer(number: int) -> None:
            results[number] = write(path, packages, seconds, timeout, number, start)

        workers = [threading.Thread(target=writer, args=(number,)) for number in range(writers)]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        for worker in workers:
            worker.join()
    else:
        context = multiprocessing.get_context()
        start = context.Manager().Barrier(writers + 1)
        with context.Pool(writers) as pool:
            pending = pool.starmap_async(
                write, [(path, packages, seconds, timeout, number, start) for number in range(writers)], chunksize=1
            )
            start.wait()
            began = time.perf_counter()
            results = pending.get()
    elapsed = time.perf_counter() - began
    calls = [call for durations, _ in results for call in durations]
    busy = sum(count for _, count in results)
    median, slowest = statistics.median(calls), max(calls)
    return f"{writers:>8} {kind:<10}{len(calls) / elapsed:>8.1f}{median * 1000:>12.1f}{slowest:>12.2f}{busy:>7}"


def main() -> None:
    """Measure one import alone, then every number of writers as threads and as processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each row's writers work")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="the accounts' timeout, in seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        packages = [str(path) for path in amkit.samples.build(folder / "samples", SAMPLES).values()]
        with amkit.AutomationAccount.open(folder / "alone.db") as account:
            alone, _ = measure(partial(account.import_package, packages[0], at=T0), repeat=5)
        print(f"one import with the file to itself: {alone * 1000:.1f} ms (best of 5)")
        print(f"timeout {args.timeout:g} s, {args.seconds:g} s per row\n")
        print(f"{'writers':>8} {'as':<10}{'ops/s':>8}{'median ms':>12}{'slowest s':>12}{'busy':>7}")
        for kind in ("threads", "processes"):
            for writers in WRITERS:
                print(run(kind, writers, folder, packages, args.seconds, args.timeout), flush=True)


if __name__ == "__main__":
    main()
