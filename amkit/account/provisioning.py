"""How Automation walks a module import through its provisioning states, and how it words failures.

The states are those of the REST API's ``ModuleProvisioningState`` in the
order an import reports them. Which step fails, and with what message, is
decided by the findings of :func:`amkit.check`: a package Automation cannot
download (unreadable, over 100 MB) fails before ``ContentDownloaded``, one it
cannot validate (structure, paths, manifest, dependencies, runtime) before
``ContentValidated``, a malformed connection type before
``ConnectionTypeImported``.

Messages follow the wording Automation's import errors are reported in (as
users have quoted them from the portal and the REST API); the error code is
the exception type those messages name. Automation documents no wording for
its import throttle, so that message is amkit's own, with the code ARM uses
for throttled requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from amkit.checks.report import Finding, Report
from amkit.package.module_spec import ModuleSpec

__all__ = [
    "FAILURE_STEPS",
    "IMPORT_STATES",
    "STATE_DURATIONS",
    "THROTTLE_CODE",
    "Failure",
    "failure_of",
    "throttled",
]

#: The states of a successful import, in order (``ConnectionTypeImported`` only when the package defines one).
IMPORT_STATES = (
    "Creating",
    "ContentDownloaded",
    "ContentValidated",
    "ConnectionTypeImported",
    "ContentStored",
    "ModuleDataStored",
    "ActivitiesStored",
    "Succeeded",
)
#: Modelled time from the previous state to each one: an import of a few minutes, as the service takes.
STATE_DURATIONS = {
    "Creating": timedelta(0),
    "ContentDownloaded": timedelta(seconds=4),
    "ContentValidated": timedelta(seconds=25),
    "ConnectionTypeImported": timedelta(seconds=3),
    "ContentStored": timedelta(seconds=6),
    "ModuleDataStored": timedelta(seconds=20),
    "ActivitiesStored": timedelta(seconds=45),
    "Succeeded": timedelta(seconds=2),
}
#: The state an import cannot reach when a finding of each rule is an error.
FAILURE_STEPS = {
    "AM100": "ContentDownloaded",
    "AM104": "ContentDownloaded",
    **dict.fromkeys(
        ("AM101", "AM102", "AM103", "AM105", "AM106", "AM107", "AM109", "AM110", "AM111", "AM112"), "ContentValidated"
    ),
    "AM108": "ConnectionTypeImported",
}
THROTTLE_CODE = "TooManyRequests"
_IMPORT_EXCEPTION = "Orchestrator.Shared.AsyncModuleImport.ModuleImportException"
_VALIDATION = (
    "An error occurred during module validation. When importing the module to an internal PowerShell session, "
    "it was not able to be loaded by PowerShell. There is likely an issue with the contents of the module that "
    "results in PowerShell's not being able to load it. Please verify that the module imports successfully in a "
    "local PowerShell session, correct any issues, and then try importing again. Internal error message: {detail}"
)


@dataclass(frozen=True)
class Failure:
    """Why an import stopped: the state it did not reach, the error code and the message."""

    step: str
    code: str | None
    message: str | None
    finding: Finding | None = None


def _wrapped(name: str, detail: str) -> str:
    return f"Error importing the module {name}. Import failed with the following error: {_IMPORT_EXCEPTION}: {detail}"


def _message(name: str, finding: Finding, required: Sequence[ModuleSpec]) -> tuple[str, str]:
    """The error code and message Automation reports for ``finding``."""
    rule = finding.rule
    if rule == "AM104":
        size = "".join(character for character in finding.message.split(" bytes")[0] if character.isdigit())
        detail = f"Module data blob size is not supported. [moduleName={name}][maxModuleSize=104857600]"
        detail += f"[actualModuleSize={size}]" if size else ""
        return "ImportModuleException", detail
    if rule in ("AM100", "AM101", "AM102", "AM109"):
        return "ModuleImportException", _wrapped(
            name, f"Cannot import the module of name {name}, as the module structure was invalid."
        )
    if rule == "AM103":
        return "ModuleImportException", _wrapped(
            name,
            "Failure processing module import runbook while getting module content. "
            f"[moduleName={name}][error=System.IO.DirectoryNotFoundException: Could not find a part of the path "
            f"'{finding.file}'.]",
        )
    if rule == "AM108":
        return "ModuleImportException", _wrapped(
            name,
            "While importing the module, an error occurred while processing the module content. "
            f"Internal error message: {finding.message}",
        )
    if rule == "AM111":
        # PowerShell names the module it could not load, and the version asked for.
        spec = next((item for item in required if finding.message.startswith(f"requires {item.written} ")), None)
        if spec is not None:
            version = spec.required_version or spec.version
            with_version = f" with version '{version}'" if version else ""
            detail = (
                f"The specified module '{spec.name}'{with_version} was not loaded because no valid module file "
                "was found in any module directory."
            )
            return "ModuleImportException", _wrapped(name, _VALIDATION.format(detail=detail))
    return "ModuleImportException", _wrapped(name, _VALIDATION.format(detail=finding.message))


def failure_of(name: str, report: Report, required: Sequence[ModuleSpec] = ()) -> Failure | None:
    """The first step ``report``'s error findings stop an import of module ``name`` at, or ``None``.

    ``required`` are the package's RequiredModules entries, so that a missing
    dependency is named as PowerShell names it.
    """
    errors = [finding for finding in report.items if finding.severity == "error" and finding.rule in FAILURE_STEPS]
    if not errors:
        return None
    first = min(errors, key=lambda finding: IMPORT_STATES.index(FAILURE_STEPS[finding.rule]))
    code, message = _message(name, first, required)
    return Failure(FAILURE_STEPS[first.rule], code, message, first)


def throttled(limit: int, window: timedelta, retry_at: datetime) -> Failure:
    """The refusal of an import over Automation's limit of ``limit`` imports per ``window``."""
    return Failure(
        "Creating",
        THROTTLE_CODE,
        f"The limit of {limit} module imports every {int(window.total_seconds())} seconds for this Automation "
        f"account has been reached. Retry after {retry_at.strftime('%Y-%m-%dT%H:%M:%SZ')}.",
    )
