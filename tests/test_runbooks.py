"""Which module exports which command, and which modules a runbook needs."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from packages import Members, module, write_zip

import amkit
from amkit.deps.runbooks import COMMAND_INDEX_COLUMNS, RUNBOOK_COLUMNS


@pytest.fixture
def available(tmp_path: Path) -> amkit.Inventory:
    packages: list[Members] = [
        module("Az.Accounts", "2.7.0", functions=("Connect-AzAccount", "Get-AzContext")),
        module("Az.Accounts", "2.12.1", functions=("Connect-AzAccount", "Get-AzContext", "Get-AzAccessToken")),
        module("Az.Compute", "6.0.0", functions=("Get-AzVM", "Start-AzVM")),
        module("Legacy.Compute", "1.0.0", functions=("Start-AzVM",)),
        module("Contoso.Tools", "1.0.0", functions=("Get-ContosoThing",)),
    ]
    root = tmp_path / "shelf"
    for number, members in enumerate(packages):
        name = next(iter(members)).split("/", 1)[0]
        write_zip(root / f"{number:02d}" / f"{name}.zip", members)
    return amkit.scan(root, progress=False)


def test_commands_index(available: amkit.Inventory) -> None:
    frame = amkit.commands_index(available)
    assert list(frame.columns) == COMMAND_INDEX_COLUMNS
    assert frame.values.tolist() == [
        ["Connect-AzAccount", "Az.Accounts", "2.7.0, 2.12.1", "2.12.1"],
        ["Get-AzAccessToken", "Az.Accounts", "2.12.1", "2.12.1"],
        ["Get-AzContext", "Az.Accounts", "2.7.0, 2.12.1", "2.12.1"],
        ["Get-AzVM", "Az.Compute", "6.0.0", "6.0.0"],
        ["Get-ContosoThing", "Contoso.Tools", "1.0.0", "1.0.0"],
        ["Start-AzVM", "Az.Compute", "6.0.0", "6.0.0"],
        ["Start-AzVM", "Legacy.Compute", "1.0.0", "1.0.0"],
    ]


RUNBOOK = r"""
#Requires -Modules @{ ModuleName = 'Az.Accounts'; ModuleVersion = '2.10.0' }
param([string] $VmName)

function Write-Log([string] $Text) { Write-Output "$(Get-Date -Format o) $Text" }
Set-Alias -Name ctx -Value Get-AzContext

