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

__all__ = ["RUNTIMES", "CheckContext", "runtime_line"]

#: Runtimes Automation offers, and the PowerShell edition each runs.
RUNTIMES = {"5.1": "Desktop", "7.1": "Core", "7.2": "Core", "7.4": "Core"}


def runtime_line(runtime: str) -> str:
    """The runtime a PowerShell version belongs to (``7.2.5`` -> ``7.2``); other text as it is."""
    version = PSVersion.parse(runtime)
    return f"{version.major}.{version.minor}" if version is not None else runtime


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
        if self.runtime is None:
            return None
        return RUNTIMES.get(runtime_line(self.runtime), "Core" if self.runtime.startswith("7") else "Desktop")

    @property
    def runtime_version(self) -> PSVersion | None:
        """The PowerShell version the target runtime runs, as exactly as it is known.

        A runtime given with its patch level (``7.2.5``) is that version; a
        runtime line (``7.2``) is its first release (``7.2.0``), all a module
        can count on, as Automation does not document the patch level its
        workers run.
        """
        version = PSVersion.parse(self.runtime) if self.runtime is not None else None
        if version is None or version.build >= 0:
            return version
        return PSVersion(f"{version.major}.{version.minor}.0")
