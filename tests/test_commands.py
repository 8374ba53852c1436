"""Which commands a module exports, for the shapes real modules take, as PowerShell's loader decides."""

from __future__ import annotations

from pathlib import Path

import pytest
from packages import manifest, write_zip

import amkit
from amkit import samples
from amkit.package.commands import exported_commands, prefixed_name

DLL = (samples.source("ContosoBinary") / "ContosoBinary.dll").read_bytes()
WIDGET_CMDLETS = ["Export-ContosoWidget", "Get-ContosoWidget", "Set-ContosoWidget"]


def open_zip(tmp_path: Path, members: dict[str, str | bytes]) -> amkit.ModulePackage:
    return amkit.open_package(write_zip(tmp_path / "TestModule.zip", members))


def exported(version: amkit.ModuleVersion) -> dict[str, tuple[str, str]]:
    """name -> (kind, file) of every exported command."""
    table = version.commands
    return {name: (kind, file) for name, kind, file in zip(table["name"], table["kind"], table["file"], strict=True)}


def names(version: amkit.ModuleVersion) -> list[str]:
    return list(version.commands["name"])


# (a) Public/Private dot-sourcing -----------------------------------------------------------

LOADER = r"""
$Public  = @(Get-ChildItem -Path $PSScriptRoot\Public\*.ps1 -ErrorAction SilentlyContinue)
$Private = @(Get-ChildItem -Path $PSScriptRoot\Private\*.ps1 -ErrorAction SilentlyContinue)
foreach ($import in @($Public + $Private)) {
    try {
        . $import.FullName
    }
    catch {
        Write-Error -Message "Failed to import function $($import.FullName): $_"
    }
}
Export-ModuleMember -Function $Public.BaseName
"""

PUBLIC_PRIVATE = {
    "TestModule/TestModule.psm1": LOADER,
    "TestModule/Public/Get-Widget.ps1": (
        "function Get-Widget {\n    <#\n    .SYNOPSIS\n    Gets widgets.\n    #>\n"
        "    [CmdletBinding()]\n    [OutputType([string])]\n    param([string] $Name)\n    Get-WidgetStore\n}\n"
    ),
    "TestModule/Public/Set-Widget.ps1": "function Set-Widget {\n    param([string] $Name, [string] $Value)\n}\n",
    "TestModule/Private/Get-WidgetStore.ps1": "function Get-WidgetStore { @{} }\n",
    "TestModule/Tests/Get-Widget.Tests.ps1": "function Get-Widget { 'mock' }\nDescribe 'Get-Widget' { }\n",
    "TestModule/Init.ps1": "function Initialize-Caller { }\n",
}


def test_public_private_pattern_exports_the_public_functions(tmp_path: Path) -> None:
    members = dict(PUBLIC_PRIVATE)
    members["TestModule/TestModule.psd1"] = manifest(
        "1.0.0", FunctionsToExport="@('Get-Widget', 'Set-Widget')", ScriptsToProcess="@('Init.ps1')"
    )
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        "Get-Widget": ("Function", "TestModule/Public/Get-Widget.ps1"),
        "Set-Widget": ("Function", "TestModule/Public/Set-Widget.ps1"),
    }
    row = version.commands.iloc[0]
    assert (row["synopsis"], row["output_types"], row["parameters"], row["line"]) == (
        "Gets widgets.",
        ("string",),
        ("Name",),
        1,
    )
    # The loader and the files it dot-sources, never the tests or ScriptsToProcess.
    assert sorted(version.scripts) == [
        "TestModule/Private/Get-WidgetStore.ps1",
        "TestModule/Public/Get-Widget.ps1",
        "TestModule/Public/Set-Widget.ps1",
        "TestModule/TestModule.psm1",
    ]


