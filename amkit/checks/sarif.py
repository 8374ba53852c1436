"""Check reports as one SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.

One run holds every report: ``tool.driver.rules`` is the whole rule catalogue
(:func:`amkit.checks.catalogue.all_rules`, so ``ruleIndex`` is stable for a
given amkit), and each finding is one result.

Where a result points
---------------------
Paths on disk are written relative to ``root`` (the current folder by default)
with the ``uriBaseId`` ``%SRCROOT%``, which ``run.originalUriBaseIds`` resolves
to ``root``; a package outside ``root`` gets an absolute ``file://`` URI
instead. Run ``amkit check`` from the repository's root and GitHub code
scanning, which reads URIs relative to that root, finds the files.

- A finding in a **module folder** points at the file on disk
  (``src/MyModule/MyModule.psd1``, line and column), so viewers annotate the
  source itself.
- A finding in a member of a **zip or nupkg** points into the package the way
  the SARIF specification describes nested artifacts (sections 3.4.3 and
  3.24.3): ``run.artifacts`` holds the package as a top-level artifact and the
  member as an artifact with ``parentIndex`` pointing to it, and the result's
  ``artifactLocation`` is the member's path inside the archive
  (``MyModule/MyModule.psd1``, no ``uriBaseId``) with that artifact's
  ``index``. Viewers that follow ``parentIndex`` open the member of the zip;
  GitHub, which uses ``uri`` alone, shows the member path, and annotates the
  module's source when the repository keeps the module folder at its root.
- A finding about the package as a whole (a damaged zip, a wrong zip name)
  points at the package.

Every package checked is listed in ``run.artifacts`` with the role
``analysisTarget``. ``result.properties`` holds the package, the version the
finding is in and the target runtime, when known.
"""

from __future__ import annotations

import importlib.metadata
import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amkit.checks.catalogue import all_rules

if TYPE_CHECKING:
    from amkit.checks.registry import Rule
    from amkit.checks.report import Finding, Report

__all__ = ["LEVELS", "SARIF_SCHEMA", "SARIF_VERSION", "SRCROOT", "sarif_log"]

