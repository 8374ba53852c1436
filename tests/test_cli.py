"""The ``amkit`` command line, through ``amkit.cli.main`` and the installed console script."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from packages import manifest, write_zip

import amkit
from amkit import samples
from amkit.cli import main


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return samples.build(tmp_path_factory.mktemp("samples"))


def run(*argv: str) -> tuple[int, str]:
    out = StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# Readable output --------------------------------------------------------------------------


def test_inspect_side_by_side_lists_both_versions_latest_first(zips: dict[str, Path]) -> None:
    status, out = run("inspect", str(zips["SideBySide"]))
    assert status == 0
    text = lines(out)
    assert text[0] == "SideBySide (zip): 2 version(s), latest 2.0.0"
    assert text[1] == f"  {zips['SideBySide']}"
    headers = [line for line in text if line.startswith("Version ")]
    assert headers == [
        "Version 2.0.0  [Script]  SideBySide/2.0.0",
        "Version 1.0.0  [Script]  SideBySide/1.0.0",
    ]
    newer, older = out.split("Version 1.0.0")
    assert "  3 exported command(s)" in lines(newer)
    assert "  2 exported command(s)" in lines(older)
    assert "    ConvertFrom-Slug  Function  __AllParameterSets  Turns a slug back into words in title case." in lines(
        newer
    )
    assert "ConvertFrom-Slug" not in older
    assert (
        "    Format-Duration  Function  __AllParameterSets  Formats a number of seconds as a short, readable duration."
        in lines(older)
    )
    assert "connection type" not in out
    assert "requires" not in out


def test_inspect_contoso_notify_shows_the_connection_type(zips: dict[str, Path]) -> None:
    status, out = run("inspect", str(zips["ContosoNotify"]))
    assert status == 0
    text = lines(out)
    assert text[0] == "ContosoNotify (zip): 1 version(s), latest 1.4.0"
    assert "Version 1.4.0  [Script]  ContosoNotify" in text
    assert "  connection type ContosoNotify: ApiUri, ApiKey (encrypted), Username, Region (optional)" in text
    assert "  2 exported command(s)" in text
    table = text[text.index("  2 exported command(s)") + 1 :]
    assert table[0].split() == ["NAME", "KIND", "PARAMETER", "SETS", "SYNOPSIS"]
    assert table[1].split()[:4] == ["Get-ContosoNotificationStatus", "Function", "ByConnection,", "ByParameters"]
    assert table[2].split()[:4] == ["Send-ContosoNotification", "Function", "ByConnection,", "ByParameters"]


def test_inspect_contoso_binary_lists_cmdlets(zips: dict[str, Path]) -> None:
    status, out = run("inspect", str(zips["ContosoBinary"]))
    assert status == 0
    text = lines(out)
    assert "Version 1.0.0  [Binary]  ContosoBinary" in text
    assert "  3 exported command(s)" in text
    rows = [line.split() for line in text if line.startswith("    ") and "Cmdlet" in line]
    # The synopses come from the module's en-US/ContosoBinary.dll-help.xml.
    assert rows == [
        ["Export-ContosoWidget", "Cmdlet", "__AllParameterSets", *"Writes widgets to a CSV file.".split()],
        ["Get-ContosoWidget", "Cmdlet", "ByName,", "ById", *"Gets widgets from the Contoso catalogue.".split()],
        ["Set-ContosoWidget", "Cmdlet", "ByObject,", "ById", "Renames", "a", "widget."],
    ]


def test_inspect_contoso_reports_shows_its_dependency(zips: dict[str, Path]) -> None:
    status, out = run("inspect", str(zips["ContosoReports"]))
    assert status == 0
    assert "  requires ContosoCore >= 1.2.0 (required)" in lines(out)
    assert "  2 exported command(s)" in lines(out)


def test_inspect_shows_exact_and_maximum_versions_and_package_problems(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest(
            "1.0.0",
            root_module=None,
            RequiredModules="@(@{ModuleName='Az.Accounts'; RequiredVersion='2.7.0'}, "
            "@{ModuleName='Az.Storage'; ModuleVersion='5.0'; MaximumVersion='5.*'})",
        ),
        "readme.txt": "beside the module folder",
    }
    status, out = run("inspect", str(write_zip(tmp_path / "TestModule.zip", members)))
    assert status == 0
    text = lines(out)
    assert "  ! files beside the module folder TestModule/: readme.txt" in text
    assert "Version 1.0.0  [Manifest]  TestModule" in text
    assert "  requires Az.Accounts == 2.7.0 (required)" in text
    assert "  requires Az.Storage >= 5.0, <= 5.* (required)" in text
    assert "  0 exported command(s)" in text


# JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", samples.names())
def test_json_has_the_documented_structure(zips: dict[str, Path], name: str) -> None:
    status, out = run("inspect", "--json", str(zips[name]))
    assert status == 0
    data = json.loads(out)  # strict JSON: no NaN, no stringified numbers
    assert set(data) == {"name", "kind", "location", "latest", "size", "problems", "nuspec", "versions"}
    assert (data["name"], data["kind"], data["problems"], data["nuspec"]) == (name, "zip", [], None)
    assert data["location"] == str(zips[name])
    with amkit.open_package(zips[name]) as package:
        assert data["latest"] == str(package.latest.version)
        assert data["size"] == package.size
        assert [entry["version"] for entry in data["versions"]] == [str(v.version) for v in reversed(package.versions)]
        for entry, version in zip(data["versions"], reversed(package.versions), strict=True):
            assert set(entry) == {
                "version",
                "folder",
                "module_type",
                "manifest",
                "version_mismatch",
                "error",
                "dependencies",
                "commands",
                "connection_type",
            }
            assert entry["module_type"] == version.module_type
            assert entry["manifest"] == version.manifest_path
            assert (entry["error"], entry["version_mismatch"]) == (None, False)
            assert [command["name"] for command in entry["commands"]] == list(version.commands["name"])
            for command, row in zip(entry["commands"], version.commands.to_dict("records"), strict=True):
                assert set(command) == {
                    "name",
                    "kind",
                    "synopsis",
                    "help_uri",
                    "output_types",
                    "parameter_sets",
                    "file",
                    "line",
                }
                assert command["output_types"] == list(row["output_types"])
                assert command["parameter_sets"] == list(row["parameter_sets"])
                assert command["file"] == row["file"]
                assert command["help_uri"] is None or isinstance(command["help_uri"], str)
                assert command["line"] is None or type(command["line"]) is int


def test_json_of_a_binary_module_has_null_lines_and_help(zips: dict[str, Path]) -> None:
    status, out = run("inspect", str(zips["ContosoBinary"]), "--json")
    assert status == 0
    (version,) = json.loads(out)["versions"]
    assert version["module_type"] == "Binary"
    by_name = {command["name"]: command for command in version["commands"]}
    assert by_name["Export-ContosoWidget"]["help_uri"] is None
    assert by_name["Export-ContosoWidget"]["line"] is None
    assert by_name["Get-ContosoWidget"]["help_uri"] == (
        "https://docs.contoso.com/powershell/ContosoBinary/Get-ContosoWidget"
    )
    assert {command["kind"] for command in version["commands"]} == {"Cmdlet"}


def test_json_flags_encrypted_connection_fields(zips: dict[str, Path]) -> None:
    status, out = run("inspect", "--json", str(zips["ContosoNotify"]))
    assert status == 0
    (version,) = json.loads(out)["versions"]
    connection = version["connection_type"]
    assert (connection["name"], connection["module"]) == ("ContosoNotify", "ContosoNotify")
    assert connection["fields"] == [
        {"name": "ApiUri", "type_name": "System.String", "is_encrypted": False, "is_optional": False},
        {"name": "ApiKey", "type_name": "System.String", "is_encrypted": True, "is_optional": False},
        {"name": "Username", "type_name": "System.String", "is_encrypted": False, "is_optional": False},
        {"name": "Region", "type_name": "System.String", "is_encrypted": False, "is_optional": True},
    ]
    lines_ = {command["name"]: command["line"] for command in version["commands"]}
    assert lines_ == {"Get-ContosoNotificationStatus": 160, "Send-ContosoNotification": 44}


def test_json_dependencies_of_contoso_reports(zips: dict[str, Path]) -> None:
    (version,) = json.loads(run("inspect", "--json", str(zips["ContosoReports"]))[1])["versions"]
    assert version["dependencies"] == [
        {
            "kind": "required",
            "name": "ContosoCore",
            "path": None,
            "version": "1.2.0",
            "required_version": None,
            "maximum_version": None,
            "guid": "d9a4c334-3bd4-4fa2-80c0-e1d661854ed8",
            "problems": [],
        }
    ]


def test_json_keeps_other_parts_when_one_part_is_unreadable(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FunctionsToExport="'Get-Thing'"),
        "TestModule/TestModule.psm1": "function Get-Thing { }\n",
        "TestModule/TestModule-Automation.json": "{ not json",
    }
    status, out = run("inspect", "--json", str(write_zip(tmp_path / "TestModule.zip", members)))
    assert status == 0
    (version,) = json.loads(out)["versions"]
    assert version["connection_type"] is None
    assert len(version["errors"]) == 1
    assert "TestModule-Automation.json" in version["errors"][0]
    assert [command["name"] for command in version["commands"]] == ["Get-Thing"]


# Errors ----------------------------------------------------------------------------------


def unusable(tmp_path: Path, case: str) -> Path:
    if case == "missing":
        return tmp_path / "NoSuchModule.zip"
    if case == "not-a-zip":
        path = tmp_path / "Broken.zip"
        path.write_text("this is not a zip")
        return path
    if case == "two-folders":
        return write_zip(tmp_path / "Two.zip", {"A/A.psd1": manifest("1.0.0"), "B/B.psd1": manifest("1.0.0")})
    if case == "no-module":
        return write_zip(tmp_path / "Empty.zip", {"Empty/readme.txt": "nothing to load"})
    if case == "empty-folder":
        path = tmp_path / "EmptyFolder"
        path.mkdir()
        return path
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file or folder"),
        ("not-a-zip", "not a zip archive"),
        ("two-folders", "the zip holds 2 top-level folders (A, B)"),
        ("no-module", "holds no Empty.psd1, .psm1 or .dll"),
        ("empty-folder", "holds no EmptyFolder.psd1, .psm1 or .dll"),
    ],
)
def test_unusable_input_is_one_error_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    path = unusable(tmp_path, case)
    status, out = run("inspect", str(path))
    assert status == 2
    assert out == ""
    captured = capsys.readouterr()
    assert captured.out == ""
    error_lines = captured.err.splitlines()
    assert len(error_lines) == 1
    assert error_lines[0].startswith(f"amkit: error: {path}: ")
    assert message in error_lines[0]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [[], ["inspect"], ["frobnicate", "x.zip"], ["inspect", "x.zip", "--yaml"]],
    ids=["no-command", "no-path", "unknown-command", "unknown-option"],
)
def test_usage_errors_return_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out = run(*argv)
    assert status == 2
    assert out == ""
    err = capsys.readouterr().err
    assert err.startswith("usage: amkit")
    assert "error:" in err.splitlines()[-1]


def test_help_goes_to_out_and_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run("inspect", "--help")
    assert status == 0
    assert out.startswith("usage: amkit inspect [-h] [--json] [--edition {Desktop,Core}] PATH")
    assert capsys.readouterr().out == ""


# The installed console script --------------------------------------------------------------


def test_console_script(zips: dict[str, Path], tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "amkit"
    ok = subprocess.run([script, "inspect", zips["ContosoNotify"]], capture_output=True, text=True, check=False)
    assert ok.returncode == 0
    assert ok.stdout.splitlines()[0] == "ContosoNotify (zip): 1 version(s), latest 1.4.0"
    assert ok.stderr == ""
    as_json = subprocess.run(
        [script, "inspect", "--json", zips["SideBySide"]], capture_output=True, text=True, check=False
    )
    assert as_json.returncode == 0
    assert [entry["version"] for entry in json.loads(as_json.stdout)["versions"]] == ["2.0.0", "1.0.0"]
    missing = tmp_path / "Missing.zip"
    bad = subprocess.run([script, "inspect", missing], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == f"amkit: error: {missing}: no such file or folder\n"


def test_python_dash_m_amkit_runs_the_command_line(zips: dict[str, Path]) -> None:
    # Where the amkit script is not on PATH (a notebook's shell, say), python -m amkit is the same command.
    done = subprocess.run(
        [sys.executable, "-m", "amkit", "check", str(zips["ContosoCore"]), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["name"] == "ContosoCore"
    failing = subprocess.run([sys.executable, "-m", "amkit", "check", "missing.zip"], capture_output=True, text=True)
    assert failing.returncode == 2 and "no such file or folder" in failing.stderr


# What a newcomer meets first -------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run("--version")
    assert status == 0
    assert out.strip() == f"amkit {importlib.metadata.version('amkit')}"


def test_an_unknown_option_shows_the_subcommands_usage(
    zips: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run("check", "--bogus", str(zips["ContosoCore"]))
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("usage: amkit check ")
    assert "amkit check: error: unrecognized arguments: --bogus" in err


@pytest.mark.parametrize("command", ["inspect", "check", "pack", "deps", "plan", "samples"])
def test_every_subcommand_describes_itself(command: str) -> None:
    status, out = run(command, "--help")
    assert status == 0
    usage, description = out.split("\n\n")[:2]
    assert usage.startswith(f"usage: amkit {command}")
    assert len(description.split()) >= 8, description


class _ClosedPipe(StringIO):
    """Standard output after its reader went away (``amkit check ... | head -1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_quietly(zips: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(zips["ContosoCore"])], out=_ClosedPipe())
    assert status == 1
    assert capsys.readouterr().err == ""


