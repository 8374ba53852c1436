"""Runbook checks (AM3xx) through amkit.check_runbook, on real runbook text and a real account file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packages import module, write_zip

import amkit


def rules_found(report: amkit.Report) -> list[tuple[str, int | None]]:
    return [(item.rule, item.line) for item in report.items]


def test_the_azurerm_keyword_in_a_runbook_that_uses_az(account: amkit.AutomationAccount) -> None:
    report = amkit.check_runbook(
        b"# AzureRM leftover\nImport-Module Az.Accounts\nConnect-AzAccount -Identity\n", account
    )
    (finding,) = report.items
    assert (finding.rule, finding.line, finding.column) == ("AM301", 1, 3)
    assert "a comment (# AzureRM leftover) mentions AzureRm" in finding.message
    assert "Az.Accounts (import-module), line 2" in finding.message
    assert report.summary().startswith("runbook.ps1: may fail at run time")
    # Strings count too; a runbook that does not use Az may say AzureRM.
    assert rules_found(amkit.check_runbook(b"Get-AzVM\n$n = 'AzureRM'\n", account)) == [("AM301", 2)]
    assert amkit.check_runbook(b"# AzureRM is gone\nWrite-Output 1\n", account).items == ()


def test_enable_azurermalias_is_named_for_what_it_is(account: amkit.AutomationAccount) -> None:
    report = amkit.check_runbook(b"Enable-AzureRmAlias\nGet-AzVM\n", account)
    assert rules_found(report) == [("AM301", 1)]  # an Az.Accounts cmdlet: not AzureRM beside Az (AM302)
    assert report.items[0].message.startswith("Enable-AzureRmAlias makes AzureRM names aliases of Az cmdlets")


def test_azurerm_and_az_cmdlets_in_one_runbook(account: amkit.AutomationAccount) -> None:
    report = amkit.check_runbook(b"Connect-AzAccount\nGet-AzureRmVM -Name x\n", account)
    assert rules_found(report) == [("AM301", 2), ("AM302", 2)]
    both = next(item for item in report.items if item.rule == "AM302")
    assert both.message == "Get-AzureRmVM is AzureRM, and the runbook uses Az too (Connect-AzAccount, line 1)"


def test_import_module_of_a_module_held_in_several_versions(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    assert account.import_package(samples["SideBySide"]).succeeded
    report = amkit.check_runbook(b"Import-Module SideBySide\n", account)
    assert rules_found(report) == [("AM303", 1)]
    assert "PowerShell-5.1 holds 1.0.0, 2.0.0" in report.items[0].message
    pinned = b"Import-Module SideBySide -RequiredVersion 2.0.0\n"
    assert amkit.check_runbook(pinned, account).items == ()


def test_import_dscresource_against_the_account(account: amkit.AutomationAccount) -> None:
    configuration = (
        b"Configuration Web {\n"
        b"  Import-DscResource -ModuleName ComputerManagementDsc -ModuleVersion 9.0.0\n"
        b"  Import-DscResource -ModuleName @{ModuleName='PSDscResources'; ModuleVersion='2.9.0.0'}\n"
        b"  Import-DscResource -ModuleName xWebAdministration\n"
        b"  Node localhost { }\n"
        b"}\n"
    )
    report = amkit.check_runbook(configuration, account)
    messages = [(item.rule, item.line, item.message) for item in report.items]
    assert messages == [
        ("AM304", 2, "Import-DscResource asks for ComputerManagementDsc 9.0.0; PowerShell-5.1 holds 5.0.0.0"),
        ("AM304", 4, "Import-DscResource names xWebAdministration, which PowerShell-5.1 does not hold"),
    ]
    needs = amkit.runbook_requirements(configuration, account.inventory()).set_index("module")
    assert needs.loc["PSDesiredStateConfiguration", "status"] == "built-in"  # Import-DscResource is known


def test_az_cmdlets_on_automation_assets(account: amkit.AutomationAccount) -> None:
    text = b"Get-AzAutomationVariable -Name X\nStart-AzureRmAutomationRunbook -Name C\nGet-AutomationVariable -Name X\n"
    report = amkit.check_runbook(text, account)
    assets = [(item.line, item.message.rpartition(": ")[2]) for item in report.items if item.rule == "AM305"]
    assert assets == [
        (1, "inside a runbook, Get-AutomationVariable does it"),
        (2, "inside a runbook, Start-AutomationRunbook does it"),
    ]


def test_a_module_built_for_another_runtime(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    desktop = module("Desktop.Only", "1.0.0", functions=("Get-DesktopThing",), CompatiblePSEditions="@('Desktop')")
    assert account.import_package(write_zip(tmp_path / "pkgs" / "Desktop.Only.zip", desktop)).succeeded
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    core = module("Core.Only", "1.0.0", functions=("Get-CoreThing",), PowerShellVersion="'7.4'")
    assert account.import_package(write_zip(tmp_path / "pkgs" / "Core.Only.zip", core), runtime_environment="PS74")
    # Imported into 5.1, where it loads; a runbook in 5.1 is fine, and the inventory alone has no runtime to judge.
    assert amkit.check_runbook(b"Get-DesktopThing\n", account).items == ()
    assert amkit.check_runbook(b"Get-DesktopThing\n", account.inventory()).items == ()
    inventory = amkit.Inventory([*account.inventory().records, *account.inventory(runtime_environment="PS74").records])
    report = amkit.check_runbook(b"Get-DesktopThing\n", inventory, runtime="7.4")
    assert rules_found(report) == [("AM307", 1)]
    assert "CompatiblePSEditions is Desktop but runtime 7.4 is Core" in report.items[0].message


def test_an_unreadable_runbook_is_one_finding(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    path = tmp_path / "Broken.ps1"
    path.write_bytes(b"\xff\xfe\x00")  # a UTF-16 byte-order mark and half a character
    report = amkit.check_runbook(path, account)
    assert [item.rule for item in report.items] == ["AM100"] and report.items[0].file == "Broken.ps1"
    assert report.name == "Broken"


def test_a_runbook_report_is_sarif_and_names_its_runtime_environment(account: amkit.AutomationAccount) -> None:
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    report = amkit.check_runbook(b"Get-AzAutomationVariable -Name X\n", account, runtime_environment="PS74")
    assert report.runtime == "7.4"
    log = json.loads(report.to_sarif())
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "AM305"
    with pytest.raises(amkit.AccountError, match="no runtime environment 'Nope'"):
        amkit.check_runbook(b"Write-Output 1\n", account, runtime_environment="Nope")


def test_a_command_no_module_exports_where_amkit_knows_every_candidate(account: amkit.AutomationAccount) -> None:
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    text = b"Get-ContosoTenant\nGet-ContosoTenant\nWrite-Output 1\nGet-AzNotACmdlet\n"
    report = amkit.check_runbook(text, account, runtime_environment="PS74")
    assert [(item.rule, item.line) for item in report.items] == [("AM306", 1)]  # once, where first called
    assert report.items[0].message == "no module of PS74 exports Get-ContosoTenant: the runbook fails when it calls it"
    # PowerShell-5.1's default DSC and AzureRM modules list no commands: amkit cannot tell, and says nothing.
    assert amkit.check_runbook(text, account).items == ()
