"""The rich HTML view of a check report for Jupyter (its ``_repr_html_``); every message is escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from amkit.markup import BOX, table, text_cell

if TYPE_CHECKING:
    from amkit.checks.report import Report

__all__ = ["report_html"]

_SEVERITY_COLOURS = {"error": "#b3261e", "warning": "#8a5a00", "info": "#1a5fb4"}


def report_html(report: Report) -> str:
    """The HTML view of a check report: the verdict and a table of findings."""
    verdict_class = "" if report.importable else " class='amkit-bad'"
    rows = [
        [
            escape(finding.rule),
            f"<span style='color:{_SEVERITY_COLOURS[finding.severity]}'>{escape(finding.severity)}</span>",
            text_cell(finding.message),
            escape(finding.version or ""),
            escape(finding.file or "") + (f":{finding.line}" if finding.line else ""),
            text_cell(finding.help),
        ]
        for finding in report.items
    ]
    return (
        f"{BOX}<b{verdict_class}>{escape(report.summary())}</b>"
        + (table(["rule", "severity", "message", "version", "where", "how to fix"], rows) if rows else "")
        + "</div>"
    )
