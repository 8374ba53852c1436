"""What a runbook's text says, token by token, for the runbook rules: calls, AzureRm mentions, DSC imports.

:func:`scan_runbook` walks the syntax tree once (nothing runs) and keeps,
with their 1-based positions:

- every command called, by the name it is called by;
- every token that mentions ``AzureRm`` (any case), comments and strings
  included: Automation's sandbox loads AzureRM for the word alone;
- every ``Import-DscResource`` with the modules and versions it names, as
  a name (``-ModuleName X -ModuleVersion 1.0``) or a module specification
  (``@{ModuleName='X'; ModuleVersion='1.0'}``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amkit.errors import ScriptError
from amkit.powershell import calls
from amkit.powershell.literals import DASHES
from amkit.powershell.syntax import SourceText, walk
from amkit.powershell.textfile import load_source

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["CommandCall", "DscImport", "Mention", "RunbookScan", "azurerm_mentions", "scan_runbook"]

_AZURERM = "azurerm"
_SHOWN = 60
_IMPORT_DSC = calls.signature("Name ModuleName ModuleVersion", positions="Name")


@dataclass(frozen=True)
class CommandCall:
    """One command call: the name it is called by, where, and the parameters it names (``-Name``, as written)."""

    name: str
    line: int
    column: int
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A token that mentions AzureRm: its text, the kind of token, and where."""

    text: str
    kind: str
    line: int
    column: int

    @property
    def described(self) -> str:
        """``a comment (# Ported from AzureRM…)``: the token for a message, cut to one short line."""
        first = self.text.splitlines()[0] if self.text else self.text
        shown = first if len(first) <= _SHOWN else first[: _SHOWN - 1] + "…"
        if self.kind == "comment":
            return f"a comment ({shown})"
        if "string" in self.kind:
            return f"a string ({shown})"
        return f"the word {shown}"


@dataclass(frozen=True)
class DscImport:
    """One module an ``Import-DscResource`` names, with the version it asks for (``None``: any)."""

    module: str
    version: str | None
    line: int
    column: int


@dataclass(frozen=True)
class RunbookScan:
    """The calls, AzureRm mentions and DSC imports of one runbook."""

    file: str | None
    calls: tuple[CommandCall, ...]
    mentions: tuple[Mention, ...]
    dsc_imports: tuple[DscImport, ...]


def scan_runbook(source: str | bytes | os.PathLike[str], *, file: str | None = None) -> RunbookScan:
    """Read a runbook's calls, AzureRm mentions and ``Import-DscResource`` statements (see the module docstring).

    Raises
    ------
    ScriptError
        When the runbook cannot be read or decoded.
    """
    text, file = load_source(source, file=file, error=ScriptError, caller="scan_runbook")
    parsed = SourceText(text, file)
    found_calls: list[CommandCall] = []
    mentions: list[Mention] = []
    dsc: list[DscImport] = []
    for node in walk(parsed.root):
        mentions += _mentions(parsed, node)
        if node.type != "command":
            continue
        name = calls.command_name(parsed, node)
        if name is None:
            continue
        found_calls.append(CommandCall(name, *parsed.position(node), _parameters(parsed, node)))
        if name.casefold().rpartition("\\")[2] == "import-dscresource":
            dsc += _dsc_imports(parsed, node)
    return RunbookScan(file, tuple(found_calls), tuple(mentions), tuple(dsc))


def _parameters(source: SourceText, command: Node) -> tuple[str, ...]:
    """The parameter names a call writes (``-Name:`` and ``-Name`` as ``Name``), in order."""
    elements = next((child for child in command.named_children if child.type == "command_elements"), None)
    if elements is None:
        return ()
    return tuple(
        source.node_text(element).lstrip(DASHES).rstrip(":")
        for element in elements.named_children
        if element.type == "command_parameter"
    )


def azurerm_mentions(source: SourceText) -> tuple[Mention, ...]:
    """Every token of ``source`` that mentions AzureRm (any case): comments, strings, names, words."""
    return tuple(mention for node in walk(source.root) for mention in _mentions(source, node))


def _mentions(source: SourceText, node: Node) -> list[Mention]:
    if node.type != "comment" and node.child_count:
        return []
    token = source.node_text(node)
    at = token.casefold().find(_AZURERM)
    if at < 0:
        return []
    # Placed at the word itself, inside a comment or string that may span lines.
    line, column = source.position(node)
    before = token[:at]
    if "\n" in before:
        line, column = line + before.count("\n"), len(before) - before.rfind("\n")
    else:
        column += at
    return [Mention(token.strip(), node.type, line, column)]


def _dsc_imports(source: SourceText, node: Node) -> list[DscImport]:
    """The modules one ``Import-DscResource`` names, each with its version."""
    call = calls.bind(source, node, _IMPORT_DSC)
    versions = calls.words(source, call.named.get("moduleversion"))
    asked = versions[0] if versions else None
    imports = []
    for argument in call.named.get("modulename", []):
        line, column = source.position(argument)
        spec = calls.module_specification(source, argument)
        if spec is not None:
            name = spec.get("ModuleName")
            version = spec.get("ModuleVersion") or spec.get("RequiredVersion")
        else:
            name, version = calls.word(source, argument), asked
        if name:
            imports.append(DscImport(str(name), None if version is None else str(version), line, column))
    return imports
