"""Timing and peak memory of one call, shared by the benchmark scripts."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

__all__ = ["measure"]


def measure(action: Callable[[], Any], *, repeat: int = 3) -> tuple[float, int]:
    """Best-of-``repeat`` seconds of one call, and its peak traced bytes in a separate run.

    tracemalloc slows allocation-heavy code several times over, so time and
    memory are measured in different runs.
    """
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return min(seconds), peak
