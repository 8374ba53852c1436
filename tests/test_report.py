"""The check report (table, verdict, summary, JSON, HTML) and the rule catalogue, through the public API."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from packages import SCRIPT, Members, manifest, write_zip

import amkit
from amkit.checks.registry import SEVERITIES

COLUMNS = ["rule", "severity", "title", "message", "version", "file", "line", "column", "help"]
EVIL = "<img src=x onerror=alert(1)>"


def finding(rule: str, severity: str = "error", **where: Any) -> amkit.Finding:
    values: dict[str, Any] = {"version": None, "file": None, "line": None, "column": None, "message": "m"}
    values.update(where)
    return amkit.Finding(rule=rule, severity=severity, title=f"{rule} title", help=f"{rule} help", **values)


def report_of(findings: list[amkit.Finding], name: str = "TestModule.zip") -> amkit.Report:
    return amkit.Report(Path("/packages") / name, "TestModule", findings, runtime=None)


# Exporting only the well-authored Get-Thing keeps the authoring practices quiet: these reports hold import errors.
EXPORTS = {"FunctionsToExport": "'Get-Thing'", "CmdletsToExport": "@()"}


def broken_members() -> Members:
    """Two versions, each breaking rules: 2.0.0's folder disagrees with its manifest, 10.0.0 misses files."""
    return {
        "TestModule/2.0.0/TestModule.psd1": manifest("2.0.1", FileList="@('b.txt', 'a.txt')", **EXPORTS),
        "TestModule/2.0.0/TestModule.psm1": SCRIPT,
        "TestModule/10.0.0/TestModule.psd1": manifest("10.0.0", FileList="'c.txt'", **EXPORTS),
        "TestModule/10.0.0/TestModule.psm1": SCRIPT,
        "readme.txt": "beside the module folder",
    }


@pytest.fixture
def broken(tmp_path: Path) -> amkit.Report:
    return amkit.check(write_zip(tmp_path / "TestModule.zip", broken_members()))


# The findings table -----------------------------------------------------------------------


def test_findings_table(broken: amkit.Report) -> None:
    frame = broken.findings
    assert list(frame.columns) == COLUMNS
    assert frame.dtypes["line"] == "Int64"
    assert frame.dtypes["column"] == "Int64"
    for column in ("rule", "severity", "title", "message", "version", "file", "help"):
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert frame[["rule", "version", "file", "line", "column"]].astype(object).where(frame.notna(), None).to_dict(
        "split"
    )["data"] == [
        ["AM106", "2.0.0", "TestModule/2.0.0/TestModule.psd1", 2, 5],
        ["AM107", "2.0.0", "TestModule/2.0.0/TestModule.psd1", 5, 5],
        ["AM107", "2.0.0", "TestModule/2.0.0/TestModule.psd1", 5, 5],
        ["AM107", "10.0.0", "TestModule/10.0.0/TestModule.psd1", 5, 5],
        ["AM109", None, "readme.txt", None, None],
    ]
    assert list(frame["message"][1:3]) == [
        "FileList names 'a.txt', which is not in the package",
        "FileList names 'b.txt', which is not in the package",
    ]
    assert set(frame["severity"]) == {"error"}
    catalogue = amkit.rules().set_index("id")
    assert list(frame["title"]) == [catalogue.loc[rule, "title"] for rule in frame["rule"]]
    assert list(frame["help"]) == [catalogue.loc[rule, "help"] for rule in frame["rule"]]


def test_findings_table_of_a_clean_package_is_empty_but_typed(tmp_path: Path) -> None:
    members = {"TestModule/TestModule.psd1": manifest("1.0.0"), "TestModule/TestModule.psm1": SCRIPT}
    report = amkit.check(write_zip(tmp_path / "TestModule.zip", members))
    frame = report.findings[report.findings["rule"].str.startswith("AM1")]
    assert frame.empty
    assert list(frame.columns) == COLUMNS
    assert frame.dtypes["line"] == "Int64"
    assert frame.dtypes["column"] == "Int64"


