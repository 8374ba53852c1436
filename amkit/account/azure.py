"""A real Automation account read through the Azure SDK (``amkit[azure]``), as plain data.

:class:`AzureAccount` wraps azure-mgmt-automation's ``AutomationClient`` for
one account and turns what it returns into :class:`Snapshot` rows: runtime
environments with their default packages, every environment's modules or
packages, and connection types (their fields, never a connection's values).
Lists follow ``nextLink``; azure-core retries a 429 after its ``Retry-After``.
An error from Azure arrives as an :class:`~amkit.errors.AccountError` that
keeps the service's code and message.

The Windows PowerShell 5.1 list is ``/modules``; the PowerShell 7.2 list of
the old experience is ``/powerShell72Modules``, an older API version
(2023-11-01) that the SDK has no operation for, read with its public
``send_request``; every other environment's list is its ``packages``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from amkit.account.runtimes import SYSTEM_ENVIRONMENTS, system_environment_name
from amkit.errors import AccountError

__all__ = ["AzureAccount", "ModuleState", "Snapshot"]

_PS72_API_VERSION = "2023-11-01"
_SYSTEM_NAMES = {system_environment_name(language, version).casefold() for language, version in SYSTEM_ENVIRONMENTS}


@dataclass(frozen=True)
class ModuleState:
    """One module or package of an environment, as Azure reports it."""

    environment: str
    name: str
    is_global: bool
    version: str | None
    size: int
    activities: int
    state: str
    created: datetime | None
    modified: datetime | None
    error_code: str | None = None
    error_message: str | None = None


@dataclass
class Snapshot:
    """What one read of an account saw."""

    #: (name, language, version, default packages, description, system-generated)
    environments: list[tuple[str, str, str, dict[str, str], str, bool]] = field(default_factory=list)
    modules: list[ModuleState] = field(default_factory=list)
    #: (name, fields as ConnectionField keyword dicts)
    connection_types: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)


def _sdk() -> Any:
    try:
        import azure.core.exceptions as exceptions
        from azure.mgmt.automation import AutomationClient
    except ImportError:
        raise AccountError(
            "reading a real account needs the Azure SDK: pip install 'amkit[azure]'", code="azure-missing"
        ) from None
    return AutomationClient, exceptions


@contextlib.contextmanager
def _azure_errors(doing: str) -> Iterator[None]:
    """Turn the SDK's errors into AccountErrors that keep the service's code and message."""
    _, exceptions = _sdk()
    try:
        yield
    except exceptions.ClientAuthenticationError as error:
        raise AccountError(f"Azure refused the credential while {doing}: {error.message}", code="azure-auth") from None
    except exceptions.HttpResponseError as error:
        status = getattr(error, "status_code", None)
        code = getattr(getattr(error, "error", None), "code", None) or "azure"
        message = getattr(getattr(error, "error", None), "message", None) or error.message
        raise AccountError(f"Azure answered {status} ({code}) while {doing}: {message}", code="azure") from None
    except exceptions.AzureError as error:
        raise AccountError(f"cannot reach Azure while {doing}: {error.message}", code="azure") from None


def _get(item: Any, *names: str) -> Any:
    """``item.properties.<name>`` or ``item.<name>``, the first that is there."""
    properties = getattr(item, "properties", None)
    for name in names:
        for holder in (properties, item):
            value = getattr(holder, name, None) if holder is not None else None
            if value is not None:
                return value
    return None


def _state(item: Any, environment: str, is_global: bool | None = None) -> ModuleState:
    error = _get(item, "error")
    system = getattr(item, "system_data", None)
    return ModuleState(
        environment=environment,
        name=str(item.name),
        is_global=bool(_get(item, "is_global", "default")) if is_global is None else is_global,
        version=_get(item, "version"),
        size=int(_get(item, "size_in_bytes") or 0),
        activities=int(_get(item, "activity_count") or 0),
        # The SDK gives states as str enums, whose str() is the member's name.
        state=str(getattr(state, "value", state)) if (state := _get(item, "provisioning_state")) else "Succeeded",
        created=_get(item, "creation_time") or getattr(system, "created_at", None),
        modified=_get(item, "last_modified_time") or getattr(system, "last_modified_at", None),
        # The API answers "error": {"code": null, "message": null} for imports that did not fail.
        error_code=getattr(error, "code", None) or None,
        error_message=getattr(error, "message", None) or None,
    )


class AzureAccount:
    """One Automation account, read and changed through azure-mgmt-automation's real client."""

    def __init__(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        credential: Any = None,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        client_class, _ = _sdk()
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        self.subscription_id, self.resource_group, self.account_name = subscription_id, resource_group, account_name
        self.client = client_class(credential, subscription_id, **dict(client_options or {}))
        self._where = (resource_group, account_name)

    @property
    def resource_id(self) -> str:
        """The account's ARM id."""
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.Automation/automationAccounts/{self.account_name}"
        )

    def snapshot(self) -> Snapshot:
        """Read the account's environments, their modules and its connection types."""
        seen = Snapshot()
        with _azure_errors(f"reading account {self.account_name}"):
            for item in self.client.runtime_environments.list_by_automation_account(*self._where):
                runtime = _get(item, "runtime")
                seen.environments.append(
                    (
                        str(item.name),
                        str(getattr(runtime, "language", "") or ""),
                        str(getattr(runtime, "version", "") or ""),
                        dict(_get(item, "default_packages") or {}),
                        str(_get(item, "description") or ""),
                        str(item.name).casefold() in _SYSTEM_NAMES,
                    )
                )
            for item in self.client.module.list_by_automation_account(*self._where):
                seen.modules.append(_state(item, "PowerShell-5.1"))
            seven = self._powershell72_modules()
            seen.modules += seven
            for name, language, *_ in seen.environments:
                folded = name.casefold()
                if (
                    language.casefold() != "powershell"
                    or folded == "powershell-5.1"
                    or (folded == "powershell-7.2" and seven)
                ):
                    continue
                for item in self.client.package.list_by_runtime_environment(*self._where, name):
                    seen.modules.append(_state(item, name))
            for item in self.client.connection_type.list_by_automation_account(*self._where):
                definitions = _get(item, "field_definitions") or {}
                fields = [
                    {
                        "name": key,
                        "type_name": str(getattr(value, "type", "") or "System.String"),
                        "is_encrypted": bool(getattr(value, "is_encrypted", False)),
                        "is_optional": bool(getattr(value, "is_optional", False)),
                    }
                    for key, value in definitions.items()
                ]
                seen.connection_types.append((str(item.name), fields))
        return seen

    def _powershell72_modules(self) -> list[ModuleState]:
        """The old experience's PowerShell 7.2 list; empty when the account has none (the API answers 404)."""
        from azure.core.rest import HttpRequest
        from azure.mgmt.automation import models

        url: str | None = f"{self.resource_id}/powerShell72Modules"
        params: dict[str, str] | None = {"api-version": _PS72_API_VERSION}
        found: list[ModuleState] = []
        while url is not None:
            response = self.client.send_request(HttpRequest("GET", url, params=params))
            if response.status_code == 404 and not found:
                return []
            response.raise_for_status()
            page = response.json()
            found += [_state(models.Module(item), "PowerShell-7.2") for item in page.get("value", [])]
            url, params = page.get("nextLink"), None
        return found

    def start_import(self, name: str, content_uri: str, environment: str) -> ModuleState:
        """Start importing ``content_uri`` as module ``name`` into ``environment`` (the service runs it)."""
        body = {"properties": {"contentLink": {"uri": content_uri}}}
        with _azure_errors(f"starting the import of {name} into {environment}"):
            if environment.casefold() == "powershell-5.1":
                item = self.client.module.create_or_update(*self._where, name, body)
            else:
                item = self.client.package.create_or_update(*self._where, environment, name, body)
        return _state(item, environment, False)

    def module(self, name: str, environment: str) -> ModuleState:
        """Module ``name`` of ``environment`` as Azure reports it now."""
        with _azure_errors(f"reading {name} in {environment}"):
            if environment.casefold() == "powershell-5.1":
                item = self.client.module.get(*self._where, name)
            else:
                item = self.client.package.get(*self._where, environment, name)
        return _state(item, environment)
