"""amkit.Limits on the size, nesting and reading time of scripts and data files: refused early, typed, liftable."""

from __future__ import annotations

from pathlib import Path

import pytest
from packages import module, write_zip

import amkit
from amkit.powershell.psd1 import read_psd1
from amkit.powershell.script import parse_script

MANIFEST = b"@{ ModuleVersion = '1.0.0'; FunctionsToExport = @('Get-Thing') }\n"


def test_a_script_over_its_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    script = tmp_path / "Big.ps1"
    script.write_bytes(b"Write-Output 1\n" * 100)
    with pytest.raises(amkit.ScriptError) as raised:
        parse_script(script, limits=amkit.Limits(max_script_size=1000))
    assert raised.value.file == str(script)
    assert "the file is 1,500 bytes, over amkit's limit of 1000 bytes (Limits.max_script_size)" in str(raised.value)
    assert "limits=amkit.Limits(max_script_size=...)" in str(raised.value)
    assert len(parse_script(script, limits=amkit.Limits(max_script_size=1500)).commands) == 1


def test_manifests_and_other_data_files_have_their_own_size_limits() -> None:
    small = amkit.Limits(max_manifest_size=32, max_data_file_size=1024)
    with pytest.raises(amkit.DataFileError, match=r"over amkit's limit of 32 bytes \(Limits\.max_manifest_size\)"):
        read_psd1(MANIFEST, file="Mod.psd1", limits=small)
    assert read_psd1(MANIFEST, file="Data.psd1", manifest=False, limits=small)["ModuleVersion"] == "1.0.0"
    with pytest.raises(amkit.DataFileError, match=r"Limits\.max_data_file_size"):
        read_psd1(MANIFEST.decode(), file="Data.psd1", manifest=False, limits=amkit.Limits(max_data_file_size=32))


def test_nesting_past_the_limit_is_refused_where_it_happens_without_recursion_errors() -> None:
    deep = "@{\nA = " + "@(" * 150 + "1" + ")" * 150 + "\n}"
    with pytest.raises(amkit.DataFileError) as raised:
        read_psd1(deep, file="Deep.psd1")
    error = raised.value
    assert (error.file, error.line, error.construct) == ("Deep.psd1", 2, "nesting")
    assert "over 100 levels deep" in str(error) and "Limits.max_nesting_depth" in str(error)
    # Lifted, it reads as PowerShell does: @( ) of an array is that array, however deep.
    assert read_psd1(deep, file="Deep.psd1", limits=amkit.Limits(max_nesting_depth=200))["A"] == [1]
    # Far past Python's own recursion limit: still a DataFileError, never a RecursionError.
    with pytest.raises(amkit.DataFileError, match="nest"):
        read_psd1("@{A=" + "@{B=" * 5000 + "1" + "}" * 5001, limits=amkit.Limits(max_nesting_depth=10_000))


def test_reading_that_takes_too_long_is_stopped_with_the_line_reached() -> None:
    text = "\n".join(f"Write-Output {n}" for n in range(3000))
    with pytest.raises(amkit.ScriptError, match=r"reading it took over 1e-06 s.*Limits\.max_parse_seconds") as raised:
        parse_script(text, file="Slow.ps1", limits=amkit.Limits(max_parse_seconds=1e-6))
    assert raised.value.file == "Slow.ps1" and raised.value.line is not None and raised.value.line > 1
    items = ",".join(str(n) for n in range(6000))
    with pytest.raises(amkit.DataFileError, match=r"Limits\.max_parse_seconds"):
        read_psd1(f"@{{ A = @({items}) }}", skip_limit_check=True, limits=amkit.Limits(max_parse_seconds=1e-6))


def test_the_line_reached_is_powershell_s_whatever_the_line_endings() -> None:
    # tree-sitter counts only LF as a line end: with lone CR endings its rows put every node on the first line.
    reached = []
    for ending in ("\n", "\r\n", "\r"):
        text = ending.join(f"Write-Output {n}" for n in range(3000))
        with pytest.raises(amkit.ScriptError, match=r"Limits\.max_parse_seconds") as raised:
            parse_script(text, file="Slow.ps1", limits=amkit.Limits(max_parse_seconds=1e-6))
        reached.append((raised.value.line, raised.value.column))
    assert reached[0][0] is not None and reached[0][0] > 1
    assert reached == [reached[0]] * 3


def test_a_package_is_read_within_its_own_limits(tmp_path: Path) -> None:
    members = {**module("Big", "1.0.0", functions=("Get-Big",))}
    members["Big/Big.psm1"] += "\n" + "# filler\n" * 200
    path = write_zip(tmp_path / "Big.zip", members)
    version = amkit.open_package(path, limits=amkit.Limits(max_script_size=1024)).versions[0]
    with pytest.raises(amkit.ScriptError, match=r"Limits\.max_script_size") as raised:
        version.script(str(version.root_module_path))
    assert raised.value.file == f"{path}!Big/Big.psm1"  # the member, inside its package
    unlimited = amkit.open_package(path).versions[0]
    assert unlimited.script(str(unlimited.root_module_path)).functions[0].name == "Get-Big"


def test_limits_no_file_could_meet_are_refused() -> None:
    for bad in ({"max_script_size": 0}, {"max_nesting_depth": -1}, {"max_parse_seconds": 0}):
        with pytest.raises(ValueError, match="limits must be positive"):
            amkit.Limits(**bad)
