"""``amkit deps`` and ``amkit plan`` on real zips: output formats and exit codes."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from packages import module, requires, spec, write_zip

import amkit
from amkit.cli import main


def run(*argv: str | Path) -> tuple[int, str]:
    out = StringIO()
    status = main([str(arg) for arg in argv], out=out)
    return status, out.getvalue()


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    write_zip(root / "Az.Accounts.zip", module("Az.Accounts", "2.12.1"))
    write_zip(
        root / "Az.Storage.zip",
        module("Az.Storage", "5.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.7.0"))),
    )
    write_zip(root / "Reports.zip", module("Reports", "1.0.0", RequiredModules=requires("'Az.Storage'", "'Gone'")))
    (root / "Broken.zip").write_bytes(b"nope")
    return root


def test_deps_table(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run("deps", shelf)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "MODULE",
        "VERSION",
        "DEPENDENCY",
        "KIND",
        "WRITTEN",
        "RESOLVED_VERSION",
        "STATUS",
        "NOTE",
    ]
    assert [[*line.split()[:3], line.split()[-1]] for line in lines[1:]] == [
        ["Az.Storage", "5.0.0", "Az.Accounts", "ok"],
        ["Reports", "1.0.0", "Az.Storage", "ok"],
        ["Reports", "1.0.0", "Gone", "missing"],
    ]
    assert "Broken.zip" in capsys.readouterr().err  # named, not silently skipped


def test_deps_csv_and_json(shelf: Path) -> None:
    status, out = run("deps", shelf, "--format", "csv")
    assert status == 0
    records = list(csv.DictReader(StringIO(out)))
    assert [(row["module"], row["dependency"], row["status"]) for row in records] == [
        ("Az.Storage", "Az.Accounts", "ok"),
        ("Reports", "Az.Storage", "ok"),
        ("Reports", "Gone", "missing"),
    ]
    status, out = run("deps", shelf, "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert data[2]["resolved_version"] is None
    assert data[0]["min_version"] == "2.7.0"


def test_deps_reverse(shelf: Path) -> None:
    status, out = run("deps", shelf, "--reverse", "Az.Accounts", "--format", "json")
    assert status == 0
    assert [(row["module"], row["depth"], row["path"]) for row in json.loads(out)] == [
        ("Az.Storage", 1, "Az.Storage -> Az.Accounts"),
        ("Reports", 2, "Reports -> Az.Storage -> Az.Accounts"),
    ]
    assert run("deps", shelf, "--reverse", "Nobody") == (0, "(none)\n")


def test_plan_orders_and_waves(shelf: Path) -> None:
    status, out = run("plan", "Az.Storage", "--from", shelf)
    assert status == 0
    assert out.splitlines()[0] == "2 modules to import, 0 already in the account, 0 that cannot be imported"
    assert [line.split()[:5] for line in out.splitlines()[2:]] == [
        ["1", "0.0", "1", "Az.Accounts", "2.12.1"],
        ["2", "30.0", "2", "Az.Storage", "5.0.0"],
    ]


def test_plan_that_cannot_complete_exits_1(shelf: Path) -> None:
    status, out = run("plan", "Reports", "--from", shelf)
    assert status == 1
    assert [line.split("  ")[0] for line in out.split("every requirement):\n")[1].splitlines()] == [
        "MODULE",
        "Gone",
        "Reports",
    ]
    assert "no package provides it" in out
    assert "cannot be imported (no choice of versions meets every requirement):" in out
    status, out = run("plan", "Reports", "--from", shelf, "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert set(data) == {"steps", "waves", "unsatisfiable", "cycles", "search"} and data["search"] == "impossible"
    assert [row["module"] for row in data["unsatisfiable"]] == ["Gone", "Reports"]


def test_plan_csv_is_the_waves(shelf: Path) -> None:
    status, out = run("plan", "Az.Storage==5.0.0", "--from", shelf, "--format", "csv")
    assert status == 0
    assert [row["module"] for row in csv.DictReader(StringIO(out))] == ["Az.Accounts", "Az.Storage"]


def test_plan_takes_a_prerelease_only_when_allowed(shelf: Path) -> None:
    write_zip(shelf / "Az.Accounts.beta.zip", module("Az.Accounts", "3.0.0-beta1"))
    status, out = run("plan", "Az.Accounts", "--from", shelf, "--format", "csv")
    assert status == 0
    assert [row["version"] for row in csv.DictReader(StringIO(out))] == ["2.12.1"]
    status, out = run("plan", "Az.Accounts", "--from", shelf, "--format", "csv", "--allow-prerelease")
    assert [row["version"] for row in csv.DictReader(StringIO(out))] == ["3.0.0-beta1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["deps", "{missing}"],
        ["plan", "X", "--from", "{missing}"],
        ["plan", "X==not-a-version", "--from", "{shelf}"],
        ["plan", "X"],
        ["deps", "{shelf}", "--format", "xml"],
    ],
    ids=["deps-missing-path", "plan-missing-folder", "plan-bad-target", "plan-without-from", "bad-format"],
)
def test_unusable_input_exits_2(
    shelf: Path, tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [arg.format(missing=tmp_path / "missing", shelf=shelf) for arg in argv]
    status, out = run(*args)
    assert (status, out) == (2, "")
    assert capsys.readouterr().err.count("error") >= 1


def test_plan_skips_what_the_account_holds(shelf: Path, tmp_path: Path) -> None:
    path = tmp_path / "account.db"
    with amkit.AutomationAccount.open(path) as account:
        assert account.import_package(shelf / "Az.Accounts.zip").succeeded
    # A new account holds Az.Storage 4.6.0 (of Az 8.0.0): ask for 5.0.0.
    status, out = run("plan", "Az.Storage==5.0.0", "--from", shelf, "--account", path, "--format", "json")
    assert status == 0
    steps = json.loads(out)["steps"]
    assert [(step["module"], step["action"]) for step in steps] == [("Az.Accounts", "skip"), ("Az.Storage", "import")]
    # A module list from Azure works as an account too: its Az.Accounts 2.13.2 is accepted.
    status, out = run(
        "plan", "Az.Storage==5.0.0", "--from", shelf, "--account", amkit.samples.arm_module_list(), "--format", "json"
    )
    assert status == 0
    assert [step["action"] for step in json.loads(out)["steps"]] == ["skip", "import"]


def test_plan_with_a_missing_account_file_exits_2(
    shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("plan", "Az.Storage", "--from", shelf, "--account", tmp_path / "gone.db") == (2, "")
    assert "no such account file" in capsys.readouterr().err


def test_a_cache_keeps_the_scan_for_the_next_run(shelf: Path, tmp_path: Path) -> None:
    cache = tmp_path / "scan.parquet"
    first = run("deps", shelf, "--cache", cache, "--format", "csv")
    assert cache.exists() and first[0] == 0
    assert run("deps", shelf, "--cache", cache, "--format", "csv") == first
    assert len(amkit.Inventory.from_parquet(cache)) == 4  # Broken.zip too, with why it cannot be read
    status, out = run("plan", "Az.Storage", "--from", shelf, "--cache", cache)
    assert status == 0 and out.startswith("2 modules to import")
