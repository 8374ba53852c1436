"""A real account read and followed through the real AutomationClient, against a local ARM server (no Azure)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arm_server import ArmServer, allow_http_policy

import amkit

URI = "https://example.blob.core.windows.net/modules/ContosoCore.zip"


@pytest.fixture
def server() -> Iterator[ArmServer]:
    with ArmServer() as running:
        running.add_module("Az.Accounts", isGlobal=True, version="2.8.0")
        running.add_module("Az.Compute", isGlobal=True, version="4.27.0")
        running.add_module(
            "Contoso.Archive",
            version="1.0.0",
            provisioningState="Failed",
            error={"code": "ImportModuleException", "message": "Module data blob size is not supported."},
        )
        running.add_module("ContosoTools", version="2.0.0")
        running.add_activity("ContosoTools", "Get-ContosoTool")
        running.add_powershell72_module("Az.Accounts", isGlobal=True, version="2.8.0")
        running.add_powershell72_module("ContosoCore", version="1.2.0")
        running.add_powershell72_module("Az.Storage", isGlobal=True, version="4.6.0")  # a second page
        running.add_runtime_environment("PowerShell-5.1", version="5.1", default_packages={"Az": "8.0.0"})
        running.add_runtime_environment("PowerShell-7.2", version="7.2", default_packages={"Az": "8.0.0"})
        running.add_runtime_environment("PS74", version="7.4", default_packages={"Az": "12.3.0"}, description="new")
        running.add_package("PS74", "Az.Accounts", default=True, version="3.0.4")
        running.add_package("PS74", "ContosoCore", version="1.3.0")
        running.add_connection_type("ContosoApi", {"Endpoint": "System.String", "ApiKey": {"isEncrypted": True}})
        running.add_runbook(
            "Nightly", runtime_environment="PS74", content="Import-Module ContosoCore\nGet-ContosoTenant\n"
        )
        running.add_runbook("Legacy", runbook_type="PowerShell", content="Get-AzureRmVM\nGet-ContosoTool\n")
        running.add_runbook("Seven", runbook_type="PowerShell72", content="Import-Module ContosoCore\n")
        running.add_runbook("Drawn", runbook_type="GraphPowerShell")
        yield running


def connect(server: ArmServer, path: Path | None = None, **options: Any) -> amkit.AutomationAccount:
    return amkit.AutomationAccount.connect(
        server.subscription_id,
        server.resource_group,
        server.account_name,
        credential=options.pop("credential", server.credential()),
        path=path,
        client_options={
            "base_url": server.base_url,
            "per_call_policies": [allow_http_policy()],
            "retry_backoff_factor": 0.01,
            **options.pop("client_options", {}),
        },
        **options,
    )


def test_an_account_is_read_with_every_page_into_the_model(server: ArmServer, tmp_path: Path) -> None:
    account = connect(server, tmp_path / "real.db")
    assert account.read_only and account.name == server.account_name
    environments = account.runtime_environments().set_index("name")
    assert environments.loc["PS74", "default_packages"] == "Az 12.3.0"
    assert not environments.loc["PS74", "system_generated"] and environments.loc["PowerShell-7.2", "system_generated"]
    assert environments.loc["PS74", "description"] == "new"
    five = account.modules().set_index("name")
    assert five.loc["Contoso.Archive", "error_code"] == "ImportModuleException"
    assert set(five.index) == {"Az.Accounts", "Az.Compute", "Contoso.Archive", "ContosoTools"}
    assert account.versions("ContosoCore", runtime="7.2") == (amkit.PSVersion("1.2.0"),)
    assert account.versions("ContosoCore", runtime_environment="PS74") == (amkit.PSVersion("1.3.0"),)
    assert bool(account.packages("PS74").set_index("name").loc["Az.Accounts", "is_default"])
    types = account.connection_types().query("type == 'ContosoApi'").set_index("field")
    assert bool(types.loc["ApiKey", "is_encrypted"]) and not bool(types.loc["Endpoint", "is_encrypted"])
    # Each custom module's latest import is history; lists were followed past their first page (2 items).
    history = account.history()
    assert sorted(history["module"]) == ["Contoso.Archive", "ContosoCore", "ContosoCore", "ContosoTools"]
    assert any("skiptoken" in str(request.query) for request in server.requests)
    seven = [request for request in server.requests if request.path.endswith("/powerShell72Modules")]
    assert len(seven) == 2 and "$skiptoken" in seven[1].query  # send_request's pages followed too
    assert account.versions("Az.Storage", runtime="7.2") == (amkit.PSVersion("4.6.0"),)
    with pytest.raises(amkit.AccountError, match="read-only"):
        account.import_package(tmp_path / "x.zip")


def test_refresh_records_what_changed_since_the_last_read(server: ArmServer, tmp_path: Path) -> None:
    path = tmp_path / "real.db"
    first = connect(server, path)
    before = len(first.history())
    assert len(first.refresh().modules) == 9 and len(first.history()) == before  # nothing changed
    first.close()
    server.add_package("PS74", "ContosoCore", version="1.4.0")
    server.add_runtime_environment("PS74", version="7.4", default_packages={"Az": "12.3.0", "Azure CLI": "2.64.0"})
    with server._lock:  # the account's own state, as Azure would change it
        server._collections[("modules",)].pop("contoso.archive")
    again = connect(server, path)  # the same file, read again later: history builds up
    changes = again.history().iloc[before:]
    assert sorted(zip(changes["operation"], changes["module"], changes["version"], strict=True)) == [
        ("delete", "Contoso.Archive", "1.0.0"),
        ("import", "ContosoCore", "1.4.0"),
        ("update-default-packages", "Azure CLI", "2.64.0"),
    ]


def test_an_import_is_started_and_watched_to_its_end(server: ArmServer, tmp_path: Path) -> None:
    account = connect(server, writable=True)
    # Writable means: changes go to Azure. The model's own operations would make up what Azure never did.
    for change in (
        lambda: account.import_package(tmp_path / "x.zip"),
        lambda: account.create_runtime_environment("PS74b", "PowerShell", "7.4"),
        lambda: account.add_runbook("Local", b"Get-Date"),
    ):
        with pytest.raises(amkit.AccountError, match="mirrors a real account") as caught:
            change()
        assert caught.value.code == "read-only"
    started = account.import_from_uri("ContosoCore", URI, runtime_environment="PS74")
    assert started.state == "Creating" and started.runtime_environment == "PS74"
    ended = account.watch("ContosoCore", interval=0, progress=True)  # where import_from_uri started it
    assert ended.succeeded and ended.operation_id == started.operation_id
    assert [state for state, _ in ended.states] == list(server.import_states)
    operation = account.history().query(f"operation_id == {started.operation_id}")
    assert list(operation["state"]) == list(server.import_states)
    watched = len(account.history())
    account.refresh()
    assert len(account.history()) == watched  # the read finds what the watch recorded: nothing new
    server.fail_import(URI + "?2", "ModuleImportException", "The module has no manifest.", at_state="ContentDownloaded")
    account.import_from_uri("Broken", URI + "?2")
    failed = account.watch("Broken", interval=0, progress=False)
    assert failed.state == "Failed" and failed.error_message == "The module has no manifest."
    assert account.modules().set_index("name").loc["Broken", "error_code"] == "ModuleImportException"


def test_azure_errors_arrive_as_amkit_errors_with_the_service_message(server: ArmServer, tmp_path: Path) -> None:
    with pytest.raises(amkit.AccountError, match="refused the credential") as caught:
        connect(server, tmp_path / "real.db", credential=server.credential("wrong-token"))
    assert caught.value.code == "azure-auth" and not (tmp_path / "real.db").exists()  # nothing written
    account = connect(server)
    with pytest.raises(amkit.AccountError, match="connect with writable=True"):
        account.import_from_uri("X", URI)
    writable = connect(server, writable=True)
    with pytest.raises(amkit.AccountError, match=r"Azure answered 404 \(NotFound\)") as caught:
        writable.watch("Nope", runtime_environment="PS74", interval=0, progress=False)
    assert caught.value.code == "azure"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", "/runtimeEnvironments"), ("GET", "/powerShell72Modules"), ("PUT", "/packages/ContosoCore")],
)
def test_a_429_is_retried_after_its_retry_after(server: ArmServer, method: str, suffix: str) -> None:
    server.fail_next(method, suffix, 429, headers={"Retry-After": "1"})
    account = connect(server, writable=True)
    if method == "PUT":
        assert account.import_from_uri("ContosoCore", URI, runtime_environment="PS74").state == "Creating"
    sent = [request for request in server.requests if request.method == method and request.path.endswith(suffix)]
    first = [request for request in sent if "$skiptoken" not in request.query]  # later pages are other requests
    assert len(first) == 2 and first[1].time - first[0].time >= 1.0


@pytest.mark.parametrize("suffix", ["/packages", "/powerShell72Modules", "/activities", "/content"])
def test_a_401_on_any_read_is_a_refused_credential_with_azure_s_message(
    server: ArmServer, tmp_path: Path, suffix: str
) -> None:
    message = "The access token expired at 2026-12-06T10:00:00Z."
    body = {"error": {"code": "ExpiredAuthenticationToken", "message": message}}
    server.fail_next("GET", suffix, 401, body=body)
    with pytest.raises(amkit.AccountError, match="refused the credential") as caught:
        connect(server, tmp_path / "real.db")
    assert caught.value.code == "azure-auth" and message in str(caught.value)
    assert not (tmp_path / "real.db").exists()


def test_import_and_watch_errors_keep_azure_s_code_and_message(server: ArmServer) -> None:
    account = connect(server, writable=True)
    message = "The content link uri is not a valid blob SAS uri."
    server.fail_next("PUT", "/modules/Bad", 400, body={"error": {"code": "BadRequest", "message": message}})
    with pytest.raises(amkit.AccountError, match=r"Azure answered 400 \(BadRequest\) while starting") as caught:
        account.import_from_uri("Bad", URI)
    assert caught.value.code == "azure" and str(caught.value).endswith(message)
    denied = "The client 'amkit' does not have authorization to perform action 'Microsoft.Automation/read'."
    server.fail_next("GET", "/packages/Gone", 403, body={"error": {"code": "AuthorizationFailed", "message": denied}})
    with pytest.raises(
        amkit.AccountError, match=r"Azure answered 403 \(AuthorizationFailed\) while reading Gone"
    ) as caught:
        account.watch("Gone", runtime_environment="PS74", interval=0, progress=False)
    assert str(caught.value).endswith(denied)


def test_an_import_that_fails_in_an_environment_and_one_that_succeeds_in_5_1(server: ArmServer) -> None:
    account = connect(server, writable=True)
    server.fail_import(URI + "?7", "PackageImportException", "Az.Accounts 9.9.9 is not available.")
    account.import_from_uri("Needy", URI + "?7", runtime_environment="PS74")
    failed = account.watch("Needy", interval=0, progress=False)
    assert (failed.state, failed.runtime_environment) == ("Failed", "PS74")
    assert failed.error_message == "Az.Accounts 9.9.9 is not available."
    assert account.packages("PS74").set_index("name").loc["Needy", "error_code"] == "PackageImportException"
    server.succeed_import(URI + "?8", version="2.1.0", activityCount=3)
    account.import_from_uri("ContosoTools", URI + "?8")
    ended = account.watch("ContosoTools", interval=0, progress=False)
    assert ended.succeeded and ended.runtime_environment == "PowerShell-5.1"
    assert account.versions("ContosoTools") == (amkit.PSVersion("2.1.0"),)


def test_a_watch_that_outlasts_its_timeout_and_an_azure_that_cannot_be_reached(
    server: ArmServer, tmp_path: Path
) -> None:
    account = connect(server, writable=True)
    account.import_from_uri("Slow", URI + "?9", runtime_environment="PS74")
    with pytest.raises(amkit.AccountError, match="the import of Slow had not ended after 0 s") as caught:
        account.watch("Slow", interval=0.05, timeout=0, progress=False)
    assert caught.value.code == "timeout"
    base = server.base_url
    server.close()  # nothing listens there now
    with pytest.raises(amkit.AccountError, match="cannot reach Azure") as caught:
        connect(server, tmp_path / "gone.db", client_options={"base_url": base, "retry_total": 0})
    assert caught.value.code == "azure" and not (tmp_path / "gone.db").exists()


def test_a_saved_snapshot_opens_as_the_account_it_was(server: ArmServer, tmp_path: Path) -> None:
    live = connect(server)
    saved = live.refresh().save(tmp_path / "snapshot.json")
    again = amkit.AutomationAccount.from_snapshot(saved)
    assert again.read_only and again.name == server.account_name
    every = {"runtime_environment": "*"}
    columns = ["name", "is_global", "version", "provisioning_state", "runtime_environment"]
    assert again.modules(**every)[columns].equals(live.modules(**every)[columns])
    assert again.runtime_environments()["default_packages"].equals(live.runtime_environments()["default_packages"])
    # A user environment holds its default packages' modules too, at their release's versions.
    assert again.versions("Az.Storage", runtime_environment="PS74") == (amkit.PSVersion("7.3.0"),)


def test_the_sample_snapshot(tmp_path: Path) -> None:
    account = amkit.AutomationAccount.from_snapshot(amkit.samples.arm_snapshot(), path=tmp_path / "prod.db")
    assert account.name == "contoso-prod" and account.path == tmp_path / "prod.db"
    packages = account.packages("PS74-Reports").set_index("name")
    assert packages.loc["Contoso.Legacy", "error_code"] == "ModuleImportException"
    assert packages.loc["Az.Accounts", "version"] == "3.0.4" and bool(packages.loc["Az.Accounts", "is_default"])
    assert set(account.history()["runtime_environment"]) == {"PowerShell-5.1", "PowerShell-7.2", "PS74-Reports"}


def test_packages_of_an_environment_a_snapshot_does_not_have_are_refused() -> None:
    document = {"packages": {"Nowhere": [{"name": "X", "properties": {}}]}}
    with pytest.raises(amkit.AccountError, match="which is not among the runtime environments") as caught:
        amkit.AutomationAccount.from_snapshot(document)
    assert caught.value.code == "snapshot"


def test_an_account_without_the_old_7_2_list_reads_its_environment_s_packages(server: ArmServer) -> None:
    server.fail_next("GET", "/powerShell72Modules", 404)
    server.add_package("PowerShell-7.2", "Contoso.Seven", version="2.0.0")
    account = connect(server)
    assert set(account.modules(runtime="7.2")["name"]) == {"Contoso.Seven"}
    calls = {request.path.rsplit("/", 1)[-1] for request in server.requests}
    assert {"powerShell72Modules", "packages", "runtimeEnvironments", "modules", "connectionTypes"} <= calls


def test_python_packages_are_read_from_the_old_lists_and_from_environments(server: ArmServer) -> None:
    server.add_python_package(2, "requests", version="2.27.1")
    server.add_python_package(3, "pandas", version="2.2.2", sizeInBytes=12_000_000)
    server.add_python_package(3, "broken", version="0.1", provisioningState="Failed")
    server.add_runtime_environment("Py310", language="Python", version="3.10")
    server.add_package("Py310", "numpy", version="1.26.4")
    account = connect(server)
    assert account.packages("Python-2.7")["name"].tolist() == ["requests"]
    three = account.packages("Python-3.8").set_index("name")
    assert three.loc["pandas", "version"] == "2.2.2" and three.loc["broken", "provisioning_state"] == "Failed"
    assert account.packages("Py310")["name"].tolist() == ["numpy"]
    assert set(account.history()["module"]) >= {"requests", "pandas", "broken", "numpy"}
    assert account.inventory(runtime_environment="Py310").names == ()  # a wheel is not a PowerShell module
    calls = {request.path.rsplit("/", 1)[-1] for request in server.requests}
    assert {"python2Packages", "python3Packages"} <= calls


def test_imports_keep_the_throttle_of_five_starts_in_thirty_seconds(server: ArmServer) -> None:
    account = connect(server, writable=True)
    for number in range(5):
        account.import_from_uri(f"Module{number}", f"{URI}?{number}", runtime_environment="PS74", wait=False)
    with pytest.raises(amkit.AccountError, match="limit of 5 module imports every 30 seconds") as caught:
        account.import_from_uri("Module5", f"{URI}?5", runtime_environment="PS74", wait=False)
    assert caught.value.code == "throttled" and "Retry after" in str(caught.value)
    puts = [request for request in server.requests if request.method == "PUT"]
    assert len(puts) == 5  # the sixth never reached Azure


def test_runbooks_are_read_with_their_scripts_into_their_environments(server: ArmServer) -> None:
    account = connect(server)
    runbooks = account.runbooks().set_index("name")
    assert runbooks["runtime_environment"].to_dict() == {
        "Drawn": "PowerShell-5.1",
        "Legacy": "PowerShell-5.1",
        "Nightly": "PS74",
        "Seven": "PowerShell-7.2",
    }
    contents = [request.path for request in server.requests if request.path.endswith("/content")]
    assert len(contents) == 3  # a graphical runbook has no script to read
    # The service lists a 5.1 module's commands (its activities): a runbook calling one finds it.
    legacy = account.runbook_requirements("Legacy").set_index("module")
    assert legacy.loc["ContosoTools", "status"] == "ok" and legacy.loc["ContosoTools", "commands"] == "Get-ContosoTool"
    needs = account.runbook_requirements("Nightly").set_index("module")
    assert needs.loc["ContosoCore", "status"] == "ok" and needs.loc["ContosoCore", "version"] == "1.3.0"
    plan = account.plan_runtime_environments()
    assert plan.runbooks["runbook"].tolist() == ["Drawn", "Legacy", "Seven"]  # Nightly already has its own
    # Read from Azure, a custom module has no package file here to check or import again.
    packages = plan.packages.set_index("module")
    assert (
        packages.loc["ContosoCore", "status"] == "unchecked" and packages.loc["ContosoTools", "status"] == "unchecked"
    )
    assert not any(call.startswith("account.import_package(") for call in plan.calls)


def test_connect_keeps_to_files_of_the_same_account(server: ArmServer, tmp_path: Path) -> None:
    modelled = tmp_path / "modelled.db"
    amkit.AutomationAccount.open(modelled).close()
    with pytest.raises(amkit.AccountError, match="modelled with amkit, not one read from Azure") as caught:
        connect(server, modelled)
    assert caught.value.code == "not-an-account"
    with pytest.raises(amkit.AccountError, match="modelled with amkit"):
        amkit.AutomationAccount.from_snapshot(amkit.samples.arm_snapshot(), path=modelled)
    real = tmp_path / "real.db"
    connect(server, real).close()
    with ArmServer(account_name="another") as other, pytest.raises(amkit.AccountError, match="holds account"):
        connect(other, real)


def test_refresh_follows_environments_azure_deletes_or_recreates(server: ArmServer) -> None:
    account = connect(server)
    with server._lock:  # Azure lets an environment go while a runbook still uses it; another is recreated
        server._collections[("runtimeenvironments",)].pop("ps74")
        server._collections.pop(("runtimeenvironments", "ps74", "packages"))
    server.add_runtime_environment("PowerShell-7.2", version="7.2", default_packages={"Az": "8.0.0"}, description="x")
    server.add_runtime_environment("Py310", language="Python", version="3.10")
    account.refresh()
    names = set(account.runtime_environments()["name"])
    assert "PS74" not in names and "Py310" in names
    assert "Nightly" not in set(account.runbooks()["name"])
    (orphan,) = account.warnings().query("kind == 'runbook-without-environment'")["message"]
    assert orphan == "runbook Nightly is linked to PS74, which Azure no longer has: it cannot run"
    gone = account.history().query("operation == 'delete' and runtime_environment == 'PS74'")
    assert sorted(gone["module"]) == ["ContosoCore"]
    with server._lock:
        server._collections[("runtimeenvironments",)].pop("py310")
    server.add_runtime_environment("Py310", language="PowerShell", version="7.4", default_packages={"Az": "12.3.0"})
    account.refresh()
    recreated = account.runtime_environment("Py310")
    assert (recreated.language, recreated.version) == ("PowerShell", "7.4")
    assert account.versions("Az.Accounts", runtime_environment="Py310") == (amkit.PSVersion("3.0.4"),)


def test_a_refresh_during_an_import_goes_on_with_it(server: ArmServer) -> None:
    account = connect(server, writable=True)
    started = account.import_from_uri("ContosoNew", URI, runtime_environment="PS74")
    account.refresh()  # Azure lists it as it is, mid-way: the same operation goes on, no second start
    ended = account.watch("contosonew", runtime_environment="PS74", interval=0, progress=False)
    assert ended.succeeded and ended.operation_id == started.operation_id
    operation = account.history().query(f"operation_id == {started.operation_id}")
    assert list(operation["state"]).count("Creating") == 1 and operation["state"].iloc[-1] == "Succeeded"
    assert amkit.account.history.operations(account.history())["outcome"].isin(["Succeeded", "Failed"]).all()


def test_a_module_listed_twice_in_a_snapshot_is_refused() -> None:
    module = {"name": "X", "properties": {"isGlobal": False, "version": "1.0", "creationTime": "2026-01-01"}}
    twice = {"account": "/x/automationAccounts/a", "modules": [module, {**module, "name": "x"}]}
    with pytest.raises(amkit.AccountError, match=r"(?i)x is listed twice as a custom module") as caught:
        amkit.AutomationAccount.from_snapshot(twice)
    assert caught.value.code == "snapshot"


def test_a_snapshot_s_language_is_read_as_automation_spells_it() -> None:
    environment = {"name": "Lower", "properties": {"runtime": {"language": "powershell", "version": "7.4"}}}
    account = amkit.AutomationAccount.from_snapshot(
        {"account": "/x/automationAccounts/a", "runtimeEnvironments": [environment]}
    )
    assert account.runtime_environment("Lower").is_powershell
    with pytest.raises(amkit.AccountError, match="runtimeEnvironments is a list in a snapshot, not int"):
        amkit.AutomationAccount.from_snapshot({"runtimeEnvironments": 5})
    with pytest.raises(amkit.AccountError, match=r"the modules of PowerShell-5\.1 is a list in a snapshot, not str"):
        amkit.AutomationAccount.from_snapshot({"modules": "/etc/hostname"})
