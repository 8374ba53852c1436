"""An account's module list as Azure reports it, read into an account so it can be charted offline.

Accepted forms, as JSON text, a path, or already parsed:

- the REST API's list (``GET .../automationAccounts/{name}/modules``):
  ``{"value": [{"name": ..., "properties": {...}}, ...]}``;
- the Azure CLI's (``az automation module list``): a list of modules whose
  properties are not nested;
- a single module, or a plain list of REST modules;
- ``Get-AzAutomationModule | ConvertTo-Json`` (Windows PowerShell writes its
  times as ``/Date(milliseconds)/``, inside an object).

Property names are matched ignoring case. Each module needs a ``name``; its
``provisioningState``, ``isGlobal``, ``version``, ``sizeInBytes``,
``activityCount``, ``creationTime``, ``lastModifiedTime``, ``description`` and
``error`` (``code``, ``message``) are kept as reported (both ``Cancelled`` and
``Canceled`` occur). A module whose ``id`` names ``powerShell72Modules`` (or
another ``powerShell7xModules``) belongs to that runtime.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amkit.account.environments import Environments
from amkit.account.history import Recorder
from amkit.account.modules import ModuleList, listed_version
from amkit.account.provisioning import Failure
from amkit.account.runtimes import SYSTEM_ENVIRONMENTS, RuntimeEnvironment, system_environment_name
from amkit.account.store import Store, moment
from amkit.deps.inventory import ModuleRecord
from amkit.errors import AccountError
from amkit.jsontext import only_text, parse_json

__all__ = ["load_module_list", "read_module_list", "reported_count", "reported_time"]

_RUNTIME_COLLECTION = re.compile(r"/powershell(\d)(\d)modules/", re.IGNORECASE)
#: How .NET's JSON writes a time: milliseconds since 1970, and an offset that does not change the instant.
_MICROSOFT_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")


def read_module_list(source: object) -> tuple[list[dict[str, Any]], str | None]:
    """The modules of a module list, each with its properties flattened and keys folded, and the file name.

    Raises
    ------
    AccountError
        When the source is not JSON, or not a module list.
    """
    file: str | None = None
    document: Any = source
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not source.lstrip().startswith(("{", "["))):
        file = os.fspath(source)
        try:
            document = Path(file).read_bytes()
        except OSError as error:
            raise AccountError(f"cannot read the module list: {error.strerror}", code="arm", file=file) from None

    def fail(problem: str, line: int | None, column: int | None) -> AccountError:
        return AccountError(f"the module list {problem}", code="arm", file=file, line=line, column=column)

    document = parse_json(document, fail) if isinstance(document, bytes | str) else only_text(document, fail)
    if isinstance(document, Mapping) and "value" in {str(key).casefold() for key in document}:
        document = next(value for key, value in document.items() if str(key).casefold() == "value")
    elif isinstance(document, Mapping):
        document = [document]
    if not isinstance(document, list):
        raise AccountError("a module list is a JSON object with 'value', or a list of modules", code="arm", file=file)
    modules = []
    for index, item in enumerate(document):
        if not isinstance(item, Mapping):
            raise AccountError(f"module {index} is not a JSON object", code="arm", file=file)
        folded = {str(key).casefold(): value for key, value in item.items()}
        properties = folded.pop("properties", None)
        if isinstance(properties, Mapping):
            folded.update({str(key).casefold(): value for key, value in properties.items()})
        if not isinstance(folded.get("name"), str) or not folded["name"].strip():
            raise AccountError(f"module {index} has no name", code="arm", file=file)
        modules.append(folded)
    return modules, file


def _runtime(module: Mapping[str, Any]) -> str:
    match = _RUNTIME_COLLECTION.search(str(module.get("id") or ""))
    return f"{match.group(1)}.{match.group(2)}" if match else "5.1"


def reported_time(module: Mapping[str, Any], key: str, index: int, file: str | None) -> datetime | None:
    """A module's time property (ISO text, .NET's ``/Date(...)/``, or PowerShell's object), ``None`` when empty."""
    value = module.get(key)
    if isinstance(value, Mapping):
        # Windows PowerShell's ConvertTo-Json writes a DateTimeOffset as an object: {"value": "/Date(...)/", ...}.
        folded = {str(name).casefold(): item for name, item in value.items()}
        value = folded.get("value", folded.get("datetime"))
    if value in (None, ""):
        return None
    milliseconds = _MICROSOFT_DATE.fullmatch(str(value).strip())
    if milliseconds is not None:
        return datetime.fromtimestamp(int(milliseconds.group(1)) / 1000, UTC)
    try:
        return moment(value)
    except ValueError:
        raise AccountError(
            f"module {index} ({module['name']}): {key} {value!r} is not a time", code="arm", file=file
        ) from None


