"""Help and output types: what runbook authors see of a module's commands before they run them.

AM201-AM203 read every exported command alike, a function's comment-based
help and attributes as a binary cmdlet's MAML help file and .NET attributes
(:mod:`amkit.package.command_help`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from amkit.checks.context import CheckContext
from amkit.checks.import_rules import INTEGRATION_DOC
from amkit.checks.places import at_definition
from amkit.checks.registry import Hit, rule
from amkit.package.command_help import CommandHelp, command_help
from amkit.package.commands import ExportedCommand
from amkit.package.maml import help_file_name
from amkit.package.module_package import ModuleVersion
from amkit.powershell.script import FunctionInfo

__all__: list[str] = []


def _commands(context: CheckContext) -> Iterator[tuple[ModuleVersion, ExportedCommand]]:
    """Each version's exported commands: functions and binary cmdlets."""
    for version in context.versions:
        for command in context.exported(version):
            yield version, command


def _has_text(text: str | None) -> bool:
    return bool(text and text.strip())


class _Terms(NamedTuple):
    """How messages name the parts of one kind of help (comment-based or MAML)."""

    synopsis: str
    description: str
    attribute: str  # the attribute that carries HelpUri
    link: str


_TERMS = {
    "comment": _Terms(".SYNOPSIS", ".DESCRIPTION", "[CmdletBinding()]", ".LINK"),
    "maml": _Terms("synopsis", "description", "[Cmdlet()]", "related link with a URI"),
}


def _on_class(command: ExportedCommand) -> str:
    """`` on Class (Assembly.dll)`` for a cmdlet, whose attributes are on a class; nothing for a function."""
    definition = command.definition
    if isinstance(definition, FunctionInfo):
        return ""
    return f" on {definition.class_name} ({posixpath.basename(command.file)})"


def _missing_help(version: ModuleVersion, command: ExportedCommand, help_: CommandHelp, missing: list[str]) -> str:
    """The AM201 message: what the help of ``command`` lacks, and where."""
    if help_.source == "comment":
        place, absent = "its comment-based help", "no comment-based help"
    elif help_.file is not None:
        place = posixpath.relpath(help_.file, version.folder) if version.folder else help_.file
        absent = f"no entry in {place}"
        if help_.error is not None:
            return f"{command.name} has no help Get-Help can show: {place} cannot be read ({help_.error.message})"
    else:
        sought = help_file_name(command.file)
        return f"{command.name} has no help file: {sought} is in neither the module folder nor a culture folder"
    if help_.found:
        return f"{command.name} has no {' and no '.join(missing)} in {place}"
    return f"{command.name} has {absent} (no {', no '.join(missing)})"


@rule(
    "AM201",
    "warning",
    "An exported command has no synopsis or description",
    rationale="Automation shows a command's synopsis and description when runbooks are written (the activity "
    "list of the graphical editor, Get-Help); a command without them is hard to pick and use right.",
    help="Give the function comment-based help with .SYNOPSIS (one line) and .DESCRIPTION, "
    "just before `function` or first thing in its body. Document a binary module's cmdlets in "
    "`<Assembly>.dll-help.xml` (MAML, as PlatyPS writes it) in the module's en-US folder.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def help_text(context: CheckContext) -> Iterator[Hit]:
    """Every exported command has a synopsis and a description (a function's in comments, a cmdlet's in MAML)."""
    for version, command in _commands(context):
        help_ = command_help(version, command)
        if help_.elsewhere:  # .EXTERNALHELP or .FORWARDHELPTARGETNAME
            continue
        terms = _TERMS[help_.source]
        sections = ((terms.synopsis, help_.synopsis), (terms.description, help_.description))
        missing = [term for term, text in sections if not _has_text(text)]
        if not missing:
            continue
        message = _missing_help(version, command, help_, missing)
        if help_.source == "maml" and help_.file is not None:
            yield Hit(message, context.label(version), help_.file)
        else:
            yield at_definition(message, version, command)


@rule(
    "AM202",
    "warning",
    "An exported command has no help URI",
    rationale="Automation links a command to its online help through HelpUri ('View detailed help'); "
    "a .LINK in the help gives readers the same way to more documentation.",
    help="Add HelpUri = 'https://...' to [CmdletBinding()] (a cmdlet's [Cmdlet()]), or a .LINK section "
    "(a related link in a cmdlet's help file) with the URL to the help.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def help_uri(context: CheckContext) -> Iterator[Hit]:
    """Every exported command has a HelpUri, or a link in its help."""
    for version, command in _commands(context):
        if _has_text(command.help_uri):
            continue
        help_ = command_help(version, command)
        if help_.links or help_.elsewhere:
            continue
        terms = _TERMS[help_.source]
        where = f"{terms.attribute}{_on_class(command)}"
        message = f"{command.name} has no HelpUri in {where} and no {terms.link} in its help"
        yield at_definition(message, version, command)


@rule(
    "AM203",
    "warning",
    "An exported command declares no output type",
    rationale="[OutputType()] lets runbook editors, the graphical one above all, know a command's output "
    "properties while the runbook is written, without running it.",
    help="Add [OutputType([TypeName])] before param() (on a cmdlet's class, [OutputType(typeof(TypeName))]), "
    "naming what the command writes to the pipeline.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def output_type(context: CheckContext) -> Iterator[Hit]:
    """Every exported command has an [OutputType()] attribute."""
    for version, command in _commands(context):
        if not command.definition.output_types:
            yield at_definition(f"{command.name} declares no [OutputType()]{_on_class(command)}", version, command)
