"""A real Automation account read through the Azure SDK (``amkit[azure]``), as plain data.

:class:`AzureAccount` wraps azure-mgmt-automation's ``AutomationClient`` for
one account. What it reads is kept as the REST API's own JSON (a snapshot
*document*: runtime environments with their default packages, every
environment's modules or packages, connection types: their fields, never a
connection's values), which one parser (:func:`parse_snapshot`) reads
whether it comes from Azure now or from a file saved earlier. Lists follow
``nextLink``; azure-core retries a 429 after its ``Retry-After``. An error
from Azure arrives as an :class:`~amkit.errors.AccountError` that keeps the
service's code and message.

The Windows PowerShell 5.1 list is ``/modules``; the PowerShell 7.2 list of
the old experience is ``/powerShell72Modules``, an older API version
(2023-11-01) that the SDK has no operation for, read with its public
``send_request``; Python 2.7's and 3.8's are ``/python2Packages`` and
``/python3Packages``; every other environment's list is its ``packages``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from amkit.account.arm import read_module_list, reported_count, reported_time
from amkit.account.runtimes import LANGUAGES, SYSTEM_ENVIRONMENTS, system_environment_name
from amkit.errors import AccountError
from amkit.jsontext import only_text, parse_json

__all__ = ["AzureAccount", "ModuleState", "Snapshot", "load_snapshot", "parse_snapshot"]

_PS72_API_VERSION = "2023-11-01"
#: Where a runbook of the old experience runs, by its runbookType: the system-generated environment of its runtime.
_RUNBOOK_TYPES = {
    "powershell": "PowerShell-5.1",
    "script": "PowerShell-5.1",
    "powershellworkflow": "PowerShell-5.1",
    "graphpowershell": "PowerShell-5.1",
    "graphpowershellworkflow": "PowerShell-5.1",
    "graph": "PowerShell-5.1",
    "powershell72": "PowerShell-7.2",
    "python2": "Python-2.7",
    "python3": "Python-3.8",
}
# Runbook types whose published content is text a reader can parse (graphical ones are not).
_TEXT_RUNBOOKS = frozenset(
    {"powershell", "script", "powershellworkflow", "powershell72", "python2", "python3", "python"}
)
_SYSTEM_NAMES = {system_environment_name(language, version).casefold() for language, version in SYSTEM_ENVIRONMENTS}
# The system-generated environments whose list is one of the old experience's (7.2's only when the account has it).
_OLD_LISTS = frozenset({"powershell-5.1", "python-2.7", "python-3.8"})


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
    #: The module's commands, where the service lists them (its activities: Windows PowerShell 5.1 only).
    commands: tuple[str, ...] = ()


@dataclass
class Snapshot:
    """What one read of an account saw, parsed from its document (see :func:`parse_snapshot`)."""

    #: (name, language, version, default packages, description, system-generated)
    environments: list[tuple[str, str, str, dict[str, str], str, bool]] = field(default_factory=list)
    modules: list[ModuleState] = field(default_factory=list)
    #: (name, fields as ConnectionField keyword dicts)
    connection_types: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    #: (name, environment name, published script; empty for a graphical runbook)
    runbooks: list[tuple[str, str, str]] = field(default_factory=list)
    #: The REST API's JSON it was parsed from, which :meth:`save` writes.
    document: dict[str, Any] = field(default_factory=dict, repr=False)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the document as JSON, to open later with :meth:`amkit.AutomationAccount.from_snapshot`."""
        target = Path(path)
        target.write_text(json.dumps(self.document, indent=1, default=str), encoding="utf-8")
        return target


def _states(
    items: object, environment: str, file: str | None, activities: Mapping[str, Any] | None = None
) -> list[ModuleState]:
    """The modules (or packages) of a list the REST API returned, in ``environment``, with their activities."""
    if not items:
        return []
    listed, _ = read_module_list(_listed(items, f"the modules of {environment}", file))
    commands = {str(name).casefold(): names for name, names in (activities or {}).items() if isinstance(names, list)}
    states = []
    for index, item in enumerate(listed):
        reported = item.get("error")
        error: Mapping[str, Any] = reported if isinstance(reported, Mapping) else {}
        states.append(
            ModuleState(
                environment=environment,
                name=str(item["name"]).strip(),
                is_global=bool(item.get("isglobal", item.get("default"))),
                version=None if item.get("version") in (None, "") else str(item["version"]),
                size=reported_count(item, "sizeinbytes", index, file),
                activities=reported_count(item, "activitycount", index, file),
                state=str(item.get("provisioningstate") or "Succeeded"),
                created=reported_time(item, "creationtime", index, file),
                modified=reported_time(item, "lastmodifiedtime", index, file),
                # The API answers "error": {"code": null, "message": null} for imports that did not fail.
                error_code=error.get("code") or None,
                error_message=error.get("message") or None,
                commands=tuple(str(name) for name in commands.get(str(item["name"]).strip().casefold(), ())),
            )
        )
    return states


