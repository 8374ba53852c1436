"""The authoring-practice rules AM201-AM211, on zips built in the tests and on the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packages import CONTOSO_TOOLS, compile_assembly, maml, maml_command, manifest, needs_mcs, write_zip

from amkit import Limits, open_package, samples
from amkit.checks import Report, all_rules, check
from amkit.package.summary import package_summary

MODULE = "TestModule"
PSM1 = f"{MODULE}/{MODULE}.psm1"
PSD1 = f"{MODULE}/{MODULE}.psd1"
EXPORTS = {"FunctionsToExport": "@('Get-Widget')", "CmdletsToExport": "@()"}

HELP = """    <#
    .SYNOPSIS
    Gets a widget.
    .DESCRIPTION
    Gets the widget called Name.
    #>
"""
# A function that follows every practice: help, HelpUri, OutputType, simple parameter types.
GOOD = f"""function Get-Widget {{
{HELP}    [CmdletBinding(HelpUri = 'https://example.org/get-widget')]
    [OutputType([string])]
    param([string] $Name)
    "widget $Name"
}}
"""


def build(tmp_path: Path, script: str, *, extra: dict[str, str] | None = None, **keys: str) -> Path:
    """A one-version TestModule.zip with ``script`` as its root module; ``keys`` go into the manifest."""
    members = {PSD1: manifest("1.0.0", **{**EXPORTS, **keys}), PSM1: script, **(extra or {})}
    return write_zip(tmp_path / f"{MODULE}.zip", members)


def found(report: Report, rule: str) -> list[tuple[str | None, str | None, int | None, str]]:
    """(version, file, line, message) of each finding of ``rule``."""
    return [(item.version, item.file, item.line, item.message) for item in report.items if item.rule == rule]


def authoring(report: Report) -> list[str]:
    return [item.rule for item in report.items if item.rule.startswith("AM2")]


# The registry -------------------------------------------------------------------------------

SEVERITIES = {
    **dict.fromkeys(["AM201", "AM202", "AM203", "AM204", "AM205", "AM206", "AM207", "AM208"], "warning"),
    **dict.fromkeys(["AM209", "AM210", "AM211"], "info"),
}


def test_registry_holds_am201_to_am211_with_their_severities() -> None:
    rules = {item.id: item for item in all_rules() if item.id.startswith("AM2")}
    assert {key: item.severity for key, item in rules.items()} == SEVERITIES
    for item in rules.values():
        assert item.help_uri.startswith("https://learn.microsoft.com/en-us/azure/automation/")
        assert item.title and item.rationale and item.help and item.source
        assert item.needs is None


def test_a_package_following_every_practice_has_no_authoring_finding(tmp_path: Path) -> None:
    report = check(build(tmp_path, GOOD))
    assert report.items == ()


# AM201 help text -------------------------------------------------------------------------------


def test_am201_function_without_help(tmp_path: Path) -> None:
    script = "function Get-Widget {\n    [OutputType([string])]\n    param()\n}\n"
    report = check(build(tmp_path, script))
    assert found(report, "AM201") == [
        ("1.0.0", PSM1, 1, "Get-Widget has no comment-based help (no .SYNOPSIS, no .DESCRIPTION)")
    ]
    assert report.importable


def test_am201_help_with_a_synopsis_only(tmp_path: Path) -> None:
    script = "\n\n<#\n.SYNOPSIS\nGets a widget.\n.LINK\nhttps://example.org\n#>\nfunction Get-Widget { }\n"
    assert found(check(build(tmp_path, script)), "AM201") == [
        ("1.0.0", PSM1, 9, "Get-Widget has no .DESCRIPTION in its comment-based help")
    ]


def test_am201_empty_sections_count_as_missing(tmp_path: Path) -> None:
    script = "function Get-Widget {\n<#\n.SYNOPSIS\n.DESCRIPTION\n#>\n}\n"
    assert found(check(build(tmp_path, script)), "AM201") == [
        ("1.0.0", PSM1, 1, "Get-Widget has no .SYNOPSIS and no .DESCRIPTION in its comment-based help")
    ]


def test_am201_not_for_private_functions_nor_external_help(tmp_path: Path) -> None:
    script = GOOD + "function Get-Helper { }\n" + "function Get-Other {\n# .EXTERNALHELP TestModule-help.xml\n}\n"
    report = check(build(tmp_path, script, FunctionsToExport="@('Get-Widget', 'Get-Other')"))
    assert found(report, "AM201") == []
    assert found(report, "AM202") == []


# AM202 help URI ------------------------------------------------------------------------------------


def test_am202_neither_help_uri_nor_link(tmp_path: Path) -> None:
    script = f"function Get-Widget {{\n{HELP}    [CmdletBinding()]\n    [OutputType([string])]\n    param()\n}}\n"
    assert found(check(build(tmp_path, script)), "AM202") == [
        ("1.0.0", PSM1, 1, "Get-Widget has no HelpUri in [CmdletBinding()] and no .LINK in its help")
    ]


@pytest.mark.parametrize(
    "attributes",
    [
        "    [CmdletBinding(HelpUri = 'https://example.org/w')]\n",
        "    <#\n    .LINK\n    https://example.org/w\n    #>\n    [CmdletBinding()]\n",
    ],
    ids=["help-uri", "link"],
)
def test_am202_help_uri_or_link_is_enough(tmp_path: Path, attributes: str) -> None:
    script = f"function Get-Widget {{\n{attributes}    [OutputType([string])]\n    param()\n}}\n"
    assert found(check(build(tmp_path, script)), "AM202") == []


# AM203 output type ---------------------------------------------------------------------------------


def test_am203_no_output_type(tmp_path: Path) -> None:
    script = f"\nfunction Get-Widget {{\n{HELP}    [CmdletBinding(HelpUri = 'https://example.org')]\n    param()\n}}\n"
    report = check(build(tmp_path, script))
    assert found(report, "AM203") == [("1.0.0", PSM1, 2, "Get-Widget declares no [OutputType()]")]
    assert authoring(report) == ["AM203"]


def test_am203_output_type_given(tmp_path: Path) -> None:
    assert found(check(build(tmp_path, GOOD)), "AM203") == []


# AM201-AM203 on binary cmdlets ----------------------------------------------------------------------

DLL = (samples.source("ContosoBinary") / "ContosoBinary.dll").read_bytes()
DLL_PATH = f"{MODULE}/ContosoBinary.dll"
HELP_PATH = f"{MODULE}/en-US/ContosoBinary.dll-help.xml"
WIDGET_URI = "https://docs.contoso.com/powershell/ContosoBinary"
# ContosoBinary's three cmdlets fully documented; Get- has a HelpUri, the other two a link in the help file.
WIDGET_HELP = [
    maml_command("Get-ContosoWidget", "Gets widgets.", ("Gets widgets by id or name.",)),
    maml_command("Set-ContosoWidget", "Renames a widget.", ("Renames it.",), (f"{WIDGET_URI}/Set-ContosoWidget",)),
    maml_command("Export-ContosoWidget", "Exports widgets.", ("To CSV.",), (f"{WIDGET_URI}/Export-ContosoWidget",)),
]


def build_binary(
    tmp_path: Path, files: dict[str, str | bytes], root: str = "ContosoBinary.dll", cmdlets: str = "'*-ContosoWidget'"
) -> Path:
    """TestModule.zip with the assembly ``root`` as its root module, exporting ``cmdlets``, and ``files``."""
    psd1 = manifest("1.0.0", root_module=root, FunctionsToExport="@()", CmdletsToExport=f"@({cmdlets})")
    return write_zip(tmp_path / f"{MODULE}.zip", {PSD1: psd1, **{f"{MODULE}/{k}": v for k, v in files.items()}})


def test_binary_cmdlets_documented_in_en_us_have_no_finding(tmp_path: Path) -> None:
    report = check(
        build_binary(tmp_path, {"ContosoBinary.dll": DLL, "en-US/ContosoBinary.dll-help.xml": maml(*WIDGET_HELP)})
    )
    assert report.items == ()


def test_am201_binary_module_without_a_help_file(tmp_path: Path) -> None:
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL}))
    problem = "has no help file: ContosoBinary.dll-help.xml is in neither the module folder nor a culture folder"
    assert found(report, "AM201") == [
        ("1.0.0", DLL_PATH, None, f"{name} {problem}")
        for name in ("Export-ContosoWidget", "Get-ContosoWidget", "Set-ContosoWidget")
    ]


def test_am201_binary_cmdlet_missing_from_its_help_file_or_without_a_section(tmp_path: Path) -> None:
    help_file = maml(
        WIDGET_HELP[0],
        maml_command("Set-ContosoWidget", "Renames a widget.", links=(f"{WIDGET_URI}/Set-ContosoWidget",)),
        maml_command("Export-ContosoWidget", "  ", ("To CSV.",), (f"{WIDGET_URI}/Export-ContosoWidget",)),
    )
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL, "en-US/ContosoBinary.dll-help.xml": help_file}))
    assert found(report, "AM201") == [
        ("1.0.0", HELP_PATH, None, "Export-ContosoWidget has no synopsis in en-US/ContosoBinary.dll-help.xml"),
        ("1.0.0", HELP_PATH, None, "Set-ContosoWidget has no description in en-US/ContosoBinary.dll-help.xml"),
    ]
    partial = maml(WIDGET_HELP[0])
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL, "en-US/ContosoBinary.dll-help.xml": partial}))
    entry = "has no entry in en-US/ContosoBinary.dll-help.xml (no synopsis, no description)"
    assert [message for *_, message in found(report, "AM201")] == [
        f"Export-ContosoWidget {entry}",
        f"Set-ContosoWidget {entry}",
    ]


def test_am201_binary_help_in_the_module_folder_counts(tmp_path: Path) -> None:
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL, "ContosoBinary.dll-help.xml": maml(*WIDGET_HELP)}))
    assert found(report, "AM201") == []


def test_am202_binary_cmdlets_without_help_uri_or_link(tmp_path: Path) -> None:
    # Get-ContosoWidget has [Cmdlet(..., HelpUri = ...)]; the other two have neither it nor a help file.
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL}))
    assert found(report, "AM202") == [
        (
            "1.0.0",
            DLL_PATH,
            None,
            "Export-ContosoWidget has no HelpUri in [Cmdlet()] on ContosoBinary.ExportContosoWidgetCommand "
            "(ContosoBinary.dll) and no related link with a URI in its help",
        ),
        (
            "1.0.0",
            DLL_PATH,
            None,
            "Set-ContosoWidget has no HelpUri in [Cmdlet()] on ContosoBinary.SetContosoWidgetCommand "
            "(ContosoBinary.dll) and no related link with a URI in its help",
        ),
    ]


def test_am202_a_related_link_without_a_uri_is_not_enough(tmp_path: Path) -> None:
    named_only = WIDGET_HELP[2].replace(f"{WIDGET_URI}/Export-ContosoWidget", "")
    help_file = maml(WIDGET_HELP[0], WIDGET_HELP[1], named_only)
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL, "en-US/ContosoBinary.dll-help.xml": help_file}))
    assert [message.split()[0] for *_, message in found(report, "AM202")] == ["Export-ContosoWidget"]


@pytest.fixture(scope="module")
def contoso_tools(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_assembly(tmp_path_factory.mktemp("dotnet"), "Contoso.Tools", CONTOSO_TOOLS).read_bytes()


@needs_mcs
def test_am203_binary_cmdlet_without_output_type(tmp_path: Path, contoso_tools: bytes) -> None:
    help_file = maml(
        maml_command("Get-Gadget", "Gets gadgets.", ("All.",)), maml_command("Remove-Gadget", "Removes.", ("One.",))
    )
    files = {"Contoso.Tools.dll": contoso_tools, "en-US/Contoso.Tools.dll-help.xml": help_file}
    report = check(build_binary(tmp_path, files, root="Contoso.Tools.dll", cmdlets="'Get-Gadget', 'Remove-Gadget'"))
    message = "Remove-Gadget declares no [OutputType()] on Contoso.Tools.RemoveGadgetCommand (Contoso.Tools.dll)"
    assert [(item.rule, item.file, item.line, item.message) for item in report.items] == [
        ("AM203", f"{MODULE}/Contoso.Tools.dll", None, message)
    ]


# AM204 connection parameter ------------------------------------------------------------------------

CONNECTION_TYPE = json.dumps(
    {
        "ConnectionFields": [
            {"Name": "ApiUri", "TypeName": "System.String", "IsEncrypted": False, "IsOptional": False},
            {"Name": "ApiKey", "TypeName": "System.String", "IsEncrypted": True, "IsOptional": False},
            {"Name": "Region", "TypeName": "System.String", "IsEncrypted": False, "IsOptional": True},
        ],
        "ConnectionTypeName": "TestService",
        "IntegrationModuleName": MODULE,
    }
)
CONNECTION_FILE = {f"{MODULE}/{MODULE}-Automation.json": CONNECTION_TYPE}


def connection_function(parameters: str) -> str:
    return (
        f"function Get-Widget {{\n{HELP}    [CmdletBinding(DefaultParameterSetName = 'ByConnection', "
        f"HelpUri = 'https://example.org')]\n    [OutputType([string])]\n    param(\n{parameters}\n    )\n}}\n"
    )


BY_FIELDS = (
    "        [Parameter(Mandatory, ParameterSetName = 'ByParameters')] [string] $ApiUri,\n"
    "        [Parameter(Mandatory, ParameterSetName = 'ByParameters')] [securestring] $ApiKey"
)


def test_am204_both_parameter_sets_pass(tmp_path: Path) -> None:
    script = connection_function(
        "        [Parameter(Mandatory, ParameterSetName = 'ByConnection')] [hashtable] $Connection,\n" + BY_FIELDS
    )
    report = check(build(tmp_path, script, extra=CONNECTION_FILE))
    assert report.items == ()


@pytest.mark.parametrize(
    ("parameters", "line", "problem"),
    [
        ("        [string] $Name", 1, "has no -Connection parameter"),
        (
            "        [Parameter(ParameterSetName = 'ByConnection')] [string] $Connection,\n" + BY_FIELDS,
            11,
            "has -Connection [string], not [hashtable]",
        ),
        (
            "        [hashtable] $Connection,\n" + BY_FIELDS,
            11,
            "has -Connection in every parameter set, not in a parameter set of its own",
        ),
        (
            "        [Parameter(ParameterSetName = 'ByConnection')] [System.Collections.Hashtable] $Connection,\n"
            "        [Parameter(ParameterSetName = 'ByParameters')] [string] $ApiUri",
            11,
            "has no parameter set beside -Connection that takes the connection's fields (ApiUri, ApiKey)",
        ),
    ],
    ids=["no-connection", "string", "every-set", "no-field-set"],
)
def test_am204_function_that_cannot_take_the_connection(
    tmp_path: Path, parameters: str, line: int, problem: str
) -> None:
    report = check(build(tmp_path, connection_function(parameters), extra=CONNECTION_FILE))
    message = f"Get-Widget {problem}, though the module defines connection type TestService"
    assert found(report, "AM204") == [("1.0.0", PSM1, line, message)]


def test_am204_needs_a_connection_type(tmp_path: Path) -> None:
    assert found(check(build(tmp_path, connection_function("        [string] $Name"))), "AM204") == []


def test_am204_leaves_a_malformed_connection_type_to_am108(tmp_path: Path) -> None:
    broken = {f"{MODULE}/{MODULE}-Automation.json": CONNECTION_TYPE.replace(f'"{MODULE}"', '"Other"')}
    report = check(build(tmp_path, connection_function("        [string] $Name"), extra=broken))
    assert [item.rule for item in report.items] == ["AM108"]


# AM205 parameter types ---------------------------------------------------------------------------

SAFE_TYPES = [
    "string",
    "System.String",
    "STRING",
    "int",
    "Int32",
    "System.Int64",
    "long",
    "double",
    "decimal",
    "char",
    "byte",
    "bool",
    "switch",
    "System.Management.Automation.SwitchParameter",
    "PSCredential",
    "System.Management.Automation.PSCredential",
    "securestring",
    "System.Security.SecureString",
    "datetime",
    "DateTime",
    "guid",
    "hashtable",
    "System.Collections.Hashtable",
    "string[]",
    "System.Int32[]",
    "Nullable[int]",
    "timespan",
]
UNSAFE_TYPES = [
    "System.Diagnostics.Process",
    "System.IO.FileInfo[]",
    "scriptblock",
    "System.Collections.ArrayList",
    "Microsoft.Win32.RegistryKey",
]


def typed(type_name: str | None) -> str:
    declared = f"[{type_name}] " if type_name else ""
    return (
        f"function Get-Widget {{\n{HELP}    [CmdletBinding(HelpUri = 'https://example.org')]\n"
        f"    [OutputType([string])]\n    param(\n        [string] $Name,\n        {declared}$Value\n    )\n}}\n"
    )


@pytest.mark.parametrize("type_name", [*SAFE_TYPES, None])
def test_am205_primitive_and_known_types_are_safe(tmp_path: Path, type_name: str | None) -> None:
    assert found(check(build(tmp_path, typed(type_name))), "AM205") == []


@pytest.mark.parametrize("type_name", UNSAFE_TYPES)
def test_am205_complex_types_arrive_deserialized(tmp_path: Path, type_name: str) -> None:
    message = (
        f"Get-Widget: parameter -Value is [{type_name}], which arrives deserialized from a PowerShell Workflow runbook"
    )
    assert found(check(build(tmp_path, typed(type_name))), "AM205") == [("1.0.0", PSM1, 12, message)]


def test_am205_only_exported_functions(tmp_path: Path) -> None:
    script = GOOD + "function Get-Helper { param([System.Diagnostics.Process] $Process) }\n"
    assert found(check(build(tmp_path, script)), "AM205") == []


# AM206 state -------------------------------------------------------------------------------------


def test_am206_writes_to_script_and_global_variables(tmp_path: Path) -> None:
    script = (
        "$script:Cache = @{}\n" + GOOD + "function Set-Widget {\n"
        "    $script:Cache['a'] = 1\n"
        "    $global:LastWidget = 'a'\n"
        "    Set-Variable -Name Count -Value 1 -Scope Global\n"
        "}\n"
    )
    assert found(check(build(tmp_path, script)), "AM206") == [
        ("1.0.0", PSM1, 1, "the module sets $script:Cache at script level, when it is imported"),
        ("1.0.0", PSM1, 15, "Set-Widget writes $script:Cache"),
        ("1.0.0", PSM1, 16, "Set-Widget writes $global:LastWidget"),
        ("1.0.0", PSM1, 17, "Set-Widget writes $global:Count"),
    ]


def test_am206_local_variables_and_reads_of_what_the_module_never_sets_are_fine(tmp_path: Path) -> None:
    script = GOOD + "function Get-Other {\n    $count = 1\n    $count++\n    $script:Cache\n}\n"
    assert found(check(build(tmp_path, script)), "AM206") == []


# Microsoft's "what not to do" (Create an integration module, cmdlet state), with the other ways to reach
# $globalNum: Set-GlobalNum's assignment makes a local $globalNum, Get-GlobalNumTimesTwo reads the module's.
GLOBAL_NUM = """$globalNum = 0
function Set-GlobalNum {
   param(
       [int] $num
   )

   $globalNum = $num
}
function Get-GlobalNumTimesTwo {
   $output = $globalNum * 2

   $output
}
function Add-GlobalNum {
   $globalNum++
}
function Reset-GlobalNum {
   $script:globalNum = 0
}
"""


def test_am206_after_an_inspection_that_left_the_variables_unread(tmp_path: Path) -> None:
    path = build(tmp_path, GLOBAL_NUM + GOOD)
    with open_package(path) as package:
        package_summary(package)
        (script,) = package.versions[0].scripts.values()
        assert not script.usage_read
        report = check(package)
    assert found(report, "AM206") == found(check(path), "AM206")
    assert len(found(report, "AM206")) == 3


def test_a_check_after_scripts_were_listed_without_variables_is_a_fresh_check(tmp_path: Path) -> None:
    # Reading the functions alone sees no node of these 2,000 lines, reading them with their variables thousands:
    # past a limit of a nanosecond, only the second runs out of time, in a fresh check as after an inspection.
    path = build(tmp_path, GOOD + "$v = $script:w\n" * 2000)
    limits = Limits(max_parse_seconds=1e-9)
    fresh = check(path, limits=limits).to_dict()
    assert any(item["rule"] == "AM100" for item in fresh["findings"])
    with open_package(path, limits=limits) as package:
        assert [function.name for script in package.versions[0].scripts.values() for function in script.functions]
        assert check(package).to_dict()["findings"] == fresh["findings"]


def test_am206_the_documentations_global_num_example(tmp_path: Path) -> None:
    assert found(check(build(tmp_path, GLOBAL_NUM + GOOD)), "AM206") == [
        (
            "1.0.0",
            PSM1,
            10,
            "Get-GlobalNumTimesTwo reads $globalNum (line 10), which the module sets at script level (line 1)",
        ),
        (
            "1.0.0",
            PSM1,
            15,
            "Add-GlobalNum updates $globalNum (line 15), which the module sets at script level (line 1)",
        ),
        ("1.0.0", PSM1, 18, "Reset-GlobalNum writes $script:globalNum"),
    ]


def test_am206_one_finding_per_function_and_variable_at_its_first_use(tmp_path: Path) -> None:
    script = (
        "$script:Cache = @{}\n"
        "function Get-Cached {\n"
        "    param([string] $Key)\n"
        "    if (-not $Cache.ContainsKey($Key)) { $Cache[$Key] = Get-Item $Key }\n"
        "    $Cache[$Key]\n"
        "}\n"
    )
    assert found(check(build(tmp_path, GOOD + script)), "AM206") == [
        ("1.0.0", PSM1, 13, "the module sets $script:Cache at script level, when it is imported"),
        (
            "1.0.0",
            PSM1,
            16,
            "Get-Cached reads and changes $Cache (lines 16, 17), which the module sets at script level (line 13)",
        ),
    ]


# Functions that use a name the module sets at script level ($Shared = 1), and take nothing from it.
OWN_VARIABLES = {
    "assigned first": "$Shared = 2\n    $Shared",
    "a foreach variable": "foreach ($Shared in 1..3) { $Shared }",
    "a parameter": "param([int] $Shared)\n    $Shared",
    "a script block's parameter": "& { param($Shared) $Shared }",
    "Set-Variable": "Set-Variable -Name Shared -Value 2\n    $Shared",
}


@pytest.mark.parametrize("body", list(OWN_VARIABLES.values()), ids=list(OWN_VARIABLES))
def test_am206_not_for_a_functions_own_variable(tmp_path: Path, body: str) -> None:
    script = "$Shared = 1\n" + GOOD + "function Get-Other {\n    " + body + "\n}\n"
    assert found(check(build(tmp_path, script)), "AM206") == []


def test_am206_not_for_automatic_variables_the_module_sets(tmp_path: Path) -> None:
    script = (
        "$ErrorActionPreference = 'Stop'\n"
        "$PSDefaultParameterValues['*:Verbose'] = $true\n"
        "$env:WIDGET_HOME = $PSScriptRoot\n"
        "$_ = $null\n" + GOOD + "function Get-Other {\n"
        "    $ErrorActionPreference; $PSDefaultParameterValues; $env:WIDGET_HOME; $_; $PSItem; $args\n"
        "    $PSScriptRoot; $PSCmdlet; $PSBoundParameters; $MyInvocation; $null; $true; $false\n"
        "}\n"
    )
    assert found(check(build(tmp_path, script)), "AM206") == []


def test_am206_not_for_variables_used_only_at_script_level(tmp_path: Path) -> None:
    script = "$Public = @(Get-ChildItem $PSScriptRoot)\nforeach ($file in $Public) { $file }\n" + GOOD
    assert found(check(build(tmp_path, script)), "AM206") == []


def test_am206_nested_functions(tmp_path: Path) -> None:
    script = (
        "$Shared = 1\n$Limit = 10\n" + GOOD + "function Get-Outer {\n"
        "    $Shared = 2\n"
        "    function Get-Inner {\n"
        "        $Shared + $Limit\n"
        "    }\n"
        "    Get-Inner\n"
        "}\n"
    )
    assert found(check(build(tmp_path, script)), "AM206") == [
        ("1.0.0", PSM1, 18, "Get-Inner reads $Limit (line 18), which the module sets at script level (line 2)"),
    ]


def test_am206_a_dot_sourced_file_uses_what_the_root_module_sets(tmp_path: Path) -> None:
    root = "$Settings = @{ Uri = 'https://example.org' }\n. $PSScriptRoot/Public/Get-Widget.ps1\n"
    public = GOOD.replace('"widget $Name"', "Invoke-RestMethod -Uri $Settings.Uri")
    archive = build(tmp_path, root, extra={f"{MODULE}/Public/Get-Widget.ps1": public})
    assert found(check(archive), "AM206") == [
        (
            "1.0.0",
            f"{MODULE}/Public/Get-Widget.ps1",
            11,
            f"Get-Widget reads $Settings (line 11), which the module sets at script level ({PSM1}, line 1)",
        ),
    ]


# AM207 outside the module --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "column", "what"),
    [
        ("$log = 'C:\\Temp\\widgets.log'", 12, "'C:\\Temp\\widgets.log', an absolute path on the host"),
        ('$log = "D:/data/$Name.json"', 12, "'D:/data/$Name.json', an absolute path on the host"),
        (
            "Add-Type -Path '\\\\fileserver\\libs\\Widget.dll'",
            20,
            "'\\\\fileserver\\libs\\Widget.dll', a network (UNC) path",
        ),
        (
            "Get-ItemProperty -Path HKLM:\\SOFTWARE\\Contoso",
            28,
            "HKLM:\\SOFTWARE\\Contoso, a registry path of the host",
        ),
        ("Get-ChildItem 'hkcu:\\Software'", 19, "'hkcu:\\Software', a registry path of the host"),
        (
            "Get-Item Registry::HKEY_LOCAL_MACHINE\\SOFTWARE",
            14,
            "Registry::HKEY_LOCAL_MACHINE\\SOFTWARE, a registry path of the host",
        ),
        (
            "[Microsoft.Win32.Registry]::GetValue('x', 'y', $null)",
            5,
            "[Microsoft.Win32.Registry], the registry of the host",
        ),
        (
            "$tool = Join-Path $env:ProgramFiles 'Contoso'",
            23,
            "$env:ProgramFiles, which points into the host's installation",
        ),
        (
            '$tool = "${env:ProgramFiles(x86)}\\Contoso"',
            14,
            "${env:ProgramFiles(x86)}, which points into the host's installation",
        ),
        ("$win = $env:windir", 12, "$env:windir, which points into the host's installation"),
        ("$data = $env:APPDATA", 13, "$env:APPDATA, which points into the host's installation"),
        (
            "Import-Module $PSScriptRoot\\..\\Other\\Other.psd1",
            19,
            "$PSScriptRoot\\..\\Other\\Other.psd1, a path that leaves the module folder",
        ),
        ("Get-Content '..\\settings.json'", 17, "'..\\settings.json', a path that leaves the module folder"),
    ],
)
def test_am207_reaching_outside_the_module(tmp_path: Path, statement: str, column: int, what: str) -> None:
    script = f"function Get-Widget {{\n    {statement}\n}}\n"
    report = check(build(tmp_path, script))
    assert [
        (item.version, item.file, item.line, item.column, item.message) for item in report.items if item.rule == "AM207"
    ] == [("1.0.0", PSM1, 2, column, f"Get-Widget uses {what}")]


@pytest.mark.parametrize(
    "statement",
    [
        "Import-Module $PSScriptRoot\\Lib\\Lib.psd1",
        "Add-Type -Path (Join-Path $PSScriptRoot 'bin\\Widget.dll')",
        "$out = Join-Path $env:TEMP 'widgets.csv'",
        "Invoke-RestMethod -Uri 'https://api.contoso.com/widgets'",
        "$name -match '\\\\d+\\\\s'",
        "$relative = 'data\\widgets.json'",
        "Write-Verbose 'Loading...'",
        "[ValidatePattern('^C:\\\\')] $x = 'y'",
        "# C:\\Temp in a comment is not code",
    ],
)
def test_am207_paths_inside_the_module_and_other_strings(tmp_path: Path, statement: str) -> None:
    script = f"function Get-Widget {{\n    {statement}\n}}\n"
    assert found(check(build(tmp_path, script)), "AM207") == []


def test_am207_dot_dot_from_a_subfolder_stays_inside(tmp_path: Path) -> None:
    loader = ". $PSScriptRoot\\Public\\Get-Widget.ps1\n"
    public = GOOD.replace('"widget $Name"', "Get-Content $PSScriptRoot\\..\\data\\widgets.json")
    private = "function Get-Deep { Get-Content $PSScriptRoot\\..\\..\\outside.json }\n"
    extra = {f"{MODULE}/Public/Get-Widget.ps1": public, f"{MODULE}/Private/Get-Deep.ps1": private}
    report = check(build(tmp_path, loader, extra=extra))
    assert found(report, "AM207") == [
        (
            "1.0.0",
            f"{MODULE}/Private/Get-Deep.ps1",
            1,
            "Get-Deep uses $PSScriptRoot\\..\\..\\outside.json, a path that leaves the module folder",
        )
    ]


def test_am207_script_level_code(tmp_path: Path) -> None:
    script = GOOD + "$config = Get-Content 'C:\\ProgramData\\Contoso\\config.json'\n"
    assert found(check(build(tmp_path, script)), "AM207") == [
        (
            "1.0.0",
            PSM1,
            13,
            "the module's script-level code uses 'C:\\ProgramData\\Contoso\\config.json', an absolute path on the host",
        )
    ]


# AM208 AzureRM in an Az module --------------------------------------------------------------------


def test_am208_azurerm_in_a_comment_of_a_module_requiring_az(tmp_path: Path) -> None:
    script = GOOD + "# Ported from AzureRM: Get-AzureRmContext became Get-AzContext.\n# azurerm.profile\n"
    report = check(build(tmp_path, script, RequiredModules="@('Az.Accounts')"))
    reason = "the module uses Az (RequiredModules names Az.Accounts)"
    assert found(report, "AM208") == [
        (
            "1.0.0",
            PSM1,
            13,
            f"a comment (# Ported from AzureRM: Get-AzureRmContext became Get-AzCont…) mentions AzureRM, but {reason}",
        ),
        ("1.0.0", PSM1, 14, f"a comment (# azurerm.profile) mentions AzureRM, but {reason}"),
    ]
    assert [item.column for item in report.items if item.rule == "AM208"] == [15, 3]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("Import-Module Az.Compute", "Import-Module Az.Compute"),
        ("#Requires -Modules Az.Storage", "#Requires -Modules Az.Storage"),
        ("function Get-Vm { Get-AzVM }", "it calls Get-AzVM"),
    ],
)
def test_am208_az_use_found_in_scripts(tmp_path: Path, code: str, reason: str) -> None:
    manifest_text = manifest("1.0.0", **EXPORTS, Description="'Formerly AzureRM-based.'")
    members = {PSD1: manifest_text, PSM1: f"{code}\n{GOOD}"}
    report = check(write_zip(tmp_path / f"{MODULE}.zip", members))
    assert found(report, "AM208") == [
        ("1.0.0", PSD1, 7, f"a string ('Formerly AzureRM-based.') mentions AzureRM, but the module uses Az ({reason})")
    ]


def test_am208_not_without_az(tmp_path: Path) -> None:
    script = GOOD + "# AzureRM only\nfunction Get-Vm { Get-AzureRmVM }\n"
    assert found(check(build(tmp_path, script)), "AM208") == []


def test_am208_not_without_the_word(tmp_path: Path) -> None:
    assert found(check(build(tmp_path, GOOD, RequiredModules="@('Az.Accounts')")), "AM208") == []


# AM209 sandbox -----------------------------------------------------------------------------------


def test_am209_commands_that_need_a_hybrid_worker(tmp_path: Path) -> None:
    script = (
        "function Get-Widget {\n"
        "    Resolve-DnsName -Name contoso.com\n"
        "    gwmi Win32_OperatingSystem\n"
        "    CimCmdlets\\Get-CimInstance Win32_Service\n"
        "    Get-ADUser -Filter *\n"
        "}\n"
        "Read-Host 'Name'\n"
    )
    report = check(build(tmp_path, script))
    messages = found(report, "AM209")
    assert [(line, message.split(":")[0]) for _, _, line, message in messages] == [
        (2, "Get-Widget calls Resolve-DnsName"),
        (3, "Get-Widget calls gwmi"),
        (4, "Get-Widget calls CimCmdlets\\Get-CimInstance"),
        (5, "Get-Widget calls Get-ADUser"),
        (7, "the module's script-level code calls Read-Host"),
    ]
    assert "Not enough storage is available" in messages[0][3]
    assert "WMI" in messages[1][3] and "WMI" in messages[2][3]
    assert "domain controller" in messages[3][3]
    assert "interactive" in messages[4][3]
    assert {item.severity for item in report.items if item.rule == "AM209"} == {"info"}


def test_am209_cloud_friendly_commands(tmp_path: Path) -> None:
    script = GOOD + "function Get-Other {\n    Invoke-RestMethod -Uri 'https://example.org'\n    Get-Date\n}\n"
    assert found(check(build(tmp_path, script)), "AM209") == []


# AM210 Import-Module without -RequiredVersion ---------------------------------------------------


class Account:
    """An Automation account as the checks see it: the versions it holds of each module."""

    def __init__(self, **modules: list[str]) -> None:
        self.modules = {name.replace("_", "."): versions for name, versions in modules.items()}

    def versions(self, name: str) -> list[str]:
        return self.modules.get(name, [])


def importing(line: str) -> str:
    return GOOD.replace('    "widget $Name"', f"    {line}")


def test_am210_required_modules_accept_a_range(tmp_path: Path) -> None:
    script = importing("Import-Module Az.Accounts")
    report = check(build(tmp_path, script, RequiredModules="@(@{ModuleName='Az.Accounts'; ModuleVersion='2.10.0'})"))
    assert found(report, "AM210") == [
        (
            "1.0.0",
            PSM1,
            11,
            "Get-Widget imports Az.Accounts without -RequiredVersion, and several versions of it can be present: "
            "RequiredModules accepts Az.Accounts 2.10.0 or later",
        )
    ]


def test_am210_the_account_holds_several_versions(tmp_path: Path) -> None:
    zip_path = build(tmp_path, importing("Import-Module -Name Contoso.Tools"))
    report = check(zip_path, account=Account(Contoso_Tools=["1.0.0", "2.0.0"]))
    assert [message for *_, message in found(report, "AM210")] == [
        "Get-Widget imports Contoso.Tools without -RequiredVersion, and several versions of it can be present: "
        "the account holds Contoso.Tools 1.0.0, 2.0.0"
    ]
    assert found(check(zip_path, account=Account(Contoso_Tools=["2.0.0"])), "AM210") == []
    assert found(check(zip_path), "AM210") == []


def test_am210_the_package_holds_the_module_side_by_side(tmp_path: Path) -> None:
    script = "Import-Module TestModule\n" + GOOD
    members = {
        f"{MODULE}/1.0.0/{MODULE}.psd1": manifest("1.0.0", **EXPORTS),
        f"{MODULE}/1.0.0/{MODULE}.psm1": GOOD,
        f"{MODULE}/2.0.0/{MODULE}.psd1": manifest("2.0.0", **EXPORTS),
        f"{MODULE}/2.0.0/{MODULE}.psm1": script,
    }
    report = check(write_zip(tmp_path / f"{MODULE}.zip", members))
    assert found(report, "AM210") == [
        (
            "2.0.0",
            f"{MODULE}/2.0.0/{MODULE}.psm1",
            1,
            "the module's script-level code imports TestModule without -RequiredVersion, and several versions of it "
            "can be present: this package holds TestModule 1.0.0, 2.0.0 side by side",
        )
    ]


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("Import-Module Az.Accounts -RequiredVersion 2.12.1", "@('Az.Accounts')"),
        ("Import-Module -FullyQualifiedName @{ModuleName='Az.Accounts'; RequiredVersion='2.12.1'}", "@('Az.Accounts')"),
        ("Import-Module Az.Accounts", "@(@{ModuleName='Az.Accounts'; RequiredVersion='2.12.1'})"),
        ("Import-Module Contoso.Tools", "@('Az.Accounts')"),
        ("Import-Module $PSScriptRoot\\Az.Accounts.psd1", "@('Az.Accounts')"),
    ],
    ids=["required-version", "fully-qualified", "pinned-dependency", "unknown-module", "a-file"],
)
def test_am210_version_is_pinned_or_unknown(tmp_path: Path, line: str, required: str) -> None:
    assert found(check(build(tmp_path, importing(line), RequiredModules=required)), "AM210") == []


# AM211 export lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("functions", "shown"),
    [("'*'", "'*'"), ("@('*')", "'*'"), ("$null", "$null")],
)
def test_am211_functions_to_export_wildcard_or_null(tmp_path: Path, functions: str, shown: str) -> None:
    report = check(build(tmp_path, GOOD, FunctionsToExport=functions))
    assert found(report, "AM211") == [("1.0.0", PSD1, 5, f"FunctionsToExport is {shown}: every command is exported")]


def test_am211_unset_keys(tmp_path: Path) -> None:
    members = {PSD1: manifest("1.0.0"), PSM1: GOOD}
    report = check(write_zip(tmp_path / f"{MODULE}.zip", members))
    assert found(report, "AM211") == [
        ("1.0.0", PSD1, None, "CmdletsToExport is not set: every command is exported"),
        ("1.0.0", PSD1, None, "FunctionsToExport is not set: every command is exported"),
    ]


def test_am211_explicit_lists(tmp_path: Path) -> None:
    assert (
        found(check(build(tmp_path, GOOD, FunctionsToExport="@('Get-Widget')", CmdletsToExport="@()")), "AM211") == []
    )


# Unreadable input --------------------------------------------------------------------------------


def test_an_unreadable_script_becomes_am100_not_a_crash(tmp_path: Path) -> None:
    members = {PSD1: manifest("1.0.0", **EXPORTS), PSM1: b"function Get-Widget { }\x00\x01"}
    report = check(write_zip(tmp_path / f"{MODULE}.zip", members))
    unreadable = [item for item in report.items if item.rule == "AM100"]
    assert unreadable and all(item.file and item.file.endswith(PSM1) for item in unreadable)
    assert {item.message.split()[0] for item in unreadable} >= {"AM201", "AM206", "AM207", "AM209"}
    assert not report.importable


@pytest.mark.parametrize(
    ("help_file", "problem"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE helpItems [<!ENTITY a "aaaaaaaaaa">]>\n<helpItems>&a;</helpItems>\n',
            "the help file declares a DOCTYPE",
        ),
        ("<helpItems>\n<command:command>\n", "the help file is not well-formed XML: unbound prefix"),
    ],
    ids=["doctype", "malformed"],
)
def test_an_unreadable_help_file_is_an_am201_warning_not_an_import_blocker(
    tmp_path: Path, help_file: str, problem: str
) -> None:
    report = check(build_binary(tmp_path, {"ContosoBinary.dll": DLL, "en-US/ContosoBinary.dll-help.xml": help_file}))
    assert found(report, "AM100") == []  # Automation does not read help files when it imports
    unreadable = found(report, "AM201")
    assert unreadable and all(file == HELP_PATH and problem in message for _, file, _, message in unreadable)
    assert all(
        "has no help Get-Help can show: en-US/ContosoBinary.dll-help.xml cannot be read" in m for *_, m in unreadable
    )
    assert found(report, "AM203") == []  # the output types are in the assembly, still read
    assert report.importable


def test_an_unreadable_manifest_is_left_to_am105(tmp_path: Path) -> None:
    members = {PSD1: "@{ ModuleVersion = '1.0.0'; RootModule = \n", PSM1: GOOD}
    report = check(write_zip(tmp_path / f"{MODULE}.zip", members))
    assert [item.rule for item in report.items] == ["AM105"]


# The samples -------------------------------------------------------------------------------------

# The good samples import cleanly but are not practice-perfect, and the rules say so truthfully:
# SideBySide's functions and ContosoCore's ConvertTo-ContosoQueryString have neither a HelpUri nor a
# .LINK (AM202); ContosoNotify and ContosoCore keep a constant in a module-level $script: variable set at
# import, which one function reads (AM206 counts module-level variables, as Microsoft's own "what not to
# do" example is one).
GOOD_SAMPLE_FINDINGS = {
    "SideBySide": [
        ("AM202", "1.0.0", 4),
        ("AM202", "1.0.0", 52),
        ("AM202", "2.0.0", 4),
        ("AM202", "2.0.0", 52),
        ("AM202", "2.0.0", 86),
    ],
    "ContosoNotify": [("AM206", "1.4.0", 5), ("AM206", "1.4.0", 19)],
    "ContosoBinary": [],
    "ContosoCore": [("AM202", "1.2.0", 6), ("AM206", "1.2.0", 4), ("AM206", "1.2.0", 101)],
    "ContosoReports": [],
}


@pytest.mark.parametrize("name", samples.names())
def test_good_samples(tmp_path: Path, name: str) -> None:
    report = check(samples.build(tmp_path, [name])[name])
    assert [(item.rule, item.version, item.line) for item in report.items] == GOOD_SAMPLE_FINDINGS[name]
    assert report.counts()["error"] == 0


def test_broken_layout_sample_is_refused(tmp_path: Path) -> None:
    report = check(samples.build(tmp_path, ["BrokenLayout"])["BrokenLayout"])
    assert [(item.rule, item.file) for item in report.items] == [
        ("AM106", "BrokenLayout/1.0.0/BrokenLayout.psd1"),
        ("AM107", "BrokenLayout/1.0.0/BrokenLayout.psd1"),
        ("AM108", "BrokenLayout/1.0.0/BrokenLayout-Automation.json"),
    ]
    assert not report.importable


def test_sloppy_module_sample_breaks_the_practices(tmp_path: Path) -> None:
    report = check(samples.build(tmp_path, ["SloppyModule"])["SloppyModule"])
    assert report.importable
    assert {item.rule for item in report.items} == {f"AM2{number:02}" for number in range(1, 12)} - {"AM204"}
    assert report.counts() == {"error": 0, "warning": 13, "info": 4}
    where = {(item.rule, item.line) for item in report.items if item.file == "SloppyModule/SloppyModule.psm1"}
    assert {("AM205", 8), ("AM206", 4), ("AM206", 25), ("AM206", 30), ("AM207", 15), ("AM207", 24)} <= where
    assert ("AM208", 2) in where
    assert {("AM209", 16), ("AM210", 13)} <= where