def test_dot_sourced_functions_are_found_when_the_manifest_does_not_list_them(tmp_path: Path) -> None:
    # FunctionsToExport = '*' with a computed Export-ModuleMember: the functions still come
    # from the dot-sourced files (which of them $Public.BaseName names is not known statically).
    members = dict(PUBLIC_PRIVATE)
    members["TestModule/TestModule.psd1"] = manifest("1.0.0", FunctionsToExport="'*'", ScriptsToProcess="'Init.ps1'")
    version = open_zip(tmp_path, members).latest
    assert names(version) == ["Get-Widget", "Get-WidgetStore", "Set-Widget"]
    # Without ScriptsToProcess, Init.ps1 is taken for one more dot-sourced file.
    members["TestModule/TestModule.psd1"] = manifest("1.0.0", FunctionsToExport="'*'")
    assert "Initialize-Caller" in names(open_zip(tmp_path / "no-scripts-to-process", members).latest)
    assert exported(version)["Get-Widget"] == ("Function", "TestModule/Public/Get-Widget.ps1")


def test_a_loader_without_export_module_member_exports_every_dot_sourced_function(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0"),
        "TestModule/TestModule.psm1": "Get-ChildItem $PSScriptRoot\\Functions\\*.ps1 | ForEach-Object { . $_ }\n",
        "TestModule/Functions/Get-A.ps1": "function Get-A { }\n",
        "TestModule/Functions/Get-B.ps1": "function Get-B { }\nfunction global:Set-Everywhere { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        "Get-A": ("Function", "TestModule/Functions/Get-A.ps1"),
        "Get-B": ("Function", "TestModule/Functions/Get-B.ps1"),
    }


def test_other_ps1_files_are_not_read_when_the_module_accounts_for_its_exports(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FunctionsToExport="'Get-A'"),
        "TestModule/TestModule.psm1": "function Get-A { }\n",
        "TestModule/build.ps1": "function Get-A { 'build helper' }\nfunction Invoke-Build { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {"Get-A": ("Function", "TestModule/TestModule.psm1")}
    assert list(version.scripts) == ["TestModule/TestModule.psm1"]


# (b) Manifest without RootModule, with NestedModules ------------------------------------------


def test_nested_modules_without_a_root_module(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module=None, NestedModules="@('Sub1.psm1', 'Sub2.psm1')"),
        "TestModule/Sub1.psm1": "function Get-One { }\nfunction Hide-One { }\nExport-ModuleMember -Function Get-One\n",
        "TestModule/Sub2.psm1": "function Get-Two { }\nfunction Get-Shared { 'sub2' }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert version.module_type == "Manifest"
    assert version.root_module_path is None
    # Each nested module's own Export-ModuleMember applies; nothing else narrows them.
    assert exported(version) == {
        "Get-One": ("Function", "TestModule/Sub1.psm1"),
        "Get-Shared": ("Function", "TestModule/Sub2.psm1"),
        "Get-Two": ("Function", "TestModule/Sub2.psm1"),
    }
    assert list(version.scripts) == ["TestModule/Sub1.psm1", "TestModule/Sub2.psm1"]


def test_root_module_export_module_member_narrows_nested_module_functions(tmp_path: Path) -> None:
    # Nested modules are imported into the root module's session state, so the root's
    # Export-ModuleMember decides for their functions too.
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", NestedModules="@('Sub.psm1')"),
        "TestModule/TestModule.psm1": "function Get-Root { }\nExport-ModuleMember -Function Get-Root, Get-Sub\n",
        "TestModule/Sub.psm1": "function Get-Sub { }\nfunction Get-Hidden { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        "Get-Root": ("Function", "TestModule/TestModule.psm1"),
        "Get-Sub": ("Function", "TestModule/Sub.psm1"),
    }


def test_root_module_definitions_win_over_nested_ones(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", NestedModules="'Helpers.ps1'"),
        "TestModule/TestModule.psm1": "\n\nfunction Get-Thing { 'root' }\n",
        "TestModule/Helpers.ps1": "function Get-Thing { 'nested' }\nfunction Get-Helper { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        "Get-Helper": ("Function", "TestModule/Helpers.ps1"),
        "Get-Thing": ("Function", "TestModule/TestModule.psm1"),
    }
    assert version.commands.set_index("name").loc["Get-Thing", "line"] == 3


