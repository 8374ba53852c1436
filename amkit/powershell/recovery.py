r"""Parse PowerShell source around the grammar's gaps, and report real syntax errors.

The tree-sitter grammar misses some valid PowerShell: a list of bare words in
argument mode (``Export-ModuleMember -Function Get-A, Get-B``), a bare word
glued to a variable (``$PSScriptRoot\Foo.psm1``), a type literal before a
named attribute argument. :func:`parse_source` re-reads the first with its
commas blanked (same length, so positions do not move; the offsets let
:func:`amkit.powershell.calls.bind` rebuild the list) and :func:`syntax_errors` does
not report the others. When a broken statement swallowed the functions
after it, it is blanked too, so they are still listed. Only nodes of the
tree guide these repairs; no pattern is matched against the source text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amkit.errors import ScriptError
from amkit.powershell.syntax import SourceText, walk

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["parse_source", "syntax_error", "syntax_errors"]

# Characters that end a bare word in argument mode.
_ARGUMENT_END = frozenset(" \t\r\n;|&(){},\"'<>")
_MAX_REPAIRS = 20
_DEFINITIONS = frozenset({"function", "filter", "workflow", "configuration"})


def parse_source(text: str, file: str | None) -> tuple[SourceText, list[int], list[ScriptError]]:
    """Parse ``text``, working around the grammar's gaps and recovering from syntax errors.

    Two repairs keep every byte offset (so positions stay true) and are
    repeated until the tree settles: list commas after bare words become
    spaces (their offsets are returned, for :func:`bind`), and an erroneous
    statement that swallowed the functions after it is blanked up to the
    next line starting with ``function``, ``filter``, ``workflow`` or
    ``configuration`` (its error is returned, as PowerShell would report it).
    """
    source = SourceText(text, file)
    commas: list[int] = []
    skipped: list[ScriptError] = []
    for _ in range(_MAX_REPAIRS):
        found = [offset for node in _error_nodes(source.root) for offset in _list_commas(source, node)]
        blanks: list[tuple[int, int]] = []
        for error in syntax_errors(source) if not found else []:
            statement, restart = _restart(source, error)
            span = (statement.start_byte, restart)
            if restart and span not in blanks:
                written = source.data[span[0] : span[1]].decode("utf-8", errors="replace")
                skipped.append(syntax_error(source, statement, text=written))
                blanks.append(span)
        if not found and not blanks:
            break
        data = bytearray(source.data)
        for offset in found:
            data[offset] = 0x20
        for start, end in blanks:
            data[start:end] = bytes(byte if byte in b"\r\n" else 0x20 for byte in data[start:end])
        commas.extend(found)
        source = SourceText(data.decode("utf-8"), file)
    if commas or skipped:
        # Positions are unchanged; show the text as written.
        source.text, source.data = text, text.encode("utf-8")
        commas.sort()
    return source, commas, skipped


def _error_nodes(root: Node) -> list[Node]:
    """Return every ERROR node, descending only where the tree holds errors."""
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.has_error:
            if node.type == "ERROR":
                found.append(node)
            stack.extend(reversed(node.children))
    return found


def _restart(source: SourceText, error: Node) -> tuple[Node, int]:
    """Return the statement holding ``error`` and where a definition it swallowed starts.

    The definition is a ``function`` (or ``filter``, ``workflow``,
    ``configuration``) keyword starting a later line inside the statement;
    0 when there is none.
    """
    statement = error
    while statement.parent is not None and statement.parent.type not in (
        "statement_list",
        "program",
    ):
        statement = statement.parent
    for node in walk(statement):
        text = source.node_text(node)
        keyword = text.lstrip()
        start = node.start_byte + len(text.encode("utf-8")) - len(keyword.encode("utf-8"))
        row = node.start_point.row + text[: len(text) - len(keyword)].count("\n")
        if keyword.casefold() in _DEFINITIONS and row > statement.start_point.row:
            line_start = source.data.rfind(b"\n", 0, start) + 1
            if not source.data[line_start:start].strip():
                return statement, start
    return statement, 0


def _list_commas(source: SourceText, error: Node) -> list[int]:
    """Return the commas in an ERROR that go on with the bare-word list of a command."""
    parts = error.children
    if error.parent is not None and error.parent.type == "command_elements":
        start, previous = -1, error.start_byte  # the list goes on inside the command's arguments
    else:
        start = next((i for i, part in enumerate(parts) if _ends_with_command(part)), -2)
        previous = parts[start].end_byte if start >= 0 else 0
    if start == -2:
        return []
    found: list[int] = []
    for part in parts[start + 1 :]:
        if part.type != ",":
            continue
        if not _same_statement(source.data[previous : part.start_byte]):
            break
        found.append(part.start_byte)
        previous = part.end_byte
    return found


def _ends_with_command(node: Node) -> bool:
    """Whether ``node`` is a command name, or a command ends it (``a | Select-Object x``)."""
    if node.type == "command_name":
        return True
    while node.type != "command" and node.named_children:
        node = node.named_children[-1]
    return node.type == "command"


def _same_statement(between: bytes) -> bool:
    """Whether text between two argument-list parts keeps them in one statement."""
    for index, byte in enumerate(between):
        if byte in b";|{}()":
            return False
        if byte == 0x0A and between[:index].rstrip(b"\r")[-1:] != b"`":
            return False
    return True


def syntax_errors(source: SourceText) -> list[Node]:
    """Return the outermost ERROR and MISSING nodes of ``source``, except the grammar's own gaps."""
    found: list[Node] = []
    stack = [source.root]
    while stack:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.type == "ERROR" or node.is_missing:
            if not _grammar_gap(source, node):
                found.append(node)
            continue
        stack.extend(reversed(node.children))
    return found


def _grammar_gap(source: SourceText, node: Node) -> bool:
    """Whether an ERROR or MISSING node is valid PowerShell the grammar cannot read.

    Three cases: a type literal before a named attribute argument
    (``[OutputType([string], ParameterSetName = 'A')]``); a bare word glued
    to a variable (``Import-Module $PSScriptRoot/Foo.psm1`` is one argument);
    a list going on after a bare word (``a, 'b'``), where the grammar wants a
    separator before the comma.
    """
    parent = node.parent
    if parent is None:
        return False
    if node.is_missing:
        after = parent.next_sibling
        return parent.type == "command_argument_sep" and after is not None and source.node_text(after).startswith(",")
    if parent.type == "attribute":
        return not any(child.has_error for child in node.children)
    while parent is not None and parent.type not in (
        "command_elements",
        "command",
        "statement_list",
    ):
        parent = parent.parent
    if parent is None or parent.type != "command_elements":
        return False
    text = source.node_text(node)
    return bool(text) and not any(char in _ARGUMENT_END for char in text)


def syntax_error(
    source: SourceText, node: Node, where: tuple[int, int] | None = None, text: str | None = None
) -> ScriptError:
    """Describe an ERROR or MISSING node (or ``text`` found at ``node``).

    ``where`` places the error of a ``#Requires`` comment, parsed on its own.
    """
    snippet = " ".join((source.node_text(node) if text is None else text).split())
    snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
    what = f"unexpected {snippet!r}" if snippet else "unexpected end"
    if node.is_missing and text is None:
        what = f"missing {node.type!r}"
    line, column = where or source.position(node)
    prefix = "#Requires: " if where else ""
    return ScriptError(f"{prefix}syntax error: {what}", file=source.file, line=line, column=column)
