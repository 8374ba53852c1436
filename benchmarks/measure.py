"""Timing and peak memory of one call, shared by the benchmark scripts."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

__all__ = ["measure", "paired"]


def measure(action: Callable[[], Any], *, repeat: int = 3) -> tuple[float, int]:
    """Best-of-``repeat`` seconds of one call, and its peak traced bytes in a separate run.

    tracemalloc slows allocation-heavy code several times over, so time and
    memory are measured in different runs. The garbage of what ran before is
    collected before each run, so that no run pays for another's: building
    200,000 requirements leaves a full collection due, and whichever call
    came next would spend half a second on it. (``timeit`` goes further and
    turns the collector off; here it stays on, so a run pays for the garbage
    it makes itself.)
    """
    seconds = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return min(seconds), peak


def paired(action: Callable[[], Any], floor: Callable[[], Any], *, repeat: int = 5) -> tuple[float, float]:
    """Best-of-``repeat`` seconds of ``action`` and of its ``floor``, run in turns.

    This machine's speed drifts by up to a third over seconds: timed one after
    the other, a slow spell can fall on either and move their ratio by as
    much. In turns, each spell slows both.
    """
    seconds: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for timed, call in zip(seconds, (action, floor), strict=True):
            gc.collect()
            started = time.perf_counter()
            call()
            timed.append(time.perf_counter() - started)
    return min(seconds[0]), min(seconds[1])
