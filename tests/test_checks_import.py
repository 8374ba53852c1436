"""Automation's import rules AM100-AM112, each fired and kept silent on real packages built here."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packages import SCRIPT, Members, manifest, write_folder, write_zip

import amkit

IMPORT_RULES = [f"AM{number}" for number in range(100, 113)]
MAX_PACKAGE_SIZE = 104_857_600
CONNECTION = {
    "ConnectionFields": [
        {"IsEncrypted": True, "IsOptional": False, "Name": "Key", "TypeName": "System.String"},
        {"IsEncrypted": False, "IsOptional": True, "Name": "Region", "TypeName": "System.String"},
    ],
    "ConnectionTypeName": "TestConnection",
    "IntegrationModuleName": "TestModule",
}
CONNECTION_FILE = "TestModule/TestModule-Automation.json"


class Account:
    """The account protocol AM111 uses, reduced to what the rule calls (tests/test_account.py uses a real one).

    The rule only calls ``versions(name)``: the versions of module ``name`` the
    account can use, none when it does not hold the module. Names match
    ignoring case, as Automation matches module names.
    """

    def __init__(self, modules: dict[str, list[str]]) -> None:
        self._modules = {name.casefold(): [amkit.PSVersion(text) for text in texts] for name, texts in modules.items()}

    def versions(self, name: str) -> list[amkit.PSVersion]:
        return self._modules.get(name.casefold(), [])


def flat(version: str = "1.5.0", **keys: str) -> Members:
    """A correct flat module: TestModule/TestModule.psd1 and its root module."""
    return {"TestModule/TestModule.psd1": manifest(version, **keys), "TestModule/TestModule.psm1": SCRIPT}


def versioned(*versions: str) -> Members:
    """A correct module with one version folder per version."""
    members: Members = {}
    for version in versions:
        members[f"TestModule/{version}/TestModule.psd1"] = manifest(version)
        members[f"TestModule/{version}/TestModule.psm1"] = SCRIPT
    return members


def check_zip(tmp_path: Path, members: Members, name: str = "TestModule.zip", **options: Any) -> amkit.Report:
    return amkit.check(write_zip(tmp_path / name, members), **options)


def hits(report: amkit.Report, rule: str) -> list[tuple[str | None, str | None, int | None, int | None, str]]:
    """(version, file, line, column, message) of each finding of ``rule``, in the report's order."""
    return [(f.version, f.file, f.line, f.column, f.message) for f in report.items if f.rule == rule]


def fired(report: amkit.Report) -> list[str]:
    """The import rules that fired (authoring rules, if any, are left out)."""
    return sorted({finding.rule for finding in report.items if finding.rule in IMPORT_RULES})


def corrupt(path: Path, data: bytes) -> Path:
    """Flip one byte inside the stored ``data`` of a member, so its CRC no longer matches."""
    content = bytearray(path.read_bytes())
    at = content.index(data) + len(data) // 2
    content[at] ^= 0xFF
    path.write_bytes(bytes(content))
    return path


# A correct package -----------------------------------------------------------------


@pytest.mark.parametrize("layout", ["flat", "versioned", "folder", "nupkg"])
def test_correct_package_breaks_no_import_rule(tmp_path: Path, layout: str) -> None:
    keys = {
        "RequiredModules": "@(@{ModuleName='Az.Accounts'; ModuleVersion='2.7.0'}, 'Az.Storage')",
        "PowerShellVersion": "'5.1'",
        "CompatiblePSEditions": "@('Desktop', 'Core')",
        "FileList": "@('TestModule.psd1', 'TestModule.psm1')",
    }
    members = flat(**keys)
    members[CONNECTION_FILE] = json.dumps(CONNECTION)
    if layout == "versioned":
        members = {path.replace("TestModule/", "TestModule/1.5.0/", 1): content for path, content in members.items()}
    if layout == "folder":
        path = write_folder(tmp_path, members) / "TestModule"
    elif layout == "nupkg":
        members = {path.removeprefix("TestModule/"): content for path, content in members.items()}
        members["TestModule.nuspec"] = (
            "<package><metadata><id>TestModule</id><version>1.5.0</version></metadata></package>"
        )
        path = write_zip(tmp_path / "testmodule.1.5.0.nupkg", members)
    else:
        path = write_zip(tmp_path / "TestModule.zip", members)
    account = Account({"Az.Accounts": ["2.12.1"], "Az.Storage": ["5.0.0"]})
    for runtime in ("5.1", "7.2"):
        report = amkit.check(path, account=account, runtime=runtime)
        assert fired(report) == []
        assert report.importable
        assert report.name == "TestModule"


# AM100 ----------------------------------------------------------------------------------


def test_am100_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "TestModule.zip"
    path.write_bytes(b"this is not a zip file")
    report = amkit.check(path)
    assert hits(report, "AM100") == [(None, None, None, None, "not a zip archive (File is not a zip file)")]
    assert fired(report) == ["AM100"]
    assert report.name is None
    assert not report.importable


