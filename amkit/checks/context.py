"""What a rule function sees: the package (or why it could not be opened) and the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amkit.errors import AmkitError
from amkit.package.commands import ExportedCommand, exported_commands
from amkit.package.manifest import Manifest
from amkit.package.module_package import ModulePackage, ModuleVersion
from amkit.powershell.script import FunctionInfo
from amkit.powershell.version import PSVersion

__all__ = ["RUNTIMES", "CheckContext", "runtime_excludes", "runtime_line", "runtime_version"]

#: Runtimes Automation offers, and the PowerShell edition each runs.
RUNTIMES = {"5.1": "Desktop", "7.1": "Core", "7.2": "Core", "7.4": "Core"}


def runtime_line(runtime: str) -> str:
    """The runtime a PowerShell version belongs to (``7.2.5`` -> ``7.2``); other text as it is."""
    version = PSVersion.parse(runtime)
    return f"{version.major}.{version.minor}" if version is not None else runtime


def runtime_version(runtime: str) -> PSVersion | None:
    """The PowerShell version a runtime runs, as exactly as it is known.

    A runtime given with its patch level (``7.2.5``) is that version; a
    runtime line (``7.2``) is its first release (``7.2.0``), all a module can
    count on, as Automation does not document the patch level its workers run.
    """
    version = PSVersion.parse(runtime)
    if version is None or version.build >= 0:
        return version
    return PSVersion(f"{version.major}.{version.minor}.0")


def runtime_edition(runtime: str) -> str:
    """``Desktop`` (5.1) or ``Core`` (7.x): the PowerShell edition a runtime runs."""
    return RUNTIMES.get(runtime_line(runtime), "Core" if runtime.startswith("7") else "Desktop")


def runtime_excludes(
    powershell_version: str | None, editions: tuple[str, ...], runtime: str, frameworks: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """Why a module with this PowerShellVersion, CompatiblePSEditions and assemblies does not load in ``runtime``.

    Each reason is ``(what, message)``: a PowerShellVersion above the
    runtime's (every component counts, an unset one as 0); editions that
    leave out the runtime's (compared ignoring case, as PowerShell does);
    ``TargetFramework`` when the assemblies it loads were built for .NET
    Framework only and the runtime is PowerShell 7 (on .NET), or for .NET
    (``.NETCoreApp``) and the runtime is Windows PowerShell 5.1.
    """
    reasons = []
    target = runtime_version(runtime)
    required = PSVersion.parse(powershell_version) if powershell_version else None
    if required is not None and target is not None and _components(required) > _components(target):
        exact = "" if str(target) == runtime else f" (runtime {runtime}: its first release)"
        message = f"PowerShellVersion is {powershell_version} but the runtime runs PowerShell {target}{exact}"
        reasons.append(("PowerShellVersion", message))
    edition = runtime_edition(runtime)
    if editions and edition.casefold() not in {name.casefold() for name in editions}:
        message = f"CompatiblePSEditions is {', '.join(editions)} but runtime {runtime} is {edition}"
        reasons.append(("CompatiblePSEditions", message))
    built = ", ".join(frameworks)
    if edition == "Core" and frameworks and all(name.startswith(".NETFramework") for name in frameworks):
        message = f"its assemblies are built for {built} only: a Windows PowerShell module, which PowerShell {runtime}"
        reasons.append(("TargetFramework", message + " (on .NET, not .NET Framework) may fail to load"))
    if edition == "Desktop" and any(name.startswith(".NETCoreApp") for name in frameworks):
        message = f"its assemblies are built for {built}, which Windows PowerShell 5.1 (.NET Framework) cannot load"
        reasons.append(("TargetFramework", message))
    return reasons


def _components(version: PSVersion) -> tuple[int, int, int, int]:
    """Every component of a version, an unset one as 0: ``7.2`` and ``7.2.0.0`` both fit PowerShell 7.2.0."""
    return (version.major, version.minor, max(version.build, 0), max(version.revision, 0))


@dataclass
class CheckContext:
    """The input of one check run.

    ``package`` is ``None`` when the input could not be opened; ``error`` then
    says why, and only the rules about unreadable input report anything.
    """

    location: Path
    package: ModulePackage | None
    error: AmkitError | None = None
    account: Any = None
    runtime: str | None = None

    @property
    def versions(self) -> tuple[ModuleVersion, ...]:
        """The package's versions, none when it could not be opened."""
        return self.package.versions if self.package is not None else ()

    @staticmethod
    def label(version: ModuleVersion) -> str:
        """How findings name a version."""
        return str(version.version)

    @staticmethod
    def manifest(version: ModuleVersion) -> Manifest | None:
        """The version's manifest; ``None`` when it has none or it is unreadable (AM105 reports that)."""
        return None if version.error is not None else version.manifest

    def manifests(self) -> list[tuple[ModuleVersion, Manifest]]:
        """Each version with a readable manifest."""
        return [(version, manifest) for version in self.versions if (manifest := self.manifest(version)) is not None]

    @staticmethod
    def exported(version: ModuleVersion) -> list[ExportedCommand]:
        """The exported commands of ``version``, functions and cmdlets (none for an unreadable manifest)."""
        return exported_commands(version) if version.error is None else []

    def exported_functions(self, version: ModuleVersion) -> list[tuple[ExportedCommand, FunctionInfo]]:
        """The exported functions of ``version`` with their definitions (empty for an unreadable manifest)."""
        return [
            (command, command.definition)
            for command in self.exported(version)
            if isinstance(command.definition, FunctionInfo)
        ]

    def member(self, file: str | None) -> str | None:
        """The package path an error's ``file`` names; ``None`` when it names the package itself.

        Errors name a member as ``package!member`` (zips) or by its path on
        disk (folders); findings name it by its path in the package, as every
        rule does.
        """
        if not file:
            return None
        location = str(self.location)
        if file == location:
            return None
        if file.startswith(location + "!"):
            return file[len(location) + 1 :] or None
        path = Path(file)
        if self.package is not None and self.package.kind == "folder" and path.is_relative_to(self.location):
            return path.relative_to(self.location).as_posix()
        return file

    @property
    def edition(self) -> str | None:
        """``Desktop`` or ``Core`` for the target runtime."""
        return None if self.runtime is None else runtime_edition(self.runtime)

    @property
    def runtime_version(self) -> PSVersion | None:
        """The PowerShell version the target runtime runs (see :func:`runtime_version`)."""
        return None if self.runtime is None else runtime_version(self.runtime)
