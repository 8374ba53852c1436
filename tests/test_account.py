"""The Automation account model on a real SQLite file: defaults, imports, precedence, rollback, history."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from packages import Members, module, requires, spec, write_zip

import amkit
from amkit.account import HISTORY_COLUMNS, IMPORT_STATES, MODULE_COLUMNS
from amkit.account.history import OPERATIONS
from amkit.defaults import AZ_MODULES, DEFAULT_MODULES

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def zip_of(tmp_path: Path, members: Members, folder: str = "pkgs") -> Path:
    name = next(iter(members)).split("/", 1)[0]
    return write_zip(tmp_path / folder / f"{name}.zip", members)


def custom(account: amkit.AutomationAccount) -> pd.DataFrame:
    frame = account.modules()
    return frame[~frame["is_global"]].reset_index(drop=True)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of an account file, except the history."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
            if table != "history"
        }


# A new account ------------------------------------------------------------------------------


def test_an_import_without_a_time_ends_now_and_keeps_call_order(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    first = account.import_package(samples["ContosoNotify"])
    called = datetime.now(UTC)
    times = [time for _, time in first.states]
    # It ended as it was called, at the modelled durations: nothing lies in the future.
    assert times == sorted(times) and times[-1] <= called
    assert times[-1] - times[0] == timedelta(seconds=105)  # ContosoNotify defines a connection type
    # Imports and deletes right after it come after it in the history, squeezed when there is no room.
    second = account.import_package(samples["ContosoCore"])
    account.delete_module("ContosoNotify")
    assert second.states[0][1] >= first.finished and second.finished <= datetime.now(UTC)
    history = account.history()
    assert list(history["operation_id"]) == sorted(history["operation_id"])  # time order is call order
    assert history["time"].max() <= pd.Timestamp.now(tz="UTC")


def test_a_new_account_holds_the_default_modules(account: amkit.AutomationAccount) -> None:
    frame = account.modules()
    assert list(frame.columns) == MODULE_COLUMNS
    assert len(frame) == len(DEFAULT_MODULES) + len(AZ_MODULES)
    assert frame["is_global"].all()
    assert set(frame["provisioning_state"]) == {"Created"}
    assert set(frame["runtime"]) == {"5.1"}
    listed = dict(zip(frame["name"], frame["version"], strict=True))
    assert listed["Orchestrator.AssetManagement.Cmdlets"] == "1"
    assert listed["AzureRM.Compute"] == "1.2.1"
    assert pd.isna(listed["Microsoft.PowerShell.Utility"])
    assert listed["Az.Accounts"] == "2.8.0"
    assert frame["creation_time"].dt.tz is not None
    assert account.versions("az.accounts") == (amkit.PSVersion("2.8.0"),)
    assert account.versions("Orchestrator.AssetManagement.Cmdlets") == (amkit.PSVersion("1.0"),)
    assert account.history().empty
    assert list(account.history().columns) == HISTORY_COLUMNS
    shown = "<AutomationAccount contoso-dev (5.1): 6 runtime environments, 99 modules, 0 custom, "
    assert repr(account).startswith(shown)


def test_reopening_the_file_gives_everything_back(tmp_path: Path, samples: dict[str, Path]) -> None:
    path = tmp_path / "reopen.db"
    with amkit.AutomationAccount.open(path, name="first", runtime="7.2") as first:
        first.import_package(samples["ContosoCore"], at=at(0))
        first.add_connection(
            "notify",
            "AzureServicePrincipal",
            ApplicationId="a",
            TenantId="t",
            CertificateThumbprint="c",
            SubscriptionId="s",
        )
        modules, history, connections = first.modules(), first.history(), first.connections()
    with amkit.AutomationAccount.open(path, name="ignored", runtime="5.1") as again:
        assert (again.name, again.runtime, again.path) == ("first", "7.2", path)
        pd.testing.assert_frame_equal(again.modules(), modules)
        pd.testing.assert_frame_equal(again.history(), history)
        pd.testing.assert_frame_equal(again.connections(), connections)
        assert again.versions("ContosoCore") == (amkit.PSVersion("1.2.0"),)


# Imports --------------------------------------------------------------------------------------


def test_an_import_walks_the_provisioning_states(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    seen: list[str] = []
    record = account.import_package(samples["ContosoNotify"], at=at(0), on_state=lambda state, _: seen.append(state))
    assert record.succeeded
    assert [state for state, _ in record.states] == list(IMPORT_STATES) == seen  # it defines a connection type
    times = [time for _, time in record.states]
    assert times[0] == at(0) and times == sorted(times) and times[-1] > times[0]
    record = account.import_package(samples["ContosoCore"], at=at(5))
    assert "ConnectionTypeImported" not in [state for state, _ in record.states]
    history = account.history()
    assert list(history["state"][history["module"] == "ContosoCore"]) == [
        state for state in IMPORT_STATES if state != "ConnectionTypeImported"
    ]
    row = custom(account).set_index("name").loc["ContosoNotify"]
    assert (row["version"], row["provisioning_state"], row["activity_count"]) == ("1.4.0", "Succeeded", 2)
    assert row["size_in_bytes"] == samples["ContosoNotify"].stat().st_size
    assert row["creation_time"] == at(0)
    assert row["description"].startswith("Send notifications")


def test_the_documented_side_by_side_example(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    # "You import module A, which contains versions 1 and 2 ... Later you update module A to include
    # versions 3 and 4 ... only versions 3 and 4 are usable."
    first = {**module("ModuleA", "1.0.0", versioned=True), **module("ModuleA", "2.0.0", versioned=True)}
    second = {**module("ModuleA", "3.0.0", versioned=True), **module("ModuleA", "4.0.0", versioned=True)}
    assert account.import_package(zip_of(tmp_path, first, "one"), at=at(0)).succeeded
    assert account.versions("ModuleA") == (amkit.PSVersion("1.0.0"), amkit.PSVersion("2.0.0"))
    assert account.effective_version("ModuleA") == amkit.PSVersion("2.0.0")
    assert account.effective_version("ModuleA", "1.0.0") == amkit.PSVersion("1.0.0")
    assert account.import_package(zip_of(tmp_path, second, "two"), at=at(10)).succeeded
    assert account.versions("ModuleA") == (amkit.PSVersion("3.0.0"), amkit.PSVersion("4.0.0"))
    assert account.effective_version("ModuleA", "1.0.0") is None
    assert custom(account)[["name", "version"]].values.tolist() == [["ModuleA", "4.0.0"]]
    assert custom(account)["creation_time"][0] == at(0)  # the module was created by the first import


def test_a_custom_import_takes_precedence_and_its_delete_rolls_back(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    newer = zip_of(tmp_path, module("Az.Accounts", "2.12.1"))
    assert account.import_package(newer, at=at(0)).succeeded
    row = account.modules().set_index("name").loc["Az.Accounts"]
    assert (row["version"], row["is_global"]) == ("2.12.1", False)
    assert account.versions("Az.Accounts") == (amkit.PSVersion("2.12.1"),)
    account.delete_module("az.accounts", at=at(20))
    row = account.modules().set_index("name").loc["Az.Accounts"]
    assert (row["version"], row["is_global"]) == ("2.8.0", True)
    tail = account.history().tail(2)
    assert tail[["operation", "module", "version", "state"]].values.tolist() == [
        ["delete", "Az.Accounts", "2.12.1", "Succeeded"],
        ["rollback", "Az.Accounts", "2.8.0", "Succeeded"],
    ]
    assert set(tail["time"]) == {at(20)}


def test_the_original_default_cannot_be_deleted(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    before = dump(tmp_path / "account.db")
    with pytest.raises(amkit.AccountError, match="original version cannot be deleted") as refused:
        account.delete_module("Az.Accounts")
    assert refused.value.code == "default-module"
    with pytest.raises(amkit.AccountError, match="has no module Nowhere") as missing:
        account.delete_module("Nowhere")
    assert missing.value.code == "not-found"
    assert dump(tmp_path / "account.db") == before
    assert account.history().empty


def test_deleting_a_custom_module_removes_it(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    account.import_package(samples["ContosoCore"], at=at(0))
    account.delete_module("ContosoCore", at=at(5))
    assert "ContosoCore" not in set(account.modules()["name"])
    assert account.versions("ContosoCore") == ()
    assert list(account.history()["operation"].tail(1)) == ["delete"]


def test_missing_dependencies_fail_the_import_and_change_nothing(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    before = dump(tmp_path / "account.db")
    record = account.import_package(samples["ContosoReports"], at=at(0))
    assert not record.succeeded
    assert [state for state, _ in record.states] == ["Creating", "ContentDownloaded", "Failed"]
    assert record.error_code == "ModuleImportException"
    assert record.error_message.startswith(
        "Error importing the module ContosoReports. Import failed with the following error: "
        "Orchestrator.Shared.AsyncModuleImport.ModuleImportException: An error occurred during module validation."
    )
    assert record.error_message.endswith(
        "Internal error message: The specified module 'ContosoCore' with version '1.2.0' was not loaded because "
        "no valid module file was found in any module directory."
    )
    assert record.report is not None and "AM111" in set(record.report.findings["rule"])
    assert dump(tmp_path / "account.db") == before
    failed = account.history().iloc[-1]
    assert (failed["state"], failed["error_code"]) == ("Failed", "ModuleImportException")
    # Importing the dependency first makes it work.
    assert account.import_package(samples["ContosoCore"], at=at(5)).succeeded
    assert account.import_package(samples["ContosoReports"], at=at(10)).succeeded


@pytest.mark.parametrize(
    ("members", "step", "message"),
    [
        (
            {"Wrong/Wrong.psd1": "@{ ModuleVersion = '1.0.0' }", "Other/Other.psd1": "@{ ModuleVersion = '1.0.0' }"},
            "ContentDownloaded",
            "Cannot import the module of name Wrong, as the module structure was invalid.",
        ),
        (
            {
                "Named/1.0.0/Named.psd1": "@{ ModuleVersion = '1.0.1'; RootModule = 'Named.psm1' }",
                "Named/1.0.0/Named.psm1": "",
            },
            "ContentDownloaded",
            "Internal error message: the folder is 1.0.0 but the manifest says ModuleVersion = '1.0.1'",
        ),
    ],
    ids=["two-folders", "version-mismatch"],
)
def test_broken_packages_fail_in_the_services_words(
    tmp_path: Path, account: amkit.AutomationAccount, members: Members, step: str, message: str
) -> None:
    path = write_zip(tmp_path / "bad" / f"{next(iter(members)).split('/')[0]}.zip", members)
    record = account.import_package(path, at=at(0))
    assert [state for state, _ in record.states][-2:] == [step, "Failed"]
    assert message in str(record.error_message)
    assert custom(account).empty


def test_an_unreadable_package_fails_before_its_content_is_downloaded(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    path = tmp_path / "Junk.zip"
    path.write_bytes(b"not a zip")
    record = account.import_package(path, at=at(0))
    assert [state for state, _ in record.states] == ["Creating", "Failed"]
    assert record.module == "Junk"
    assert "as the module structure was invalid" in str(record.error_message)


def test_the_100_mb_limit(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    members = module("Huge", "1.0.0")
    path = tmp_path / "big" / "Huge.zip"
    path.parent.mkdir()
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        archive.writestr("Huge/data.bin", bytes(104_857_600))
    record = account.import_package(path, at=at(0))
    assert [state for state, _ in record.states] == ["Creating", "Failed"]
    assert record.error_code == "ImportModuleException"
    assert record.error_message == (
        "Module data blob size is not supported. [moduleName=Huge][maxModuleSize=104857600]"
        f"[actualModuleSize={path.stat().st_size}]"
    )


def test_more_than_5_imports_in_30_seconds_are_refused(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    paths = [zip_of(tmp_path, module(f"Mod{number}", "1.0.0")) for number in range(8)]
    starts = [T0 + timedelta(seconds=seconds) for seconds in (0, 5, 10, 15, 20, 25, 30, 31)]
    records = [account.import_package(path, at=start) for path, start in zip(paths, starts, strict=True)]
    # The refused import does not count: at 30 s the window holds the imports from 5 s to 25 s.
    assert [record.succeeded for record in records] == [True] * 5 + [False, True, False]
    refused = records[5]
    assert [state for state, _ in refused.states] == ["Failed"]
    assert refused.error_code == "TooManyRequests"
    assert refused.error_message == (
        "The limit of 5 module imports every 30 seconds for this Automation account has been reached. "
        "Retry after 2026-03-02T09:00:30Z."
    )
    assert set(custom(account)["name"]) == {"Mod0", "Mod1", "Mod2", "Mod3", "Mod4", "Mod6"}


def test_an_exception_inside_an_import_leaves_no_partial_rows(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    account.import_package(samples["ContosoCore"], at=at(0))
    before = dump(tmp_path / "account.db")
    history = account.history()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(amkit.account.modules.ModuleList, "add_versions", interrupted)
    with pytest.raises(KeyboardInterrupt):
        account.import_package(samples["ContosoNotify"], at=at(5))
    assert dump(tmp_path / "account.db") == before
    pd.testing.assert_frame_equal(account.history(), history)
    with amkit.AutomationAccount.open(tmp_path / "account.db") as again:  # what another process sees
        pd.testing.assert_frame_equal(again.history(), history)


def test_history_filtered_by_module_and_time(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.import_package(samples["ContosoCore"], at=at(0))
    account.import_package(samples["ContosoNotify"], at=at(10))
    account.delete_module("ContosoCore", at=at(20))
    whole = account.history()
    core = account.history("contosocore")  # any letter case
    pd.testing.assert_frame_equal(core, whole[whole["module"] == "ContosoCore"].reset_index(drop=True))
    assert list(core["operation"].unique()) == ["import", "delete"]
    # Both ends are included, and any time pandas reads will do; a time without a zone is UTC.
    first, last = whole["time"].iloc[0], whole["time"].iloc[-1]
    assert len(account.history(start=first, end=last)) == len(whole)
    between = account.history(start=at(5), end=(at(20) - timedelta(seconds=1)).replace(tzinfo=None))
    assert set(between["module"]) == {"ContosoNotify"} and set(between["operation"]) == {"import"}
    assert account.history(start=str(last)).equals(whole.tail(1).reset_index(drop=True))
    assert account.history("ContosoNotify", start=at(20)).empty
    assert list(account.history("Nothing").columns) == HISTORY_COLUMNS
    with pytest.raises(ValueError, match="not a time"):
        account.history(start="last tuesday-ish")
    # The file's indexes serve both filters, the module one ignoring case as the filter does.
    with contextlib.closing(sqlite3.connect(tmp_path / "account.db")) as connection:
        indexes = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'history'"))
    assert "COLLATE NOCASE" in indexes["history_module"] and "(time)" in indexes["history_time"]


#: The Az modules of the rollup that an update imports (Az.Compute is already a custom import).
UPDATED = ("Az.Storage", "Az.KeyVault", "Az.Network", "Az.Resources", "Az.Sql", "Az.Monitor")


def test_update_az_modules(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    needs_accounts = {"RequiredModules": requires(spec("Az.Accounts", ModuleVersion="2.12.0"))}
    packages = [
        module("Az.Accounts", "2.12.1"),
        *(module(name, "9.0.0", **needs_accounts) for name in ("Az.Compute", *UPDATED)),
        module("Contoso.Other", "1.0.0"),
    ]
    folder = tmp_path / "az"
    for members in packages:
        zip_of(folder, members, "rollup")
    # Az.Compute was imported as a custom module before: the update leaves it alone.
    account.import_package(zip_of(tmp_path, module("Az.Compute", "5.0.0")), at=at(0))
    records = account.update_az_modules(folder / "rollup", at=at(10))
    assert records[0].module == "Az.Accounts"
    assert {record.module for record in records} == {"Az.Accounts", *UPDATED}
    assert all(record.succeeded for record in records), [record.error_message for record in records]
    assert {record.operation for record in records} == {"update-az"}
    assert set(account.history()["operation"]) <= set(OPERATIONS)
    starts = sorted(record.states[0][1] for record in records)
    assert all(sum(1 for other in starts if start - timedelta(seconds=30) < other <= start) <= 5 for start in starts)
    accounts_done = records[0].finished
    assert all(record.states[0][1] >= accounts_done for record in records[1:])  # dependants wait for Az.Accounts
    listed = account.modules().set_index("name")
    assert listed.loc["Az.Compute", "version"] == "5.0.0"
    assert listed.loc["Az.Storage", "version"] == "9.0.0"
    assert "Contoso.Other" not in listed.index


def test_warnings(tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    assert account.warnings().empty
    account.import_package(samples["ContosoCore"], at=at(0))
    account.import_package(samples["ContosoReports"], at=at(5))
    account.import_package(zip_of(tmp_path, module("Az.Storage", "6.0.0")), at=at(10))
    account.import_package(zip_of(tmp_path, module("AzureRM.Profile", "5.8.3")), at=at(15))
    account.delete_module("ContosoCore", at=at(20))
    frame = account.warnings()
    assert list(frame.columns) == ["kind", "module", "message"]
    assert frame["kind"].tolist() == ["az-and-azurerm", "unsatisfied-dependency"]
    assert frame["message"][0].startswith("Az (custom: Az.Storage; ")
    assert "AzureRM (custom: AzureRM.Profile; " in frame["message"][0]
    assert frame["module"][1] == "ContosoReports"
    assert "requires ContosoCore[ModuleVersion=1.2.0;GUID=" in frame["message"][1]


def test_a_custom_az_module_meets_the_default_azurerm_ones(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    assert account.warnings().empty  # the defaults hold both families: the service's own state
    account.import_package(zip_of(tmp_path, module("Az.Storage", "6.0.0")), at=at(0))
    (message,) = account.warnings().query("kind == 'az-and-azurerm'")["message"]
    defaults = account.modules().query("is_global")["name"]
    azurerm = [name for name in defaults if name.startswith("AzureRM")]
    assert azurerm, "a Windows PowerShell 5.1 account has default AzureRM modules"
    assert f"AzureRM ({len(azurerm)} default)" in message
    assert message.startswith("Az (custom: Az.Storage; ")


def test_runtimes_keep_their_own_modules(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    # Each runtime's list is its system-generated environment, there from the start, with its own custom imports.
    seven = account.modules(runtime="7.2")
    assert len(seven) == len(account.inventory(runtime="7.2").names)
    assert set(seven["runtime_environment"]) == {"PowerShell-7.2"}
    assert not any(name.startswith(("AzureRM", "Azure.")) or name == "Azure" for name in seven["name"])
    assert account.versions("Az.Accounts", runtime="7.2") == (amkit.PSVersion("2.8.0"),)
    assert account.versions("Microsoft.PowerShell.Utility", runtime="7.2") == (amkit.PSVersion("7.0.0.0"),)
    assert account.import_package(samples["ContosoCore"], at=at(0), runtime="7.2").succeeded
    assert account.versions("ContosoCore") == ()
    assert account.versions("ContosoCore", runtime_environment="powershell-7.2") == (amkit.PSVersion("1.2.0"),)
    frame = account.modules(runtime="7.2")
    assert len(frame) == len(seven) + 1
    assert frame.loc[~frame["is_global"], "name"].tolist() == ["ContosoCore"]
    assert len(account.modules(runtime_environment="*")) == sum(
        len(account.modules(runtime=runtime)) for runtime in ("5.1", "7.1", "7.2")
    )
    needs_accounts = module(
        "Needs.Accounts", "1.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="2.0"))
    )
    with pytest.raises(ValueError, match="create one with create_runtime_environment"):
        account.import_package(zip_of(tmp_path, needs_accounts), at=at(5), runtime="7.4")
    account.create_runtime_environment("PS74", "PowerShell", "7.4", at=at(4))
    assert account.import_package(zip_of(tmp_path, needs_accounts), at=at(5), runtime_environment="PS74").succeeded
    with pytest.raises(ValueError, match="runtime must be one of"):
        account.import_package(samples["ContosoCore"], runtime="6.0")
    with pytest.raises(ValueError, match=r"PS74 is PowerShell 7\.4, not 7\.2"):
        account.modules(runtime="7.2", runtime_environment="PS74")


def test_imports_starting_later_count_against_an_earlier_start(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    # Another process may record later imports first: a start must not crowd their 30 seconds either.
    paths = [zip_of(tmp_path, module(f"Mod{number}", "1.0.0")) for number in range(7)]
    for path in paths[:5]:
        assert account.import_package(path, at=T0 + timedelta(seconds=20)).succeeded
    earlier = account.import_package(paths[5], at=T0 + timedelta(seconds=10))
    assert earlier.error_code == "TooManyRequests"
    assert "Retry after 2026-03-02T09:00:50Z" in str(earlier.error_message)
    assert account.import_package(paths[6], at=T0 - timedelta(seconds=11)).succeeded  # its window ends before


def test_threads_sharing_an_account_wait_for_each_other(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    import threading

    entered = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def slow(state: str, time: object) -> None:
        if state == "ContentValidated":
            entered.set()
            release.wait(10)
        if state == "Succeeded":
            raise RuntimeError("the first import breaks at its end")

    def first() -> None:
        try:
            account.import_package(samples["ContosoCore"], at=at(0), on_state=slow)
        except RuntimeError as error:
            results["first"] = error

    def second() -> None:
        results["second"] = account.import_package(samples["SideBySide"], at=at(1))

    one = threading.Thread(target=first)
    one.start()
    assert entered.wait(10)
    two = threading.Thread(target=second)
    two.start()
    release.set()
    one.join(10)
    two.join(10)
    assert isinstance(results["first"], RuntimeError)
    assert results["second"].succeeded  # type: ignore[attr-defined]
    assert custom(account)["name"].tolist() == ["SideBySide"]  # the second import was not rolled back with the first
    assert set(account.history()["module"]) == {"SideBySide"}


def test_update_az_modules_imports_what_it_cannot_plan_and_reports_why(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    folder = tmp_path / "rollup"
    zip_of(folder, module("Az.Accounts", "3.0.0"), "a3")
    zip_of(folder, module("Az.Accounts", "2.0.0"), "a2")
    zip_of(
        folder, module("Az.Old", "1.0.0", RequiredModules=requires(spec("Az.Accounts", RequiredVersion="2.0.0"))), "old"
    )
    zip_of(
        folder, module("Az.New", "1.0.0", RequiredModules=requires(spec("Az.Accounts", ModuleVersion="3.0.0"))), "new"
    )
    account.import_package(zip_of(tmp_path, module("Unrelated", "1.0.0")), at=at(10) - timedelta(seconds=5))
    records = account.update_az_modules(folder, at=at(10))
    outcome = {record.module: record.state for record in records}
    # One account holds one Az.Accounts: the highest, and what needs it; Az.Old is tried, and fails as it would.
    assert outcome == {"Az.Accounts": "Succeeded", "Az.New": "Succeeded", "Az.Old": "Failed"}
    assert "with version '2.0.0' was not loaded" in str(records[-1].error_message)
    assert all(record.error_code != "TooManyRequests" for record in records)


def test_a_same_named_module_with_another_guid_does_not_satisfy(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    impostor = zip_of(tmp_path, module("ContosoCore", "1.2.0", guid="00000000-0000-0000-0000-000000000001"))
    assert account.import_package(impostor, at=at(0)).succeeded
    record = account.import_package(samples["ContosoReports"], at=at(5))  # asks for ContosoCore by GUID too
    assert record.state == "Failed"
    assert account.records("ContosoCore")[0].guid == "00000000-0000-0000-0000-000000000001"
    plan = amkit.plan_imports(
        ["ContosoReports"], amkit.scan(samples["ContosoCore"].parent, progress=False), account=account
    )
    assert plan.steps[["module", "action"]].values.tolist() == [["ContosoCore", "import"], ["ContosoReports", "import"]]


# The account in the rest of amkit --------------------------------------------------------------


def test_checks_plans_and_tables_use_the_account(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    report = amkit.check(samples["ContosoReports"], account=account)
    assert "AM111" in set(report.findings["rule"])
    account.import_package(samples["ContosoCore"], at=at(0))
    assert "AM111" not in set(amkit.check(samples["ContosoReports"], account=account).findings["rule"])
    plan = amkit.plan_imports(
        ["ContosoReports"], amkit.scan(samples["ContosoReports"].parent, progress=False), account=account
    )
    assert plan.steps[["module", "action"]].values.tolist() == [["ContosoCore", "skip"], ["ContosoReports", "import"]]
    account.import_package(samples["ContosoReports"], at=at(5))
    table = amkit.dependencies(account)
    assert table[["module", "dependency", "status"]].values.tolist() == [["ContosoReports", "ContosoCore", "ok"]]
    needs = amkit.runbook_requirements("Get-ContosoUsageReport -Tenant x\nGet-AutomationVariable -Name y\n", account)
    assert needs[["module", "status"]].values.tolist() == [
        ["ContosoCore", "ok"],  # ContosoReports requires it
        ["ContosoReports", "ok"],
        ["Orchestrator.AssetManagement.Cmdlets", "ok"],
    ]


# Files that are not accounts --------------------------------------------------------------------


def test_files_that_are_not_accounts(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just text that is long enough to be a header of sorts")
    with pytest.raises(amkit.AccountError, match="cannot be opened as an amkit account") as refused:
        amkit.AutomationAccount.open(text)
    assert refused.value.code == "not-an-account" and refused.value.file == str(text)
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection, connection:
        connection.execute("CREATE TABLE things (x)")
    with pytest.raises(amkit.AccountError, match="not an amkit account"):
        amkit.AutomationAccount.open(other)
    newer = tmp_path / "newer.db"
    amkit.AutomationAccount.open(newer).close()
    with contextlib.closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(amkit.AccountError, match="newer amkit") as schema:
        amkit.AutomationAccount.open(newer)
    assert schema.value.code == "schema"
    with contextlib.closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    with pytest.raises(amkit.AccountError, match="cannot be opened as an amkit account"):
        amkit.AutomationAccount.open(newer)
    # A file claiming the current schema without its tables and columns is refused when opened, not mid-operation.
    hollow = tmp_path / "hollow.db"
    with contextlib.closing(sqlite3.connect(hollow)) as connection, connection:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, time TEXT)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    with pytest.raises(
        amkit.AccountError, match=r"\(schema 3\) but lacks table modules, .*history\.operation_id"
    ) as hollowed:
        amkit.AutomationAccount.open(hollow)
    assert hollowed.value.code == "not-an-account" and hollowed.value.file == str(hollow)
    with pytest.raises(amkit.AccountError, match="it is a folder"):
        amkit.AutomationAccount.open(tmp_path)
    with pytest.raises(amkit.AccountError, match="folder that does not exist"):
        amkit.AutomationAccount.open(tmp_path / "missing" / "a.db")


def test_in_memory_accounts(samples: dict[str, Path]) -> None:
    with amkit.AutomationAccount.open() as memory:
        assert memory.path is None
        assert memory.import_package(samples["SideBySide"], at=at(0)).succeeded
        assert memory.versions("SideBySide") == (amkit.PSVersion("1.0.0"), amkit.PSVersion("2.0.0"))


def test_windows_powershell_modules_satisfy_requirements_at_their_engine_versions(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    # The module list shows no version for them, but the import's PowerShell session has 3.1.0.0.
    assert pd.isna(account.modules().set_index("name").loc["Microsoft.PowerShell.Utility", "version"])
    assert account.versions("Microsoft.PowerShell.Utility") == (amkit.PSVersion("3.1.0.0"),)
    assert account.versions("Microsoft.PowerShell.Core") == (amkit.PSVersion("3.0.0.0"),)  # listed as 0
    needs = module(
        "Needs.Utility", "1.0.0", RequiredModules=requires(spec("Microsoft.PowerShell.Utility", ModuleVersion="3.0"))
    )
    assert account.import_package(zip_of(tmp_path, needs), at=at(0)).succeeded
    too_new = module(
        "Needs.More", "1.0.0", RequiredModules=requires(spec("Microsoft.PowerShell.Utility", ModuleVersion="7.0"))
    )
    assert not account.import_package(zip_of(tmp_path, too_new), at=at(5)).succeeded


def test_a_closed_account_raises_a_typed_error(tmp_path: Path) -> None:
    account = amkit.AutomationAccount.open(tmp_path / "account.db")
    account.close()
    for operation in (account.modules, account.history, lambda: account.delete_module("X")):
        with pytest.raises(amkit.AccountError, match="the account is closed") as caught:
            operation()
        assert caught.value.code == "closed"
