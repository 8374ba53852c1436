"""AzureRM to Az through amkit.migration_plan and `amkit migrate`, on real runbook text and the published mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

import amkit
from amkit.cli import main
from amkit.deps.azurerm import MIGRATION_COLUMNS, azurerm_mapping

RUNBOOK = b"""# A runbook of the AzureRM days
Add-AzureRmAccount -Identity
$vm = Get-AzureRmVM -ResourceGroupName rg -AzureRmContext $context
Get-AzureStorageTable -N audit
New-AzureRmApiManagementHostnameConfiguration
Get-AzureRmNothingLikeThis
Write-Output $vm
"""


def test_each_azurerm_cmdlet_gets_its_az_cmdlet_and_parameter_renames() -> None:
    plan = amkit.migration_plan(RUNBOOK)
    assert list(plan.columns) == MIGRATION_COLUMNS
    rows = plan[["line", "azurerm", "az", "parameter_renames", "note"]].astype(object).where(plan.notna(), None)
    assert rows.values.tolist() == [
        [2, "Add-AzureRmAccount", "Connect-AzAccount", "", None],  # the mapping's Add-AzAccount is an alias
        [3, "Get-AzureRmVM", "Get-AzVM", "AzureRmContext -> DefaultProfile", None],
        [4, "Get-AzureStorageTable", "Get-AzStorageTable", "N -> Name", None],
        [5, "New-AzureRmApiManagementHostnameConfiguration", None, "", "no Az cmdlet replaces it"],
        [6, "Get-AzureRmNothingLikeThis", None, "", "an AzureRM name the published mapping does not list"],
    ]
    assert amkit.migration_plan(b"Get-AzVM\nWrite-Output 1\n").empty  # nothing to migrate


def test_the_mapping_says_where_it_comes_from() -> None:
    mapping = azurerm_mapping()
    assert "Azure/azure-powershell-migration" in mapping["source"] and "MIT" in mapping["license"]
    assert mapping["coverage"]


def test_several_runbooks_and_the_module_each_replacement_comes_from(tmp_path: Path) -> None:
    first = tmp_path / "First.ps1"
    first.write_bytes(b"Get-AzureRmVM -Name x\n")
    second = tmp_path / "Second.ps1"
    second.write_bytes(b"Get-AzureStorageTable -Name t\n")
    core = amkit.Inventory([amkit.ModuleRecord("Az.Compute", amkit.PSVersion("4.27.0"), commands=("Get-AzVM",))])
    plan = amkit.migration_plan([first, second], inventory=core)
    assert plan[["runbook", "az"]].values.tolist() == [[str(first), "Get-AzVM"], [str(second), "Get-AzStorageTable"]]
    assert plan["az_module"].tolist()[0] == "Az.Compute" and plan["az_module"].isna().tolist()[1]
    assert list(plan["az_module"].dropna().unique()) == ["Az.Compute"]


def test_without_an_inventory_the_modules_are_those_of_the_newest_az_release_amkit_knows() -> None:
    plan = amkit.migration_plan(
        b"Login-AzureRmAccount\nGet-AzureRmVM\nGet-AzureRmStorageAccount\nGet-AzureRmKeyVault\n"
    )
    assert plan["az"].tolist() == ["Connect-AzAccount", "Get-AzVM", "Get-AzStorageAccount", "Get-AzKeyVault"]
    assert plan["az_module"].tolist() == ["Az.Accounts", "Az.Compute", "Az.Storage", "Az.KeyVault"]


def test_amkit_migrate_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Old.ps1").write_bytes(RUNBOOK)
    assert main(["migrate", "--format", "csv", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(MIGRATION_COLUMNS)
    assert lines[2].endswith(",3,7,Get-AzureRmVM,Get-AzVM,AzureRmContext -> DefaultProfile,,Az.Compute,")  # after $vm =
    assert main(["migrate", str(tmp_path / "missing.ps1")]) == 2
