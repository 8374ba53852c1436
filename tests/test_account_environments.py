"""Runtime environments and runbooks in the account model, on a real SQLite file, and old files upgraded."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from packages import compile_assembly, module, needs_mcs, write_zip

import amkit
from amkit.account.schema import _MIGRATIONS
from amkit.defaults import AZ_RELEASES

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SYSTEM = ["PowerShell-5.1", "PowerShell-7.1", "PowerShell-7.2", "Python-2.7", "Python-3.10", "Python-3.8"]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_new_account_has_the_six_system_generated_environments(account: amkit.AutomationAccount) -> None:
    environments = account.runtime_environments().set_index("name")
    assert sorted(environments.index) == SYSTEM
    assert environments["system_generated"].all() and (environments["runbooks"] == 0).all()
    assert environments.loc["PowerShell-7.2", "default_packages"] == "Az 8.0.0, Azure CLI 2.56.0"
    assert environments.loc["Python-3.10", "default_packages"] == ""
    # What each lists is what runbooks there get: the module list and the inventory agree from the start.
    for runtime in ("5.1", "7.1", "7.2"):
        assert len(account.modules(runtime=runtime)) == len(account.inventory(runtime=runtime).names)
    seven = set(account.modules(runtime="7.2")["name"])
    assert not {"AzureRM.Profile", "Azure", "PSDscResources", "ComputerManagementDsc"} & seven
    assert "AzureRM.Profile" in set(account.modules(runtime="5.1")["name"])
    assert account.packages("Python-3.10").empty


def test_a_new_environment_holds_its_default_packages_and_its_own_imports(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    created = account.create_runtime_environment("PS74-Prod", "powershell", "7.4", description="prod", at=at(0))
    assert (created.language, created.version, dict(created.default_packages)) == (
        "PowerShell",
        "7.4",
        {"Az": "12.3.0", "Azure CLI": "2.64.0"},
    )
    packages = account.packages("ps74-prod")
    assert list(packages.columns) == amkit.account.PACKAGE_COLUMNS
    az = {name: version for name, version in AZ_RELEASES["12.3.0"]}
    assert packages.set_index("name").loc["Az.Accounts", "version"] == az["Az.Accounts"] == "3.0.4"
    assert packages["is_default"].all()
    record = account.import_package(samples["ContosoCore"], at=at(1), runtime_environment="PS74-Prod")
    assert record.succeeded and record.runtime == "7.4" and record.runtime_environment == "PS74-Prod"
    assert account.versions("ContosoCore", runtime_environment="PS74-Prod") == (amkit.PSVersion("1.2.0"),)
    assert account.versions("ContosoCore") == ()  # imported into that environment alone
    history = account.history()
    assert set(history["runtime_environment"]) == {"PS74-Prod"} and set(history["runtime"]) == {"7.4"}
    assert account.runtime_environments().set_index("name").loc["PS74-Prod", "description"] == "prod"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (("PS", "PowerShell", "7.1"), ValueError, "offers PowerShell 5.1, 7.2, 7.4 for new runtime environments"),
        (("PS", "Ruby", "3.0"), ValueError, "language must be one of PowerShell, Python"),
        (("1st", "PowerShell", "7.4"), ValueError, "is not a runtime environment name"),
        (("powershell-5.1", "PowerShell", "5.1"), amkit.AccountError, "already has a runtime environment"),
    ],
)
def test_environments_refuse_what_automation_refuses(
    account: amkit.AutomationAccount, arguments: tuple[str, str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        account.create_runtime_environment(*arguments)


def test_default_packages_change_the_default_modules_and_enter_the_history(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.create_runtime_environment("Legacy51", "PowerShell", "5.1", at=at(0))
    assert account.versions("Az.Accounts", runtime_environment="Legacy51") == (amkit.PSVersion("2.8.0"),)
    # A 5.1 environment has PowerShell's own modules and the internal cmdlets, not the old defaults.
    names = set(account.packages("Legacy51")["name"])
    assert {"Microsoft.PowerShell.Utility", "Orchestrator.AssetManagement.Cmdlets"} <= names
    assert "AzureRM.Profile" not in names
    assert account.import_package(samples["ContosoCore"], at=at(1), runtime_environment="Legacy51").succeeded
    changed = account.update_default_packages("Legacy51", {"az": "12.3.0"}, at=at(5))
    assert dict(changed.default_packages) == {"Az": "12.3.0"}
    assert account.versions("Az.Accounts", runtime_environment="Legacy51") == (amkit.PSVersion("3.0.4"),)
    assert account.versions("ContosoCore", runtime_environment="Legacy51") == (amkit.PSVersion("1.2.0"),)
    entry = account.history().query("operation == 'update-default-packages'")
    assert entry[["module", "version", "state", "runtime_environment"]].values.tolist() == [
        ["Az", "12.3.0", "Succeeded", "Legacy51"]
    ]
    with pytest.raises(ValueError, match=r"offers Az 8\.0\.0, 12\.3\.0"):
        account.update_default_packages("Legacy51", {"Az": "13.0.0"})
    with pytest.raises(ValueError, match="offers no default package 'Azure CLI'"):
        account.update_default_packages("Legacy51", {"Azure CLI": "2.64.0"})
    with pytest.raises(amkit.AccountError, match="system-generated") as caught:
        account.update_default_packages("PowerShell-7.2", {"Az": "8.0.0"})
    assert caught.value.code == "system-environment"


def test_runbooks_run_in_their_environment_and_keep_it_from_being_deleted(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.create_runtime_environment("Reports", "PowerShell", "7.4", at=at(0))
    assert account.import_package(samples["ContosoCore"], at=at(1), runtime_environment="Reports").succeeded
    script = tmp_path / "Nightly.ps1"
    script.write_text("param()\n$tenant = Get-ContosoTenant\nWrite-Output $tenant\n", encoding="utf-8")
    account.add_runbook("Nightly", script, runtime_environment="reports", at=at(2))
    assert account.runbook_environment("nightly").name == "Reports"
    needs = account.runbook_requirements("Nightly").set_index("module")
    assert needs.loc["ContosoCore", "status"] == "ok" and needs.loc["ContosoCore", "runtime_environment"] == "Reports"
    assert account.runtime_environments().set_index("name").loc["Reports", "runbooks"] == 1
    with pytest.raises(amkit.AccountError, match=r"used by 1 runbook\(s\) \(Nightly\)") as caught:
        account.delete_runtime_environment("Reports")
    assert caught.value.code == "in-use"
    # Linked to the system-generated 7.2 environment, which lacks ContosoCore, nothing there exports its command.
    account.link_runbook("Nightly", "PowerShell-7.2", at=at(3))
    unknown = account.runbook_requirements("Nightly").query("status == 'unknown'")
    assert unknown["commands"].tolist() == ["Get-ContosoTenant"]
    account.delete_runtime_environment("Reports")
    assert "Reports" not in set(account.runtime_environments()["name"])
    with pytest.raises(amkit.AccountError, match="no runtime environment 'Reports'"):
        account.packages("Reports")
    with pytest.raises(amkit.AccountError, match="system-generated"):
        account.delete_runtime_environment("PowerShell-5.1")
    runbooks = account.runbooks()
    assert runbooks[["name", "runtime_environment", "version"]].values.tolist() == [
        ["Nightly", "PowerShell-7.2", "7.2"]
    ]
    with pytest.raises(ValueError, match="is not a runbook name"):
        account.add_runbook("nightly job", script)
    account.delete_runbook("Nightly")
    assert account.runbooks().empty


def test_python_environments_take_no_module_packages(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.create_runtime_environment("Py310", "Python", "3.10")
    with pytest.raises(amkit.AccountError, match="takes Python packages") as caught:
        account.import_package(samples["ContosoCore"], runtime_environment="Py310")
    assert caught.value.code == "language"
    with pytest.raises(ValueError, match="offers no default package 'Az'"):
        account.create_runtime_environment("Py38", "Python", "3.8", default_packages={"Az": "8.0.0"})
    account.add_runbook("Hello", b"print('hello')\n", runtime_environment="Py310")
    with pytest.raises(amkit.AccountError, match="PowerShell runbooks only"):
        account.runbook_requirements("Hello")


def test_an_account_file_of_schema_1_opens_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # Schema 1, as amkit 0.1 wrote it: one module list per runtime, 7.4 among them.
    with sqlite3.connect(path) as connection:
        for statement in str(_MIGRATIONS[0]).split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("schema_version", "1"), ("name", "old"), ("runtime", "5.1"), ("read_only", "0")],
        )
        rows = [
            ("5.1", "Az.Accounts", 1, "2.8.0", "Created"),
            ("5.1", "ContosoCore", 0, "1.2.0", "Succeeded"),
            ("7.4", "Az.Accounts", 1, "2.8.0", "Created"),
            ("7.4", "AzureRM.Profile", 1, "1.0.3", "Created"),  # and 7.4 too
            ("7.4", "Contoso.Four", 0, "4.0.0", "Succeeded"),
            ("7.2", "AzureRM.Profile", 1, "1.0.3", "Created"),  # schema 1 gave 7.2 the 5.1 defaults
            ("7.2", "Contoso.Seven", 0, "3.0.0", "Succeeded"),
        ]
        for runtime, name, is_global, version, state in rows:
            connection.execute(
                "INSERT INTO modules (runtime, name, name_key, is_global, version, provisioning_state, "
                "creation_time, last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    runtime,
                    name,
                    name.casefold(),
                    is_global,
                    version,
                    state,
                    "2026-01-01T00:00:00.000000Z",
                    "2026-01-02T00:00:00.000000Z",
                ),
            )
        connection.execute(
            "INSERT INTO module_versions (module_id, version, record) VALUES (2, '1.2.0', ?)",
            (
                '{"name": "ContosoCore", "version": "1.2.0", "guid": null, "module_type": "Script", "commands": '
                '["Get-ContosoTenant"], "size": 10, "source": "ContosoCore.zip", "error": null, "requirements": [], '
                '"problems": []}',
            ),
        )
        connection.execute(
            "INSERT INTO history (operation_id, time, operation, runtime, module, version, state) "
            "VALUES (1, '2026-01-02T00:00:00.000000Z', 'import', '5.1', 'ContosoCore', '1.2.0', 'Succeeded')"
        )
    with amkit.AutomationAccount.open(path) as account:
        environments = account.runtime_environments().set_index("name")
        assert set(SYSTEM) <= set(environments.index)
        assert not environments.loc["PowerShell-7.4", "system_generated"]  # amkit's own 7.4 list, kept
        assert account.versions("ContosoCore") == (amkit.PSVersion("1.2.0"),)
        # with what a new 7.4 environment holds (Az 8.0.0 is not offered there), and its own import
        fresh = account.create_runtime_environment("Fresh74", "PowerShell", "7.4")
        assert environments.loc["PowerShell-7.4", "default_packages"] == "Az 12.3.0, Azure CLI 2.64.0"
        four = account.modules(runtime_environment="PowerShell-7.4")
        new_defaults = account.modules(runtime_environment=fresh.name)["name"]
        assert sorted(four["name"]) == sorted([*new_defaults, "Contoso.Four"])
        assert not four["name"].str.startswith("AzureRM").any()
        seven = account.modules(runtime="7.2").set_index("name")
        assert "AzureRM.Profile" not in seven.index and seven.loc["Az.Accounts", "version"] == "2.8.0"
        assert seven.loc["Contoso.Seven", "provisioning_state"] == "Succeeded"  # imports are kept
        assert len(seven) == len(amkit.AutomationAccount.open().modules(runtime="7.2")) + 1
        history = account.history()
        assert history[["module", "runtime", "runtime_environment"]].values.tolist() == [
            ["ContosoCore", "5.1", "PowerShell-5.1"]
        ]
        assert account.import_package(write_zip(tmp_path / "New.zip", module("New", "1.0.0")), runtime="7.2").succeeded
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)


def test_a_migration_plan_names_environments_packages_and_what_cannot_run(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    desktop = write_zip(
        tmp_path / "pkgs" / "Desktop.Only.zip",
        module("Desktop.Only", "1.0.0", functions=("Get-DesktopThing",), CompatiblePSEditions="@('Desktop')"),
    )
    for minutes, package in enumerate((samples["ContosoCore"], samples["ContosoReports"], desktop)):
        assert account.import_package(package, at=at(minutes)).succeeded
    account.add_runbook("Reports", b"Get-ContosoUsageReport -Month 3\n")
    account.add_runbook("Legacy", b"Import-Module AzureRM.Profile\nGet-DesktopThing\n")
    plan = account.plan_runtime_environments(target="7.4")
    assert plan.environments[["name", "version", "default_packages", "runbooks"]].values.tolist() == [
        ["Migrated-PowerShell-5.1-to-7.4", "7.4", "Az 12.3.0, Azure CLI 2.64.0", "Legacy, Reports"]
    ]
    packages = plan.packages.set_index("module")
    assert (
        packages.loc["ContosoReports", "status"] == "import"
        and packages.loc["ContosoReports", "needed_by"] == "Reports"
    )
    assert packages.loc["ContosoCore", "why"] == "required by ContosoReports 1.0.0"
    assert packages.loc["Desktop.Only", "status"] == "cannot-run"
    assert "CompatiblePSEditions is Desktop but runtime 7.4 is Core" in packages.loc["Desktop.Only", "problem"]
    assert packages.loc["AzureRM.Profile", "status"] == "unavailable"
    assert set(plan.problems["module"]) == {"Desktop.Only", "AzureRM.Profile"}
    assert plan.calls[0].startswith("account.create_runtime_environment('Migrated-PowerShell-5.1-to-7.4', ")
    assert sum(call.startswith("account.import_package(") for call in plan.calls) == 2
    plan.apply(account)
    assert account.runbook_environment("Reports").name == "Migrated-PowerShell-5.1-to-7.4"
    assert account.runbook_requirements("Reports").set_index("module").loc["ContosoReports", "status"] == "ok"
    # Planned again, nothing is left in the old experience; at its own version, Desktop.Only could stay.
    assert account.plan_runtime_environments().environments.empty
    with pytest.raises(ValueError, match="for new runtime environments"):
        account.plan_runtime_environments(target="7.1")


OLD_BINARY = """
using System.Management.Automation;
[assembly: System.Runtime.Versioning.TargetFramework(".NETFramework,Version=v4.7.2")]
namespace Old.Binary
{
    [Cmdlet(VerbsCommon.Get, "OldThing")]
    public class GetOldThingCommand : PSCmdlet { }
}
"""


@needs_mcs
@pytest.mark.parametrize(
    ("source", "framework"),
    [
        (OLD_BINARY, ".NETFramework,Version=v4.7.2"),
        # Without [TargetFramework], its reference to .NET Framework's mscorlib says it.
        (OLD_BINARY.replace("[assembly:", "// [assembly:"), ".NETFramework (mscorlib 4.0.0.0)"),
    ],
)
def test_a_binary_module_built_for_dotnet_framework_cannot_move_to_powershell_7(
    tmp_path: Path, account: amkit.AutomationAccount, source: str, framework: str
) -> None:
    dll = compile_assembly(tmp_path / "build", "Old.Binary", source)
    manifest = "@{ ModuleVersion = '1.0.0'; RootModule = 'Old.Binary.dll'; CmdletsToExport = @('Get-OldThing') }"
    package = write_zip(
        tmp_path / "pkgs" / "Old.Binary.zip",
        {"Old.Binary/Old.Binary.psd1": manifest, "Old.Binary/Old.Binary.dll": dll.read_bytes()},
    )
    assert account.import_package(package, at=at(0)).succeeded
    record = account.records("Old.Binary")[0]
    assert record.frameworks == (framework,)
    account.add_runbook("Old", b"Get-OldThing\n")
    stay = account.plan_runtime_environments().packages.set_index("module")
    assert stay.loc["Old.Binary", "status"] == "import"  # on 5.1 it loads
    move = account.plan_runtime_environments(target="7.4").packages.set_index("module")
    assert move.loc["Old.Binary", "status"] == "cannot-run"
    assert f"built for {framework} only" in move.loc["Old.Binary", "problem"]


def test_applying_a_plan_imports_dependencies_first_at_the_throttle_s_pace(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    # AAA.Tool needs ZZZ.Core: alphabetical order would import it first, and fail. Seven packages pass the throttle.
    packages = [
        write_zip(tmp_path / "pkgs" / "ZZZ.Core.zip", module("ZZZ.Core", "1.0.0", functions=("Get-Core",))),
        write_zip(
            tmp_path / "pkgs" / "AAA.Tool.zip",
            module("AAA.Tool", "1.0.0", functions=("Get-Tool",), RequiredModules="@('ZZZ.Core')"),
        ),
        *(
            write_zip(tmp_path / "pkgs" / f"Extra{n}.zip", module(f"Extra{n}", "1.0.0", functions=(f"Get-Extra{n}",)))
            for n in range(5)
        ),
    ]
    for minutes, package in enumerate(packages):
        assert account.import_package(package, at=at(minutes)).succeeded
    calls = "\n".join(["Get-Tool", *(f"Get-Extra{n}" for n in range(5))]).encode()
    account.add_runbook("Busy", calls)
    plan = account.plan_runtime_environments(target="7.4")
    order = [module for module in plan.packages["module"]]
    assert order.index("ZZZ.Core") < order.index("AAA.Tool")
    plan.apply(account, at=at(60))
    target = "Migrated-PowerShell-5.1-to-7.4"
    assert account.versions("AAA.Tool", runtime_environment=target) == (amkit.PSVersion("1.0.0"),)
    needs = account.runbook_requirements("Busy")
    assert set(needs["status"]) == {"ok"}
    starts = account.history().query(f"runtime_environment == '{target}' and state == 'Creating'")["time"]
    assert len(starts) == 7 and (starts.diff().dropna() > pd.Timedelta(0)).all()


def test_a_plan_whose_import_fails_changes_nothing(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    broken = write_zip(tmp_path / "pkgs" / "Fragile.zip", module("Fragile", "1.0.0", functions=("Get-Fragile",)))
    assert account.import_package(broken, at=at(0)).succeeded
    account.add_runbook("Uses", b"Get-Fragile\n")
    plan = account.plan_runtime_environments(target="7.4")
    broken.write_bytes(b"not a zip any more")  # the package changed since it was imported
    before = (len(account.runtime_environments()), len(account.history()))
    with pytest.raises(amkit.AccountError, match="the plan's import of Fragile") as caught:
        plan.apply(account, at=at(10))
    assert caught.value.code == "plan"
    assert (len(account.runtime_environments()), len(account.history())) == before
    assert account.runbook_environment("Uses").name == "PowerShell-5.1"


def test_a_plan_flags_a_default_module_at_a_version_the_runbook_cannot_use(account: amkit.AutomationAccount) -> None:
    account.add_runbook("Pinned", b"#Requires -Modules @{ModuleName='Az.Accounts'; RequiredVersion='2.8.0'}\n")
    packages = account.plan_runtime_environments(target="7.4").packages.set_index("module")
    assert packages.loc["Az.Accounts", "status"] == "unavailable"
    assert "PowerShell 7.4's default packages hold Az.Accounts 3.0.4" in packages.loc["Az.Accounts", "problem"]
    assert account.plan_runtime_environments().packages.set_index("module").loc["Az.Accounts", "status"] == "default"


def test_a_plan_flags_azurerm_commands_that_autoload_from_the_old_defaults(account: amkit.AutomationAccount) -> None:
    # No Import-Module: Windows PowerShell 5.1 autoloads the default AzureRM modules, which no new environment holds.
    account.add_runbook("Legacy", b"Login-AzureRmAccount -Identity\nGet-AzureRmVM -Name web\nGet-AzVM\n")
    account.add_runbook("Modern", b"Get-AzVM\n")
    for target, word in (("7.4", "does not run on PowerShell 7.4"), (None, "cannot share a session with Az")):
        problems = account.plan_runtime_environments(target=target).problems.set_index("module")
        assert list(problems.index) == ["AzureRM"]
        row = problems.loc["AzureRM"]
        assert (row["status"], row["needed_by"]) == ("unavailable", "Legacy")
        assert row["why"] == "called: Get-AzureRmVM, Login-AzureRmAccount"
        assert word in row["problem"] and "migration_plan" in row["problem"]


def test_a_runbook_remembers_the_file_it_was_read_from(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    script = tmp_path / "Nightly.ps1"
    script.write_text("Get-Date\n", encoding="utf-8")
    account.add_runbook("ByPath", script)
    account.add_runbook("ByText", str(script))  # a one-line str naming a file is its path, as everywhere in amkit
    account.add_runbook("Inline", "Get-Date\n")
    sources = account.runbooks().set_index("name")["source"]
    assert (sources["ByPath"], sources["ByText"], sources["Inline"]) == (str(script), str(script), "runbook Inline")


def test_replacing_a_runbook_s_script_keeps_its_environment_and_name(account: amkit.AutomationAccount) -> None:
    account.create_runtime_environment("E1", "PowerShell", "7.4")
    account.add_runbook("R2", b"Get-Date\n", runtime_environment="E1")
    account.add_runbook("r2", b"Get-Date -AsUTC\n")
    assert account.runbooks()[["name", "runtime_environment"]].values.tolist() == [["R2", "E1"]]
    with pytest.raises(amkit.AccountError, match=r"used by 1 runbook\(s\) \(R2\)"):
        account.delete_runtime_environment("E1")


def test_odd_arguments_get_typed_errors(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    with pytest.raises(TypeError, match="default packages are a mapping"):
        account.create_runtime_environment("E2", "PowerShell", "7.4", default_packages="Az")  # type: ignore[arg-type]
    assert account.create_runtime_environment("E3", "PowerShell", "7.4", description=None).description == ""
    with pytest.raises(ValueError, match="give no runtime with it"):
        account.modules(runtime="7.2", runtime_environment="*")
    path = tmp_path / "seven.db"
    amkit.AutomationAccount.open(path, runtime="7.2").close()
    with amkit.AutomationAccount.open(path, runtime="7.4") as again:  # an existing file keeps its own
        assert again.runtime == "7.2"
    with pytest.raises(ValueError, match=r"runtime must be one of 5\.1, 7\.1, 7\.2"):
        amkit.AutomationAccount.open(tmp_path / "new.db", runtime="7.4")


def test_a_new_accounts_runbooks_resolve_the_az_8_commands_they_call(account: amkit.AutomationAccount) -> None:
    # Az 8.0.0, the default package of the system-generated environments, each module from its manifest
    # (Login-AzAccount is an alias) or, where none was found, the cmdlets its release's documentation lists.
    text = b"Login-AzAccount -Identity\nConnect-AzAccount -Identity\nGet-AzVM -Status\nGet-AzStorageAccount\n"
    for environment in ("PowerShell-5.1", "PowerShell-7.2"):
        account.add_runbook(f"Vms{environment[-1]}", text, runtime_environment=environment)
        needs = account.runbook_requirements(f"Vms{environment[-1]}").set_index("module")
        assert needs.loc["Az.Accounts", ["status", "version", "commands"]].tolist() == [
            "ok",
            "2.8.0",
            "Login-AzAccount, Connect-AzAccount",  # as first called
        ]
        assert needs.loc["Az.Compute", ["status", "version"]].tolist() == ["ok", "4.27.0"]
        assert needs.loc["Az.Storage", ["status", "version"]].tolist() == ["ok", "4.6.0"]
    (accounts,) = account.records("Az.Accounts")
    (websites,) = account.records("Az.Websites")  # 2.11.2: from the documentation, which names no aliases
    assert accounts.commands_complete and not websites.commands_complete and "Get-AzWebApp" in websites.commands
    # A list that may leave commands out cannot say a command is missing: AM306 says nothing about Az.
    assert amkit.check_runbook(b"Get-AzNotACmdlet\n", account).items == ()


def test_default_az_modules_know_their_commands_where_their_manifests_were_read(
    account: amkit.AutomationAccount,
) -> None:
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    account.add_runbook("Vms", b"Connect-AzAccount -Identity\nGet-AzVM -Status\n", runtime_environment="PS74")
    needs = account.runbook_requirements("Vms").set_index("module")
    assert needs.loc["Az.Accounts", ["status", "version"]].tolist() == ["ok", "3.0.4"]
    assert needs.loc["Az.Compute", ["status", "commands"]].tolist() == ["ok", "Get-AzVM"]
