"""Scanning many packages into one inventory: what is found, what each record holds, and unreadable input."""

from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from packages import guid_of, module, requires, spec, write_folder, write_zip

import amkit
from amkit.deps.finding import find_packages
from amkit.deps.inventory import INVENTORY_COLUMNS

NUSPEC = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Gallery.Tool</id>
    <version>3.1.0</version>
    <authors>Contoso</authors>
    <dependencies>
      <dependency id="Az.Accounts" version="2.7.0" />
      <dependency id="Contoso.Core" version="[1.0,2.0]" />
      <dependency id="Extra.Thing" version="[1.0]" />
    </dependencies>
  </metadata>
</package>
"""


def gallery_nupkg(path: Path) -> Path:
    members = module(
        "Gallery.Tool",
        "3.1.0",
        functions=("Get-GalleryThing",),
        RequiredModules=requires(
            spec("Az.Accounts", RequiredVersion="2.7.0"),
            spec("Contoso.Core", ModuleVersion="1.0", MaximumVersion="1.5"),
            "'Left.Out'",
        ),
    )
    flat = {name.split("/", 1)[1]: content for name, content in members.items()}
    return write_zip(path, {"Gallery.Tool.nuspec": NUSPEC, "[Content_Types].xml": "<Types/>", **flat})


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A folder as people keep modules: zips, a nupkg, module folders, a folder of modules, and junk."""
    root = tmp_path / "shelf"
    write_zip(root / "Az.Accounts.zip", module("Az.Accounts", "2.7.0", functions=("Connect-AzAccount",)))
    write_zip(
        root / "Contoso.Core.zip",
        {
            **module("Contoso.Core", "1.0.0", versioned=True),
            **module("Contoso.Core", "1.5.0", versioned=True, functions=("Get-ContosoThing",)),
        },
    )
    gallery_nupkg(root / "gallery.tool.3.1.0.nupkg")
    write_folder(root / "src", module("Folder.Module", "0.3.0"))
    write_folder(root / "team" / "more", module("Deep.Module", "1.0.0", versioned=True))
    (root / "Broken.zip").write_bytes(b"this is not a zip")
    (root / "readme.txt").write_text("not a package")
    write_folder(root / ".git" / "objects", module("Hidden.Module", "1.0.0"))
    return root


def test_a_folder_of_packages(shelf: Path) -> None:
    inventory = amkit.scan(shelf, progress=False)
    frame = inventory.modules
    assert list(frame.columns) == INVENTORY_COLUMNS
    assert frame[["name", "version", "error"]].astype(object).where(frame.notna(), None).values.tolist() == [
        ["Az.Accounts", "2.7.0", None],
        ["Broken", None, frame.loc[1, "error"]],
        ["Contoso.Core", "1.0.0", None],
        ["Contoso.Core", "1.5.0", None],
        ["Deep.Module", "1.0.0", None],
        ["Folder.Module", "0.3.0", None],
        ["Gallery.Tool", "3.1.0", None],
    ]
    assert "Broken.zip" in frame.loc[1, "error"]
    assert list(frame["commands"]) == [1, 0, 0, 1, 0, 0, 1]
    assert frame["guid"][0] == guid_of("Az.Accounts")
    assert set(frame["module_type"].dropna()) == {"Script"}
    assert (frame["size"][frame["error"].isna()] > 0).all()
    assert frame["source"][6].endswith("gallery.tool.3.1.0.nupkg")
    assert frame.dtypes["prerelease"] == "boolean"
    assert frame.dtypes["commands"] == "int64"
    assert repr(inventory) == "<Inventory 5 modules, 6 versions, 1 unreadable>"


def test_what_a_folder_stands_for(shelf: Path) -> None:
    found = [path.relative_to(shelf).as_posix() for path in find_packages(shelf)]
    assert found == [
        "Az.Accounts.zip",
        "Broken.zip",
        "Contoso.Core.zip",
        "gallery.tool.3.1.0.nupkg",
        "src/Folder.Module",
        "team/more/Deep.Module",
    ]
    assert find_packages(shelf / "src") == [shelf / "src" / "Folder.Module"]
    assert find_packages(shelf / "src" / "Folder.Module") == [shelf / "src" / "Folder.Module"]
    assert find_packages(shelf / "Az.Accounts.zip") == [shelf / "Az.Accounts.zip"]
    assert find_packages(shelf / "team" / "more" / "Deep.Module") == [shelf / "team" / "more" / "Deep.Module"]
    assert find_packages(shelf / "src" / "Folder.Module" / "Folder.Module.psm1") == [
        shelf / "src" / "Folder.Module" / "Folder.Module.psm1"
    ]