def test_inspect_on_a_folder_of_packages_points_to_check_and_deps(
    zips: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = zips["ContosoCore"].parent
    status, _ = run("inspect", str(folder))
    err = capsys.readouterr().err
    assert status == 2
    assert f"{folder} is a folder of {len(zips)} packages" in err
    assert f"'amkit check {folder}'" in err and f"'amkit deps {folder}'" in err


@pytest.mark.parametrize("command", [["deps"], ["plan", "X", "--from"]])
def test_a_folder_without_packages_is_an_error(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    status, out = run(*command, str(tmp_path / "empty"))
    assert status == 2
    assert out == ""
    assert "no module package in" in capsys.readouterr().err


def test_pack_refuses_an_empty_folder_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "emptydir").mkdir()
    monkeypatch.chdir(tmp_path)
    status, _ = run("pack", "emptydir")
    assert status == 2
    assert "the folder holds no file" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["emptydir"]


def test_samples_writes_the_bundled_zips(tmp_path: Path) -> None:
    status, out = run("samples", str(tmp_path / "out"), "--faulty")
    assert status == 0
    written = [Path(line).name for line in out.splitlines()]
    assert written == [f"{name}.zip" for name in (*samples.names(), *samples.faulty_names())]
    assert amkit.open_package(tmp_path / "out" / "SideBySide.zip").name == "SideBySide"


@pytest.mark.parametrize("name", ["MyModule.psd1", "Missing.PSM1", " Folder/Script.ps1 "])
def test_a_mistyped_path_is_no_such_file_not_powershell_text(tmp_path: Path, name: str) -> None:
    with pytest.raises(amkit.DataFileError, match="cannot read the file: No such file or directory"):
        amkit.read_psd1(name)
    with pytest.raises(amkit.ScriptError, match="cannot read the file"):
        amkit.parse_script(name)
    assert amkit.read_psd1("@{ a = 1 }")["a"] == 1
