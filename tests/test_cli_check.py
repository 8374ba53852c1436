"""``amkit check`` and ``amkit pack``: formats, several paths, folders of zips and every exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from packages import CLEAN_SCRIPT, SCRIPT, Members, gallery_nupkg, manifest, write_folder, write_zip

import amkit
from amkit import samples
from amkit.checks.sarif import sarif_log
from amkit.cli import main

GOOD = "Clean"


def module(name: str, *, prefix: str = "", script: str = CLEAN_SCRIPT, **keys: str) -> Members:
    """A module that breaks no rule, unless ``script`` or manifest ``keys`` say otherwise."""
    settings = {"root_module": f"{name}.psm1", "FunctionsToExport": "@('Get-Thing')", "CmdletsToExport": "@()", **keys}
    return {f"{prefix}{name}.psd1": manifest("1.0.0", **settings), f"{prefix}{name}.psm1": script}


def run(*argv: str | Path) -> tuple[int, str]:
    out = StringIO()
    status = main([str(arg) for arg in argv], out=out)
    return status, out.getvalue()


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "good" / f"{GOOD}.zip", module(GOOD, prefix=f"{GOOD}/"))


@pytest.fixture()
def misnamed(tmp_path: Path) -> Path:
    """A zip whose name differs from its module folder (AM101) and whose manifest names a missing file (AM107)."""
    return write_zip(tmp_path / "bad" / "Other.zip", module("Mod", prefix="Mod/", root_module="Gone.psm1"))


@pytest.fixture()
def warned(tmp_path: Path) -> Path:
    """A module whose only finding is a warning: a function without HelpUri (AM202)."""
    script = CLEAN_SCRIPT.replace("HelpUri = 'https://example.org/get-thing'", "")
    return write_zip(tmp_path / "warned" / "Warned.zip", module("Warned", prefix="Warned/", script=script))


@pytest.fixture()
def noted(tmp_path: Path) -> Path:
    """A module whose only finding is an info: FunctionsToExport = '*' (AM211)."""
    return write_zip(tmp_path / "noted" / "Noted.zip", module("Noted", prefix="Noted/", FunctionsToExport="'*'"))


@pytest.fixture()
def needs_seven(tmp_path: Path) -> Path:
    """A module that loads only on PowerShell 7 (AM112 for runtime 5.1)."""
    return write_zip(tmp_path / "seven" / "Seven.zip", module("Seven", prefix="Seven/", PowerShellVersion="'7.0'"))


# Text -------------------------------------------------------------------------------------


def test_a_good_package_prints_its_summary_and_exits_0(good: Path) -> None:
    assert run("check", good) == (0, f"{GOOD}.zip: importable (0 error, 0 warning, 0 info)\n")


def test_findings_are_printed_as_a_table_and_an_error_exits_1(misnamed: Path) -> None:
    status, out = run("check", misnamed)
    assert status == 1
    assert out.splitlines() == [
        "Other.zip: NOT importable (2 error, 0 warning, 0 info)",
        "  RULE   SEVERITY  VERSION  WHERE           MESSAGE",
        "  AM101  error     -        -               the zip is named Other.zip but its module folder is Mod/",
        "  AM107  error     1.0.0    Mod/Mod.psd1:4  RootModule names 'Gone.psm1', which is not in the package",
    ]


def test_several_paths_are_reported_in_the_order_given(good: Path, misnamed: Path) -> None:
    status, out = run("check", misnamed, good)
    assert status == 1
    summaries = [line for line in out.splitlines() if line and not line.startswith("  ")]
    assert summaries == [
        "Other.zip: NOT importable (2 error, 0 warning, 0 info)",
        f"{GOOD}.zip: importable (0 error, 0 warning, 0 info)",
    ]
    assert "\n\nClean.zip: importable" in out


def test_a_folder_of_zips_checks_each_zip_and_nupkg_sorted(tmp_path: Path, misnamed: Path) -> None:
    folder = tmp_path / "drop"
    samples.build(folder, ["SideBySide", "ContosoCore"])
    shutil.copy(misnamed, folder / "Other.zip")
    nupkg = {
        "Nu.nuspec": "<?xml version='1.0'?><package><metadata><id>Nu</id><version>1.0.0</version></metadata></package>",
        "Nu.psd1": manifest("1.0.0", root_module="Nu.psm1"),
        "Nu.psm1": SCRIPT,
    }
    write_zip(folder / "Nu.1.0.0.nupkg", nupkg)
    (folder / "notes.txt").write_text("not a package")
    status, out = run("check", folder)
    assert status == 1
    summaries = [line for line in out.splitlines() if line and not line.startswith("  ")]
    assert [line.split(":")[0] for line in summaries] == [
        "ContosoCore.zip",
        "Nu.1.0.0.nupkg",
        "Other.zip",
        "SideBySide.zip",
    ]
    assert "Nu.1.0.0.nupkg: importable (0 error" in out


def test_a_module_folder_is_checked_as_one_package_even_beside_zips(tmp_path: Path, good: Path) -> None:
    folder = write_folder(tmp_path / "Versioned", module("Versioned", prefix="1.0.0/"))
    shutil.copy(good, folder / "stray.zip")
    assert run("check", folder) == (0, "Versioned: importable (0 error, 0 warning, 0 info)\n")


def test_an_empty_folder_is_checked_as_a_module_and_fails(tmp_path: Path) -> None:
    (tmp_path / "Empty").mkdir()
    status, out = run("check", tmp_path / "Empty")
    assert status == 1
    assert out.splitlines()[0] == "Empty: NOT importable (1 error, 0 warning, 0 info)"
    assert out.splitlines()[2].split()[0] == "AM102"


def test_a_broken_package_is_a_finding_not_unusable_input(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.zip"
    broken.write_bytes(b"PK\x03\x04 cut short")
    status, out = run("check", broken)
    assert status == 1
    assert out.splitlines()[0] == "Broken.zip: NOT importable (1 error, 0 warning, 0 info)"
    assert out.splitlines()[2].split()[:2] == ["AM100", "error"]


# Unusable input and arguments: 2 ------------------------------------------------------------


def test_a_missing_path_exits_2_before_checking_anything(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.zip"
    assert run("check", good, missing) == (2, "")
    assert capsys.readouterr().err == f"amkit: error: {missing}: no such file or folder\n"


def test_a_folder_that_cannot_be_listed_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    listing = os.scandir

    def scandir(path: str | os.PathLike[str] = "."):  # root reads any folder, so refuse this one by hand
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert run("check", locked) == (2, "")
    assert capsys.readouterr().err == f"amkit: error: {locked}: Permission denied\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--format", "xml", "x.zip"],
        ["check", "--fail-on", "never", "x.zip"],
        ["check", "--runtime", "6.0", "x.zip"],
        ["pack"],
        ["pack", "a", "b"],
    ],
)
def test_bad_arguments_exit_2_with_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*argv) == (2, "")
    assert capsys.readouterr().err.startswith("usage: amkit")


# Formats ----------------------------------------------------------------------------------


def test_json_is_a_list_of_report_dicts(good: Path, misnamed: Path) -> None:
    status, out = run("check", "--format", "json", good, misnamed)
    assert status == 1
    assert json.loads(out) == [amkit.check(good).to_dict(), amkit.check(misnamed).to_dict()]
    assert [item["importable"] for item in json.loads(out)] == [True, False]


def test_sarif_is_one_log_of_every_report(
    good: Path, misnamed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out = run("check", "--format", "sarif", good, misnamed)
    assert status == 1
    log = json.loads(out)
    assert log == sarif_log([amkit.check(good), amkit.check(misnamed)])
    run_ = log["runs"][0]
    assert [item["location"]["uri"] for item in run_["artifacts"] if "parentIndex" not in item] == [
        "good/Clean.zip",
        "bad/Other.zip",
    ]
    assert [result["ruleId"] for result in run_["results"]] == ["AM101", "AM107"]


def test_exit_status_does_not_depend_on_the_format(misnamed: Path, good: Path) -> None:
    for fmt in ("text", "json", "sarif"):
        assert run("check", "--format", fmt, misnamed)[0] == 1
        assert run("check", "--format", fmt, good)[0] == 0


# Thresholds and runtime -------------------------------------------------------------------


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_an_error_fails_at_every_threshold(misnamed: Path, fail_on: str) -> None:
    assert run("check", "--fail-on", fail_on, misnamed)[0] == 1


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_a_clean_package_passes_at_every_threshold(good: Path, fail_on: str) -> None:
    assert run("check", "--fail-on", fail_on, good)[0] == 0


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 1), ("info", 1)])
def test_a_warning_fails_from_the_warning_threshold_down(warned: Path, fail_on: str, status: int) -> None:
    result, out = run("check", "--fail-on", fail_on, warned)
    assert result == status
    assert out.splitlines()[0] == "Warned.zip: importable (0 error, 1 warning, 0 info)"
    assert out.splitlines()[2].split()[:2] == ["AM202", "warning"]


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 0), ("info", 1)])
def test_an_info_fails_only_at_the_info_threshold(noted: Path, fail_on: str, status: int) -> None:
    result, out = run("check", "--fail-on", fail_on, noted)
    assert result == status
    assert out.splitlines()[0] == "Noted.zip: importable (0 error, 0 warning, 1 info)"
    assert out.splitlines()[2].split()[:2] == ["AM211", "info"]


def test_the_threshold_applies_across_all_reports(good: Path, warned: Path, noted: Path) -> None:
    assert run("check", good, noted, warned)[0] == 0
    assert run("check", "--fail-on", "warning", good, noted)[0] == 0
    assert run("check", "--fail-on", "warning", good, noted, warned)[0] == 1
    assert run("check", "--fail-on", "info", good, noted)[0] == 1


def test_runtime_enables_the_runtime_rule(needs_seven: Path) -> None:
    assert run("check", needs_seven)[0] == 0
    assert run("check", "--runtime", "7.2", needs_seven)[0] == 0
    status, out = run("check", "--runtime", "5.1", needs_seven)
    assert status == 1
    assert "AM112" in out
    assert "PowerShellVersion is 7.0 but the runtime runs PowerShell 5.1.0" in out
    as_json = json.loads(run("check", "--runtime", "5.1", "--format", "json", needs_seven)[1])
    assert as_json[0]["runtime"] == "5.1"


# pack -------------------------------------------------------------------------------------


def test_pack_prints_the_zip_and_its_check(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "src" / GOOD, module(GOOD))
    status, out = run("pack", folder, "-o", tmp_path / "out")
    assert status == 0
    archive = tmp_path / "out" / f"{GOOD}.zip"
    assert out.splitlines() == [str(archive), f"{GOOD}.zip: importable (0 error, 0 warning, 0 info)"]
    assert amkit.check(archive).importable


def test_pack_of_a_module_that_would_not_import_exits_1(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "src" / "Mod", module("Mod", root_module="Gone.psm1"))
    status, out = run("pack", folder, "--out-dir", tmp_path / "out")
    assert status == 1
    assert out.splitlines()[:2] == [
        str(tmp_path / "out" / "Mod.zip"),
        "Mod.zip: NOT importable (1 error, 0 warning, 0 info)",
    ]
    assert "AM107" in out


def test_pack_of_a_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("pack", tmp_path / "Nope", "-o", tmp_path / "out") == (2, "")
    assert capsys.readouterr().err == f"amkit: error: {tmp_path / 'Nope'}: no such folder\n"
    assert not (tmp_path / "out").exists()


def test_pack_refuses_a_symlink_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_folder(tmp_path / "Mod", {"Mod.psd1": manifest("1.0.0", root_module=None)})
    (folder / "link.psm1").symlink_to(tmp_path / "elsewhere.psm1")
    assert run("pack", folder, "-o", tmp_path / "out")[0] == 2
    assert "refusing symlink 'link.psm1'" in capsys.readouterr().err


def test_pack_of_a_nupkg_writes_the_module_zip_and_checks_it(tmp_path: Path) -> None:
    nupkg = gallery_nupkg(tmp_path / "in" / "clean.1.0.0.nupkg", module(GOOD), id=GOOD, version="1.0.0")
    out = tmp_path / "out"
    status, text = run("pack", nupkg, "-o", out)
    assert status == 0
    archive = out / f"{GOOD}.zip"
    assert text.splitlines() == [str(archive), f"{GOOD}.zip: importable (0 error, 0 warning, 0 info)"]
    with amkit.open_package(archive) as package:
        assert sorted(package.files["path"]) == [f"{GOOD}/{GOOD}.psd1", f"{GOOD}/{GOOD}.psm1"]
    first = archive.read_bytes()
    assert run("pack", nupkg, "-o", out)[0] == 0
    assert archive.read_bytes() == first


def test_pack_of_a_nupkg_that_would_not_import_exits_1(tmp_path: Path) -> None:
    members = module("Mod", root_module="Gone.psm1")
    nupkg = gallery_nupkg(tmp_path / "mod.1.0.0.nupkg", members, id="Mod", version="1.0.0")
    status, text = run("pack", nupkg, "-o", tmp_path / "out")
    assert status == 1
    assert "AM107" in text


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"Mod.psd1": manifest("1.0.0", root_module=None)}, "a .nupkg holds exactly one <Name>.nuspec at its root"),
        (None, "not a zip archive"),
    ],
    ids=["no nuspec", "not a zip"],
)
def test_pack_refuses_a_bad_nupkg_with_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], members: Members | None, message: str
) -> None:
    nupkg = tmp_path / "mod.1.0.0.nupkg"
    if members is None:
        nupkg.write_bytes(b"not a package")
    else:
        write_zip(nupkg, members)
    assert run("pack", nupkg, "-o", tmp_path / "out") == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(f"amkit: error: {nupkg}: ") and message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_pack_help_explains_the_nupkg_layout(capsys: pytest.CaptureFixture[str]) -> None:
    status, text = run("pack", "--help")
    assert status == 0
    help_text = " ".join(text.split())
    assert "<Name>.<version>.nupkg" in help_text
    assert "without a version folder" in help_text


# The installed command --------------------------------------------------------------------


def test_installed_console_script(tmp_path: Path, good: Path, misnamed: Path) -> None:
    script = Path(sys.executable).parent / "amkit"
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(good, folder)
    shutil.copy(misnamed, folder)
    sarif = subprocess.run(
        [script, "check", "--format", "sarif", folder], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert sarif.returncode == 1
    assert sarif.stderr == ""
    log = json.loads(sarif.stdout)
    assert [result["ruleId"] for result in log["runs"][0]["results"]] == ["AM101", "AM107"]
    assert log["runs"][0]["artifacts"][0]["location"] == {"uri": "drop/Clean.zip", "uriBaseId": "%SRCROOT%"}
    missing = subprocess.run([script, "check", tmp_path / "nope.zip"], capture_output=True, text=True, check=False)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"amkit: error: {tmp_path / 'nope.zip'}: no such file or folder\n"
    ok = subprocess.run([script, "check", good], capture_output=True, text=True, check=False)
    assert (ok.returncode, ok.stdout) == (0, f"{GOOD}.zip: importable (0 error, 0 warning, 0 info)\n")


def test_runbooks_and_folders_of_them_are_checked_against_an_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runbooks = tmp_path / "runbooks"
    runbooks.mkdir()
    (runbooks / "Old.ps1").write_text("# AzureRM leftover\nImport-Module Az.Accounts\n", encoding="utf-8")
    (runbooks / "Fine.ps1").write_text("Write-Output 'hello'\n", encoding="utf-8")
    module_folder = runbooks / "Helper"  # a module beside them: checked as a package, its script not as a runbook
    module_folder.mkdir()
    (module_folder / "Helper.psm1").write_text("function Get-Help2 { 'AzureRM' }\n", encoding="utf-8")
    account_file = tmp_path / "account.db"
    with amkit.AutomationAccount.open(account_file) as account:
        account.create_runtime_environment("PS74", "PowerShell", "7.4")
    status, text = run("check", "--account", str(account_file), "--runtime-environment", "PS74", str(runbooks))
    assert status == 1
    assert "Fine.ps1: runs, as far as amkit can tell" in text and "Old.ps1: may fail at run time" in text
    assert "Old.ps1:1" in text and "AM301" in text and "Helper" in text
    status, sarif = run("check", "--format", "sarif", str(runbooks / "Old.ps1"))
    assert status == 1 and json.loads(sarif)["runs"][0]["results"][0]["ruleId"] == "AM301"
    assert run("check", "--runtime", "7.4", str(runbooks / "Fine.ps1"))[0] == 0
    assert run("check", "--account", str(account_file), "--runtime-environment", "Nope", str(runbooks))[0] == 2
    assert "no runtime environment 'Nope'" in capsys.readouterr().err
