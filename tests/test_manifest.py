"""Manifest keys as PowerShell reads them: dependency specifications, export lists, PSData, and Automation files."""

from __future__ import annotations

from pathlib import Path

import pytest
from packages import manifest, write_zip

import amkit

CORE_GUID = "d9a4c334-3bd4-4fa2-80c0-e1d661854ed8"


def read(text: str) -> amkit.Manifest:
    return amkit.Manifest.read(text)


def spec(entry: str) -> amkit.ModuleSpec:
    (only,) = read(f"@{{ ModuleVersion = '1.0'; RequiredModules = @({entry}) }}").required_modules
    return only


# RequiredModules in every form, read from a real package ----------------------------------------

REQUIRED = """@(
        'Az.Accounts',
        @{ ModuleName = 'Az.Storage'; ModuleVersion = '5.0.0' },
        @{ ModuleName = 'Az.KeyVault'; RequiredVersion = '4.9.1' },
        @{ ModuleName = 'Az.Network'; ModuleVersion = '5.0'; MaximumVersion = '5.*' },
        @{ ModuleName = 'ContosoCore'; ModuleVersion = '1.2.0'; GUID = '{D9A4C334-3BD4-4FA2-80C0-E1D661854ED8}' },
        @{ moduleName = 'Lower.Case.Keys'; moduleversion = '1.0' },
        '.\\Modules\\Helper.psd1'
    )"""


@pytest.fixture
def required(tmp_path: Path) -> tuple[amkit.ModuleSpec, ...]:
    members = {"TestModule/TestModule.psd1": manifest("1.0.0", RequiredModules=REQUIRED)}
    with amkit.open_package(write_zip(tmp_path / "TestModule.zip", members)) as package:
        return package.latest.manifest.required_modules


def test_required_modules_in_every_written_form(required: tuple[amkit.ModuleSpec, ...]) -> None:
    assert [(s.name, s.version, s.required_version, s.maximum_version, s.guid, s.path) for s in required] == [
        ("Az.Accounts", None, None, None, None, None),
        ("Az.Storage", "5.0.0", None, None, None, None),
        ("Az.KeyVault", None, "4.9.1", None, None, None),
        ("Az.Network", "5.0", None, "5.*", None, None),
        ("ContosoCore", "1.2.0", None, None, "{D9A4C334-3BD4-4FA2-80C0-E1D661854ED8}", None),
        ("Lower.Case.Keys", "1.0", None, None, None, None),
        ("Helper", None, None, None, None, "Modules/Helper.psd1"),
    ]
    assert [s.written for s in required] == [
        "Az.Accounts",
        "Az.Storage[ModuleVersion=5.0.0]",
        "Az.KeyVault[RequiredVersion=4.9.1]",
        "Az.Network[ModuleVersion=5.0;MaximumVersion=5.*]",
        "ContosoCore[ModuleVersion=1.2.0;GUID={D9A4C334-3BD4-4FA2-80C0-E1D661854ED8}]",
        "Lower.Case.Keys[ModuleVersion=1.0]",
        ".\\Modules\\Helper.psd1",
    ]
    assert all(s.problems == () for s in required)


def test_required_modules_single_string_and_empty_forms() -> None:
    assert [s.name for s in read("@{ RequiredModules = 'Az.Accounts' }").required_modules] == ["Az.Accounts"]
    assert read("@{ RequiredModules = @() }").required_modules == ()
    assert read("@{ ModuleVersion = '1.0' }").required_modules == ()


# ModuleSpec.accepts: ModuleIntrinsics.IsVersionMatchingConstraints ------------------------------