@pytest.mark.parametrize(
    ("nested", "path"),
    [
        ("Sub", "TestModule/Sub/Sub.psm1"),  # a folder of the module's name
        ("Contoso.Tools", "TestModule/Contoso.Tools.psm1"),  # a dotted name has no extension
        (".\\lib\\SUB.psm1", "TestModule/Lib/sub.psm1"),  # Windows paths, any case
    ],
    ids=["folder", "dotted-name", "windows-path"],
)
def test_nested_module_files_are_found_where_powershell_looks(tmp_path: Path, nested: str, path: str) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module=None, NestedModules=f"@('{nested}')"),
        path: "function Get-Nested { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert version.resolve(nested) == path
    assert exported(version) == {"Get-Nested": ("Function", path)}


# (c) Export-ModuleMember without FunctionsToExport ---------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "Export-ModuleMember -Function Get-A, Get-B",
        "Export-ModuleMember -Function 'Get-A', 'Get-B'",
        "Export-ModuleMember -Function @('Get-A', 'Get-B')",
        "Export-ModuleMember Get-A, Get-B",
        "Export-ModuleMember -Function Get-A\nExport-ModuleMember -Function Get-B",
        "Export-ModuleMember -Function Get-?",
    ],
    ids=["bare", "quoted", "array", "positional", "two-calls", "wildcard"],
)
def test_export_module_member_without_functions_to_export(tmp_path: Path, call: str) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0"),
        "TestModule/TestModule.psm1": f"function Get-A {{ }}\nfunction Get-B {{ }}\nfunction Get-Cee {{ }}\n{call}\n",
    }
    version = open_zip(tmp_path, members).latest
    assert version.manifest.functions_to_export.declared == "absent"
    assert names(version) == ["Get-A", "Get-B"]


def test_export_module_member_in_a_function_does_not_count(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0"),
        "TestModule/TestModule.psm1": "function Get-A { Export-ModuleMember -Function Get-A }\nfunction Get-B { }\n",
    }
    assert names(open_zip(tmp_path, members).latest) == ["Get-A", "Get-B"]


# (d) FunctionsToExport forms ----------------------------------------------------------------

FOUR = "function Get-A { }\nfunction Get-B { }\nfunction Set-A { }\nfunction helper { }\n"


@pytest.mark.parametrize(
    ("value", "declared", "expected"),
    [
        (None, "absent", ["Get-A", "Get-B", "helper", "Set-A"]),
        ("$null", "null", ["Get-A", "Get-B", "helper", "Set-A"]),
        ("'*'", "wildcard", ["Get-A", "Get-B", "helper", "Set-A"]),
        ("'Get-*'", "list", ["Get-A", "Get-B"]),
        ("@('Get-*', 'set-a')", "list", ["Get-A", "Get-B", "Set-A"]),
        ("@('*-A')", "list", ["Get-A", "Set-A"]),
        ("@()", "empty", []),
        ("''", "empty", []),
        ("@('Get-B', 'Get-Missing')", "list", ["Get-B"]),
    ],
    ids=["absent", "null", "star", "get-star", "mixed-case", "array-star", "empty-array", "empty-string", "missing"],
)
def test_functions_to_export_forms(tmp_path: Path, value: str | None, declared: str, expected: list[str]) -> None:
    keys = {} if value is None else {"FunctionsToExport": value}
    members = {"TestModule/TestModule.psd1": manifest("1.0.0", **keys), "TestModule/TestModule.psm1": FOUR}
    version = open_zip(tmp_path, members).latest
    assert version.manifest.functions_to_export.declared == declared
    assert names(version) == expected


def test_functions_to_export_narrows_export_module_member(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FunctionsToExport="@('Get-B', 'Set-A')"),
        "TestModule/TestModule.psm1": FOUR + "Export-ModuleMember -Function Get-A, Get-B\n",
    }
    # Get-B is the only function both lists let out.
    assert names(open_zip(tmp_path, members).latest) == ["Get-B"]


# (e) Scopes and nesting ---------------------------------------------------------------------