def test_am100_missing_path(tmp_path: Path) -> None:
    report = amkit.check(tmp_path / "TestModule.zip")
    assert hits(report, "AM100") == [(None, None, None, None, "no such file or folder")]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("TestModule/../evil.ps1", "member 'TestModule/../evil.ps1' has a '..' segment"),
        ("/etc/evil.ps1", "member '/etc/evil.ps1' has an absolute path"),
        ("C:/Windows/evil.ps1", "member 'C:/Windows/evil.ps1' starts with a drive letter"),
    ],
    ids=["dot-dot", "absolute", "drive"],
)
def test_am100_unsafe_entry(tmp_path: Path, entry: str, message: str) -> None:
    report = check_zip(tmp_path, {**flat(), entry: "Remove-Item C:/ -Recurse"})
    assert fired(report) == ["AM100"]
    [(version, file, line, column, text)] = hits(report, "AM100")
    assert (version, file, line, column) == (None, None, None, None)
    assert text.startswith(message)


def test_am100_damaged_manifest_names_its_version_and_file(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/TestModule.psd1"] = manifest("2.0.0", Description="'a unique marker string'")
    path = tmp_path / "TestModule.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    report = amkit.check(corrupt(path, b"a unique marker string"))
    [(version, file, line, column, message)] = hits(report, "AM100")
    assert (version, file, line, column) == ("2.0.0", "TestModule/2.0.0/TestModule.psd1", None, None)
    assert message.startswith("member 'TestModule/2.0.0/TestModule.psd1' is damaged and cannot be read (BadZipFile")
    # A file that cannot be read is not a data-file error, and the readable version is still checked.
    assert hits(report, "AM105") == []
    assert fired(report) == ["AM100"]


def test_am100_manifest_over_the_reading_limit(tmp_path: Path) -> None:
    members = flat(Description="'" + "x" * 5000 + "'")
    report = check_zip(tmp_path, members, limits=amkit.Limits(max_member_size=4096))
    assert hits(report, "AM100") == [
        (
            "0.0",
            "TestModule/TestModule.psd1",
            None,
            None,
            "member 'TestModule/TestModule.psd1' is over 4096 bytes (Limits.max_member_size)",
        )
    ]
    assert hits(report, "AM105") == []


def test_am100_rule_that_cannot_run_reports_and_keeps_what_it_found(tmp_path: Path) -> None:
    # AM108 reads each version's connection type; 1.0.0's is malformed (AM108), 2.0.0's cannot be read at all.
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/1.0.0/TestModule-Automation.json"] = "{oops"
    members["TestModule/2.0.0/TestModule-Automation.json"] = json.dumps(CONNECTION)
    path = tmp_path / "TestModule.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    report = amkit.check(corrupt(path, b"TestConnection"))
    assert hits(report, "AM108") == [
        (
            "1.0.0",
            "TestModule/1.0.0/TestModule-Automation.json",
            1,
            2,
            "is not JSON: Expecting property name enclosed in double quotes",
        )
    ]
    [(version, file, line, column, message)] = hits(report, "AM100")
    assert (version, file, line, column) == (None, None, None, None)
    assert message.startswith(
        "AM108 could not run: member 'TestModule/2.0.0/TestModule-Automation.json' is damaged and cannot be read"
    )
    assert fired(report) == ["AM100", "AM108"]


def test_am100_silent_on_a_readable_package(tmp_path: Path) -> None:
    report = check_zip(tmp_path, flat(), limits=amkit.Limits(max_member_size=4096))
    assert hits(report, "AM100") == []


# AM101 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zip_name", "message"),
    [
        ("Other.zip", "the zip is named Other.zip but its module folder is TestModule/"),
        (
            "testmodule.zip",
            "the zip is named testmodule.zip but its module folder is TestModule/ (only the case differs)",
        ),
        ("TestModule.1.5.0.zip", "the zip is named TestModule.1.5.0.zip but its module folder is TestModule/"),
    ],
    ids=["other-name", "case-only", "version-in-name"],
)
def test_am101_zip_name_differs(tmp_path: Path, zip_name: str, message: str) -> None:
    report = check_zip(tmp_path, flat(), zip_name)
    assert hits(report, "AM101") == [(None, None, None, None, message)]
    assert fired(report) == ["AM101"]


def test_am101_silent_when_names_agree_and_for_folders(tmp_path: Path) -> None:
    assert hits(check_zip(tmp_path, flat()), "AM101") == []
    # A folder (or nupkg) is not imported under a zip name.
    folder = write_folder(tmp_path / "on-disk", flat()) / "TestModule"
    assert hits(amkit.check(folder), "AM101") == []


# AM102 ----------------------------------------------------------------------------------


def test_am102_module_folder_with_nothing_to_load(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {"TestModule/readme.txt": "x", "TestModule/lib/helper.ps1": "x"})
    assert hits(report, "AM102") == [
        (
            None,
            None,
            None,
            None,
            "TestModule/ holds no TestModule.psd1, .psm1 or .dll and no version folder (such as "
            "TestModule/1.0.0/TestModule.psd1): there is no module to load",
        )
    ]
    assert fired(report) == ["AM102"]


def test_am102_module_files_named_after_another_module(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {"TestModule/Other.psm1": SCRIPT})
    assert hits(report, "AM102") == [
        ("0.0", "TestModule", None, None, "TestModule holds no TestModule.psd1, .psm1 or .dll")
    ]


def test_am102_folder_named_like_a_version_without_a_manifest(tmp_path: Path) -> None:
    members = versioned("1.0.0")
    members["TestModule/2.0.0/TestModule.psm1"] = SCRIPT
    report = check_zip(tmp_path, members)
    assert hits(report, "AM102") == [
        (
            None,
            "TestModule/2.0.0",
            None,
            None,
            "TestModule/2.0.0/ is named like a version but holds no TestModule.psd1, so PowerShell does not "
            "treat it as a version folder",
        )
    ]


@pytest.mark.parametrize(
    "members",
    [
        {"TestModule/TestModule.psm1": SCRIPT},
        {"TestModule/testmodule.PSM1": SCRIPT},
        {"TestModule/TestModule.dll": b"MZ"},
        {"TestModule/TestModule.psd1": manifest("1.0.0", root_module=None)},
    ],
    ids=["psm1-only", "case-differs", "dll-only", "manifest-only"],
)
def test_am102_silent_when_powershell_finds_the_module(tmp_path: Path, members: Members) -> None:
    assert hits(check_zip(tmp_path, members), "AM102") == []


# AM103 ----------------------------------------------------------------------------------


def long_name(length: int, prefix: str = "TestModule/") -> str:
    return prefix + "a" * (length - len(prefix) - len(".txt")) + ".txt"


def test_am103_path_of_140_characters(tmp_path: Path) -> None:
    path = long_name(140)
    report = check_zip(tmp_path, {**flat(), path: "x", long_name(139): "x"})
    assert hits(report, "AM103") == [
        ("1.5.0", path, None, None, "the path is 140 characters long (the limit is under 140)")
    ]


def test_am103_counts_the_module_folder_of_a_folder_package(tmp_path: Path) -> None:
    # In a folder the stored path leaves out TestModule/, but Automation's path has it.
    relative = long_name(140 - len("TestModule/"), prefix="")
    folder = write_folder(tmp_path, {"TestModule/TestModule.psm1": SCRIPT, f"TestModule/{relative}": "x"})
    report = amkit.check(folder / "TestModule")
    assert hits(report, "AM103") == [
        ("0.0", relative, None, None, "the path is 140 characters long (the limit is under 140)")
    ]


def test_am103_silent_below_140(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {**flat(), long_name(139): "x"})
    assert hits(report, "AM103") == []


# AM104 ----------------------------------------------------------------------------------


def write_stored_zip(path: Path, blob_size: int) -> Path:
    """A zip whose module carries a stored (uncompressed) blob of ``blob_size`` zero bytes."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("TestModule/TestModule.psm1", SCRIPT)
        with archive.open("TestModule/blob.bin", "w", force_zip64=True) as blob:
            left = blob_size
            while left:
                blob.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
    return path


def test_am104_zip_over_100_mb(tmp_path: Path) -> None:
    path = tmp_path / "TestModule.zip"
    # Find the zip's own overhead, then write one exactly at the limit and one a byte over it.
    overhead = write_stored_zip(path, 1000).stat().st_size - 1000
    write_stored_zip(path, MAX_PACKAGE_SIZE - overhead)
    assert path.stat().st_size == MAX_PACKAGE_SIZE
    assert hits(amkit.check(path), "AM104") == []
    write_stored_zip(path, MAX_PACKAGE_SIZE - overhead + 1)
    report = amkit.check(path)
    assert hits(report, "AM104") == [
        (None, None, None, None, "the package is 104,857,601 bytes; the limit is 104,857,600 bytes (100 MB)")
    ]
    assert fired(report) == ["AM104"]


def test_am104_folder_counts_its_files(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"TestModule/TestModule.psm1": SCRIPT}) / "TestModule"
    blob = folder / "blob.bin"
    with open(blob, "wb") as file:  # sparse: the size counts, no 100 MB is written
        file.truncate(MAX_PACKAGE_SIZE - len(SCRIPT))
    assert hits(amkit.check(folder), "AM104") == []
    os.truncate(blob, MAX_PACKAGE_SIZE - len(SCRIPT) + 1)
    assert hits(amkit.check(folder), "AM104") == [
        (
            None,
            None,
            None,
            None,
            "the files of the folder add up to 104,857,601 bytes; the limit is 104,857,600 bytes (100 MB)",
        )
    ]


# AM105 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "@{\n    ModuleVersion = '1.0.0'\n    Author = Get-Content x\n}\n",
            3,
            14,
            "command Get-Content is not allowed in a data file",
        ),
        ("@{\n    ModuleVersion = '1.0.0'\n    Tags = @('a', $HOME)\n}\n", 3, 19, "variable"),
        ("@{\n    ModuleVersion = '1.0.0'\n", 1, 1, "syntax error"),
        ("", None, None, "the file is empty"),
    ],
    ids=["command", "variable", "unclosed", "empty"],
)
def test_am105_manifest_is_not_a_data_file(
    tmp_path: Path, text: str, line: int | None, column: int | None, message: str
) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/1.0.0/TestModule.psd1"] = text
    report = check_zip(tmp_path, members)
    [(version, file, found_line, found_column, found)] = hits(report, "AM105")
    assert (version, file) == ("1.0.0", "TestModule/1.0.0/TestModule.psd1")
    assert (found_line, found_column) == (line, column)
    assert message in found
    assert fired(report) == ["AM105"]


def test_am105_silent_on_a_data_file(tmp_path: Path) -> None:
    members = flat(PrivateData="@{ PSData = @{ Tags = @('a', 'b'); ProjectUri = 'https://example.org' } }")
    assert hits(check_zip(tmp_path, members), "AM105") == []


# AM106 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "declared"), [("1.0.0", "1.0.1"), ("1.0", "1.0.0"), ("2.0.0", "1.0.0")])
def test_am106_folder_differs_from_module_version(tmp_path: Path, folder: str, declared: str) -> None:
    members = {
        f"TestModule/{folder}/TestModule.psd1": manifest(declared),
        f"TestModule/{folder}/TestModule.psm1": SCRIPT,
    }
    report = check_zip(tmp_path, members)
    assert hits(report, "AM106") == [
        (
            folder,
            f"TestModule/{folder}/TestModule.psd1",
            2,
            5,
            f"the folder is {folder} but the manifest says ModuleVersion = '{declared}'",
        )
    ]
    assert fired(report) == ["AM106"]


@pytest.mark.parametrize(
    ("manifest_path", "version"),
    [("TestModule/TestModule.psd1", "0.0"), ("TestModule/1.0.0/TestModule.psd1", "1.0.0")],
    ids=["flat", "version-folder"],
)
def test_am106_module_version_that_is_not_a_version(tmp_path: Path, manifest_path: str, version: str) -> None:
    # Flat, the version is unknown (0.0, as PowerShell says); in a version folder it is the folder's name.
    members = {manifest_path: manifest("banana"), manifest_path.replace(".psd1", ".psm1"): SCRIPT}
    report = check_zip(tmp_path, members)
    assert hits(report, "AM106") == [
        (version, manifest_path, 2, 5, "the manifest has ModuleVersion 'banana', which is not a version")
    ]
    assert fired(report) == ["AM106"]


def test_am106_manifest_without_module_version(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": "@{\n    RootModule = 'TestModule.psm1'\n}\n",
        "TestModule/TestModule.psm1": SCRIPT,
    }
    report = check_zip(tmp_path, members)
    assert hits(report, "AM106") == [
        ("0.0", "TestModule/TestModule.psd1", None, None, "the manifest has no ModuleVersion")
    ]


def test_am106_silent_when_folders_and_manifests_agree(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0.0")
    members["TestModule/1.0.0/TestModule.psd1"] = manifest(
        "1.0.0", PrivateData="@{ PSData = @{ Prerelease = 'beta1' } }"
    )
    report = check_zip(tmp_path, members)
    assert hits(report, "AM106") == []
    assert fired(report) == []


# AM107 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "written"),
    [
        ("NestedModules", "@('Sub.psm1')", "Sub.psm1"),
        ("NestedModules", "@('.\\Sub\\Sub.psd1')", ".\\Sub\\Sub.psd1"),
        ("RequiredAssemblies", "@('lib\\Contoso.dll')", "lib\\Contoso.dll"),
        ("ScriptsToProcess", "'Init.ps1'", "Init.ps1"),
        ("TypesToProcess", "@('TestModule.types.ps1xml')", "TestModule.types.ps1xml"),
        ("FormatsToProcess", "@('TestModule.format.ps1xml')", "TestModule.format.ps1xml"),
        ("FileList", "@('TestModule.psm1', 'data\\table.csv')", "data\\table.csv"),
    ],
)
def test_am107_named_file_is_missing(tmp_path: Path, key: str, value: str, written: str) -> None:
    report = check_zip(tmp_path, flat(**{key: value}))
    assert hits(report, "AM107") == [
        ("1.5.0", "TestModule/TestModule.psd1", 5, 5, f"{key} names {written!r}, which is not in the package")
    ]
    assert fired(report) == ["AM107"]


@pytest.mark.parametrize("key", ["RootModule", "ModuleToProcess"])
def test_am107_root_module_is_missing(tmp_path: Path, key: str) -> None:
    text = f"@{{\n    ModuleVersion = '1.0.0'\n    {key} = 'Missing.psm1'\n}}\n"
    report = check_zip(tmp_path, {"TestModule/TestModule.psd1": text, "TestModule/TestModule.psm1": SCRIPT})
    assert hits(report, "AM107") == [
        ("1.0.0", "TestModule/TestModule.psd1", 3, 5, f"{key} names 'Missing.psm1', which is not in the package")
    ]


def test_am107_names_each_missing_file_once(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/TestModule.psd1"] = manifest("2.0.0", FileList="@('a.txt', 'TestModule.psm1', 'b.txt')")
    report = check_zip(tmp_path, members)
    assert [(version, message) for version, _, _, _, message in hits(report, "AM107")] == [
        ("2.0.0", "FileList names 'a.txt', which is not in the package"),
        ("2.0.0", "FileList names 'b.txt', which is not in the package"),
    ]


def test_am107_silent_for_module_and_assembly_names_and_present_files(tmp_path: Path) -> None:
    keys = {
        # Names, not files: PowerShell looks them up on the module path or in the GAC.
        "NestedModules": "@('Microsoft.PowerShell.Utility', 'Helpers', '.\\Sub\\Sub.psm1', 'Extra')",
        "RequiredAssemblies": "@('System.Web', 'System.Drawing, Version=4.0.0.0, Culture=neutral, "
        "PublicKeyToken=b03f5f7f11d50a3a', 'lib\\contoso.DLL')",
        "ScriptsToProcess": "@('.\\init.ps1')",
        "TypesToProcess": "'TestModule.Types.ps1xml'",
        "FormatsToProcess": "'TestModule.Format.ps1xml'",
        # Windows ignores case.
        "FileList": "@('TESTMODULE.PSM1', 'Data\\Table.csv')",
    }
    members = flat(**keys)
    members.update(
        {
            "TestModule/Sub/Sub.psm1": SCRIPT,
            "TestModule/Extra/Extra.psm1": SCRIPT,  # a name PowerShell finds as Extra/Extra.psm1
            "TestModule/lib/Contoso.dll": b"MZ",
            "TestModule/Init.ps1": "'init'",
            "TestModule/testmodule.types.ps1xml": "<Types/>",
            "TestModule/testmodule.format.ps1xml": "<Configuration/>",
            "TestModule/data/table.csv": "a,b",
        }
    )
    assert hits(check_zip(tmp_path, members), "AM107") == []


def test_am107_finds_files_named_from_psscriptroot_and_leaves_other_computed_ones(tmp_path: Path) -> None:
    # "$PSScriptRoot\x" is the manifest's folder, as a relative name is; $env:X only PowerShell can resolve.
    keys = {
        "RootModule": '"$PSScriptRoot/TestModule.psm1"',
        "RequiredAssemblies": "@((Join-Path $PSScriptRoot 'lib\\Contoso.dll'), (Join-Path $env:ProgramFiles 'x.dll'))",
        "TypesToProcess": '"$PSScriptRoot\\TestModule.types.ps1xml"',
        "FormatsToProcess": '"$env:TEMP\\TestModule.format.ps1xml"',
        "FileList": '@("${PSScriptRoot}\\data\\table.csv", "$PSScriptRoot\\gone.txt")',
    }
    members = {**flat(root_module=None, **keys)}
    members.update({"TestModule/lib/Contoso.dll": b"MZ", "TestModule/testmodule.types.ps1xml": "<Types/>"})
    members["TestModule/data/table.csv"] = "a,b"
    report = check_zip(tmp_path, members)
    assert [message for *_, message in hits(report, "AM107")] == [
        "FileList names 'gone.txt', which is not in the package"
    ]
    assert report.importable is False and fired(report) == ["AM107"]


# AM108 ----------------------------------------------------------------------------------


def connection(**changes: object) -> dict[str, object]:
    document = json.loads(json.dumps(CONNECTION))
    for key, value in changes.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    return document


FIELD = {"IsEncrypted": False, "IsOptional": False, "Name": "Key", "TypeName": "System.String"}

MALFORMED = {
    "not-json": ('{"ConnectionTypeName": "X",\n  oops}', 2, 3, "is not JSON: Expecting property name"),
    "not-an-object": ("[]", None, None, "the connection type must be a JSON object"),
    "no-fields": (connection(ConnectionFields=None), None, None, "ConnectionFields is missing or not a list"),
    "fields-not-a-list": (connection(ConnectionFields={}), None, None, "ConnectionFields is missing or not a list"),
    "no-type-name": (
        connection(ConnectionTypeName=None),
        None,
        None,
        "the connection type: ConnectionTypeName is missing or not a non-empty string",
    ),
    "no-module-name": (
        connection(IntegrationModuleName=None),
        None,
        None,
        "the connection type: IntegrationModuleName is missing or not a non-empty string",
    ),
    "field-not-an-object": (connection(ConnectionFields=["Key"]), None, None, "ConnectionFields[0] must be an object"),
    "field-without-name": (
        connection(ConnectionFields=[{**FIELD, "Name": None}]),
        None,
        None,
        "ConnectionFields[0]: Name is missing or not a non-empty string",
    ),
    "field-without-type": (
        connection(ConnectionFields=[FIELD, {"Name": "Region"}]),
        None,
        None,
        "ConnectionFields[1]: TypeName is missing or not a non-empty string",
    ),
    "duplicate-names": (
        connection(ConnectionFields=[FIELD, {**FIELD, "Name": "KEY"}]),
        None,
        None,
        "ConnectionFields[1]: duplicate field name 'KEY'",
    ),
    "encrypted-not-boolean": (
        connection(ConnectionFields=[{**FIELD, "IsEncrypted": "true"}]),
        None,
        None,
        'ConnectionFields[0]: IsEncrypted must be true or false, not "true"',
    ),
    "optional-not-boolean": (
        connection(ConnectionFields=[{**FIELD, "IsOptional": 1}]),
        None,
        None,
        "ConnectionFields[0]: IsOptional must be true or false, not 1",
    ),
    "other-module": (
        connection(IntegrationModuleName="Other"),
        None,
        None,
        "IntegrationModuleName is 'Other' but the file ships in module 'TestModule'; they must be the same",
    ),
}


@pytest.mark.parametrize(("document", "line", "column", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_am108_malformed_connection_type(
    tmp_path: Path, document: str | dict[str, object], line: int | None, column: int | None, message: str
) -> None:
    text = document if isinstance(document, str) else json.dumps(document)
    report = check_zip(tmp_path, {**flat(), CONNECTION_FILE: text})
    [(version, file, found_line, found_column, found)] = hits(report, "AM108")
    assert (version, file, found_line, found_column) == ("1.5.0", CONNECTION_FILE, line, column)
    assert found.startswith(message)
    assert fired(report) == ["AM108"]


def test_am108_names_the_version_folder_and_folder_paths(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/TestModule-Automation.json"] = json.dumps(connection(ConnectionTypeName=""))
    report = check_zip(tmp_path, members)
    assert [hit[:2] for hit in hits(report, "AM108")] == [("2.0.0", "TestModule/2.0.0/TestModule-Automation.json")]
    # In a module folder the file is named by its path in the folder, not on disk.
    folder = write_folder(tmp_path / "disk", {**flat(), CONNECTION_FILE: "{"}) / "TestModule"
    assert [hit[:2] for hit in hits(amkit.check(folder), "AM108")] == [("1.5.0", "TestModule-Automation.json")]


@pytest.mark.parametrize(
    "content",
    [
        json.dumps(CONNECTION).encode("utf-16"),
        json.dumps(CONNECTION).encode("utf-8-sig"),
        json.dumps({key.lower(): value for key, value in connection(IntegrationModuleName="testmodule").items()}),
        json.dumps(connection(ConnectionFields=[])),
    ],
    ids=["utf-16", "utf-8-bom", "any-case", "no-fields"],
)
def test_am108_silent_on_a_valid_connection_type(tmp_path: Path, content: str | bytes) -> None:
    report = check_zip(tmp_path, {**flat(), CONNECTION_FILE: content})
    assert hits(report, "AM108") == []
    assert hits(report, "AM100") == []


def test_am108_silent_without_a_connection_type(tmp_path: Path) -> None:
    # Another module's connection file is not this module's.
    report = check_zip(tmp_path, {**flat(), "TestModule/Other-Automation.json": "{"})
    assert hits(report, "AM108") == []


# AM109 ----------------------------------------------------------------------------------


def test_am109_several_top_level_folders(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {**flat(), "Docs/readme.md": "# docs"})
    assert hits(report, "AM109") == [
        (
            None,
            None,
            None,
            None,
            "the zip holds 2 top-level folders (Docs, TestModule); Automation needs exactly one, the module folder",
        )
    ]
    assert fired(report) == ["AM109"]


def test_am109_an_empty_folder_beside_counts_too(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "TestModule.zip", flat())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("__MACOSX/", b"")
    assert [hit[4] for hit in hits(amkit.check(path), "AM109")] == [
        "the zip holds 2 top-level folders (TestModule, __MACOSX); Automation needs exactly one, the module folder"
    ]


def test_am109_files_beside_the_module_folder(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {**flat(), "readme.txt": "x", "LICENSE": "MIT"})
    message = "files beside the module folder TestModule/: LICENSE, readme.txt"
    assert hits(report, "AM109") == [
        (None, "LICENSE", None, None, message),
        (None, "readme.txt", None, None, message),
    ]
    assert fired(report) == ["AM109"]


def test_am109_version_folders_mixed_with_loose_module_files(tmp_path: Path) -> None:
    members = versioned("1.0.0")
    members["TestModule/TestModule.psd1"] = manifest("1.0.0")
    members["TestModule/TestModule.psm1"] = SCRIPT
    report = check_zip(tmp_path, members)
    message = (
        "TestModule mixes version folders with loose module files (TestModule.psd1, TestModule.psm1); "
        "PowerShell loads the version folders and ignores the loose files"
    )
    assert hits(report, "AM109") == [
        (None, "TestModule/TestModule.psd1", None, None, message),
        (None, "TestModule/TestModule.psm1", None, None, message),
    ]
    assert fired(report) == ["AM109"]


def test_am109_module_files_outside_a_folder(tmp_path: Path) -> None:
    report = check_zip(tmp_path, {"TestModule.psd1": manifest("1.0.0"), "TestModule.psm1": SCRIPT})
    [(version, file, _, _, message)] = hits(report, "AM109")
    assert (version, file) == (None, None)
    assert message.startswith("the zip holds no module folder")


def test_am109_silent_on_one_module_folder(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/en-US/about_TestModule.help.txt"] = "help"
    members["TestModule/README.md"] = "not a module file"
    assert hits(check_zip(tmp_path, members), "AM109") == []


# AM110 ----------------------------------------------------------------------------------


def test_am110_az_and_azurerm(tmp_path: Path) -> None:
    required = "@('Az.Accounts', @{ModuleName='AzureRM.Profile'; ModuleVersion='5.0'}, 'Az.Storage', 'AzureRM')"
    report = check_zip(tmp_path, flat(RequiredModules=required))
    assert hits(report, "AM110") == [
        (
            "1.5.0",
            "TestModule/TestModule.psd1",
            5,
            5,
            "RequiredModules holds Az (Az.Accounts, Az.Storage) and AzureRM (AzureRM.Profile, AzureRM)",
        )
    ]
    assert fired(report) == ["AM110"]


@pytest.mark.parametrize(
    "required",
    ["@('Az.Accounts', 'Az.Storage')", "@('AzureRM.Profile', 'AzureRM.Storage')", "@('Az.Accounts', 'Azure.Storage')"],
    ids=["az-only", "azurerm-only", "az-and-azure-storage"],
)
def test_am110_silent_within_one_family(tmp_path: Path, required: str) -> None:
    assert hits(check_zip(tmp_path, flat(RequiredModules=required)), "AM110") == []


# AM111 ----------------------------------------------------------------------------------

ACCOUNT = Account({"Az.Accounts": ["2.5.0", "2.12.1"], "Az.Storage": ["5.0.0"]})


@pytest.mark.parametrize(
    ("required", "message"),
    [
        (
            "@('Contoso.Tools')",
            "requires Contoso.Tools but the account cannot satisfy it: it does not hold it",
        ),
        (
            "@(@{ModuleName='Az.Storage'; ModuleVersion='6.0.0'})",
            "requires Az.Storage[ModuleVersion=6.0.0] but the account cannot satisfy it: it holds 5.0.0",
        ),
        (
            "@(@{ModuleName='Az.Accounts'; RequiredVersion='2.7.0'})",
            "requires Az.Accounts[RequiredVersion=2.7.0] but the account cannot satisfy it: it holds 2.5.0, 2.12.1",
        ),
        (
            "@(@{ModuleName='Az.Accounts'; ModuleVersion='2.0.0'; MaximumVersion='2.4.*'})",
            "requires Az.Accounts[ModuleVersion=2.0.0;MaximumVersion=2.4.*] but the account cannot satisfy it: "
            "it holds 2.5.0, 2.12.1",
        ),
    ],
    ids=["missing", "too-old", "required-version", "above-maximum"],
)
def test_am111_dependency_not_satisfied(tmp_path: Path, required: str, message: str) -> None:
    report = check_zip(tmp_path, flat(RequiredModules=required), account=ACCOUNT)
    assert hits(report, "AM111") == [("1.5.0", "TestModule/TestModule.psd1", 5, 5, message)]
    assert fired(report) == ["AM111"]


@pytest.mark.parametrize(
    "required",
    [
        "@('Az.Accounts', 'az.storage')",
        "@(@{ModuleName='Az.Accounts'; ModuleVersion='2.7.0'})",
        "@(@{ModuleName='Az.Accounts'; RequiredVersion='2.12.1'})",
        "@(@{ModuleName='Az.Accounts'; MaximumVersion='2.5.*'})",
    ],
    ids=["any-version", "minimum", "required-version", "maximum"],
)
def test_am111_silent_when_the_account_satisfies_it(tmp_path: Path, required: str) -> None:
    assert hits(check_zip(tmp_path, flat(RequiredModules=required), account=ACCOUNT), "AM111") == []


def test_am111_only_runs_with_an_account(tmp_path: Path) -> None:
    assert hits(check_zip(tmp_path, flat(RequiredModules="@('Contoso.Tools')")), "AM111") == []


def test_am111_names_each_unsatisfied_entry_of_each_version(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/TestModule.psd1"] = manifest("2.0.0", RequiredModules="@('A.One', 'Az.Storage', 'B.Two')")
    report = amkit.check(write_zip(tmp_path / "TestModule.zip", members), account=ACCOUNT)
    assert [(version, message.split(" but ")[0]) for version, _, _, _, message in hits(report, "AM111")] == [
        ("2.0.0", "requires A.One"),
        ("2.0.0", "requires B.Two"),
    ]


# AM112 ----------------------------------------------------------------------------------

FIRST = " (runtime 5.1: its first release)"


@pytest.mark.parametrize(
    ("runtime", "key", "value", "message"),
    [
        ("5.1", "PowerShellVersion", "'7.2'", f"PowerShellVersion is 7.2 but the runtime runs PowerShell 5.1.0{FIRST}"),
        ("5.1", "PowerShellVersion", "'6.0'", f"PowerShellVersion is 6.0 but the runtime runs PowerShell 5.1.0{FIRST}"),
        (
            "7.2",
            "PowerShellVersion",
            "'7.4'",
            "PowerShellVersion is 7.4 but the runtime runs PowerShell 7.2.0 (runtime 7.2: its first release)",
        ),
        (
            "7.2",
            "PowerShellVersion",
            "'7.2.1'",
            "PowerShellVersion is 7.2.1 but the runtime runs PowerShell 7.2.0 (runtime 7.2: its first release)",
        ),
        ("7.2.0", "PowerShellVersion", "'7.2.1'", "PowerShellVersion is 7.2.1 but the runtime runs PowerShell 7.2.0"),
        ("7.4.5", "PowerShellVersion", "'7.4.6'", "PowerShellVersion is 7.4.6 but the runtime runs PowerShell 7.4.5"),
        (
            "5.1",
            "PowerShellVersion",
            "'5.1.19041'",
            f"PowerShellVersion is 5.1.19041 but the runtime runs PowerShell 5.1.0{FIRST}",
        ),
        ("5.1", "CompatiblePSEditions", "@('Core')", "CompatiblePSEditions is Core but runtime 5.1 is Desktop"),
        ("7.2", "CompatiblePSEditions", "'Desktop'", "CompatiblePSEditions is Desktop but runtime 7.2 is Core"),
    ],
)
def test_am112_manifest_excludes_the_runtime(tmp_path: Path, runtime: str, key: str, value: str, message: str) -> None:
    report = check_zip(tmp_path, flat(**{key: value}), runtime=runtime)
    assert hits(report, "AM112") == [("1.5.0", "TestModule/TestModule.psd1", 5, 5, message)]
    assert fired(report) == ["AM112"]


def test_am112_reports_version_and_edition_separately(tmp_path: Path) -> None:
    report = check_zip(tmp_path, flat(PowerShellVersion="'7.0'", CompatiblePSEditions="'Core'"), runtime="5.1")
    assert [(line, message) for _, _, line, _, message in hits(report, "AM112")] == [
        (5, f"PowerShellVersion is 7.0 but the runtime runs PowerShell 5.1.0{FIRST}"),
        (6, "CompatiblePSEditions is Core but runtime 5.1 is Desktop"),
    ]


@pytest.mark.parametrize(
    ("runtime", "keys"),
    [
        ("5.1", {"PowerShellVersion": "'5.1'", "CompatiblePSEditions": "@('Desktop', 'Core')"}),
        ("5.1.19041", {"PowerShellVersion": "'5.1.19041'"}),  # a runtime given exactly
        ("7.2", {"PowerShellVersion": "'7.2.0.0'"}),  # unset components count as 0
        ("5.1", {"PowerShellVersion": "'3.0'", "CompatiblePSEditions": "'Desktop'"}),
        ("7.2", {"PowerShellVersion": "'7.2'", "CompatiblePSEditions": "'Core'"}),
        ("7.2", {"PowerShellVersion": "'5.1'", "CompatiblePSEditions": "@('core')"}),  # editions ignore case
        ("7.4.1", {"PowerShellVersion": "'7.4.1'"}),
        ("7.4.6", {"PowerShellVersion": "'7.4'"}),
    ],
)
def test_am112_silent_when_the_runtime_is_admitted(tmp_path: Path, runtime: str, keys: dict[str, str]) -> None:
    assert hits(check_zip(tmp_path, flat(**keys), runtime=runtime), "AM112") == []


def test_am112_only_runs_with_a_runtime(tmp_path: Path) -> None:
    assert hits(check_zip(tmp_path, flat(PowerShellVersion="'7.4'", CompatiblePSEditions="'Core'")), "AM112") == []


@pytest.mark.parametrize("runtime", ["6.0", "7", "pwsh", "", "7.3.1"])
def test_unknown_runtime_is_refused(tmp_path: Path, runtime: str) -> None:
    path = write_zip(tmp_path / "TestModule.zip", flat())
    with pytest.raises(
        ValueError, match=rf"runtime must be one of 5.1, 7.1, 7.2, 7.4 \(or a version of one: 7.2.5\), not '{runtime}'"
    ):
        amkit.check(path, runtime=runtime)


# check() itself -----------------------------------------------------------------------


def test_check_an_open_package_leaves_it_open(tmp_path: Path) -> None:
    members = versioned("1.0.0", "2.0.0")
    members["TestModule/2.0.0/TestModule.psd1"] = manifest("2.0.1")
    path = write_zip(tmp_path / "TestModule.zip", members)
    with amkit.open_package(path) as package:
        report = amkit.check(package, runtime="7.2")
        assert report.location == path
        assert report.name == "TestModule"
        assert report.runtime == "7.2"
        assert [(hit[0], hit[4]) for hit in hits(report, "AM106")] == [
            ("2.0.0", "the folder is 2.0.0 but the manifest says ModuleVersion = '2.0.1'")
        ]
        # The package is the caller's: still readable after the check.
        assert package.read("TestModule/1.0.0/TestModule.psm1") == SCRIPT.encode()
    assert report.items == amkit.check(path, runtime="7.2").items


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_check_a_path_closes_what_it_opened(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "TestModule.zip", {**flat(), CONNECTION_FILE: json.dumps(CONNECTION)})

    def open_handles() -> int:
        return sum(os.path.realpath(f"/proc/self/fd/{fd}") == str(path.resolve()) for fd in os.listdir("/proc/self/fd"))

    report = amkit.check(path)
    assert fired(report) == []
    assert open_handles() == 0