@pytest.mark.parametrize(
    ("entry", "accepted", "refused"),
    [
        ("'Az.Accounts'", ["0.0", "1.0", "99.1.2.3"], []),
        ("@{ModuleName='M'; ModuleVersion='2.1'}", ["2.1", "2.1.0", "2.2", "10.0"], ["2.0.9", "1.99"]),
        ("@{ModuleName='M'; ModuleVersion='2.1.0'}", ["2.1.0", "2.1.0.0", "2.1.1"], ["2.1", "2.0.99"]),
        ("@{ModuleName='M'; RequiredVersion='4.9.1'}", ["4.9.1", "4.9.1-preview"], ["4.9.1.0", "4.9", "4.9.2"]),
        ("@{ModuleName='M'; MaximumVersion='1.5'}", ["0.1", "1.5", "1.4.9"], ["1.5.0", "1.6"]),
        ("@{ModuleName='M'; MaximumVersion='1.*'}", ["1.0", "1.999.1", "1.999999999.999999999"], ["2.0", "2.0.0.0"]),
        ("@{ModuleName='M'; MaximumVersion='1.2.*'}", ["1.2", "1.2.99.99"], ["1.3", "1.3.0"]),
        ("@{ModuleName='M'; ModuleVersion='1.1'; MaximumVersion='1.*'}", ["1.1", "1.9"], ["1.0.5", "2.0"]),
    ],
    ids=["name-only", "minimum", "minimum-3-part", "exact", "maximum", "maximum-star", "maximum-2-star", "range"],
)
def test_spec_accepts(entry: str, accepted: list[str], refused: list[str]) -> None:
    module = spec(entry)
    assert module.problems == ()
    assert [version for version in accepted if not module.accepts(version)] == []
    assert [version for version in refused if module.accepts(version)] == []


def test_required_version_overrides_and_is_exact() -> None:
    module = spec("@{ModuleName='M'; RequiredVersion='2.0.0'}")
    assert module.exact == "2.0.0"
    assert module.minimum is None and module.maximum is None
    assert module.accepts(amkit.PSVersion("2.0.0"))
    assert not module.accepts("2.0")  # System.Version.Equals: 2.0 is not 2.0.0


def test_maximum_version_wildcard_is_padded_as_powershell_pads_it() -> None:
    assert spec("@{ModuleName='M'; MaximumVersion='1.*'}").maximum == "1.999999999.999999999.999999999"
    assert spec("@{ModuleName='M'; MaximumVersion='1.2.*'}").maximum == "1.2.999999999.999999999"
    assert spec("@{ModuleName='M'; MaximumVersion='3.0'}").maximum == "3.0"


def test_guid_must_match_ignoring_case_and_braces() -> None:
    module = spec(f"@{{ModuleName='ContosoCore'; ModuleVersion='1.0'; GUID='{{{CORE_GUID.upper()}}}'}}")
    assert module.accepts("1.2.0", CORE_GUID)
    assert module.accepts("1.2.0", f"({CORE_GUID})")
    assert module.accepts("1.2.0", CORE_GUID.replace("-", ""))
    assert not module.accepts("1.2.0", "51637e86-a411-48b9-9898-58c083153505")
    assert module.accepts("1.2.0")  # candidate GUID unknown: not checked
    assert not module.accepts("0.9", CORE_GUID)


def test_unparsable_candidate_is_refused() -> None:
    assert not spec("'Az.Accounts'").accepts("not a version")


# ModuleSpec problems: ModuleSpecification.ModuleSpecificationInitHelper ---------------------------


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("@{ModuleVersion='1.0'}", "a module specification hashtable without ModuleName"),
        ("@{ModuleName='M'}", "M: give ModuleVersion, RequiredVersion or MaximumVersion"),
        ("@{ModuleName='M'; GUID='" + CORE_GUID + "'}", "M: give ModuleVersion, RequiredVersion or MaximumVersion"),
        (
            "@{ModuleName='M'; ModuleVersion='1.0'; RequiredVersion='1.0'}",
            "M: RequiredVersion cannot be combined with ModuleVersion or MaximumVersion",
        ),
        (
            "@{ModuleName='M'; RequiredVersion='1.0'; MaximumVersion='2.0'}",
            "M: RequiredVersion cannot be combined with ModuleVersion or MaximumVersion",
        ),
        ("@{ModuleName='M'; ModuleVersion='1.0'; MinimumVersion='1.0'}", "unknown key(s) MinimumVersion"),
        ("@{ModuleName='M'; ModuleVersion='1..0'}", "M: ModuleVersion '1..0' is not a version"),
        ("@{ModuleName='M'; ModuleVersion='1.0.0-beta'}", "M: ModuleVersion '1.0.0-beta' is not a version"),
        ("@{ModuleName='M'; RequiredVersion='latest'}", "M: RequiredVersion 'latest' is not a version"),
        ("@{ModuleName='M'; MaximumVersion='1.*.3'}", "M: MaximumVersion '1.*.3' is not a version"),
        ("@{ModuleName='M'; ModuleVersion='1.0'; GUID='not-a-guid'}", "M: GUID 'not-a-guid' is not a GUID"),
    ],
    ids=[
        "no-name",
        "no-version",
        "guid-only",
        "required-and-minimum",
        "required-and-maximum",
        "unknown-key",
        "bad-minimum",
        "prerelease-minimum",
        "bad-required",
        "bad-maximum",
        "bad-guid",
    ],
)
def test_spec_problems(entry: str, problem: str) -> None:
    module = spec(entry)
    assert any(problem in found for found in module.problems), module.problems
    assert not module.accepts("1.0")  # PowerShell refuses the manifest, so nothing satisfies it