$connection = Get-AutomationConnection -Name 'AzureRunAsConnection'
Connect-AzAccount -Identity | Out-Null
ctx
Az.Compute\Get-AzVM -Name $VmName | Select-Object -First 1 | % { Write-Log $_.Name }
Get-ContosoThing
Import-Module Contoso.Missing
Import-Module $env:EXTRA_MODULE
Invoke-Unknown -Now
.\Child-Runbook.ps1 -Name $VmName
Write-Log 'done'
"""


def rows(frame: pd.DataFrame) -> list[list[object]]:
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_runbook_requirements(available: amkit.Inventory) -> None:
    frame = amkit.runbook_requirements(RUNBOOK, available)
    assert list(frame.columns) == RUNBOOK_COLUMNS
    table = {row[0]: row[1:] for row in rows(frame) if row[0] is not None}
    assert list(table) == [
        "Az.Accounts",
        "Az.Compute",
        "Contoso.Missing",
        "Contoso.Tools",
        "Microsoft.PowerShell.Core",
        "Microsoft.PowerShell.Utility",
        "Orchestrator.AssetManagement.Cmdlets",
    ]
    assert table["Az.Accounts"] == [
        "ok",
        "Connect-AzAccount, Get-AzContext",
        "#Requires -Modules",
        "2.10.0",
        None,
        None,
        "2.12.1",
        "2.7.0, 2.12.1",
        None,
    ]
    assert table["Az.Compute"][:2] == ["ok", "Get-AzVM"]  # the module-qualified call picks Az.Compute alone
    assert table["Contoso.Missing"][:3] == ["missing", "", "Import-Module"]
    assert table["Microsoft.PowerShell.Utility"][:2] == ["built-in", "Write-Output, Get-Date, Set-Alias, Select-Object"]
    assert table["Orchestrator.AssetManagement.Cmdlets"][:2] == ["built-in", "Get-AutomationConnection"]
    unknown = [row[1:] for row in rows(frame) if row[0] is None]
    assert [(row[0], row[1], row[2]) for row in unknown] == [
        ("unknown", "Invoke-Unknown", ""),
        ("unknown", "", "Import-Module $env:EXTRA_MODULE"),
    ]


def test_own_functions_aliases_and_child_runbooks_are_not_modules(available: amkit.Inventory) -> None:
    frame = amkit.runbook_requirements(RUNBOOK, available)
    listed = " ".join(frame["commands"].dropna())
    assert "Write-Log" not in listed
    assert "ctx" not in listed
    assert "Child-Runbook" not in listed
    assert "%" in listed  # ForEach-Object's alias, a Core command
    assert frame.set_index("module").loc["Microsoft.PowerShell.Core", "status"] == "built-in"


def test_a_version_the_inventory_lacks(available: amkit.Inventory) -> None:
    frame = amkit.runbook_requirements(
        "#Requires -Modules @{ModuleName='Az.Compute'; RequiredVersion='7.0.0'}\n", available
    )
    assert rows(frame) == [
        [
            "Az.Compute",
            "version-conflict",
            "",
            "#Requires -Modules",
            None,
            "7.0.0",
            None,
            None,
            "6.0.0",
            "asked for Az.Compute[RequiredVersion=7.0.0]",
        ]
    ]


def test_a_command_two_modules_export(available: amkit.Inventory) -> None:
    frame = amkit.runbook_requirements("Start-AzVM -Name web01\n", available).set_index("module")
    assert list(frame["status"]) == ["ambiguous", "ambiguous"]
    assert frame.loc["Az.Compute", "note"] == "Start-AzVM is also exported by Legacy.Compute"
    # Naming the module settles it.
    frame = amkit.runbook_requirements("Import-Module Legacy.Compute\nStart-AzVM -Name web01\n", available)
    assert rows(frame[["module", "status", "commands"]]) == [
        ["Legacy.Compute", "ok", "Start-AzVM"],
        ["Microsoft.PowerShell.Core", "built-in", "Import-Module"],
    ]


def test_a_runbook_file(tmp_path: Path, available: amkit.Inventory) -> None:
    path = tmp_path / "Start-Vm.ps1"
    path.write_bytes(b"\xef\xbb\xbfGet-AzVM\r\n")
    frame = amkit.runbook_requirements(path, available)
    assert rows(frame[["module", "status"]]) == [["Az.Compute", "ok"]]


def test_syntax_errors_are_read_past_unless_strict(available: amkit.Inventory) -> None:
    text = "Get-AzVM\nif ( {\n"
    assert "Az.Compute" in set(amkit.runbook_requirements(text, available)["module"].dropna())
    with pytest.raises(amkit.ScriptError):
        amkit.runbook_requirements(text, available, strict=True)


def test_the_built_in_tables() -> None:
    from amkit.defaults import BUILTIN_ALIASES, CORE_COMMANDS, DEFAULT_MODULES, builtin_module, is_builtin_module

    every = [command for commands in CORE_COMMANDS.values() for command in commands]
    assert all(re.fullmatch(r"[A-Z][A-Za-z]*-[A-Z][A-Za-z0-9]*", command) for command in every), every
    assert len(every) == len({command.casefold() for command in every})
    assert len(CORE_COMMANDS["Microsoft.PowerShell.Utility"]) == 107
    assert all(builtin_module(target) is not None for target in BUILTIN_ALIASES.values())
    assert builtin_module("gci") == builtin_module("Get-ChildItem") == "Microsoft.PowerShell.Management"
    assert builtin_module("Microsoft.PowerShell.Utility\\Write-Output") == "Microsoft.PowerShell.Utility"
    assert builtin_module("get-automationvariable") == "Orchestrator.AssetManagement.Cmdlets"
    assert builtin_module("Get-AzVM") is None
    assert is_builtin_module("microsoft.powershell.core")
    assert ("Orchestrator.AssetManagement.Cmdlets", "1") in DEFAULT_MODULES


def test_requirements_follow_what_the_loaded_modules_require(tmp_path: Path) -> None:
    samples = amkit.samples.build(tmp_path / "samples")
    inventory = amkit.scan([samples["ContosoCore"], samples["ContosoReports"]], progress=False)
    needs = amkit.runbook_requirements(b"Get-ContosoUsageReport -Month 3\n", inventory).set_index("module")
    assert needs.loc["ContosoCore", "statements"] == "RequiredModules of ContosoReports 1.0.0"
    assert (needs.loc["ContosoCore", "status"], needs.loc["ContosoCore", "min_version"]) == ("ok", "1.2.0")
    # Without ContosoCore, the runbook's need is unmet, though it never calls ContosoCore itself.
    alone = amkit.runbook_requirements(
        b"Get-ContosoUsageReport\n", amkit.scan([samples["ContosoReports"]], progress=False)
    )
    assert alone.set_index("module").loc["ContosoCore", "status"] == "missing"