def test_a_link_that_loops_hides_no_package(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    members = module("Looped", "1.0.0")
    write_folder(mirror / "Looped" / "1.0.0", {name.split("/", 1)[1]: text for name, text in members.items()})
    (mirror / "Looped" / "2.0").symlink_to("2.0")  # named like a version folder
    (mirror / "a-loop").symlink_to("a-loop")
    write_zip(mirror / "Next.zip", module("Next", "2.0.0"))
    assert find_packages(mirror) == [mirror / "Looped", mirror / "Next.zip", mirror / "a-loop"]
    inventory = amkit.scan(mirror, progress=False)  # each is listed: the link a package holds is refused with it
    assert [(record.label, record.error is None) for record in inventory] == [
        ("Looped", False),
        ("Next 2.0.0", True),
        ("a-loop", False),
    ]
    assert "refusing symlink '2.0'" in str(inventory.records[0].error)


def test_several_paths_and_a_missing_one(shelf: Path, tmp_path: Path) -> None:
    inventory = amkit.scan(
        [shelf / "Az.Accounts.zip", shelf / "src" / "Folder.Module", tmp_path / "gone.zip"], progress=False
    )
    assert [(record.name, str(record.version)) for record in inventory] == [
        ("Az.Accounts", "2.7.0"),
        ("Folder.Module", "0.3.0"),
        ("gone", "None"),
    ]
    assert inventory.records[2].error == f"{tmp_path / 'gone.zip'}: no such file or folder"
    assert not inventory.records[2].usable
    assert "gone" not in inventory


def test_an_unreadable_manifest_keeps_the_other_versions(tmp_path: Path) -> None:
    members = {
        **module("Two", "1.0.0", versioned=True),
        "Two/2.0.0/Two.psd1": "@{ ModuleVersion = '2.0.0'; x = (Get-Date) }",
    }
    inventory = amkit.scan(write_zip(tmp_path / "Two.zip", members), progress=False)
    good, bad = inventory.records
    assert (good.usable, str(good.version)) == (True, "1.0.0")
    assert (bad.usable, str(bad.version)) == (False, "2.0.0")
    assert "Two.psd1" in str(bad.error)
    assert [str(record.version) for record in inventory.versions("two")] == ["1.0.0"]


def test_progress_goes_to_stderr_only_when_asked(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    amkit.scan(shelf, progress=False)
    assert capsys.readouterr() == ("", "")
    amkit.scan(shelf, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "scanning" in captured.err


def test_versions_and_the_best_one(tmp_path: Path) -> None:
    members = {}
    for version in ("1.0.0", "1.10.0", "1.9.0", "2.0.0-beta"):
        members.update(module("Tool", version, versioned=True))
    inventory = amkit.scan(write_zip(tmp_path / "Tool.zip", members), progress=False)
    assert [str(record.version) for record in inventory.versions("TOOL")] == ["1.0.0", "1.9.0", "1.10.0", "2.0.0-beta"]
    best = inventory.best("Tool")
    assert best is not None and str(best.version) == "1.10.0"  # a release before a higher prerelease
    exact = amkit.deps.plan.target_requirement("Tool==2.0.0")
    chosen = inventory.best("Tool", [exact])
    assert chosen is not None and str(chosen.version) == "2.0.0-beta"  # only the prerelease satisfies
    assert inventory.best("Nothing") is None
    assert inventory.names == ("Tool",)


def test_requirements_of_a_manifest(tmp_path: Path) -> None:
    members = module(
        "Needy",
        "1.0.0",
        RequiredModules=requires("'Az.Accounts'", spec("Contoso.Core", ModuleVersion="1.2", MaximumVersion="1.*")),
        NestedModules="@('Private\\Helpers.psm1', 'Helpers2', 'SqlServer')",
        PrivateData="@{ PSData = @{ ExternalModuleDependencies = @('SqlServer', 'ActiveDirectory') } }",
    )
    members["Needy/Private/Helpers.psm1"] = "function Helper { }"
    members["Needy/Helpers2.psm1"] = "function Helper2 { }"
    (record,) = amkit.scan(write_zip(tmp_path / "Needy.zip", members), progress=False)
    assert [(item.name, item.kind, item.provided_outside) for item in record.requirements] == [
        ("Az.Accounts", "required", False),
        ("Contoso.Core", "required", False),
        ("SqlServer", "nested", True),
        ("ActiveDirectory", "external", True),
    ]
    core = record.requirements[1]
    assert (core.min_version, core.required_version, core.max_version, core.semantics) == (
        "1.2",
        None,
        "1.*",
        "PowerShell",
    )
    assert core.written == "Contoso.Core[ModuleVersion=1.2;MaximumVersion=1.*]"


def test_requirements_of_a_nupkg_with_its_nuspec(tmp_path: Path) -> None:
    (record,) = amkit.scan(gallery_nupkg(tmp_path / "gallery.tool.3.1.0.nupkg"), progress=False)
    rows = [(item.name, item.kind, item.semantics, item.note) for item in record.requirements]
    assert rows == [
        ("Az.Accounts", "required", "PowerShell", None),
        ("Contoso.Core", "required", "PowerShell", None),
        ("Left.Out", "required", "PowerShell", "not in the nuspec"),
        (
            "Az.Accounts",
            "nuspec",
            "NuGet",
            "the manifest requires exactly 2.7.0 (RequiredVersion) but the nuspec range '2.7.0' accepts other versions",
        ),
        ("Contoso.Core", "nuspec", "NuGet", "the manifest's maximum is 1.5 but the nuspec's is 2.0"),
        (
            "Extra.Thing",
            "nuspec",
            "NuGet",
            "the nuspec requires this module but the manifest's RequiredModules does not",
        ),
    ]
    core = record.requirements[4]
    assert (core.min_version, core.max_version, core.required_version) == ("1.0", "2.0", None)
    assert record.requirements[5].required_version == "1.0"


class _DictPickler(pickle.Pickler):
    """Pickles records, requirements, specifications and ranges with a dict of fields, as before they had slots."""

    def reducer_override(self, obj: object) -> object:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return (
                copyreg.__newobj__,
                (type(obj),),
                {field.name: getattr(obj, field.name) for field in dataclasses.fields(obj)},
            )
        return NotImplemented


def test_records_pickled_with_or_without_slots_read_back_the_same(tmp_path: Path) -> None:
    records = amkit.scan(gallery_nupkg(tmp_path / "gallery.tool.3.1.0.nupkg"), progress=False).records
    assert any(item.range is not None for item in records[0].requirements)  # a NuGet range among them
    old = io.BytesIO()
    _DictPickler(old).dump(records)
    for restored in (pickle.loads(old.getvalue()), pickle.loads(pickle.dumps(records))):
        assert restored == records
        assert [item.to_data() for item in restored] == [item.to_data() for item in records]
        assert [hash(item) for item in restored[0].requirements] == [hash(item) for item in records[0].requirements]


def test_requirements_read_back_whatever_their_specification_holds() -> None:
    """What a damaged cache may hold is read as it is, never mistaken for an equal value of another type."""
    base = {"name": "A", "kind": "required", "written": "A", "range": None, "provided_outside": False, "note": None}
    versions = [
        amkit.Requirement.from_data({**base, "spec": {"ModuleName": "A", "ModuleVersion": value}}).spec
        for value in ("1.0", 1, 1.0, ["1.0"])
    ]
    assert [(spec.version, bool(spec.problems)) for spec in versions if spec is not None] == [
        ("1.0", False),
        ("1", True),
        ("1.0", False),
        ("['1.0']", True),
    ]
    names = [amkit.Requirement.from_data({**base, "spec": value}).spec for value in (True, 1.0, "A")]
    assert [spec.name for spec in names if spec is not None] == ["True", "1.0", "A"]


def test_the_best_version_passes_over_any_collection_of_excluded_ones() -> None:
    inventory = amkit.Inventory([amkit.ModuleRecord("A", amkit.PSVersion(text)) for text in ("1.0", "2.0")])
    for excluded in ((), set(), np.array([], dtype=object), pd.Index([], dtype=object)):
        assert str(getattr(inventory.best("A", excluded=excluded), "version", None)) == "2.0"
    for excluded in ({amkit.PSVersion("2.0")}, np.array([amkit.PSVersion("2.0")]), pd.Index([amkit.PSVersion("2.0")])):
        assert str(getattr(inventory.best("A", excluded=excluded), "version", None)) == "1.0"


def test_records_and_inventories_from_code() -> None:
    records = [
        amkit.ModuleRecord("A", amkit.PSVersion("1.0")),
        amkit.ModuleRecord("a", amkit.PSVersion("2.0")),
        amkit.ModuleRecord("B", None, error="unreadable"),
    ]
    inventory = amkit.Inventory(records)
    assert len(inventory) == 3
    assert inventory.names == ("A",)
    assert [str(item.version) for item in inventory.versions("A")] == ["1.0", "2.0"]
    assert isinstance(inventory.modules, pd.DataFrame)
    assert amkit.deps.scanning.as_inventory(inventory) is inventory
    with pytest.raises(TypeError, match="expected an Inventory"):
        amkit.deps.scanning.as_inventory(42)
    with pytest.raises(TypeError, match="scan takes a path or paths, not int"):
        amkit.scan(42)  # type: ignore[arg-type]


def test_the_modules_table_marks_nothing_as_na_as_every_amkit_table_does(tmp_path: Path) -> None:
    frame = amkit.scan(amkit.samples.build(tmp_path).values(), progress=False).modules
    text = ["name", "version", "module_type", "guid", "source", "error"]
    assert all(str(frame[column].dtype) == "string" for column in text)
    assert frame["error"].isna().all() and frame["error"][0] is pd.NA
