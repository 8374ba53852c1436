"""Opening packages in all three forms and both layouts, through the public API."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from packages import SCRIPT, manifest, write_folder, write_zip

import amkit

EXPORTS = "FunctionsToExport = @('Get-Thing', 'Set-Thing')\n"


def versioned_members() -> dict[str, str | bytes]:
    return {
        "TestModule/1.0.0/TestModule.psd1": manifest("1.0.0", FunctionsToExport="@('Get-Thing')"),
        "TestModule/1.0.0/TestModule.psm1": SCRIPT,
        "TestModule/2.0.0/TestModule.psd1": manifest("2.0.0", FunctionsToExport="@('Get-Thing', 'Set-Thing')"),
        "TestModule/2.0.0/TestModule.psm1": SCRIPT,
    }


def flat_members(version: str = "1.5.0") -> dict[str, str | bytes]:
    return {
        "TestModule/TestModule.psd1": manifest(version, FunctionsToExport="'*-Thing'"),
        "TestModule/TestModule.psm1": SCRIPT,
    }


def test_zip_with_version_folders(tmp_path: Path) -> None:
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", versioned_members()))
    assert package.name == "TestModule"
    assert package.kind == "zip"
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    assert package.latest.version == "2.0.0"
    assert package.latest.folder == "TestModule/2.0.0"
    assert package.versioned
    assert package.problems == ()
    assert package.manifest_of("1.0.0").module_version == "1.0.0"
    assert list(package["1.0.0"].commands["name"]) == ["Get-Thing"]
    assert list(package.latest.commands["name"]) == ["Get-Thing", "Set-Thing"]


def test_files_frame(tmp_path: Path) -> None:
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", versioned_members()))
    files = package.files
    assert list(files.columns) == ["path", "version", "size", "compressed_size", "path_length"]
    assert list(files["path"]) == sorted(versioned_members(), key=str.casefold)
    first = files.iloc[0]
    assert first["version"] == "1.0.0"
    assert first["size"] == len(versioned_members()[first["path"]])
    assert first["path_length"] == len(first["path"])
    assert (files["compressed_size"] > 0).all()
    assert list(package["2.0.0"].files["path"]) == [
        "TestModule/2.0.0/TestModule.psd1",
        "TestModule/2.0.0/TestModule.psm1",
    ]


def test_zip_without_version_folders(tmp_path: Path) -> None:
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", flat_members()))
    assert [str(version.version) for version in package.versions] == ["1.5.0"]
    version = package.latest
    assert version.folder == "TestModule"
    assert version.folder_version is None
    assert version.module_type == "Script"
    assert not package.versioned
    # '*-Thing' keeps both public functions and drops Private-Helper.
    assert list(version.commands["name"]) == ["Get-Thing", "Set-Thing"]


@pytest.mark.parametrize("layout", ["versioned", "flat"])
def test_module_folder_on_disk(tmp_path: Path, layout: str) -> None:
    members = versioned_members() if layout == "versioned" else flat_members()
    write_folder(tmp_path, members)
    package = amkit.open_package(tmp_path / "TestModule")
    assert package.kind == "folder"
    assert package.name == "TestModule"
    expected = ["1.0.0", "2.0.0"] if layout == "versioned" else ["1.5.0"]
    assert [str(version.version) for version in package.versions] == expected
    # Inside a folder the paths are relative to it; Automation's path adds the module folder.
    files = package.files
    assert all(not path.startswith("TestModule/") for path in files["path"])
    assert list(files["path_length"]) == [len("TestModule/" + path) for path in files["path"]]


NUSPEC = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>TestModule</id>
    <version>3.1.0</version>
    <authors>Contoso</authors>
    <description>A test module.</description>
    <tags>PSModule PSFunction_Get-Thing</tags>
    <dependencies>
      <dependency id="Az.Accounts" version="[2.7.0, )" />
      <dependency id="PackageManagement" version="[1.4.8.1]" />
    </dependencies>
  </metadata>
</package>
"""


