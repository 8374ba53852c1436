"""What a rule function sees: the package (or why it could not be opened) and the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amkit.commands import ExportedCommand, exported_commands
from amkit.errors import AmkitError
from amkit.manifest import Manifest
from amkit.package import ModulePackage, ModuleVersion
from amkit.script import FunctionInfo

__all__ = ["RUNTIMES", "CheckContext"]

#: Runtimes Automation offers, and the PowerShell edition each runs.
RUNTIMES = {"5.1": "Desktop", "7.1": "Core", "7.2": "Core", "7.4": "Core"}


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

    def exported_functions(self, version: ModuleVersion) -> list[tuple[ExportedCommand, FunctionInfo]]:
        """The exported functions of ``version`` with their definitions (empty for an unreadable manifest)."""
        if version.error is not None:
            return []
        return [
            (command, command.definition)
            for command in exported_commands(version)
            if isinstance(command.definition, FunctionInfo)
        ]

    @property
    def edition(self) -> str | None:
        """``Desktop`` or ``Core`` for the target runtime."""
        if self.runtime is None:
            return None
        return RUNTIMES.get(self.runtime, "Core" if self.runtime.startswith("7") else "Desktop")
