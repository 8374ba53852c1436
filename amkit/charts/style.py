"""Colours the charts share, so that a status looks the same in every chart and widget."""

from __future__ import annotations

__all__ = ["STATUS_COLORS"]

#: Dependency statuses (see :mod:`amkit.deps`), from good to bad: green, grey, purple, orange, amber, red.
STATUS_COLORS = {
    "ok": "#2e7d32",
    "external": "#757575",
    "cycle": "#6a1b9a",
    "guid-mismatch": "#ef6c00",
    "version-conflict": "#f9a825",
    "missing": "#c62828",
}