def test_global_and_nested_functions_are_not_exported(tmp_path: Path) -> None:
    script = (
        "function global:Get-Global { }\n"
        "function script:Get-Script { }\n"
        "function local:Get-Local { }\n"
        "function Get-Outer {\n    function Get-Inner { }\n    Get-Inner\n}\n"
        "filter Select-Even { if ($_ % 2 -eq 0) { $_ } }\n"
        "workflow Invoke-Flow { }\n"
    )
    members = {"TestModule/TestModule.psd1": manifest("1.0.0"), "TestModule/TestModule.psm1": script}
    version = open_zip(tmp_path, members).latest
    assert {name: kind for name, (kind, _) in exported(version).items()} == {
        "Get-Local": "Function",
        "Get-Outer": "Function",
        "Get-Script": "Function",
        "Invoke-Flow": "Workflow",
        "Select-Even": "Filter",
    }


# (f) Root modules that are manifests or assemblies in subfolders ------------------------------


def test_root_module_that_is_a_nested_manifest(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module="Core\\Core.psd1", FunctionsToExport="'Get-*'"),
        "TestModule/Core/Core.psd1": manifest(
            "1.0.0", root_module="Core.psm1", NestedModules="@('Extra.psm1')", FunctionsToExport="'*-Core*'"
        ),
        "TestModule/Core/Core.psm1": "function Get-CoreItem { }\nfunction Set-CoreItem { }\nfunction Hidden { }\n",
        "TestModule/Core/Extra.psm1": "function Get-CoreExtra { }\nfunction Get-Other { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert version.root_module_path == "TestModule/Core/Core.psd1"
    assert version.manifest.module_type == "Manifest"  # judged by the name alone
    assert version.module_type == "Script"  # what the loaded module is
    # The inner manifest keeps *-Core*, the outer one Get-*.
    assert exported(version) == {
        "Get-CoreExtra": ("Function", "TestModule/Core/Extra.psm1"),
        "Get-CoreItem": ("Function", "TestModule/Core/Core.psm1"),
    }


def test_root_module_that_names_its_own_manifest_does_not_loop(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module="TestModule.psd1"),
        "TestModule/TestModule.psm1": "function Get-A { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert version.module_type == "Manifest"
    assert names(version) == []