def test_module_version_with_maximum_version_is_allowed() -> None:
    assert spec("@{ModuleName='M'; ModuleVersion='1.0'; MaximumVersion='2.0'}").problems == ()


# Export lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "declared", "patterns", "restricts", "wildcards"),
    [
        (None, "absent", (), False, False),
        ("$null", "null", (), False, False),
        ("'*'", "wildcard", ("*",), True, True),
        ("@('*')", "list", ("*",), True, True),
        ("'Get-*'", "list", ("Get-*",), True, True),
        ("@()", "empty", (), True, False),
        ("''", "empty", (), True, False),
        ("@('Get-A', 'Set-A')", "list", ("Get-A", "Set-A"), True, False),
        ("'Get-A', 'Set-[AB]'", "list", ("Get-A", "Set-[AB]"), True, True),
    ],
)
def test_export_list_forms(
    written: str | None, declared: str, patterns: tuple[str, ...], restricts: bool, wildcards: bool
) -> None:
    body = "" if written is None else f"; FunctionsToExport = {written}"
    exports = read(f"@{{ ModuleVersion = '1.0'{body} }}").functions_to_export
    assert (exports.declared, exports.patterns, exports.restricts, exports.uses_wildcards) == (
        declared,
        patterns,
        restricts,
        wildcards,
    )


def test_export_list_allows_like_powershell_wildcards() -> None:
    exports = read("@{ CmdletsToExport = @('Get-*', 'Set-[AB]x', 'Remove-Item') }").cmdlets_to_export
    assert [
        name for name in ("get-thing", "Set-Ax", "Set-Cx", "REMOVE-ITEM", "Remove-Items") if exports.allows(name)
    ] == [
        "get-thing",
        "Set-Ax",
        "REMOVE-ITEM",
    ]
    assert read("@{ AliasesToExport = @() }").aliases_to_export.allows("anything") is False
    assert read("@{ VariablesToExport = $null }").variables_to_export.allows("anything") is True


# Other keys -------------------------------------------------------------------------------------


def test_unknown_keys_are_the_ones_powershell_refuses() -> None:
    text = (
        "@{ ModuleVersion = '1.0'; rootmodule = 'x.psm1'; FunctionToExport = @(); "
        "Tags = @('a'); DscResourcesToExport = @(); HelpInfoURI = 'https://x' }"
    )
    assert read(text).unknown_keys == ("FunctionToExport", "Tags")
    assert read("@{ ModuleVersion = '1.0' }").unknown_keys == ()


@pytest.mark.parametrize(
    ("written", "editions"),
    [("'Core'", ("Core",)), ("@('Desktop', 'Core')", ("Desktop", "Core")), ("@()", ())],
)
def test_compatible_ps_editions(written: str, editions: tuple[str, ...]) -> None:
    assert read(f"@{{ CompatiblePSEditions = {written} }}").compatible_ps_editions == editions
    assert read("@{ ModuleVersion = '1.0' }").compatible_ps_editions == ()


def test_module_to_process_wins_over_root_module_as_in_powershell() -> None:
    both = read("@{ RootModule = 'New.psm1'; ModuleToProcess = 'Old.psm1' }")
    assert (both.root_module_key, both.root_module) == ("ModuleToProcess", "Old.psm1")
    legacy = read("@{ ModuleToProcess = 'Old.dll' }")
    assert (legacy.root_module_key, legacy.root_module, legacy.module_type) == ("ModuleToProcess", "Old.dll", "Binary")
    empty = read("@{ RootModule = '' }")
    assert (empty.root_module_key, empty.root_module, empty.module_type) == (None, None, "Manifest")


@pytest.mark.parametrize(
    ("root", "module_type"),
    [
        ("x.psm1", "Script"),
        ("x.PS1", "Script"),
        ("bin\\x.dll", "Binary"),
        ("x.exe", "Binary"),
        ("x.cdxml", "CIM"),
        ("x.xaml", "Workflow"),
        ("x.psd1", "Manifest"),
        ("x", "Script"),
        (None, "Manifest"),
    ],
)
def test_module_type_of_a_root_module_name(root: str | None, module_type: str) -> None:
    assert amkit.module_type_of(root) == module_type


