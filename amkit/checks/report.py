"""The result of a check: findings as a table, a verdict, and JSON/SARIF/HTML views."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from amkit.checks.html import report_html
from amkit.checks.registry import SEVERITIES
from amkit.checks.sarif import sarif_log
from amkit.powershell.version import PSVersion

__all__ = ["FINDING_COLUMNS", "Finding", "Report"]

FINDING_COLUMNS = ["rule", "severity", "title", "message", "version", "file", "line", "column", "help"]


@dataclass(frozen=True)
class Finding:
    """One broken rule at one place."""

    rule: str
    severity: str
    title: str
    message: str
    version: str | None
    file: str | None
    line: int | None
    column: int | None
    help: str

    def sort_key(self) -> tuple[object, ...]:
        """Stable order: rule, version (package-wide first, then in PowerShell's order), file, position, message."""
        return (self.rule, *_version_key(self.version), self.file or "", self.line or 0, self.column or 0, self.message)


_NO_VERSION = PSVersion("0.0")


def _version_key(text: str | None) -> tuple[bool, bool, PSVersion, str]:
    # As text, 10.0.0 would sort before 2.0.0; a label that is not a version goes after the versions.
    parsed = PSVersion.parse(text)
    return text is not None, parsed is None, parsed or _NO_VERSION, text or ""


class Report:
    """What :func:`amkit.check` found in one package."""

    def __init__(
        self,
        location: Path,
        name: str | None,
        findings: list[Finding],
        *,
        runtime: str | None,
        subject: str = "package",
    ) -> None:
        self.subject = subject  # "package" (amkit.check) or "runbook" (amkit.check_runbook)
        self.location = location
        self.name = name
        self.runtime = runtime
        self._findings = tuple(sorted(findings, key=Finding.sort_key))

    @property
    def findings(self) -> pd.DataFrame:
        """One row per finding: rule, severity, title, message, version, file, line, column, help."""
        frame = pd.DataFrame([asdict(finding) for finding in self._findings], columns=FINDING_COLUMNS)
        return frame.astype({"line": "Int64", "column": "Int64"})

    @property
    def items(self) -> tuple[Finding, ...]:
        """The findings as objects, in the table's order."""
        return self._findings

    @property
    def importable(self) -> bool:
        """Whether no finding has severity ``error``: Automation would accept the package."""
        return not any(finding.severity == "error" for finding in self._findings)

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        return {severity: sum(f.severity == severity for f in self._findings) for severity in SEVERITIES}

    def summary(self) -> str:
        """One line: the package (or runbook), the verdict and the counts per severity."""
        counts = ", ".join(f"{count} {severity}" for severity, count in self.counts().items())
        if self.subject == "runbook":
            verdict = "runs, as far as amkit can tell" if self.importable else "may fail at run time"
        else:
            verdict = "importable" if self.importable else "NOT importable"
        return f"{self.location.name}: {verdict} ({counts})"

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {
            "package": str(self.location),
            "name": self.name,
            "runtime": self.runtime,
            "importable": self.importable,
            "counts": self.counts(),
            "findings": [asdict(finding) for finding in self._findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as a JSON document."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_sarif(self, *, indent: int | None = 2) -> str:
        """The report as a SARIF 2.1.0 log (see :mod:`amkit.checks.sarif`)."""
        return json.dumps(sarif_log([self]), indent=indent)

    def __repr__(self) -> str:
        return f"<Report {self.summary()}>"

    def _repr_html_(self) -> str:
        return report_html(self)
