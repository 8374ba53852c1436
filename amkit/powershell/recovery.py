"""Parse PowerShell source, recover from real syntax errors, and report them.

When a broken statement swallows the functions after it, the statement is
blanked (same length, so positions do not move) up to the next line starting
with ``function``, ``filter``, ``workflow`` or ``configuration``, and parsed
again, so the functions before and after the broken one are still listed.
Only nodes of the tree guide this repair; no pattern is matched against the
source text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amkit.errors import ScriptError
from amkit.powershell.syntax import SourceText, walk

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["parse_source", "syntax_error", "syntax_errors"]

_MAX_REPAIRS = 20
_DEFINITIONS = frozenset({"function", "filter", "workflow", "configuration"})
# A node holding one of those keywords holds little else: at most its line's indentation.
_LONGEST_KEYWORD_RUN = 256
_SHORTEST_KEYWORD = min(len(keyword) for keyword in _DEFINITIONS)


def parse_source(text: str, file: str | None) -> tuple[SourceText, list[ScriptError], list[Node]]:
    """Parse ``text``, recovering from syntax errors that swallow later definitions.

    An erroneous statement that swallowed the functions after it is blanked
    up to the next line starting with ``function``, ``filter``, ``workflow``
    or ``configuration`` (its error is returned, as PowerShell would report
    it), and the text parsed again, until the tree settles. Returns the
    source, those errors, and the ERROR and MISSING nodes of the settled tree
    (:func:`syntax_errors`).
    """
    source = SourceText(text, file)
    skipped: list[ScriptError] = []
    found: list[tuple[Node, Node]] | None = None
    for _ in range(_MAX_REPAIRS):
        blanks: list[tuple[int, int]] = []
        # Many errors can sit in one statement (an unclosed brace makes the rest of the file one): look once.
        found = _errors_in_statements(source)
        statements = {(node.start_byte, node.end_byte): node for _, node in found}
        restarts = ((statement, _restart(source, statement)) for statement in statements.values())
        for statement, restart in sorted(restarts, key=lambda found: (found[0].start_byte, found[1])):
            if not restart:
                continue
            if blanks and statement.start_byte < blanks[-1][1]:
                # One problem seen from an outer and an inner statement (a function left open by a broken
                # line in it): blank both, report the inner one, whose text says what is wrong.
                blanks[-1] = (blanks[-1][0], max(blanks[-1][1], restart))
                skipped.pop()
            else:
                blanks.append((statement.start_byte, restart))
            written = source.data[statement.start_byte : restart].decode("utf-8", errors="replace")
            skipped.append(syntax_error(source, statement, text=written))
        if not blanks:
            break
        source, found = source.blanked(blanks), None
    remaining = [error for error, _ in found] if found is not None else syntax_errors(source)
    if skipped:
        # Positions are unchanged; show the text as written.
        source.text, source.data = text, text.encode("utf-8", errors="surrogatepass")
    return source, skipped, remaining


def _restart(source: SourceText, statement: Node) -> int:
    """Where a definition ``statement`` swallowed starts; 0 when there is none.

    The definition is a ``function`` (or ``filter``, ``workflow``,
    ``configuration``) keyword starting a later line inside the statement.
    """
    first = source.start_line(statement)
    if source.end_line(statement) == first:
        return 0  # one line: it has no later line to have swallowed (most broken statements)
    for node in walk(statement):
        if node.child_count or not _SHORTEST_KEYWORD <= node.end_byte - node.start_byte <= _LONGEST_KEYWORD_RUN:
            continue  # not one token, or no keyword's length: reading its text would cost the statement's
        text = source.node_text(node)
        keyword = text.lstrip()
        start = node.start_byte + len(text.encode("utf-8")) - len(keyword.encode("utf-8"))
        if keyword.casefold() in _DEFINITIONS and source.line_at(start) > first:
            if not source.data[source.line_start(start) : start].strip():
                return start
    return 0


def syntax_errors(source: SourceText) -> list[Node]:
    """Return the outermost ERROR and MISSING nodes of ``source``."""
    return [error for error, _ in _errors_in_statements(source)]


def _errors_in_statements(source: SourceText) -> list[tuple[Node, Node]]:
    """The outermost ERROR and MISSING nodes, each with the statement (of the file or a block) holding it.

    Found top-down, so no node's parent is asked for (tree-sitter finds a
    parent by walking down from the root again).
    """
    found: list[tuple[Node, Node]] = []
    stack: list[tuple[Node, Node | None]] = [(source.root, None)]
    while stack:
        node, statement = stack.pop()
        if not node.has_error:
            continue
        if node.type == "ERROR" or node.is_missing:
            found.append((node, statement or node))
            continue
        in_list = node.type in ("statement_list", "program")
        stack.extend((child, child if in_list else statement) for child in reversed(node.children))
    return found


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