def reported_count(module: Mapping[str, Any], key: str, index: int, file: str | None) -> int:
    """A module's count property (sizeInBytes, activityCount), 0 when empty."""
    value = module.get(key)
    if value in (None, ""):
        return 0
    text = str(value).strip() if isinstance(value, int | float | str) and not isinstance(value, bool) else ""
    # At most 18 digits: a count the file's 64-bit integers hold.
    if not text.isdigit() or len(text.lstrip("0")) > 18:
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:37]}..."
        raise AccountError(f"module {index} ({module['name']}): {key} {shown} is not a count", code="arm", file=file)
    return int(text)


def load_module_list(store: Store, source: object) -> str:
    """Write the modules of ``source`` into an empty account ``store``; return the runtime most of them are in.

    The account gets the system-generated environments, holding just what
    the list reports (a runtime without one, such as 7.4, gets an environment
    of the same name). Each module becomes a row of its runtime's
    environment. A custom (not global) module also gets one history row: its
    latest import, in its reported state at ``lastModifiedTime`` (the list
    tells nothing of earlier ones).
    """
    listed, file = read_module_list(source)
    modules = ModuleList(store)
    environments = Environments(store, modules)
    for language, line in SYSTEM_ENVIRONMENTS:
        system = RuntimeEnvironment(system_environment_name(language, line), language, line, {}, "", True)
        environments.create(system, moment(), with_defaults=False)
    runtimes: dict[str, int] = {}
    for index, module in enumerate(listed):
        name = module["name"].strip()
        runtime = _runtime(module)
        runtimes[runtime] = runtimes.get(runtime, 0) + 1
        environment = environments.find(system_environment_name("PowerShell", runtime)) or environments.create(
            RuntimeEnvironment(system_environment_name("PowerShell", runtime), "PowerShell", runtime),
            moment(),
            with_defaults=False,
        )
        created = reported_time(module, "creationtime", index, file)
        modified = reported_time(module, "lastmodifiedtime", index, file)
        if created is None and modified is None:
            raise AccountError(
                f"module {index} ({name}) has neither creationTime nor lastModifiedTime", code="arm", file=file
            )
        created = created or modified
        modified = modified or created
        assert created is not None and modified is not None
        reported = module.get("error")
        error = {str(key).casefold(): value for key, value in reported.items()} if isinstance(reported, Mapping) else {}
        state = str(module.get("provisioningstate") or "Succeeded")
        version = None if module.get("version") in (None, "") else str(module["version"])
        is_global = bool(module.get("isglobal"))
        error_code, error_message = error.get("code") or None, error.get("message") or None
        if any(row["is_global"] == is_global for row in modules.rows(name, environment.key)):
            kind = "default" if is_global else "custom"
            raise AccountError(
                f"module {index} ({name}) is listed twice as a {kind} module of runtime {runtime}",
                code="arm",
                file=file,
            )
        module_id = modules.insert(
            name,
            version,
            environment=environment.key,
            is_global=is_global,
            state=state,
            at=modified,
            created=created,
            size=reported_count(module, "sizeinbytes", index, file),
            activities=reported_count(module, "activitycount", index, file),
            description=module.get("description"),
            source=file,
            error=(error_code, error_message),
        )
        if not is_global and version is not None:
            modules.add_versions(module_id, [ModuleRecord(name, listed_version(version, name))])  # no package here
        if not is_global:
            # The list tells only the latest import of each module: its state at lastModifiedTime.
            reported_error = Failure(state, error_code, error_message) if error_code or error_message else None
            Recorder(store, "import", environment, name, None).enter(state, modified, version, reported_error)
    return max(runtimes, key=lambda runtime: runtimes[runtime]) if runtimes else "5.1"
