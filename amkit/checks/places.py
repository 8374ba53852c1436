"""Where a finding about a command points: its definition, or a line inside it."""

from __future__ import annotations

from amkit.checks.context import CheckContext
from amkit.checks.registry import Hit
from amkit.package.commands import ExportedCommand
from amkit.package.module_package import ModuleVersion
from amkit.powershell.script import FunctionInfo

__all__ = ["at_definition", "in_command"]


def at_definition(message: str, version: ModuleVersion, command: ExportedCommand) -> Hit:
    """A hit where ``command`` is defined: the function's line, or the assembly that holds the cmdlet."""
    definition = command.definition
    if isinstance(definition, FunctionInfo):
        return in_command(message, version, command, definition.line, definition.column)
    return Hit(message, CheckContext.label(version), command.file)


def in_command(message: str, version: ModuleVersion, command: ExportedCommand, line: int, column: int) -> Hit:
    """A hit in the file that defines ``command``."""
    return Hit(message, CheckContext.label(version), command.file, line, column)