def test_gallery_nupkg(tmp_path: Path) -> None:
    members = {
        "_rels/.rels": "<Relationships/>",
        "TestModule.nuspec": NUSPEC,
        "TestModule.psd1": manifest(
            "3.1.0",
            FunctionsToExport="'Get-Thing'",
            RequiredModules="@(@{ModuleName='Az.Accounts'; ModuleVersion='2.7.0'})",
        ),
        "TestModule.psm1": SCRIPT,
        "[Content_Types].xml": "<Types/>",
        "package/services/metadata/core-properties/abc.psmdcp": "<coreProperties/>",
        ".signature.p7s": b"0\x82 the Gallery's signature",
    }
    package = amkit.open_package(write_zip(tmp_path / "testmodule.3.1.0.nupkg", members))
    assert package.kind == "nupkg"
    assert package.name == "TestModule"
    assert [str(version.version) for version in package.versions] == ["3.1.0"]
    assert package.latest.folder == ""
    assert list(package.latest.commands["name"]) == ["Get-Thing"]
    dependencies = package.nuspec.dependencies
    assert [(dep.id, dep.range.minimum, dep.range.maximum, dep.range.is_exact) for dep in dependencies] == [
        ("Az.Accounts", "2.7.0", None, False),
        ("PackageManagement", "1.4.8.1", "1.4.8.1", True),
    ]
    files = package.files.set_index("path")
    for bookkeeping in ("TestModule.nuspec", ".signature.p7s", "_rels/.rels", "[Content_Types].xml"):
        assert pd.isna(files.loc[bookkeeping, "version"])
    assert files.loc["TestModule.psm1", "version"] == "3.1.0"
    assert files.loc["TestModule.psm1", "path_length"] == len("TestModule/TestModule.psm1")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_nuspec_with_a_doctype_is_refused_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    # A byte search for "<!DOCTYPE" misses it in UTF-16; the parser stops at the declaration itself.
    doctype = '<!DOCTYPE package [<!ENTITY id "TestModule">]>\n<package'
    nuspec = NUSPEC.replace("utf-8", encoding).replace("<package", doctype, 1).replace(">TestModule<", ">&id;<")
    path = write_zip(tmp_path / "testmodule.3.1.0.nupkg", {"TestModule.nuspec": nuspec.encode(encoding)})
    with pytest.raises(
        amkit.PackageError, match=r"testmodule\.3\.1\.0\.nupkg!TestModule\.nuspec: .*declares a DOCTYPE"
    ):
        amkit.open_package(path)


def test_malformed_nuspec_is_refused_where_it_breaks(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "testmodule.3.1.0.nupkg", {"TestModule.nuspec": NUSPEC.replace("</id>", "</idd>")})
    with pytest.raises(amkit.PackageError, match=r"the nuspec is not well-formed XML: mismatched tag") as caught:
        amkit.open_package(path)
    assert (caught.value.line, caught.value.column) == (4, 21)  # expat points at the name in </idd>


def test_nupkg_without_nuspec_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "x.1.0.0.nupkg", {"TestModule.psd1": manifest("1.0.0")})
    with pytest.raises(amkit.PackageError, match=r"exactly one <Name>\.nuspec"):
        amkit.open_package(path)


def test_bad_manifest_does_not_hide_other_versions(tmp_path: Path) -> None:
    members = versioned_members()
    members["TestModule/1.0.0/TestModule.psd1"] = "@{\n    ModuleVersion = '1.0.0'\n    Author = Get-Content x\n}\n"
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    broken = package["1.0.0"]
    assert isinstance(broken.error, amkit.DataFileError)
    assert broken.error.line == 3
    assert broken.error.file.endswith("TestModule.zip!TestModule/1.0.0/TestModule.psd1")
    with pytest.raises(amkit.DataFileError, match="command Get-Content"):
        _ = broken.manifest
    assert package.latest.error is None
    assert list(package.latest.commands["name"]) == ["Get-Thing", "Set-Thing"]


def test_version_folder_that_disagrees_with_its_manifest_is_kept_and_flagged(
    tmp_path: Path,
) -> None:
    members = versioned_members()
    members["TestModule/2.0.0/TestModule.psd1"] = manifest("2.0.1")
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    assert package.latest.version_mismatch
    assert package.latest.declared_version == "2.0.1"
    assert not package["1.0.0"].version_mismatch


def test_prerelease_orders_below_its_release(tmp_path: Path) -> None:
    prerelease = "@{ PSData = @{ Prerelease = 'beta2' } }"
    members = {
        "TestModule/2.0.0/TestModule.psd1": manifest("2.0.0", PrivateData=prerelease),
        "TestModule/1.9.9/TestModule.psd1": manifest("1.9.9"),
        "TestModule/2.0.0.0/TestModule.psd1": manifest("2.0.0.0"),
    }
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == [
        "1.9.9",
        "2.0.0-beta2",
        "2.0.0.0",
    ]
    assert package.latest.version == "2.0.0.0"
    assert package["2.0.0"].version.prerelease == "beta2"


def test_unusable_prerelease_label_keeps_the_version(tmp_path: Path) -> None:
    members = {
        "TestModule/2.0.0/TestModule.psd1": manifest("2.0.0", PrivateData="@{ PSData = @{ Prerelease = 'beta_1' } }"),
        "TestModule/1.0.0/TestModule.psd1": manifest("1.0.0", PrivateData="@{ PSData = @{ Prerelease = 'beta_1' } }"),
    }
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    assert package.latest.manifest.prerelease == "beta_1"
    assert package.latest.manifest.version == "2.0.0"


def test_folder_named_like_a_version_without_manifest_is_not_a_version(tmp_path: Path) -> None:
    members = flat_members()
    members["TestModule/1.0.0/notes.txt"] = "old"
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == ["1.5.0"]
    assert any("TestModule/1.0.0/ is named like a version" in str(problem) for problem in package.problems)


def test_version_folders_mixed_with_loose_module_files_are_flagged(tmp_path: Path) -> None:
    members = versioned_members()
    members["TestModule/TestModule.psm1"] = SCRIPT
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    assert any("mixes version folders with loose module files" in str(problem) for problem in package.problems)


