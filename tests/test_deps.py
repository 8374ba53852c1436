"""The dependency table: every status, both semantics, real manifests, and who depends on whom."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from packages import Members, guid_of, module, requires, spec, write_zip

import amkit
from amkit.deps.table import DEPENDENCY_COLUMNS

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "manifests"


def shelf(tmp_path: Path, *packages: Members) -> Path:
    """A folder holding each package as its own zip (a subfolder per package, so names may repeat)."""
    root = tmp_path / "shelf"
    for number, members in enumerate(packages):
        name = next(iter(members)).split("/", 1)[0]
        write_zip(root / f"{number:02d}" / f"{name}.zip", members)
    return root


def table(tmp_path: Path, *packages: Members) -> pd.DataFrame:
    return amkit.dependencies(amkit.scan(shelf(tmp_path, *packages), progress=False))


def rows(frame: pd.DataFrame, *columns: str) -> list[list[object]]:
    return frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None).values.tolist()


def test_columns_and_types(tmp_path: Path) -> None:
    frame = table(tmp_path, module("App", "1.0.0", RequiredModules=requires("'Lib'")), module("Lib", "2.0.0"))
    assert list(frame.columns) == DEPENDENCY_COLUMNS
    assert all(pd.api.types.is_string_dtype(frame[column]) for column in frame.columns)
    assert rows(frame, "module", "version", "dependency", "kind", "resolved_version", "status", "semantics") == [
        ["App", "1.0.0", "Lib", "required", "2.0.0", "ok", "PowerShell"]
    ]


def test_an_empty_table_keeps_its_columns(tmp_path: Path) -> None:
    frame = table(tmp_path, module("Alone", "1.0.0"))
    assert frame.empty
    assert list(frame.columns) == DEPENDENCY_COLUMNS
    assert frame[frame["status"] == "missing"].empty


def test_every_status(tmp_path: Path) -> None:
    app = module(
        "App",
        "1.0.0",
        RequiredModules=requires(
            spec("Lib", ModuleVersion="1.5"),
            "'Gone'",
            spec("Old", ModuleVersion="3.0.0"),
            spec("Twin", ModuleVersion="1.0.0", GUID=guid_of("SomethingElse")),
            "'SqlServer'",
        ),
        PrivateData="@{ PSData = @{ ExternalModuleDependencies = @('SqlServer') } }",
    )
    frame = table(
        tmp_path,
        app,
        module("Lib", "1.5.0"),
        module("Lib", "2.0.0"),
        module("Old", "2.0.0"),
        module("Twin", "1.0.0"),
        module("Ping", "1.0.0", RequiredModules=requires("'Pong'")),
        module("Pong", "1.0.0", RequiredModules=requires("'Ping'")),
    )
    assert rows(frame, "module", "dependency", "resolved_version", "status") == [
        ["App", "Lib", "2.0.0", "ok"],
        ["App", "Gone", None, "missing"],
        ["App", "Old", None, "version-conflict"],
        ["App", "Twin", None, "guid-mismatch"],
        ["App", "SqlServer", None, "external"],
        ["Ping", "Pong", "1.0.0", "cycle"],
        ["Pong", "Ping", "1.0.0", "cycle"],
    ]
    notes = dict(zip(frame["dependency"], frame["note"], strict=True))
    assert notes["Old"] == "available: 2.0.0"
    assert notes["Twin"] == f"Twin 1.0.0 has GUID {guid_of('Twin')}, not {guid_of('SomethingElse')}"
    assert notes["Pong"] == "Ping 1.0.0 -> Pong 1.0.0 -> Ping 1.0.0"
    assert pd.isna(notes["Gone"])


def test_only_the_requirements_along_a_cycle_are_marked(tmp_path: Path) -> None:
    """A cycle of three, a version leading into it, one hanging off it, one requiring itself; and one
    requirement ('Ping') declared both on the cycle and off it."""
    frame = table(
        tmp_path,
        module("App", "1.0.0", RequiredModules=requires("'Ping'")),
        module("Ping", "1.0.0", RequiredModules=requires("'Pong'", "'Leaf'")),
        module("Pong", "1.0.0", RequiredModules=requires("'Pang'")),
        module("Pang", "1.0.0", RequiredModules=requires("'Ping'")),
        module("Leaf", "1.0.0"),
        module("Self", "1.0.0", RequiredModules=requires("'Self'")),
        module("Self", "0.9.0", RequiredModules=requires("'Self'")),
    )
    assert rows(frame, "module", "version", "dependency", "status") == [
        ["App", "1.0.0", "Ping", "ok"],
        ["Ping", "1.0.0", "Pong", "cycle"],
        ["Ping", "1.0.0", "Leaf", "ok"],
        ["Pong", "1.0.0", "Pang", "cycle"],
        ["Pang", "1.0.0", "Ping", "cycle"],
        ["Self", "1.0.0", "Self", "cycle"],
        ["Self", "0.9.0", "Self", "ok"],  # it needs Self 1.0.0, which does not need it back
    ]
    loop = "Ping 1.0.0 -> Pong 1.0.0 -> Pang 1.0.0 -> Ping 1.0.0"
    assert [note for (note,) in rows(frame, "note")] == [None, loop, None, loop, loop, "Self 1.0.0 -> Self 1.0.0", None]
    resolutions = amkit.deps.table.resolve(amkit.scan(tmp_path / "shelf", progress=False))
    assert [item.status for item in resolutions] == frame["status"].tolist()


def test_a_version_listed_twice_is_one_version_of_the_cycle(tmp_path: Path) -> None:
    ping, pong = amkit.scan(
        shelf(
            tmp_path,
            module("Ping", "1.0.0", RequiredModules=requires("'Pong'")),
            module("Pong", "1.0.0", RequiredModules=requires("'Ping'")),
        ),
        progress=False,
    ).records
    frame = amkit.dependencies(amkit.Inventory([ping, pong, ping]))  # as a rescan lists a package given twice
    loop = "Ping 1.0.0 -> Pong 1.0.0 -> Ping 1.0.0"
    assert rows(frame, "module", "status", "note") == [
        ["Ping", "cycle", loop],
        ["Pong", "cycle", loop],
        ["Ping", "cycle", loop],
    ]


@pytest.mark.parametrize(
    ("declared", "available", "resolved"),
    [
        (spec("Lib", RequiredVersion="1.0.0"), ["1.0.0", "1.5.0"], "1.0.0"),
        (spec("Lib", ModuleVersion="1.0.0"), ["0.9.0", "1.0.0", "1.5.0"], "1.5.0"),
        (spec("Lib", MaximumVersion="1.2.0"), ["1.0.0", "1.2.0", "1.5.0"], "1.2.0"),
        (spec("Lib", ModuleVersion="1.1.0", MaximumVersion="1.*"), ["1.0.0", "1.9.9", "2.0.0"], "1.9.9"),
        (spec("Lib", RequiredVersion="1.0"), ["1.0.0"], None),  # System.Version: 1.0 is not 1.0.0
        (spec("Lib", ModuleVersion="1.0"), ["1.0.0"], "1.0.0"),  # ... but 1.0 < 1.0.0
        (spec("Lib", MaximumVersion="1.0.0"), ["1.0.0.0"], None),  # 1.0.0 < 1.0.0.0
        (spec("Lib", ModuleVersion="2.0.0"), ["1.9.0", "2.0.0-beta"], "2.0.0-beta"),  # labels are not compared
        (spec("Lib", ModuleVersion="1.0.0"), ["1.5.0", "2.0.0-beta"], "1.5.0"),  # a release before a prerelease
    ],
    ids=[
        "exact",
        "minimum",
        "maximum",
        "wildcard-maximum",
        "1.0-is-not-1.0.0",
        "1.0-below-1.0.0",
        "1.0.0.0",
        "prerelease-only",
        "release-first",
    ],
)
def test_powershell_constraint_forms(tmp_path: Path, declared: str, available: list[str], resolved: str | None) -> None:
    packages = [module("Lib", version) for version in available]
    frame = table(tmp_path, module("App", "1.0.0", RequiredModules=requires(declared)), *packages)
    assert rows(frame, "resolved_version", "status") == [[resolved, "ok" if resolved else "version-conflict"]]


NUSPEC = """<?xml version="1.0"?>
<package><metadata><id>Gallery.Tool</id><version>1.0.0</version><authors>x</authors>
<dependencies><dependency id="Lib" version="{range}" /></dependencies></metadata></package>
"""


@pytest.mark.parametrize(
    ("nuget", "powershell", "nuget_resolved", "powershell_resolved", "note"),
    [
        # The gallery wrote the exact version as a minimum.
        ("1.0", spec("Lib", RequiredVersion="1.0.0"), "2.0.0", "1.0.0", "accepts other versions"),
        # NuGet normalises 1.0 to 1.0.0, System.Version does not.
        ("[1.0]", spec("Lib", RequiredVersion="1.0"), "1.0.0", None, None),
        # The maximum went missing.
        ("1.0.0", spec("Lib", ModuleVersion="1.0.0", MaximumVersion="1.5.0"), "2.0.0", "1.0.0", "MaximumVersion 1.5.0"),
        ("[1.0.0,1.5.0]", spec("Lib", ModuleVersion="1.0.0", MaximumVersion="1.5.0"), "1.0.0", "1.0.0", None),
    ],
    ids=["exact-became-minimum", "normalised", "maximum-dropped", "agrees"],
)
def test_nuspec_ranges_keep_nuget_semantics_and_are_compared_with_the_manifest(
    tmp_path: Path,
    nuget: str,
    powershell: str,
    nuget_resolved: str | None,
    powershell_resolved: str | None,
    note: str | None,
) -> None:
    members = module("Gallery.Tool", "1.0.0", RequiredModules=requires(powershell))
    flat: Members = {name.split("/", 1)[1]: content for name, content in members.items()}
    flat["Gallery.Tool.nuspec"] = NUSPEC.format(range=nuget)
    root = shelf(tmp_path, module("Lib", "1.0.0"), module("Lib", "2.0.0"))
    write_zip(root / "gallery.tool.1.0.0.nupkg", flat)
    frame = amkit.dependencies(amkit.scan(root, progress=False))
    by_kind = frame.set_index("kind")
    assert by_kind.loc["required", "semantics"] == "PowerShell"
    assert by_kind.loc["nuspec", "semantics"] == "NuGet"
    assert by_kind.loc["nuspec", "written"] == nuget
    resolved = frame.astype(object).where(frame.notna(), None).set_index("kind")["resolved_version"]
    assert (resolved["nuspec"], resolved["required"]) == (nuget_resolved, powershell_resolved)
    nuspec_note = by_kind.loc["nuspec", "note"]
    if note is None:
        assert pd.isna(nuspec_note)
    else:
        assert note in nuspec_note


def test_nested_and_external_kinds(tmp_path: Path) -> None:
    members = module(
        "App",
        "1.0.0",
        NestedModules="@('Helpers', 'Sub\\Inner.psm1', 'Contoso.Shared')",
        PrivateData="@{ PSData = @{ ExternalModuleDependencies = @('ActiveDirectory') } }",
    )
    members["App/Helpers.psm1"] = "function H { }"
    members["App/Sub/Inner.psm1"] = "function I { }"
    frame = table(tmp_path, members, module("Contoso.Shared", "1.0.0"))
    assert rows(frame, "dependency", "kind", "status") == [
        ["Contoso.Shared", "nested", "ok"],
        ["ActiveDirectory", "external", "external"],
    ]


def test_nested_module_files_are_never_dependencies(tmp_path: Path) -> None:
    # Missing files are AM107's business; '.\\Helpers.Extension' is not a module called Helpers.
    members = module(
        "Own", "1.0.0", NestedModules="@('.\\Own.Extension', 'Missing.dll', 'Sub\\Gone.psm1', 'Other.Module')"
    )
    frame = table(tmp_path, members, module("Other.Module", "1.0.0"))
    assert rows(frame, "dependency", "kind", "status") == [["Other.Module", "nested", "ok"]]


def test_a_single_package_resolves_against_itself(tmp_path: Path) -> None:
    members = {
        **module("Pair", "1.0.0", versioned=True),
        **module("Pair", "2.0.0", versioned=True, RequiredModules=requires(spec("Pair", RequiredVersion="1.0.0"))),
    }
    with amkit.open_package(write_zip(tmp_path / "Pair.zip", members)) as package:
        frame = amkit.dependencies(package)
    assert rows(frame, "module", "version", "dependency", "resolved_version", "status") == [
        ["Pair", "2.0.0", "Pair", "1.0.0", "ok"]
    ]


@pytest.fixture
def layered(tmp_path: Path) -> amkit.Inventory:
    return amkit.scan(
        shelf(
            tmp_path,
            module("Base", "1.0.0"),
            module("Mid", "1.0.0", RequiredModules=requires("'Base'")),
            module("Mid", "2.0.0", RequiredModules=requires("'Base'")),
            module("Top", "1.0.0", RequiredModules=requires("'Mid'")),
            module("Side", "1.0.0", RequiredModules=requires("'Base'", "'Top'")),
            module("Other", "1.0.0"),
        ),
        progress=False,
    )


def test_reverse_dependencies_direct_and_transitive(layered: amkit.Inventory) -> None:
    frame = amkit.reverse_dependencies(layered, "base")
    assert list(frame.columns) == ["module", "version", "depth", "dependency", "kind", "status", "path", "source"]
    assert frame.dtypes["depth"] == "int64"
    assert rows(frame, "module", "version", "depth", "dependency", "path") == [
        ["Mid", "1.0.0", 1, "Base", "Mid -> base"],
        ["Mid", "2.0.0", 1, "Base", "Mid -> base"],
        ["Side", "1.0.0", 1, "Base", "Side -> base"],
        ["Top", "1.0.0", 2, "Mid", "Top -> Mid -> base"],
    ]
    assert amkit.reverse_dependencies(layered, "Other").empty
    assert rows(amkit.reverse_dependencies(layered, "Top"), "module", "depth") == [["Side", 1]]


def test_reverse_dependencies_of_a_cycle_end(tmp_path: Path) -> None:
    inventory = amkit.scan(
        shelf(
            tmp_path,
            module("Ping", "1.0.0", RequiredModules=requires("'Pong'")),
            module("Pong", "1.0.0", RequiredModules=requires("'Ping'")),
            module("User", "1.0.0", RequiredModules=requires("'Ping'")),
        ),
        progress=False,
    )
    assert rows(amkit.reverse_dependencies(inventory, "Ping"), "module", "depth", "status") == [
        ["Pong", 1, "cycle"],
        ["User", 1, "ok"],
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not beside the checkout ({CORPUS})")
def test_real_azure_stack_manifests_need_az_accounts(tmp_path: Path) -> None:
    root = tmp_path / "modules"
    for manifest in sorted(CORPUS.glob("Azs.*-1.0.1.psd1")):
        name, version = manifest.stem.rsplit("-", 1)
        target = root / name / version / f"{name}.psd1"
        target.parent.mkdir(parents=True)
        shutil.copyfile(manifest, target)
    frame = amkit.dependencies(amkit.scan(root, progress=False))
    assert set(frame["dependency"]) == {"Az.Accounts", "Az.Resources"}
    assert set(frame["status"]) == {"missing"}
    accounts = frame[frame["dependency"] == "Az.Accounts"]
    with open(CORPUS / "expected.csv", newline="", encoding="utf-8") as handle:
        expected = {
            row["file"].rsplit("-", 1)[0]
            for row in csv.DictReader(handle)
            if row["file"].startswith("Azs.")
            and row["file"].endswith("-1.0.1.psd1")
            and "Az.Accounts[" in row["RequiredModules"]
        }
    assert set(accounts["module"]) == expected
    assert len(expected) == 12
    assert set(accounts["required_version"].dropna()) == {"2.2.8"}
    assert set(accounts["min_version"].dropna()) == {"2.2.8"}  # Azs.Deployment.Admin asks for a minimum
