"""Connection types and connection assets: checked against their type, secrets never in clear text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import amkit

SECRET = "s3cr3t-api-key-that-must-not-leak"


@pytest.fixture
def account(tmp_path: Path) -> Iterator[amkit.AutomationAccount]:
    opened = amkit.AutomationAccount.open(tmp_path / "account.db")
    samples = amkit.samples.build(tmp_path / "samples")
    assert opened.import_package(samples["ContosoNotify"], at="2026-03-02T09:00:00Z").succeeded
    yield opened
    opened.close()


def test_connection_types_built_in_and_imported(account: amkit.AutomationAccount) -> None:
    frame = account.connection_types()
    assert list(frame.columns) == ["type", "module", "field", "type_name", "is_encrypted", "is_optional"]
    types = frame.groupby("type", sort=False)["field"].apply(list).to_dict()
    assert types == {
        "Azure": ["AutomationCertificateName", "SubscriptionID"],
        "AzureClassicCertificate": ["SubscriptionName", "SubscriptionId", "CertificateAssetName"],
        "AzureServicePrincipal": ["ApplicationId", "TenantId", "CertificateThumbprint", "SubscriptionId"],
        "ContosoNotify": ["ApiUri", "ApiKey", "Username", "Region"],
    }
    notify = frame[frame["type"] == "ContosoNotify"].set_index("field")
    assert notify.loc["ApiKey", "is_encrypted"] and notify.loc["Region", "is_optional"]
    assert set(notify["module"]) == {"ContosoNotify"}


def test_an_encrypted_field_is_never_shown_nor_stored(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    connection = account.add_connection(
        "notify-prod", "contosonotify", ApiUri="https://notify.contoso.example", ApiKey=SECRET, Username="robot"
    )
    assert connection.shown() == {
        "ApiUri": "https://notify.contoso.example",
        "Username": "robot",
        "ApiKey": "(encrypted)",
    }
    assert SECRET not in repr(connection)
    assert connection.matches("apikey", SECRET) and not connection.matches("ApiKey", "guess")
    assert connection.matches("Username", "robot")
    frame = account.connections()
    assert frame.set_index("field").loc["ApiKey", "value"] == "(encrypted)"
    assert frame.set_index("field").loc["ApiKey", "is_encrypted"]
    assert SECRET not in frame.to_string()
    account.close()
    for file in tmp_path.glob("account.db*"):  # the database and its write-ahead log
        assert SECRET.encode() not in file.read_bytes()
    with amkit.AutomationAccount.open(tmp_path / "account.db") as again:
        assert again.connection("NOTIFY-PROD").matches("ApiKey", SECRET)


@pytest.mark.parametrize(
    ("type_name", "fields", "problem"),
    [
        ("Nope", {}, "no connection type 'Nope'"),
        ("ContosoNotify", {"ApiUri": "u", "Username": "x"}, "needs ApiKey"),
        ("ContosoNotify", {"ApiUri": "u", "ApiKey": "k", "Username": "x", "Colour": "red"}, "has no field Colour"),
        ("ContosoNotify", {"ApiUri": 42, "ApiKey": "k", "Username": "x"}, "takes text, not int"),
    ],
    ids=["unknown-type", "missing-field", "unknown-field", "wrong-type"],
)
def test_connections_are_checked_against_their_type(
    account: amkit.AutomationAccount, type_name: str, fields: dict[str, object], problem: str
) -> None:
    with pytest.raises(amkit.AccountError, match=problem) as refused:
        account.add_connection("c", type_name, **fields)
    assert refused.value.code == "connection"
    assert account.connections().empty


@pytest.mark.parametrize(
    ("value", "stored"),
    [(5, "5"), ("+5", "5"), (" -7 ", "-7"), ("--5", None), ("99999999999999999999", None), ("5.0", None), (True, None)],
)
def test_integer_fields(tmp_path: Path, value: object, stored: str | None) -> None:
    package = tmp_path / "Typed"
    (package).mkdir()
    (package / "Typed.psd1").write_text(
        "@{ ModuleVersion = '1.0.0'; RootModule = 'Typed.psm1'; FunctionsToExport = @() }"
    )
    (package / "Typed.psm1").write_text("")
    fields = [{"Name": "Port", "TypeName": "System.Int32", "IsEncrypted": False, "IsOptional": False}]
    document = {"ConnectionFields": fields, "ConnectionTypeName": "Typed", "IntegrationModuleName": "Typed"}
    (package / "Typed-Automation.json").write_text(json.dumps(document))
    with amkit.AutomationAccount.open() as account:
        assert account.import_package(package, at="2026-03-02T09:00:00Z").succeeded
        if stored is None:
            with pytest.raises(amkit.AccountError, match="whole number from -2147483648 to 2147483647"):
                account.add_connection("c", "Typed", Port=value)
        else:
            assert account.add_connection("c", "Typed", Port=value).values == {"Port": stored}
        with pytest.raises(amkit.AccountError, match="given twice"):
            account.add_connection("d", "Typed", Port=1, port=2)


def test_connection_names_are_unique(account: amkit.AutomationAccount) -> None:
    fields = {"ApplicationId": "a", "TenantId": "t", "CertificateThumbprint": "c", "SubscriptionId": "s"}
    account.add_connection("AzureRunAsConnection", "AzureServicePrincipal", **fields)
    with pytest.raises(amkit.AccountError, match="already exists") as refused:
        account.add_connection("azurerunasconnection", "AzureServicePrincipal", **fields)
    assert refused.value.code == "exists"
    with pytest.raises(amkit.AccountError, match="no connection 'other'"):
        account.connection("other")
