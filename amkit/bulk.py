"""Bulk work: Python's cycle collector paused while a script is read or a gallery's table or plan is built.

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
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while the block runs, if it was on (another block may have paused it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
