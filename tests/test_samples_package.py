"""The bundled samples opened as packages: what amkit reads from each, exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import amkit
from amkit import samples
from amkit.package.commands import COMMAND_COLUMNS

CORE_GUID = "d9a4c334-3bd4-4fa2-80c0-e1d661854ed8"
STRING = ("string",)
ALL_SETS = ("__AllParameterSets",)


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return samples.build(tmp_path_factory.mktemp("samples"))


@pytest.fixture
def open_sample(zips: dict[str, Path]):
    opened: list[amkit.ModulePackage] = []

    def _open(name: str) -> amkit.ModulePackage:
        package = amkit.open_package(zips[name])
        opened.append(package)
        return package

    yield _open
    for package in opened:
        package.close()


def commands(version: amkit.ModuleVersion) -> dict[str, dict]:
    return {row["name"]: row for row in version.commands.to_dict("records")}


# SideBySide ------------------------------------------------------------------------------


def test_side_by_side_has_two_versions_in_version_folders(open_sample) -> None:
    package = open_sample("SideBySide")
    assert package.name == "SideBySide"
    assert package.kind == "zip"
    assert package.versioned
    assert package.problems == ()
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    assert [version.folder for version in package.versions] == ["SideBySide/1.0.0", "SideBySide/2.0.0"]
    assert [version.manifest_path for version in package.versions] == [
        "SideBySide/1.0.0/SideBySide.psd1",
        "SideBySide/2.0.0/SideBySide.psd1",
    ]
    assert package.latest is package["2.0.0"]
    assert not any(version.version_mismatch for version in package.versions)
    assert {version.module_type for version in package.versions} == {"Script"}
    assert package.connection_type is None


def test_side_by_side_1_0_0_commands(open_sample) -> None:
    version = open_sample("SideBySide")["1.0.0"]
    table = version.commands
    assert list(table.columns) == COMMAND_COLUMNS
    assert list(table["name"]) == ["ConvertTo-Slug", "Format-Duration"]
    rows = commands(version)
    assert rows["ConvertTo-Slug"]["parameters"] == ("Text", "MaxLength")
    assert rows["Format-Duration"]["parameters"] == ("Seconds",)
    assert rows["Format-Duration"]["synopsis"] == "Formats a number of seconds as a short, readable duration."
    assert rows["ConvertTo-Slug"]["synopsis"] == "Turns text into a lower-case, URL-safe slug."
    for row in rows.values():
        assert row["kind"] == "Function"
        assert row["output_types"] == STRING
        assert row["parameter_sets"] == ALL_SETS
        assert row["help_uri"] is None
        assert row["file"] == "SideBySide/1.0.0/SideBySide.psm1"
    assert (rows["ConvertTo-Slug"]["line"], rows["Format-Duration"]["line"]) == (4, 52)


def test_side_by_side_2_0_0_adds_a_command_and_changes_a_parameter(open_sample) -> None:
    package = open_sample("SideBySide")
    old, new = commands(package["1.0.0"]), commands(package["2.0.0"])
    assert list(new) == ["ConvertFrom-Slug", "ConvertTo-Slug", "Format-Duration"]
    assert set(new) - set(old) == {"ConvertFrom-Slug"}
    assert new["ConvertFrom-Slug"]["parameters"] == ("Slug",)
    assert new["ConvertFrom-Slug"]["synopsis"] == "Turns a slug back into words in title case."
    assert new["Format-Duration"]["parameters"] == ("Duration",)
    assert new["Format-Duration"]["synopsis"] == "Formats a time span as a short, readable duration."
    assert new["ConvertTo-Slug"]["parameters"] == old["ConvertTo-Slug"]["parameters"] == ("Text", "MaxLength")
    assert {row["file"] for row in new.values()} == {"SideBySide/2.0.0/SideBySide.psm1"}
    assert {row["output_types"] for row in new.values()} == {STRING}
    assert {row["parameter_sets"] for row in new.values()} == {ALL_SETS}
    # The definitions behind the rows carry the parameter types that changed.
    old_param = package["1.0.0"].scripts["SideBySide/1.0.0/SideBySide.psm1"].function("Format-Duration")
    new_param = package["2.0.0"].scripts["SideBySide/2.0.0/SideBySide.psm1"].function("Format-Duration")
    assert old_param.parameter("Seconds").type == "int"
    assert new_param.parameter("Duration").type == "TimeSpan"
    assert package.manifest_of("2.0.0").functions_to_export.patterns == (
        "ConvertFrom-Slug",
        "ConvertTo-Slug",
        "Format-Duration",
    )


# ContosoNotify ---------------------------------------------------------------------------


def test_contoso_notify_connection_type(open_sample) -> None:
    package = open_sample("ContosoNotify")
    assert [str(version.version) for version in package.versions] == ["1.4.0"]
    assert not package.versioned
    connection_type = package.connection_type
    assert connection_type.name == "ContosoNotify"
    assert connection_type.module == "ContosoNotify"
    assert connection_type.fields == (
        amkit.ConnectionField("ApiUri", "System.String", False, False),
        amkit.ConnectionField("ApiKey", "System.String", True, False),
        amkit.ConnectionField("Username", "System.String", False, False),
        amkit.ConnectionField("Region", "System.String", False, True),
    )
    assert connection_type.file.endswith("ContosoNotify.zip!ContosoNotify/ContosoNotify-Automation.json")
    assert package.latest.connection_type == connection_type


def test_contoso_notify_commands_take_a_connection_or_its_fields(open_sample) -> None:
    version = open_sample("ContosoNotify").latest
    rows = commands(version)
    # Resolve-ContosoNotifySettings is a private helper: not in FunctionsToExport.
    assert list(rows) == ["Get-ContosoNotificationStatus", "Send-ContosoNotification"]
    for name, row in rows.items():
        assert row["kind"] == "Function"
        assert row["parameter_sets"] == ("ByConnection", "ByParameters")  # the default set first
        assert row["output_types"] == ("pscustomobject",)
        assert row["help_uri"] == f"https://docs.contoso.com/powershell/ContosoNotify/{name}"
        assert row["file"] == "ContosoNotify/ContosoNotify.psm1"
    assert rows["Send-ContosoNotification"]["parameters"] == (
        "Connection",
        "ApiUri",
        "ApiKey",
        "Username",
        "Region",
        "Channel",
        "Message",
        "Priority",
    )
    assert rows["Get-ContosoNotificationStatus"]["parameters"] == (
        "Connection",
        "ApiUri",
        "ApiKey",
        "Username",
        "Region",
        "Id",
    )
    assert rows["Send-ContosoNotification"]["synopsis"] == "Sends a notification through Contoso Notify."
    assert rows["Get-ContosoNotificationStatus"]["synopsis"] == (
        "Gets the delivery status of a Contoso Notify notification."
    )
    send = rows["Send-ContosoNotification"]
    assert send["description"].startswith("Posts a message to a Contoso Notify channel")
    script = version.scripts["ContosoNotify/ContosoNotify.psm1"]
    assert script.function("Send-ContosoNotification").cmdlet_binding.default_parameter_set == "ByConnection"
    assert [function.name for function in script.functions] == [
        "Resolve-ContosoNotifySettings",
        "Send-ContosoNotification",
        "Get-ContosoNotificationStatus",
    ]


# ContosoBinary ---------------------------------------------------------------------------


def test_contoso_binary_cmdlets_come_from_the_assembly(open_sample) -> None:
    version = open_sample("ContosoBinary").latest
    assert version.module_type == "Binary"
    assert version.manifest.module_type == "Binary"
    assert version.root_module_path == "ContosoBinary/ContosoBinary.dll"
    assert version.scripts == {}
    rows = commands(version)
    assert list(rows) == ["Export-ContosoWidget", "Get-ContosoWidget", "Set-ContosoWidget"]
    assert {row["kind"] for row in rows.values()} == {"Cmdlet"}
    assert {row["file"] for row in rows.values()} == {"ContosoBinary/ContosoBinary.dll"}
    assert all(pd.isna(row["line"]) for row in rows.values())
    assert {name: row["parameter_sets"] for name, row in rows.items()} == {
        "Export-ContosoWidget": ALL_SETS,
        "Get-ContosoWidget": ("ByName", "ById"),
        "Set-ContosoWidget": ("ByObject", "ById"),
    }
    assert {name: row["output_types"] for name, row in rows.items()} == {
        "Export-ContosoWidget": ("System.IO.FileInfo",),
        "Get-ContosoWidget": ("ContosoBinary.ContosoWidget",),
        "Set-ContosoWidget": ("ContosoBinary.ContosoWidget",),
    }
    assert rows["Get-ContosoWidget"]["parameters"] == ("Id", "Name", "Category", "ServiceUri")
    assert rows["Set-ContosoWidget"]["parameters"] == ("Id", "InputObject", "NewName", "PassThru", "ServiceUri")
    assert rows["Export-ContosoWidget"]["parameters"] == ("Path", "InputObject", "Force", "ServiceUri")
    assert (
        rows["Get-ContosoWidget"]["help_uri"] == "https://docs.contoso.com/powershell/ContosoBinary/Get-ContosoWidget"
    )
    assert rows["Set-ContosoWidget"]["help_uri"] is None
    # The help text is in en-US/ContosoBinary.dll-help.xml, not in the assembly.
    assert {name: row["synopsis"] for name, row in rows.items()} == {
        "Export-ContosoWidget": "Writes widgets to a CSV file.",
        "Get-ContosoWidget": "Gets widgets from the Contoso catalogue.",
        "Set-ContosoWidget": "Renames a widget.",
    }
    assert rows["Get-ContosoWidget"]["description"] == (
        "Gets a widget by its id, or every widget whose name matches -Name, optionally in one category.\n\n"
        "Without -ServiceUri the cmdlet reads the in-memory catalogue the module ships with."
    )


# ContosoCore and ContosoReports ----------------------------------------------------------


def test_contoso_reports_requires_contoso_core(open_sample) -> None:
    reports = open_sample("ContosoReports").latest
    core = open_sample("ContosoCore").latest
    (spec,) = reports.manifest.required_modules
    assert spec == amkit.ModuleSpec(
        name="ContosoCore",
        written=f"ContosoCore[ModuleVersion=1.2.0;GUID={CORE_GUID}]",
        guid=CORE_GUID,
        version="1.2.0",
    )
    assert spec.problems == ()
    assert spec.minimum == "1.2.0"
    assert spec.exact is None and spec.maximum is None
    # The sample ContosoCore satisfies it, by version and GUID.
    assert core.manifest.guid == CORE_GUID
    assert spec.accepts(core.version, core.manifest.guid)
    assert spec.accepts("1.2.0")
    assert spec.accepts("2.0")
    assert spec.accepts("1.2.0.1")
    assert not spec.accepts("1.1.9")
    assert not spec.accepts("1.2")  # System.Version: 1.2 < 1.2.0
    assert not spec.accepts("1.2.0", "51637e86-a411-48b9-9898-58c083153505")
    assert spec.accepts("1.2.0", "{D9A4C334-3BD4-4FA2-80C0-E1D661854ED8}")
    assert list(reports.commands["name"]) == ["Export-ContosoUsageReport", "Get-ContosoUsageReport"]
    assert list(core.commands["name"]) == ["ConvertTo-ContosoQueryString", "Get-ContosoTenant", "Invoke-ContosoRequest"]
    assert commands(core)["Get-ContosoTenant"]["parameter_sets"] == ("ByName", "ById")
    calls = set(reports.scripts["ContosoReports/ContosoReports.psm1"].function("Get-ContosoUsageReport").commands)
    assert {"Invoke-ContosoRequest", "ConvertTo-ContosoQueryString"} <= calls


# Source folders read as folder packages ---------------------------------------------------


@pytest.mark.parametrize("name", samples.names())
def test_source_folder_reads_like_its_zip(open_sample, name: str) -> None:
    zipped = open_sample(name)
    with amkit.open_package(samples.source(name)) as folder:
        assert folder.kind == "folder"
        assert folder.name == zipped.name == name
        assert folder.problems == zipped.problems == ()
        assert [str(v.version) for v in folder.versions] == [str(v.version) for v in zipped.versions]
        assert [v.module_type for v in folder.versions] == [v.module_type for v in zipped.versions]
        if zipped.connection_type is None:
            assert folder.connection_type is None
        else:
            assert folder.connection_type.fields == zipped.connection_type.fields
            assert folder.connection_type.name == zipped.connection_type.name
        for in_folder, in_zip in zip(folder.versions, zipped.versions, strict=True):
            left = in_folder.commands.assign(file=in_folder.commands["file"].map(folder.imported_path))
            pd.testing.assert_frame_equal(left, in_zip.commands)
        assert sorted(folder.imported_path(path) for path in folder.files["path"]) == sorted(zipped.files["path"])
        assert folder.size == zipped.size
