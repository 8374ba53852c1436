"""Colours the charts share, so that a status looks the same in every chart and widget."""

from __future__ import annotations

__all__ = ["OUTCOME_COLORS", "OUTCOME_MARKERS", "STATUS_COLORS"]

#: Dependency statuses (see :mod:`amkit.deps.table`), from good to bad: green, grey, purple, orange, amber, red.
STATUS_COLORS = {
    "ok": "#2e7d32",
    "external": "#757575",
    "cycle": "#6a1b9a",
    "guid-mismatch": "#ef6c00",
    "version-conflict": "#f9a825",
    "missing": "#c62828",
}

#: How operations ended (see :data:`amkit.account.history.OUTCOMES`), and their marks: failures as crosses.
OUTCOME_COLORS = {
    "Succeeded": "#2e7d32",
    "Failed": "#c62828",
    "Cancelled": "#757575",
    "In progress": "#1565c0",
}
OUTCOME_MARKERS = {"Succeeded": "o", "Failed": "X", "Cancelled": "s", "In progress": "^"}