SARIF_VERSION = "2.1.0"
#: The schema the log names: OASIS SARIF 2.1.0 with Errata 01.
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The uriBaseId of paths relative to the root the log was written for.
SRCROOT = "%SRCROOT%"
#: SARIF level of each amkit severity (SARIF calls the lowest level "note").
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif_log(reports: Sequence[Report], *, root: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Return one SARIF 2.1.0 log holding the findings of ``reports``.

    Parameters
    ----------
    reports
        Reports of :func:`amkit.check`, one per package; all go into one run.
    root
        The folder paths are written relative to (``%SRCROOT%``); the current
        folder by default. Use the repository's root for GitHub code scanning.

    Returns
    -------
    dict
        JSON-ready data; ``json.dumps`` it to write a ``.sarif`` file.
    """
    base = Path(root if root is not None else os.getcwd()).absolute()
    catalogue = all_rules()
    indexes = {item.id: number for number, item in enumerate(catalogue)}
    artifacts = _Artifacts(base)
    results = []
    for report in reports:
        package = artifacts.package(report.location)
        for finding in report.items:
            results.append(_result(finding, report, artifacts.finding(report.location, package, finding), indexes))
    base_uri = base.as_uri()
    driver: dict[str, Any] = {"name": "amkit", "version": _version()}
    information = _information_uri()
    if information is not None:
        driver["informationUri"] = information
    driver["rules"] = [_descriptor(item) for item in catalogue]
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": base_uri if base_uri.endswith("/") else base_uri + "/"}},
        "artifacts": artifacts.items,
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


class _Artifacts:
    """``run.artifacts``: each package, and each file a finding points at, listed once."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.items: list[dict[str, Any]] = []
        self._indexes: dict[tuple[int | None, str, str | None], int] = {}

    def _add(self, location: dict[str, Any], parent: int | None, roles: list[str], **extra: str) -> int:
        key = (parent, location["uri"], location.get("uriBaseId"))
        if key not in self._indexes:
            item: dict[str, Any] = {"location": location, "roles": roles, **extra}
            if parent is not None:
                item["parentIndex"] = parent
            self._indexes[key] = len(self.items)
            self.items.append(item)
        return self._indexes[key]

    def _on_disk(self, path: Path) -> dict[str, Any]:
        """The artifactLocation of a file or folder: relative to the root, or an absolute file URI."""
        absolute = path.absolute()
        if absolute.is_relative_to(self.base):
            return {"uri": urllib.parse.quote(absolute.relative_to(self.base).as_posix()), "uriBaseId": SRCROOT}
        return {"uri": absolute.as_uri()}

    def package(self, location: Path) -> int:
        """The index of a checked package."""
        if location.is_dir():
            return self._add(self._on_disk(location), None, ["analysisTarget", "directory"])
        return self._add(self._on_disk(location), None, ["analysisTarget"], mimeType="application/zip")

    def finding(self, location: Path, package: int, finding: Finding) -> dict[str, Any]:
        """The artifactLocation (with its index) a finding points at."""
        member = _member(location, finding.file)
        if member is None:
            index = package
        elif location.is_dir():
            index = self._add(self._on_disk(location / member), None, ["resultFile"])
        else:
            # A member of an archive: a path inside it, without uriBaseId (SARIF 3.4.3, 3.4.4).
            index = self._add({"uri": urllib.parse.quote(member)}, package, ["resultFile"])
        return {**self.items[index]["location"], "index": index}


def _member(location: Path, file: str | None) -> str | None:
    """The package-relative path of a finding's file; ``None`` when it is the package itself.

    Rules report members by their path in the package; errors about reading
    name the package (``pkg.zip``), a member as ``pkg.zip!member``, or a file
    of a folder by its path on disk.
    """
    if not file:
        return None
    package = str(location)
    if file == package:
        return None
    if file.startswith(package + "!"):
        return file[len(package) + 1 :].replace("\\", "/") or None
    member = file.replace("\\", "/")
    if location.is_dir() and not (location / member).exists():
        # A folder's file named by its path on disk (``<folder>/<member>``), not by its path in the folder.
        path = Path(file).absolute()
        if path.is_relative_to(location.absolute()):
            return path.relative_to(location.absolute()).as_posix()
    return member


def _result(finding: Finding, report: Report, where: dict[str, Any], indexes: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": where}
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    properties: dict[str, Any] = {"package": str(report.location)}
    if finding.version is not None:
        properties["version"] = finding.version
    if report.runtime is not None:
        properties["runtime"] = report.runtime
    result: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in indexes:
        result["ruleIndex"] = indexes[finding.rule]
    result.update(
        level=LEVELS[finding.severity],
        message={"text": finding.message},
        locations=[{"physicalLocation": physical}],
        properties=properties,
    )
    return result


def _descriptor(item: Rule) -> dict[str, Any]:
    """A rule as a SARIF reportingDescriptor."""
    properties: dict[str, Any] = {"source": item.source}
    if item.needs is not None:
        properties["needs"] = item.needs
    return {
        "id": item.id,
        "name": "".join(word.capitalize() for word in item.function.__name__.split("_")),
        "shortDescription": {"text": item.title},
        "fullDescription": {"text": item.rationale},
        "help": {"text": item.help},
        "helpUri": item.help_uri,
        "defaultConfiguration": {"level": LEVELS[item.severity]},
        "properties": properties,
    }


def _version() -> str:
    try:
        return importlib.metadata.version("amkit")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _information_uri() -> str | None:
    """The project's home page from its metadata (``[project.urls]``), if it declares one."""
    try:
        urls = importlib.metadata.metadata("amkit").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    found = dict(entry.split(", ", 1) for entry in urls if ", " in entry)
    return next((found[key] for key in ("Homepage", "Documentation", "Repository", "Source") if key in found), None)