def test_binary_root_module_in_a_subfolder(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest(
            "1.0.0", root_module="bin\\ContosoBinary.dll", CmdletsToExport="'Get-*'"
        ),
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    version = open_zip(tmp_path, members).latest
    assert version.root_module_path == "TestModule/bin/ContosoBinary.dll"
    assert version.module_type == "Binary"
    assert exported(version) == {"Get-ContosoWidget": ("Cmdlet", "TestModule/bin/ContosoBinary.dll")}
    assert version.scripts == {}


def test_binary_root_module_named_from_psscriptroot(tmp_path: Path) -> None:
    # As PowerShellEditorServices.VSCode writes it: RootModule = "$PSScriptRoot/bin/....dll".
    members = {
        "TestModule/TestModule.psd1": manifest(
            "1.0.0", root_module=None, RootModule='"$PSScriptRoot/bin/ContosoBinary.dll"', CmdletsToExport="'Get-*'"
        ),
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    version = open_zip(tmp_path, members).latest
    assert (version.root_module_path, version.module_type) == ("TestModule/bin/ContosoBinary.dll", "Binary")
    assert exported(version) == {"Get-ContosoWidget": ("Cmdlet", "TestModule/bin/ContosoBinary.dll")}


@pytest.mark.parametrize(
    ("root", "module_type"),
    [
        ("TestModule", "Script"),  # .psd1 first, but not the manifest itself; then .psm1 before .dll
        ("testmodule.DLL", "Binary"),
        ("ContosoBinary", "Binary"),
        ("Gone.dll", "Binary"),  # not in the package: judged by the name
        ("Gone", "Script"),
    ],
)
def test_module_type_follows_the_file_the_root_module_resolves_to(tmp_path: Path, root: str, module_type: str) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", root_module=root),
        "TestModule/TestModule.dll": DLL,
        "TestModule/ContosoBinary.dll": DLL,
        "TestModule/TestModule.psm1": "function Get-A { }\n",
    }
    assert open_zip(tmp_path, members).latest.module_type == module_type


def test_script_root_module_with_nested_assembly(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", NestedModules="@('bin\\ContosoBinary.dll')"),
        "TestModule/TestModule.psm1": "function Get-Root { }\n",
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    version = open_zip(tmp_path, members).latest
    assert version.module_type == "Script"
    assert names(version) == [*WIDGET_CMDLETS[:2], "Get-Root", WIDGET_CMDLETS[2]]


def test_export_module_member_without_cmdlet_hides_nested_cmdlets(tmp_path: Path) -> None:
    # Export-ModuleMember -Function alone exports no cmdlet; -Cmdlet names those it keeps.
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", NestedModules="'bin\\ContosoBinary.dll'"),
        "TestModule/TestModule.psm1": "function Get-Root { }\nExport-ModuleMember -Function Get-Root\n",
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    assert names(open_zip(tmp_path / "function-only", members).latest) == ["Get-Root"]
    members["TestModule/TestModule.psm1"] = "function Get-Root { }\nExport-ModuleMember -Function * -Cmdlet Set-*\n"
    assert names(open_zip(tmp_path / "with-cmdlet", members).latest) == ["Get-Root", "Set-ContosoWidget"]


# DefaultCommandPrefix --------------------------------------------------------------------------


def test_default_command_prefix_renames_exports_after_the_manifest_filter(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest(
            "1.0.0", DefaultCommandPrefix="'Co'", FunctionsToExport="@('Get-Widget', 'Reset')"
        ),
        "TestModule/TestModule.psm1": "function Get-Widget { }\nfunction Reset { }\nfunction Get-Hidden { }\n",
    }
    version = open_zip(tmp_path, members).latest
    assert names(version) == ["CoReset", "Get-CoWidget"]
    definition = {command.name: command.definition.name for command in exported_commands(version)}
    assert definition == {"CoReset": "Reset", "Get-CoWidget": "Get-Widget"}


@pytest.mark.parametrize(
    ("name", "prefix", "expected"),
    [("Get-Widget", "Co", "Get-CoWidget"), ("Reset", "Co", "CoReset"), ("Get-Widget", None, "Get-Widget")],
)
def test_prefixed_name(name: str, prefix: str | None, expected: str) -> None:
    assert prefixed_name(name, prefix) == expected


# A module without a manifest --------------------------------------------------------------------


def test_module_without_manifest_exports_what_its_script_module_exports(tmp_path: Path) -> None:
    members = {"TestModule/TestModule.psm1": FOUR + "Export-ModuleMember -Function *-A\n"}
    version = open_zip(tmp_path, members).latest
    assert version.manifest is None
    assert names(version) == ["Get-A", "Set-A"]


# Modules a script module imports from its own folder (every Az module, PSScriptAnalyzer) ----------------


@pytest.mark.parametrize(
    "argument",
    [
        "(Join-Path -Path $PSScriptRoot -ChildPath bin\\ContosoBinary.dll)",  # as every Az module writes it
        "(Join-Path $PSScriptRoot 'bin/ContosoBinary.dll')",
        '"$PSScriptRoot\\bin\\ContosoBinary.dll"',
        "$PSScriptRoot\\bin\\ContosoBinary.dll",
        '-Name "${PSScriptRoot}/bin/ContosoBinary" -Force',  # no extension: found as PowerShell finds it
    ],
)
def test_a_script_root_module_exports_the_cmdlets_of_an_assembly_it_imports(tmp_path: Path, argument: str) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest(
            "1.0.0", FunctionsToExport="@()", CmdletsToExport="'Get-ContosoWidget', 'Set-ContosoWidget'"
        ),
        "TestModule/TestModule.psm1": f"Set-StrictMode -Version Latest\nImport-Module {argument}\n",
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        name: ("Cmdlet", "TestModule/bin/ContosoBinary.dll") for name in ("Get-ContosoWidget", "Set-ContosoWidget")
    }


@pytest.mark.parametrize(
    "script",
    [
        'function Initialize-Module { Import-Module "$PSScriptRoot\\bin\\ContosoBinary.dll" }\n',  # when called
        "Import-Module .\\bin\\ContosoBinary.dll\n",  # the current location's, not the module's
        "$path = Join-Path $PSScriptRoot 'bin\\ContosoBinary.dll'\nImport-Module $path\n",  # computed
        'Import-Module "$PSScriptRoot\\bin\\Missing.dll"\n',
    ],
)
def test_imports_powershell_would_not_run_at_load_or_cannot_find_add_nothing(tmp_path: Path, script: str) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", CmdletsToExport="'*'"),
        "TestModule/TestModule.psm1": "function Get-Root { }\n" + script,
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    assert names(open_zip(tmp_path, members).latest) == ["Get-Root"] + (
        ["Initialize-Module"] if "function" in script else []
    )


def test_what_an_imported_script_module_exports_joins_the_importer_and_its_filters(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FunctionsToExport="'Get-*'"),
        "TestModule/TestModule.psm1": 'Import-Module "$PSScriptRoot\\Parts\\Parts.psm1"\nfunction Get-Root { }\n',
        "TestModule/Parts/Parts.psm1": (
            'Import-Module "$PSScriptRoot\\..\\bin\\ContosoBinary.dll"\n'
            "function Get-Part { }\nfunction Get-Hidden { }\n"
            "Export-ModuleMember -Function Get-Part -Cmdlet Get-ContosoWidget\n"
        ),
        "TestModule/bin/ContosoBinary.dll": DLL,
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {
        "Get-ContosoWidget": ("Cmdlet", "TestModule/bin/ContosoBinary.dll"),
        "Get-Part": ("Function", "TestModule/Parts/Parts.psm1"),
        "Get-Root": ("Function", "TestModule/TestModule.psm1"),
    }
    assert list(version.scripts) == ["TestModule/TestModule.psm1", "TestModule/Parts/Parts.psm1"]


def test_scripts_that_import_each_other_or_themselves_are_read_once(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0"),
        "TestModule/TestModule.psm1": 'Import-Module "$PSScriptRoot\\TestModule.psm1"\n'
        'Import-Module "$PSScriptRoot\\Other.psm1"\nfunction Get-Root { }\n',
        "TestModule/Other.psm1": 'Import-Module "$PSScriptRoot\\TestModule.psm1"\nfunction Get-Other { }\n',
    }
    version = open_zip(tmp_path, members).latest
    assert names(version) == ["Get-Other", "Get-Root"]


PICKS_ITS_ASSEMBLY = """
$root = $PSScriptRoot
if ($PSVersionTable.PSVersion.Major -ge 7) { $root = Join-Path $PSScriptRoot 'PSv7' }
$binaryModule = Import-Module -Name (Join-Path $root 'ContosoBinary.dll') -PassThru
"""


@pytest.mark.parametrize(
    ("cmdlets_to_export", "expected"),
    [
        ("'Get-ContosoWidget', 'Set-ContosoWidget'", ["Get-ContosoWidget", "Set-ContosoWidget"]),
        ("'*'", []),  # nothing named, nothing to look for
    ],
)
def test_an_assembly_imported_by_a_computed_path_is_found_beside_the_root_module_for_the_cmdlets_listed(
    tmp_path: Path, cmdlets_to_export: str, expected: list[str]
) -> None:
    # As PSScriptAnalyzer 1.x does: the assembly of the running PowerShell's version, by a path computed at load.
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", FunctionsToExport="@()", CmdletsToExport=cmdlets_to_export),
        "TestModule/TestModule.psm1": PICKS_ITS_ASSEMBLY,
        "TestModule/ContosoBinary.dll": DLL,
        "TestModule/PSv7/ContosoBinary.dll": DLL,
        "TestModule/native.dll": b"MZ not a .NET assembly",
    }
    version = open_zip(tmp_path, members).latest
    assert exported(version) == {name: ("Cmdlet", "TestModule/ContosoBinary.dll") for name in expected}


def test_assemblies_are_not_searched_without_an_import_the_reader_cannot_follow(tmp_path: Path) -> None:
    members = {
        "TestModule/TestModule.psd1": manifest("1.0.0", CmdletsToExport="'Get-ContosoWidget'"),
        "TestModule/TestModule.psm1": "function Get-Root { }\n",
        "TestModule/ContosoBinary.dll": DLL,
    }
    assert names(open_zip(tmp_path, members).latest) == ["Get-Root"]