def _listed(value: object, what: str, file: str | None) -> list[Any]:
    """``value`` when it is a JSON list (or absent: empty).

    Raises
    ------
    AccountError
        ``snapshot`` for anything else: a text here is not a path to read.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise AccountError(f"{what} is a list in a snapshot, not {type(value).__name__}", code="snapshot", file=file)
    return value


def _environment(index: int, item: object, file: str | None) -> tuple[str, str, str, dict[str, str], str, bool]:
    properties = item.get("properties") if isinstance(item, Mapping) else None
    if not isinstance(item, Mapping) or not isinstance(properties, Mapping) or not isinstance(item.get("name"), str):
        raise AccountError(f"runtime environment {index} has no name or properties", code="snapshot", file=file)
    runtime = properties.get("runtime")
    runtime = runtime if isinstance(runtime, Mapping) else {}
    packages = properties.get("defaultPackages")
    packages = packages if isinstance(packages, Mapping) else {}
    name = str(item["name"])
    for package, release in packages.items():
        if not isinstance(release, str):
            raise AccountError(f"default package {package} of {name} has no version", code="snapshot", file=file)
    language = str(runtime.get("language") or "")
    return (
        name,
        next((known for known in LANGUAGES if known.casefold() == language.casefold()), language),
        str(runtime.get("version") or ""),
        {str(key): str(value) for key, value in packages.items()},
        str(properties.get("description") or ""),
        name.casefold() in _SYSTEM_NAMES,
    )


def _connection_type(item: object, file: str | None) -> tuple[str, list[dict[str, Any]]]:
    properties = item.get("properties") if isinstance(item, Mapping) else None
    definitions = properties.get("fieldDefinitions") if isinstance(properties, Mapping) else None
    if not isinstance(item, Mapping) or not isinstance(definitions, Mapping):
        raise AccountError("a connection type has no fieldDefinitions", code="snapshot", file=file)
    fields = [
        {
            "name": str(key),
            "type_name": str(value.get("type") or "System.String"),
            "is_encrypted": value.get("isEncrypted") is True,  # JSON's true, not a truthy text
            "is_optional": value.get("isOptional") is True,
        }
        for key, value in definitions.items()
        if isinstance(value, Mapping)
    ]
    return str(item.get("name")), fields


def parse_snapshot(document: object, file: str | None = None) -> Snapshot:
    """A snapshot from its document: the REST API's JSON of each list, under these keys.

    ``runtimeEnvironments``, ``modules`` (Windows PowerShell 5.1),
    ``powerShell72Modules``, ``python2Packages`` (Python 2.7), ``python3Packages``
    (Python 3.8), ``packages`` (environment name -> its list),
    ``connectionTypes`` and ``runbooks``, each a list of resources as the API
    returns them (``{"name": ..., "properties": {...}}``); ``activities``,
    module name -> the names of its activities (commands; the service lists
    them for 5.1 custom modules); and ``runbookContents``, runbook name -> its
    published script.

    Raises
    ------
    AccountError
        ``snapshot`` (or ``arm`` for a module list) when a part is not what the API returns.
    """
    if not isinstance(document, Mapping):
        raise AccountError("a snapshot is a JSON object", code="snapshot", file=file)
    only_text(document, lambda problem, *_: AccountError(f"the snapshot {problem}", code="snapshot", file=file))
    seen = Snapshot(document=dict(document))
    environments = _listed(document.get("runtimeEnvironments"), "runtimeEnvironments", file)
    seen.environments = [_environment(index, item, file) for index, item in enumerate(environments)]
    activities = document.get("activities")
    seen.modules += _states(
        document.get("modules"), "PowerShell-5.1", file, activities if isinstance(activities, Mapping) else None
    )
    seen.modules += _states(document.get("powerShell72Modules"), "PowerShell-7.2", file)
    seen.modules += _states(document.get("python2Packages"), "Python-2.7", file)
    seen.modules += _states(document.get("python3Packages"), "Python-3.8", file)
    by_environment = document.get("packages") or {}
    if not isinstance(by_environment, Mapping):
        raise AccountError("packages is an object of environment name -> list", code="snapshot", file=file)
    for environment, items in by_environment.items():
        seen.modules += _states(items, str(environment), file)
    types = _listed(document.get("connectionTypes"), "connectionTypes", file)
    seen.connection_types = [_connection_type(item, file) for item in types]
    contents = document.get("runbookContents") or {}
    runbooks = _listed(document.get("runbooks"), "runbooks", file)
    seen.runbooks = [_runbook(index, item, contents, file) for index, item in enumerate(runbooks)]
    return seen


def _runbook(index: int, item: object, contents: object, file: str | None) -> tuple[str, str, str]:
    """(name, environment, script) of a runbook: its runtimeEnvironment, else its runbookType's environment."""
    properties = item.get("properties") if isinstance(item, Mapping) else None
    if not isinstance(item, Mapping) or not isinstance(properties, Mapping) or not isinstance(item.get("name"), str):
        raise AccountError(f"runbook {index} has no name or properties", code="snapshot", file=file)
    name = str(item["name"])
    kind = str(properties.get("runbookType") or "PowerShell").casefold()
    environment = properties.get("runtimeEnvironment") or _RUNBOOK_TYPES.get(kind)
    if not environment:
        raise AccountError(f"runbook {name} names no runtime environment", code="snapshot", file=file)
    script = contents.get(name) if isinstance(contents, Mapping) else None
    return name, str(environment), script if isinstance(script, str) else ""