def test_items_are_the_rows_of_the_table(broken: amkit.Report) -> None:
    rows = broken.findings.astype(object).where(broken.findings.notna(), None).to_dict("records")
    assert [amkit.Finding(**row) for row in rows] == list(broken.items)


# Order ------------------------------------------------------------------------------------


def test_order_does_not_depend_on_the_order_rules_report_in() -> None:
    expected = [
        finding("AM101"),
        finding("AM106", version="2.0.0", file="b.psd1", line=3),
        finding("AM106", version="10.0.0", file="a.psd1", line=1),
        finding("AM107", version="1.0.0", file="a.psd1", line=4, column=5, message="a"),
        finding("AM107", version="1.0.0", file="a.psd1", line=4, column=5, message="b"),
        finding("AM107", version="1.0.0", file="a.psd1", line=10, column=1),
        finding("AM107", version="1.0.0", file="b.psd1", line=1, column=1),
        finding("AM109", file="LICENSE"),
        finding("AM109", file="readme.txt"),
        finding("AM200", "warning", version="1.0.0-beta1"),
        finding("AM200", "warning", version="1.0.0"),
        finding("AM200", "warning", version="not a version"),
    ]
    shuffled = list(expected)
    generator = random.Random(20240601)
    for _ in range(20):
        generator.shuffle(shuffled)
        assert list(report_of(shuffled).items) == expected


def test_the_same_package_gives_the_same_report(tmp_path: Path, broken: amkit.Report) -> None:
    again = amkit.check(write_zip(tmp_path / "again" / "TestModule.zip", broken_members()))
    assert again.items == broken.items
    pd.testing.assert_frame_equal(again.findings, broken.findings)
    assert list(report_of(list(reversed(broken.items))).items) == list(broken.items)


# Verdict, counts and summary ----------------------------------------------------------------


def test_importable_only_without_errors() -> None:
    assert report_of([]).importable
    assert report_of([finding("AM200", "warning"), finding("AM201", "info")]).importable
    assert not report_of([finding("AM200", "warning"), finding("AM101", "error")]).importable


def test_counts_and_summary(broken: amkit.Report) -> None:
    assert broken.counts() == {"error": 5, "warning": 0, "info": 0}
    assert broken.summary() == "TestModule.zip: NOT importable (5 error, 0 warning, 0 info)"
    assert repr(broken) == "<Report TestModule.zip: NOT importable (5 error, 0 warning, 0 info)>"
    mixed = report_of([finding("AM200", "warning"), finding("AM201", "info"), finding("AM202", "info")], "X.zip")
    assert mixed.counts() == {"error": 0, "warning": 1, "info": 2}
    assert mixed.summary() == "X.zip: importable (0 error, 1 warning, 2 info)"


def test_summary_of_an_unreadable_package(tmp_path: Path) -> None:
    path = tmp_path / "TestModule.zip"
    path.write_bytes(b"nope")
    report = amkit.check(path)
    assert report.summary() == "TestModule.zip: NOT importable (1 error, 0 warning, 0 info)"
    assert report.name is None


# JSON ---------------------------------------------------------------------------------------


def test_json_round_trip(tmp_path: Path, broken: amkit.Report) -> None:
    data = json.loads(broken.to_json())
    assert data == {
        "package": str(tmp_path / "TestModule.zip"),
        "name": "TestModule",
        "runtime": None,
        "importable": False,
        "counts": {"error": 5, "warning": 0, "info": 0},
        "findings": data["findings"],
    }
    assert [list(item) for item in data["findings"]] == [COLUMNS] * 5
    assert [amkit.Finding(**item) for item in data["findings"]] == list(broken.items)
    assert data["findings"][-1]["version"] is None
    assert data["findings"][-1]["line"] is None
    assert data == broken.to_dict()


