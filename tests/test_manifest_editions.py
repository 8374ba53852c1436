"""Manifests that choose by ``$PSEdition`` (``RootModule = if ($PSEdition -eq 'Core') {...}``), read as PowerShell does.

ExchangeOnlineManagement 3.x, PSScriptAnalyzer 2.x and PowerShellEditorServices
write their manifests so; PowerShell's restricted language allows it, and the
branch taken is the edition's: ``Desktop`` for Windows PowerShell 5.1, ``Core``
for PowerShell 7.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from packages import write_zip

import amkit
from amkit import DataFileError, Manifest, Symbolic, read_psd1
from amkit.cli import main

# As ExchangeOnlineManagement 3.4.0 writes it: braces on their own lines, a comment after else.
EXCHANGE = """@{
RootModule = if($PSEdition -eq 'Core')
{
    'netCore\\ExchangeOnlineManagement.psm1'
}
else # Desktop
{
    'netFramework\\ExchangeOnlineManagement.psm1'
}
FunctionsToExport = @('Connect-ExchangeOnline')
ModuleVersion = '3.4.0'
GUID = 'b5eced50-afa4-455b-847a-d8fb64140a22'
Author = 'Microsoft Corporation'
Description = 'Exchange Online PowerShell V3 module.'
CmdletsToExport = @()
AliasesToExport = @()
}
"""


def value(expression: str, edition: str | None):
    return read_psd1(f"@{{ Value = {expression} }}", edition=edition)["Value"]


CONDITIONS = {
    "-eq, ignoring case": ("$PSEdition -eq 'core'", False, True),
    "-ieq": ("$PSEdition -ieq 'CORE'", False, True),
    "-ceq, with case": ("$PSEdition -ceq 'core'", False, False),
    "-ne": ("$PSEdition -ne 'Core'", True, False),
    "-cne": ("$PSEdition -cne 'core'", True, True),
    "constant on the left": ("'Desktop' -eq $PSEdition", True, False),
    "-like": ("$PSEdition -like 'C*'", False, True),
    "-clike": ("$PSEdition -clike 'c*'", False, False),
    "-notlike": ("$PSEdition -notlike 'D*'", False, True),
    "-in": ("$PSEdition -in 'Core', 'Other'", False, True),
    "-notin": ("$PSEdition -notin @('Core')", True, False),
    "-contains": ("@('Desktop') -contains $PSEdition", True, False),
    "-notcontains": ("'Desktop', 'X' -notcontains $PSEdition", False, True),
    "-not": ("-not ($PSEdition -eq 'Core')", True, False),
    "!": ("!($PSEdition -eq 'Core')", True, False),
    "-and": ("$PSEdition -eq 'Core' -and $true", False, True),
    "-or": ("$PSEdition -eq 'Desktop' -or $false", True, False),
    "-xor": ("($PSEdition -eq 'Core') -xor $true", True, False),
    "typographic dash": ("$PSEdition \u2013eq 'Core'", False, True),
    "parentheses": ("(($PSEdition -eq 'Core'))", False, True),
    "a string's truth": ("$PSEdition", True, True),
    "$false": ("$false", False, False),
    "a number compared": ("2 -gt 1", True, True),
}


@pytest.mark.parametrize(("condition", "desktop", "core"), CONDITIONS.values(), ids=CONDITIONS.keys())
def test_an_if_takes_the_branch_of_the_edition(condition, desktop, core):
    expression = f"if ({condition}) {{ 'then' }} else {{ 'else' }}"
    assert value(expression, "Desktop") == ("then" if desktop else "else")
    assert value(expression, "Core") == ("then" if core else "else")


def test_without_an_edition_an_if_on_it_is_kept_symbolic():
    expression = "if ($PSEdition -eq 'Core') { 'a.dll' } else { 'b.dll' }"
    assert value(expression, None) == Symbolic(expression)
    assert value("if ($true) { 'a' } else { 'b' }", None) == "a"  # decided without one


def test_elseif_and_what_a_branch_outputs():
    chain = "if ($PSEdition -eq 'X') { 1 } elseif ($PSEdition -eq 'Core') { 2 } elseif ($true) { 3 } else { 4 }"
    assert (value(chain, "Core"), value(chain, "Desktop")) == (2, 3)
    assert value("if ($false) { 1 }", "Core") is None  # no branch taken: $null
    assert value("if ($true) { 'a'; 'b', 'c' }", "Core") == ["a", "b", "c"]  # outputs collected, arrays enumerated
    assert value("if ($true) { if ($PSEdition -eq 'Core') { 'inner' } }", "Core") == "inner"


def test_an_if_inside_an_array_adds_its_outputs_only():
    text = "@{ A = @( 'x'; if ($PSEdition -eq 'Core') { 'core.dll'; 'net.dll' } ); B = @( if ($false) { 1 } ) }"
    assert dict(read_psd1(text, edition="Core")) == {"A": ["x", "core.dll", "net.dll"], "B": []}
    assert dict(read_psd1(text, edition="Desktop")) == {"A": ["x"], "B": []}


@pytest.mark.parametrize(
    "condition",
    ["$EnabledExperimentalFeatures -contains 'X'", "$PSEdition -match 'Core'", "$PSScriptRoot -like '*x'"],
)
def test_a_condition_only_powershell_can_decide_keeps_the_whole_if(condition):
    expression = f"if ({condition}) {{ 1 }} else {{ 2 }}"
    assert value(expression, "Core") == Symbolic(expression)


REFUSED = {
    "a command in the taken branch": (
        "if ($PSEdition -eq 'Core') { Get-Date } else { 1 }",
        "Get-Date",
        "command Get-Date",
    ),
    "a command in the branch not taken": (
        "if ($PSEdition -eq 'X') { 1 } else { Get-Date }",
        "Get-Date",
        "command Get-Date",
    ),
    "another variable in the condition": ("if ($x -eq 1) { 1 }", "$x", "variable"),
    "a sub-expression in the condition": ("if ($(Get-Date)) { 1 }", "$(", "sub-expression $(...)"),
}


@pytest.mark.parametrize(("expression", "where", "construct"), REFUSED.values(), ids=REFUSED.keys())
def test_what_restricted_language_refuses_is_refused_in_every_branch(expression, where, construct):
    with pytest.raises(DataFileError) as info:
        value(expression, "Desktop")
    column = len("@{ Value = ") + expression.index(where) + 1
    assert (info.value.line, info.value.column, info.value.construct) == (1, column, construct)


def test_import_powershell_data_file_refuses_an_if_whatever_the_edition():
    with pytest.raises(DataFileError, match="if statement is not allowed"):
        read_psd1("@{ A = if ($true) { 1 } }", manifest=False, edition="Core")


def test_an_unknown_edition_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="Desktop, Core"):
        read_psd1("@{}", edition="core")
    with pytest.raises(ValueError, match="Desktop, Core"):
        amkit.open_package(tmp_path, edition="Linux")


def test_nesting_ifs_is_bounded_as_arrays_are():
    deep = "if ($true) { " * 150 + "1" + " }" * 150
    with pytest.raises(DataFileError) as info:
        read_psd1(f"@{{ A = {deep} }}", edition="Core")
    assert info.value.construct == "nesting"


def test_the_exchange_online_manifest_names_each_editions_root_module():
    desktop, core = (Manifest.read(EXCHANGE, edition=edition) for edition in ("Desktop", "Core"))
    assert desktop.root_module == "netFramework\\ExchangeOnlineManagement.psm1"
    assert core.root_module == "netCore\\ExchangeOnlineManagement.psm1"
    assert Manifest.read(EXCHANGE).root_module.startswith("if($PSEdition -eq 'Core')")


@pytest.fixture
def exchange(tmp_path):
    members = {"ExchangeOnlineManagement/ExchangeOnlineManagement.psd1": EXCHANGE}
    for folder in ("netCore", "netFramework"):
        members[f"ExchangeOnlineManagement/{folder}/ExchangeOnlineManagement.psm1"] = (
            "function Connect-ExchangeOnline {\n    <#\n    .SYNOPSIS\n    Connects, from "
            f"{folder}.\n    #>\n    [CmdletBinding()]\n    param([string] $UserPrincipalName)\n}}\n"
        )
    return write_zip(tmp_path / "ExchangeOnlineManagement.zip", members)


def test_a_package_reads_its_commands_from_the_editions_root_module(exchange):
    for edition, folder in (("Desktop", "netFramework"), ("Core", "netCore")):
        with amkit.open_package(exchange, edition=edition) as package:
            version = package.latest
            assert version.error is None
            assert version.root_module_path == f"ExchangeOnlineManagement/{folder}/ExchangeOnlineManagement.psm1"
            assert version.module_type == "Script"
            assert version.commands["synopsis"].tolist() == [f"Connects, from {folder}."]
    with amkit.open_package(exchange) as package:
        assert package.edition == "Desktop"  # Windows PowerShell 5.1 unless told


def test_check_reads_the_manifest_for_its_runtimes_edition(exchange):
    for runtime, folder in (("5.1", "netFramework"), ("7.2", "netCore"), (None, "netFramework")):
        report = amkit.check(exchange, runtime=runtime)
        assert report.importable
        assert {item.file for item in report.items} == {
            f"ExchangeOnlineManagement/{folder}/ExchangeOnlineManagement.psm1"
        }


def test_inspect_takes_an_edition(exchange):
    for edition, folder in (("Desktop", "netFramework"), ("Core", "netCore")):
        out = StringIO()
        assert main(["inspect", str(exchange), "--json", "--edition", edition], out=out) == 0
        (version,) = json.loads(out.getvalue())["versions"]
        assert version["commands"][0]["synopsis"] == f"Connects, from {folder}."


def test_an_account_imports_a_package_as_its_environments_powershell_reads_it(exchange, tmp_path):
    with amkit.AutomationAccount.open(tmp_path / "account.db") as account:
        for environment, folder in (("PowerShell-5.1", "netFramework"), ("PowerShell-7.2", "netCore")):
            record = account.import_package(exchange, runtime_environment=environment)
            assert record.succeeded
            assert {item.file for item in record.report.items} == {
                f"ExchangeOnlineManagement/{folder}/ExchangeOnlineManagement.psm1"
            }