# PrivateData.PSData -------------------------------------------------------------------------------


def test_psdata_tags_prerelease_and_external_dependencies(tmp_path: Path) -> None:
    psdata = (
        "@{ PSData = @{ Tags = @('Azure', 'Automation', ''); Prerelease = 'preview1'; "
        "ExternalModuleDependencies = @('Az.Accounts', 'Az.Resources'); ProjectUri = 'https://example.org' } }"
    )
    members = {"TestModule/TestModule.psd1": manifest("2.0.0", root_module=None, PrivateData=psdata)}
    with amkit.open_package(write_zip(tmp_path / "TestModule.zip", members)) as package:
        data = package.latest.manifest
        assert data.tags == ("Azure", "Automation")
        assert data.prerelease == "preview1"
        assert data.external_module_dependencies == ("Az.Accounts", "Az.Resources")
        assert data.project_uri == "https://example.org"
        assert data.version == amkit.PSVersion("2.0.0", "preview1")
        assert str(package.latest.version) == "2.0.0-preview1"
        assert package.latest.version < amkit.PSVersion("2.0.0")


@pytest.mark.parametrize(
    ("private_data", "tags", "prerelease", "external"),
    [
        ("@{ PSData = @{ Tags = 'Single'; Prerelease = ''; ExternalModuleDependencies = 'Az.Accounts' } }",
         ("Single",), None, ("Az.Accounts",)),
        ("@{ PSData = @{} }", (), None, ()),
        ("@{ Other = 1 }", (), None, ()),
        ("'not a hashtable'", (), None, ()),
    ],
    ids=["scalars", "empty-psdata", "no-psdata", "not-a-hashtable"],
)  # fmt: skip
def test_psdata_shapes(private_data: str, tags: tuple, prerelease: str | None, external: tuple) -> None:
    data = read(f"@{{ ModuleVersion = '1.0'; PrivateData = {private_data} }}")
    assert (data.tags, data.prerelease, data.external_module_dependencies) == (tags, prerelease, external)
    assert data.version == "1.0"


# Automation-style packages ------------------------------------------------------------------------

CONNECTION = (
    '{"ConnectionFields": [{"IsEncrypted": false, "IsOptional": false, "Name": "Endpoint", '
    '"TypeName": "System.String"}], "ConnectionTypeName": "TestConnection", "IntegrationModuleName": "TestModule"}'
)


def test_connection_type_inside_a_version_folder(tmp_path: Path) -> None:
    members = {
        "TestModule/1.0.0/TestModule.psd1": manifest("1.0.0", root_module=None),
        "TestModule/2.0.0/TestModule.psd1": manifest("2.0.0", root_module=None),
        "TestModule/2.0.0/TestModule-Automation.json": CONNECTION,
    }
    with amkit.open_package(write_zip(tmp_path / "TestModule.zip", members)) as package:
        assert package["1.0.0"].connection_type is None
        connection_type = package.connection_type
        assert connection_type is package.latest.connection_type
        assert connection_type.name == "TestConnection"
        assert connection_type.fields == (amkit.ConnectionField("Endpoint", "System.String", False, False),)
        assert connection_type.file.endswith("TestModule.zip!TestModule/2.0.0/TestModule-Automation.json")


def test_connection_type_file_name_ignores_case(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module=None),
        "TestModule/testmodule-automation.JSON": CONNECTION,
    }
    with amkit.open_package(write_zip(tmp_path / "TestModule.zip", members)) as package:
        assert package.connection_type.name == "TestConnection"


def test_files_named_from_psscriptroot_are_paths_in_the_module_folder() -> None:
    text = (
        '@{ RootModule = "$PSScriptRoot/bin/Contoso.dll"; '
        "RequiredAssemblies = @((Join-Path $PSScriptRoot 'lib' 'a.dll'), 'System.Web', \"$env:X\\b.dll\"); "
        'FileList = "${PSScriptRoot}\\data\\.\\t.csv" }'
    )
    read = amkit.Manifest.read(text)
    assert read.root_module == "bin/Contoso.dll"
    assert read.module_type == "Binary"
    assert read.required_assemblies == ("lib/a.dll", "System.Web", '"$env:X\\b.dll"')
    assert read.computed_files("RequiredAssemblies") == ('"$env:X\\b.dll"',)
    assert read.file_list == ("data/t.csv",)
    assert read.computed_files("FileList") == ()