def test_json_layout_and_runtime(tmp_path: Path) -> None:
    members = {"TestModule/TestModule.psd1": manifest("1.0.0", PowerShellVersion="'7.4'")}
    report = amkit.check(write_zip(tmp_path / "TestModule.zip", members), runtime="5.1")
    compact = report.to_json(indent=None)
    assert "\n" not in compact
    assert "\n  " in report.to_json()
    data = json.loads(compact)
    assert data["runtime"] == "5.1"
    assert [(item["rule"], item["message"]) for item in data["findings"] if item["rule"].startswith("AM1")] == [
        ("AM107", "RootModule names 'TestModule.psm1', which is not in the package"),
        ("AM112", "PowerShellVersion is 7.4 but the runtime runs PowerShell 5.1.0 (runtime 5.1: its first release)"),
    ]


# HTML ---------------------------------------------------------------------------------------


def test_html_escapes_what_comes_from_the_package(tmp_path: Path) -> None:
    # The zip's name, a file beside the module folder and the messages naming them all come from the package.
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FileList=f"'{EVIL}.txt'", **EXPORTS),
        "TestModule/TestModule.psm1": SCRIPT,
        f"{EVIL}.txt": "x",
    }
    report = amkit.check(write_zip(tmp_path / f"{EVIL}.zip", members))
    assert [item.rule for item in report.items] == ["AM101", "AM107", "AM109"]
    assert all(EVIL in item.message for item in report.items)
    html = report._repr_html_()
    assert EVIL not in html
    assert "<img" not in html
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    assert html.count(escaped) >= 5  # summary, three messages, and the file beside
    assert f"<b class='amkit-bad'>{escaped}.zip: NOT importable (3 error, 0 warning, 0 info)</b>" in html


def test_html_of_a_clean_report_has_no_table() -> None:
    html = report_of([], "Clean.zip")._repr_html_()
    assert "Clean.zip: importable (0 error, 0 warning, 0 info)" in html
    assert "<table" not in html
    assert "class='amkit-bad'" not in html
    assert "<b>Clean.zip: importable (0 error, 0 warning, 0 info)</b>" in html


# The rule catalogue -------------------------------------------------------------------------


def test_rules_catalogue() -> None:
    catalogue = amkit.rules()
    columns = ["id", "severity", "title", "rationale", "help", "source", "help_uri", "needs", "target"]
    assert list(catalogue.columns) == columns
    assert catalogue["id"].is_unique
    assert list(catalogue["id"]) == sorted(catalogue["id"])
    assert all(re.fullmatch(r"AM\d{3}", rule) for rule in catalogue["id"])
    assert set(catalogue["severity"]) <= set(SEVERITIES)
    for column in ("title", "rationale", "help", "source"):
        assert (catalogue[column].str.strip().str.len() > 10).all(), column
    assert catalogue["help_uri"].str.startswith("https://").all()
    assert set(catalogue["needs"].dropna()) <= {"account", "runtime"}
    # Runbook rules have their own id range.
    assert (catalogue["target"] == "runbook").tolist() == catalogue["id"].str.startswith("AM3").tolist()


def test_import_rules_in_the_catalogue() -> None:
    catalogue = amkit.rules().set_index("id")
    imports = catalogue.loc[[f"AM{number}" for number in range(100, 113)]]
    assert set(imports["severity"]) == {"error"}
    assert imports["needs"].dropna().to_dict() == {"AM111": "account", "AM112": "runtime"}
    assert imports.loc["AM103", "title"] == "A file path is 140 characters or longer"
    assert imports.loc["AM104", "help_uri"].startswith("https://learn.microsoft.com/")


def test_every_finding_belongs_to_a_catalogued_rule(broken: amkit.Report) -> None:
    catalogue = amkit.rules().set_index("id")
    for item in broken.items:
        assert catalogue.loc[item.rule, "severity"] == item.severity
