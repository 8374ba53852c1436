"""Bulk work: how many processes a pool of amkit's own may have, and the cycle collector paused meanwhile.

:func:`pool_workers` decides, in one place, whether work big enough for a
process pool gets one: not on a one-core machine, and never inside another
pool's worker process (a daemonic one may not start children; any other
would multiply the machine's cores by its siblings); :func:`mapped` runs the
work there, on an executor the caller gave, or here, in order.

The collector runs every few hundred new objects and, as they pile up, looks
at all of them again: building the dependency table of 10,000 modules spent
a third of its time there, reading a large script a tenth to a fifth. What
such work makes (syntax nodes, records, rows, resolutions) holds no
reference cycle, so reference counting frees all of it the same, and the
collector runs again when the work is done.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

__all__ = ["collector_paused", "mapped", "pool_workers"]

T = TypeVar("T")
R = TypeVar("R")


def mapped(
    function: Callable[[T], R], items: Iterable[T], executor: Executor | None, workers: int, count: int
) -> Iterator[R]:
    """``function`` of each item, in order: on ``executor``, else on a pool of ``workers`` processes (0: here).

    There are ``count`` items, which may come from a generator. A process
    pool takes each as it hands it over, so the first are worked on while
    the rest are still being made, and gets them in chunks, eight per
    worker: one round trip per item costs it a tenth of the work when the
    items are scripts. Other executors get a list and no ``chunksize``:
    some take neither a generator (dask) nor that argument. The work is
    handed over with the collector running, even inside
    :func:`collector_paused`: a process pool forks its workers when it is
    first given work, and a worker forked with the collector paused would
    keep it paused for the rest of its life.
    """
    chunks = max(1, count // ((workers or os.cpu_count() or 1) * 8))
    if executor is not None:
        with _collector_resumed():
            if isinstance(executor, ProcessPoolExecutor):
                results = executor.map(function, items, chunksize=chunks)  # submits every item now
            else:
                results = executor.map(function, list(items))
        yield from results
    elif workers:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            with _collector_resumed():
                results = pool.map(function, items, chunksize=chunks)
            yield from results
    else:
        yield from map(function, items)


def pool_workers(tasks: int) -> int:
    """How many worker processes a pool of amkit's own may start for ``tasks`` tasks: 0 when it should not."""
    cores = os.cpu_count() or 1
    if cores < 2 or tasks < 2 or multiprocessing.parent_process() is not None:
        return 0
    return min(cores, tasks)


#: How many collector_paused blocks are running, the outermost of which paused the collector.
_pauses = 0


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while the block runs, if it was on (another block may have paused it)."""
    global _pauses
    if not gc.isenabled():  # paused by an enclosing block, which resumes it, or off by the program's choice
        yield
        return
    gc.disable()
    _pauses += 1
    try:
        yield
    finally:
        _pauses -= 1
        gc.enable()


@contextlib.contextmanager
def _collector_resumed() -> Iterator[None]:
    """Run the collector while the block runs when a :func:`collector_paused` block paused it."""
    resume = _pauses > 0 and not gc.isenabled()
    if resume:
        gc.enable()
    try:
        yield
    finally:
        if resume:
            gc.disable()