def test_files_beside_the_module_folder_are_flagged(tmp_path: Path) -> None:
    members = flat_members()
    members["readme.txt"] = "hi"
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert [str(problem) for problem in package.problems] == ["files beside the module folder TestModule/: readme.txt"]
    assert package.problems[0].kind == "files-beside"
    assert package.problems[0].paths == ("readme.txt",)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"TestModule.psd1": manifest("1.0.0")}, "holds no module folder"),
        ({"A/A.psd1": manifest("1.0.0"), "B/B.psd1": manifest("1.0.0")}, "2 top-level folders"),
        ({"TestModule/readme.txt": "x"}, "holds no TestModule.psd1, .psm1 or .dll"),
    ],
    ids=["no-folder", "two-folders", "no-module-files"],
)
def test_unusable_layouts_are_refused(tmp_path: Path, members: dict[str, str | bytes], message: str) -> None:
    with pytest.raises(amkit.PackageError, match=message):
        amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))


@pytest.mark.parametrize(
    ("root_module", "module_type"),
    [
        ("TestModule.psm1", "Script"),
        ("TestModule.dll", "Binary"),
        ("TestModule.cdxml", "CIM"),
        ("TestModule.xaml", "Workflow"),
        (None, "Manifest"),
    ],
)
def test_module_type_follows_the_root_module(tmp_path: Path, root_module: str | None, module_type: str) -> None:
    members = {"TestModule/TestModule.psd1": manifest("1.0.0", root_module=root_module)}
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert package.latest.module_type == module_type


def test_module_without_manifest_is_version_zero(tmp_path: Path) -> None:
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", {"TestModule/TestModule.psm1": SCRIPT}))
    version = package.latest
    assert version.manifest is None
    assert version.version == "0.0"
    assert version.module_type == "Script"
    assert list(version.commands["name"]) == ["Get-Thing", "Private-Helper", "Set-Thing"]


def test_root_module_path_is_resolved_like_windows(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module=".\\Lib\\testmodule"),
        "TestModule/lib/TestModule.psm1": SCRIPT,
    }
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    assert package.latest.root_module_path == "TestModule/lib/TestModule.psm1"
    assert package.latest.resolve("..\\..\\etc\\passwd") is None


def test_connection_type_in_the_module_folder(tmp_path: Path) -> None:
    members = flat_members()
    members["TestModule/TestModule-Automation.json"] = (
        '{"ConnectionFields": [{"IsEncrypted": true, "IsOptional": false, "Name": "Key", "TypeName": "System.String"}],'
        ' "ConnectionTypeName": "TestConnection", "IntegrationModuleName": "TestModule"}'
    ).encode("utf-16")
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    connection_type = package.connection_type
    assert connection_type.name == "TestConnection"
    assert connection_type.fields == (amkit.ConnectionField("Key", "System.String", True, False),)


def test_malformed_connection_type_raises_a_typed_error(tmp_path: Path) -> None:
    members = flat_members()
    members["TestModule/TestModule-Automation.json"] = (
        '{"ConnectionTypeName": "X", "IntegrationModuleName": "Other", "ConnectionFields": []}'
    )
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    with pytest.raises(amkit.ConnectionTypeError, match="IntegrationModuleName is 'Other'"):
        _ = package.connection_type


def test_html_repr_escapes_package_content(tmp_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)>"
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0"),
        "TestModule/TestModule.psm1": f"function Get-X {{\n<#\n.SYNOPSIS\n{evil}\n#>\nparam()\n}}\n",
        f"TestModule/{evil}.txt": "x",
    }
    package = amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))
    for html in (package._repr_html_(), package.latest._repr_html_()):
        assert evil not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in package.latest._repr_html_()


def test_amkit_html_is_left_alone_by_mathjax(tmp_path: Path) -> None:
    """Jupyter typesets $...$ in HTML as mathematics; package text like $script:x must stay text."""
    package = amkit.open_package(amkit.samples.build(tmp_path, ["SideBySide"])["SideBySide"])
    for html in (package._repr_html_(), package.latest._repr_html_(), amkit.check(package)._repr_html_()):
        assert "<div class='amkit-box tex2jax_ignore mathjax_ignore'>" in html


def test_version_folder_manifests_are_found_as_windows_finds_files() -> None:
    from amkit.package.layout import find_layout

    # Names equal ignoring case: the first by name, as in a flat module folder.
    layout = find_layout("Straße", ["Straße/1.0/STRASSE.psd1", "Straße/1.0/Straße.psd1"], root="Straße")
    assert [folder.manifest for folder in layout.folders] == ["Straße/1.0/STRASSE.psd1"]
    layout = find_layout("Straße", ["Straße/1.0/Straße.psd1", "Straße/1.0/STRASSE.psd1"], root="Straße")
    assert [folder.manifest for folder in layout.folders] == ["Straße/1.0/STRASSE.psd1"]
    # A name holding "/" (a nuspec id written by hand) names no file of a version folder.
    with pytest.raises(amkit.LayoutError, match="no module to load"):
        find_layout("Sub/Mod", ["1.0.0/Sub/Mod.psd1"])