def load_snapshot(source: str | os.PathLike[str] | Mapping[str, Any]) -> Snapshot:
    """A snapshot from a saved file (:meth:`Snapshot.save`) or its parsed document.

    Raises
    ------
    AccountError
        ``snapshot`` when the file cannot be read or is not a snapshot.
    """
    if isinstance(source, Mapping):
        return parse_snapshot(source)
    file = os.fspath(source)
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise AccountError(f"cannot read the snapshot: {error.strerror}", code="snapshot", file=file) from None
    document = parse_json(
        data,
        lambda problem, line, column: AccountError(
            f"the snapshot {problem}", code="snapshot", file=file, line=line, column=column
        ),
    )
    return parse_snapshot(document, file)


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
    except exceptions.HttpResponseError as error:
        status = getattr(error, "status_code", None)
        code = getattr(getattr(error, "error", None), "code", None) or "azure"
        message = getattr(getattr(error, "error", None), "message", None) or error.message
        # An SDK operation raises ClientAuthenticationError for a 401; send_request's raise_for_status does not.
        if isinstance(error, exceptions.ClientAuthenticationError) or status == 401:
            raise AccountError(f"Azure refused the credential while {doing}: {message}", code="azure-auth") from None
        raise AccountError(f"Azure answered {status} ({code}) while {doing}: {message}", code="azure") from None
    except exceptions.AzureError as error:
        raise AccountError(f"cannot reach Azure while {doing}: {error.message}", code="azure") from None


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
        where = self._where
        with _azure_errors(f"reading account {self.account_name}"):
            environments = _raw(self.client.runtime_environments.list_by_automation_account(*where))
            seven = self._powershell72_modules()
            document: dict[str, Any] = {
                "account": self.resource_id,
                "runtimeEnvironments": environments,
                "modules": _raw(self.client.module.list_by_automation_account(*where)),
                "powerShell72Modules": seven,
                "python2Packages": _raw(self.client.python2_package.list_by_automation_account(*where)),
                "python3Packages": _raw(self.client.python3_package.list_by_automation_account(*where)),
                "packages": {
                    item["name"]: _raw(self.client.package.list_by_runtime_environment(*where, item["name"]))
                    for item in environments
                    if _reads_packages(item, bool(seven))
                },
                "connectionTypes": _raw(self.client.connection_type.list_by_automation_account(*where)),
                "runbooks": _raw(self.client.runbook.list_by_automation_account(*where)),
            }
            document["activities"] = {
                item["name"]: [activity.name for activity in self.client.activity.list_by_module(*where, item["name"])]
                for item in document["modules"]
                if not (item.get("properties") or {}).get("isGlobal")
                and (item.get("properties") or {}).get("provisioningState") == "Succeeded"
            }
            document["runbookContents"] = {
                item["name"]: self.client.runbook.get_content(*where, item["name"])
                for item in document["runbooks"]
                if str((item.get("properties") or {}).get("runbookType", "")).casefold() in _TEXT_RUNBOOKS
            }
        return parse_snapshot(document)

    def _powershell72_modules(self) -> list[dict[str, Any]]:
        """The old experience's PowerShell 7.2 list; empty when the account has none (the API answers 404)."""
        from azure.core.rest import HttpRequest

        url: str | None = f"{self.resource_id}/powerShell72Modules"
        params: dict[str, str] | None = {"api-version": _PS72_API_VERSION}
        found: list[dict[str, Any]] = []
        while url is not None:
            response = self.client.send_request(HttpRequest("GET", url, params=params))
            if response.status_code == 404 and not found:
                return []
            response.raise_for_status()
            page = response.json()
            found += page.get("value", [])
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
        return _states([item.as_dict()], environment, None)[0]

    def module(self, name: str, environment: str) -> ModuleState:
        """Module ``name`` of ``environment`` as Azure reports it now."""
        with _azure_errors(f"reading {name} in {environment}"):
            if environment.casefold() == "powershell-5.1":
                item = self.client.module.get(*self._where, name)
            else:
                item = self.client.package.get(*self._where, environment, name)
        return _states([item.as_dict()], environment, None)[0]


def _raw(items: Iterable[Any]) -> list[dict[str, Any]]:
    """The REST API's JSON of each item a pager yields."""
    return [item.as_dict() for item in items]


def _reads_packages(environment: Mapping[str, Any], has_powershell72_list: bool) -> bool:
    """Whether an environment's list is its ``packages``, not an old-experience list.

    Those are 5.1's ``/modules``, 7.2's ``/powerShell72Modules`` (when the
    account has one) and Python 2.7's and 3.8's ``/python2Packages`` and
    ``/python3Packages``.
    """
    folded = str(environment.get("name", "")).casefold()
    if folded in _OLD_LISTS:
        return False
    return not (folded == "powershell-7.2" and has_powershell72_list)
