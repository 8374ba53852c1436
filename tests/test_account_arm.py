"""Accounts read from what Azure reports: the REST API's and the Azure CLI's module lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import amkit


def test_the_sample_module_list() -> None:
    account = amkit.AutomationAccount.from_arm(amkit.samples.arm_module_list(), name="contoso-prod")
    assert account.read_only and account.name == "contoso-prod" and account.runtime == "5.1"
    modules = account.modules(runtime_environment="*")
    states = set(modules["provisioning_state"])
    assert {"Succeeded", "Failed", "Cancelled", "Canceled", "Creating"} <= states
    assert set(modules["runtime"]) == {"5.1", "7.2"}
    failed = modules[modules["provisioning_state"] == "Failed"].set_index("name")
    assert failed.loc["Contoso.Archive", "error_message"].startswith("Module data blob size is not supported.")
    assert failed.loc["Contoso.Archive", "error_code"] == "ImportModuleException"
    # A custom PSDscResources hides the default one of the same name.
    assert modules.set_index(["runtime", "name"]).loc[("5.1", "PSDscResources"), "version"] == "2.12.0.0"
    history = account.history()
    assert len(history) == int((~modules["is_global"]).sum())
    assert set(history["operation"]) == {"import"}
    assert account.versions("Az.Accounts") == (amkit.PSVersion("2.13.2"),)
    assert account.versions("Az.Accounts", runtime="7.2") == (amkit.PSVersion("2.15.0"),)


def test_read_only_accounts_refuse_changes(tmp_path: Path) -> None:
    account = amkit.AutomationAccount.from_arm(amkit.samples.arm_module_list(), name="contoso-prod")
    for change in (
        lambda: account.import_package(tmp_path / "x.zip"),
        lambda: account.delete_module("Az.Accounts"),
        lambda: account.add_connection("c", "Azure"),
        lambda: account.update_az_modules([]),
    ):
        with pytest.raises(amkit.AccountError, match="read-only") as refused:
            change()
        assert refused.value.code == "read-only"


CLI_LIST = [
    {
        "activityCount": 42,
        "creationTime": "2025-01-10T08:00:00+00:00",
        "description": None,
        "error": {"code": None, "message": None},
        "id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/a/modules/Az"
        ".Accounts",
        "isGlobal": False,
        "lastModifiedTime": "2025-02-01T10:30:00+00:00",
        "name": "Az.Accounts",
        "provisioningState": "Succeeded",
        "sizeInBytes": 1000,
        "version": "2.15.0",
    },
    {
        "name": "Broken.Module",
        "isGlobal": False,
        "provisioningState": "Failed",
        "lastModifiedTime": "2025-02-02T10:30:00Z",
        "error": {"code": "ModuleImportException", "message": "Cannot import the module of name Broken.Module"},
    },
    {"name": "Graph", "isglobal": True, "version": None, "creationtime": "2024-01-01T00:00:00Z"},
]


@pytest.mark.parametrize("form", ["cli-list", "rest-object", "text", "path"])
def test_forms_of_module_lists(tmp_path: Path, form: str) -> None:
    rest = {
        "value": [
            {"name": item["name"], "properties": {k: v for k, v in item.items() if k != "name"}} for item in CLI_LIST
        ]
    }
    source: object = {"cli-list": CLI_LIST, "rest-object": rest, "text": json.dumps(CLI_LIST)}.get(form)
    if form == "path":
        source = tmp_path / "modules.json"
        source.write_text(json.dumps(rest), encoding="utf-8")
    account = amkit.AutomationAccount.from_arm(source, name="a")
    modules = account.modules().set_index("name")
    assert list(modules.index) == ["Az.Accounts", "Broken.Module", "Graph"]
    assert modules.loc["Az.Accounts", "activity_count"] == 42
    assert modules.loc["Broken.Module", "error_code"] == "ModuleImportException"
    assert str(modules.loc["Az.Accounts", "last_modified_time"]) == "2025-02-01 10:30:00+00:00"
    assert str(modules.loc["Broken.Module", "creation_time"]) == "2025-02-02 10:30:00+00:00"
    history = account.history()
    assert history[["module", "state"]].values.tolist() == [["Az.Accounts", "Succeeded"], ["Broken.Module", "Failed"]]


@pytest.mark.parametrize(
    ("reader", "document", "problem"),
    [
        ("from_arm", "{not json", "not JSON"),
        ("from_arm", '{"value": [{"properties": {}}]}', "module 0 has no name"),
        ("from_arm", '{"value": 3}', "a module list is a JSON object"),
        ("from_arm", '[{"name": "A", "lastModifiedTime": "yesterday-ish"}]', "is not a time"),
        # A time that Python holds but a table cannot (found by fuzzing: it broke every later read of the account).
        ("from_arm", '[{"name": "A", "lastModifiedTime": "0024-04-01T13:27:36Z"}]', "is not a time"),
        ("from_arm", b'\x00\n{"value": []}', "is not JSON text"),
        ("from_arm", "[" * 100_000 + "]" * 100_000, "nests arrays or objects too deeply"),
        ("from_arm", '[{"name": "A"}]', "neither creationTime nor lastModifiedTime"),
        ("from_arm", '[{"name": "A", "creationTime": "2025-01-01", "sizeInBytes": -5}]', "is not a count"),
        # More than a 64-bit count (found by fuzzing: SQLite refused it with OverflowError).
        (
            "from_arm",
            '[{"name": "A", "creationTime": "2025-01-01", "sizeInBytes": 1' + "0" * 30 + "}]",
            "is not a count",
        ),
        ("from_snapshot", "{not json", "the snapshot is not JSON"),
        (
            "from_snapshot",
            '{"runtimeEnvironments": [{"name": "E"}]}',
            "runtime environment 0 has no name or properties",
        ),
        ("from_snapshot", '{"connectionTypes": [{"name": "T"}]}', "has no fieldDefinitions"),
        ("from_snapshot", "[]", "a snapshot is a JSON object"),
    ],
)
def test_bad_module_lists_and_snapshots(tmp_path: Path, reader: str, document: str | bytes, problem: str) -> None:
    path = tmp_path / "modules.json"
    path.write_bytes(document if isinstance(document, bytes) else document.encode("utf-8"))
    read = amkit.AutomationAccount.from_arm if reader == "from_arm" else amkit.AutomationAccount.from_snapshot
    with pytest.raises(amkit.AccountError, match=problem) as refused:
        read(path, name="a")
    assert refused.value.file == str(path)
    assert refused.value.code == ("arm" if reader == "from_arm" else "snapshot")


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(amkit.AccountError, match="cannot read the module list"):
        amkit.AutomationAccount.from_arm(tmp_path / "gone.json", name="a")


def test_failed_and_odd_rows_of_a_module_list() -> None:
    listed = [
        {"name": "Az.Accounts", "isGlobal": True, "version": "2.12.1", "creationTime": "2024-01-01T00:00:00Z"},
        {
            "name": "Az.Accounts",
            "isGlobal": False,
            "version": "3.0.0",
            "provisioningState": "Failed",
            "lastModifiedTime": "2025-01-01T00:00:00Z",
        },
        {
            "name": "One",
            "isGlobal": False,
            "version": "1",
            "provisioningState": "Succeeded",
            "lastModifiedTime": "2025-01-02T00:00:00Z",
        },
    ]
    account = amkit.AutomationAccount.from_arm(listed, name="a")
    # The failed custom import provides nothing: runbooks still get the default module.
    assert account.versions("Az.Accounts") == (amkit.PSVersion("2.12.1"),)
    assert [str(record.version) for record in account.inventory().versions("Az.Accounts")] == ["2.12.1"]
    assert account.modules().set_index("name").loc["Az.Accounts", "provisioning_state"] == "Failed"
    assert account.versions("One") == (amkit.PSVersion("1.0"),)
    assert "One" in account.inventory()


def test_a_module_listed_twice_is_refused() -> None:
    twice = [{"name": "A", "creationTime": "2025-01-01"}, {"name": "a", "creationTime": "2025-01-02"}]
    with pytest.raises(amkit.AccountError, match="listed twice"):
        amkit.AutomationAccount.from_arm(twice, name="a")


def test_what_windows_powershell_convertto_json_writes() -> None:
    # Get-AzAutomationModule | ConvertTo-Json, in Windows PowerShell 5.1.
    listed = [
        {
            "ResourceGroupName": "rg",
            "AutomationAccountName": "contoso",
            "Name": "Az.Accounts",
            "IsGlobal": False,
            "Version": "2.12.1",
            "SizeInBytes": 1234,
            "ActivityCount": 40,
            "CreationTime": {"value": "/Date(1700000000000)/", "DateTime": "Tuesday, November 14, 2023 10:13:20 PM"},
            "LastModifiedTime": {"value": "/Date(1700003600000+0100)/"},
            "ProvisioningState": "Succeeded",
        }
    ]
    account = amkit.AutomationAccount.from_arm(listed, name="contoso")
    row = account.modules().iloc[0]
    assert str(row["creation_time"]) == "2023-11-14 22:13:20+00:00"
    assert str(row["last_modified_time"]) == "2023-11-14 23:13:20+00:00"
    assert (row["name"], row["size_in_bytes"], row["activity_count"]) == ("Az.Accounts", 1234, 40)
