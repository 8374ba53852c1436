"""The PowerShell grammar (amkit's fork of tree-sitter-powershell) and helpers shared by its readers.

Both the data-file reader (``psd1``) and the script reader (``script``) walk
the same syntax tree; this module owns the parser and positions, and finds the string literals whose
values :mod:`amkit.powershell.literals` decodes, so each rule of the language
lives in one place.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import tree_sitter

from amkit.powershell import _grammar
from amkit.powershell.literals import DOUBLE_QUOTES, NUMBER_TOKEN, SINGLE_QUOTES, expandable_value, verbatim_value

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

__all__ = [
    "NUMBER_LITERALS",
    "SourceText",
    "children",
    "first_error",
    "string_value",
    "unwrap",
    "walk",
]

# Expression levels of the grammar that only wrap a single operand; walking
# through them leaves the node that says what the expression is.
_WRAPPERS = frozenset(
    {
        "pipeline",
        "pipeline_chain",
        "logical_expression",
        "bitwise_expression",
        "comparison_expression",
        "coalesce_expression",
        "additive_expression",
        "multiplicative_expression",
        "format_expression",
        "range_expression",
        "array_literal_expression",
        "unary_expression",
        "key_expression",
        "string_literal",
        "integer_literal",
        "argument_expression",
        "logical_argument_expression",
        "bitwise_argument_expression",
        "comparison_argument_expression",
        "coalesce_argument_expression",
        "additive_argument_expression",
        "multiplicative_argument_expression",
        "format_argument_expression",
        "range_argument_expression",
    }
)

#: The grammar's number literals, whose text :func:`amkit.powershell.literals.number_value` reads.
NUMBER_LITERALS = frozenset(
    {"decimal_integer_literal", "hexadecimal_integer_literal", "binary_integer_literal", "real_literal"}
)

# The typographic quotes and dashes PowerShell takes for quotes and dashes (its tokenizer's IsSingleQuote,
# IsDoubleQuote and IsDash), which the data-file view rewrites as ASCII for the grammar.
_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2013\u2014\u2015]")


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(_grammar.language()))


class SourceText:
    """PowerShell source parsed once, with 1-based character positions for messages.

    With ``data_file=True`` the grammar is given the text as the PowerShell
    tokenizer reads it, where tree-sitter-powershell falls short: typographic
    quotes and dashes become ASCII ones, line continuations (a backtick
    ending a line) become spaces, empty here-strings become ``''``, and
    number literals the grammar does not know (``1.5d``, ``1KB``, ``1e3L``)
    become digits. Positions and :meth:`node_text` always refer to ``text``
    as written.
    """

    def __init__(self, text: str, file: str | None = None, *, data_file: bool = False) -> None:
        self.text = text
        self.file = file
        # surrogatepass: a .NET string (and so a file read as UTF-16) may hold a lone surrogate.
        self.data = text.encode("utf-8", errors="surrogatepass")
        self._shrunk: list[int] = []  # where the parsed bytes are 2 shorter than the source's
        self._scan: _Scan | None = None
        parsed = self.data
        if data_file:
            parsed, self._shrunk, self._scan = _tokenizer_view(text)
        self.tree: Tree = _parser().parse(parsed)
        # PowerShell counts lines ended by CR LF, LF or a lone CR.
        self._line_starts = [0, *(match.end() for match in re.finditer(rb"\r\n?|\n", self.data))]

    @property
    def root(self) -> Node:
        """The ``program`` node."""
        return self.tree.root_node

    def _offset(self, parsed: int) -> int:
        """The offset in ``data`` of an offset in the bytes the grammar parsed."""
        return parsed + 2 * bisect.bisect_left(self._shrunk, parsed) if self._shrunk else parsed

    def position(self, node: Node) -> tuple[int, int]:
        """Return the 1-based (line, column) of ``node``, the column counted in characters."""
        return self._position(self._offset(node.start_byte))

    def _position(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self._line_starts, offset) - 1
        return row + 1, len(_decode(self.data[self._line_starts[row] : offset])) + 1

    def node_text(self, node: Node) -> str:
        """Return the source text of ``node``."""
        start, end = self._offset(node.start_byte), self._offset(node.end_byte)
        return _decode(self.data[start:end])

    def unclosed(self) -> tuple[int, int, str, str] | None:
        """Return ``(line, column, opener, closer)`` of a string, comment or bracket never closed.

        Only known for ``data_file=True``; it explains a syntax error better
        than the place the grammar gave up.
        """
        if self._scan is None or self._scan.unclosed is None:
            return None
        index, opener = self._scan.unclosed
        line, column = self._position(len(self.text[:index].encode("utf-8", errors="surrogatepass")))
        return line, column, opener, _CLOSING[opener]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:  # the grammar may split the bytes of a lone surrogate
        return data.decode("utf-8", errors="replace")


def _tokenizer_view(text: str) -> tuple[bytes, list[int], _Scan]:
    """Return the bytes to parse for a data file, where they are 2 bytes shorter, and the scan.

    Every typographic quote or dash (3 bytes in UTF-8) becomes its 1-byte
    ASCII form, one character for one; the scan's edits keep the length.
    """
    shrunk: list[int] = []
    pieces: list[str] = []
    last = byte = 0
    for match in _TYPOGRAPHIC.finditer(text):
        byte += len(text[last : match.start()].encode("utf-8", errors="surrogatepass"))
        shrunk.append(byte)
        char = match.group()
        ascii_char = "'" if char in SINGLE_QUOTES else '"' if char in DOUBLE_QUOTES else "-"
        pieces += [text[last : match.start()], ascii_char]
        byte += 1
        last = match.end()
    pieces.append(text[last:])
    # A lone CR ends a line for PowerShell (and its comments and here-strings), not for the grammar.
    scan = _Scan(re.sub("\r(?!\n)", "\n", "".join(pieces)))
    edited = list(scan.text)
    for start, replacement in scan.edits:
        edited[start : start + len(replacement)] = replacement
    return "".join(edited).encode("utf-8", errors="surrogatepass"), shrunk, scan


_CLOSERS = {")": "(", "}": "{", "]": "["}
_CLOSING = {
    "(": ")",
    "@(": ")",
    "$(": ")",
    "{": "}",
    "@{": "}",
    "${": "}",
    "[": "]",
    "'": "'",
    '"': '"',
    "@'": "'@ at the start of a line",
    '@"': '"@ at the start of a line',
    "<#": "#>",
}


class _Scan:
    """One pass over PowerShell text (ASCII quotes) as its tokenizer sees strings and comments.

    ``edits`` are same-length ASCII replacements that make the grammar parse
    the text as PowerShell tokenizes it; nothing inside a string or comment
    is touched. ``unclosed`` is ``(index, opener)`` of the first string or
    comment never closed, else of the innermost bracket never closed.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[tuple[int, str]] = []
        self.brackets: list[tuple[int, str]] = []
        self.unclosed: tuple[int, str] | None = None
        self.code(0, stop=0)
        if self.unclosed is None and self.brackets:
            self.unclosed = self.brackets[-1]

    def never_closed(self, index: int, opener: str) -> int:
        if self.unclosed is None:
            self.unclosed = (index, opener)
        return len(self.text)

    def code(self, index: int, *, stop: int) -> int:
        """Scan code from ``index``; with ``stop`` brackets open, return after the one closing them."""
        text, length = self.text, len(self.text)
        while index < length:
            char = text[index]
            if char == "#":
                newline = text.find("\n", index)
                index = self.literal(index, length if newline < 0 else newline)
            elif text.startswith("<#", index):
                close = text.find("#>", index + 2)
                index = self.literal(index, self.never_closed(index, "<#") if close < 0 else close + 2)
            elif char == "@" and text[index + 1 : index + 2] in ("'", '"'):
                index = self.literal(index, self.here_string(index))
            elif text.startswith("${", index):
                close = text.find("}", index + 2)  # a braced variable name may hold quotes and #
                index = self.literal(index, self.never_closed(index, "${") if close < 0 else close + 1)
            elif char == "'":
                index = self.literal(index, self.verbatim(index))
            elif char == '"':
                index = self.literal(index, self.expandable(index))
            elif char == "`":
                # A backtick ending a line joins the next one, as white space would.
                newline = 2 if text.startswith("\r\n", index + 1) else 1 if text.startswith("\n", index + 1) else 0
                if newline:
                    self.edits.append((index, " " * (1 + newline)))
                index += 1 + (newline or 1)
            elif char in "0123456789." and (number := NUMBER_TOKEN.match(text, index)) is not None:
                if not number.group().isdigit():
                    self.edits.append((index, "1" * len(number.group())))
                index = number.end()
            elif char in "({[":
                prefix = text[index - 1] if index and text[index - 1] in "@$" and char != "[" else ""
                self.brackets.append((index - len(prefix), prefix + char))
                index += 1
            elif char in ")}]":
                if self.brackets and self.brackets[-1][1].endswith(_CLOSERS[char]):
                    self.brackets.pop()
                    if len(self.brackets) < stop:
                        return index + 1
                index += 1
            else:
                index += 1
        return length

    def literal(self, start: int, end: int) -> int:
        """Blank the NUL characters of a string or comment, which PowerShell keeps but the grammar cannot."""
        nul = self.text.find("\x00", start, end)
        while nul >= 0:
            self.edits.append((nul, " "))
            nul = self.text.find("\x00", nul + 1, end)
        return end

    def verbatim(self, start: int) -> int:
        """The end of the '...' string at ``start`` ('' is a quote)."""
        text, index = self.text, start + 1
        while index < len(text):
            if text[index] == "'":
                if text[index + 1 : index + 2] != "'":
                    return index + 1
                index += 1
            index += 1
        return self.never_closed(start, "'")

    def expandable(self, start: int) -> int:
        """The end of the "..." string at ``start``, scanning the code of its ``$( )``."""
        text, index = self.text, start + 1
        while index < len(text):
            char = text[index]
            if char == "`":
                index += 2
                continue
            if char == '"':
                if text[index + 1 : index + 2] != '"':
                    return index + 1
                index += 1
            elif text.startswith("$(", index):
                self.brackets.append((index, "$("))
                index = self.code(index + 2, stop=len(self.brackets))
                continue
            index += 1
        return self.never_closed(start, '"')

    def here_string(self, start: int) -> int:
        """The end of the here-string at ``start``; an empty one becomes ``''`` or ``""``."""
        text = self.text
        quote = text[start + 1]
        header = start + 2
        while text[header : header + 1] in (" ", "\t"):
            header += 1
        newline = 2 if text.startswith("\r\n", header) else 1 if text.startswith("\n", header) else 0
        if not newline:
            return start + 1  # not a here-string header: the quote opens an ordinary string
        body = header + newline
        if text.startswith(quote + "@", body):
            self.edits.append((start, (quote * 2).ljust(body + 2 - start)))
            return body + 2
        close = text.find("\n" + quote + "@", body - 1)
        return self.never_closed(start, "@" + quote) if close < 0 else close + 3


def children(node: Node) -> list[Node]:
    """Return the named children of ``node`` except comments."""
    return [child for child in node.named_children if child.type != "comment"]


def unwrap(node: Node) -> Node:
    """Walk down through single-operand wrapper levels to the meaningful node."""
    while node.type in _WRAPPERS:
        inner = children(node)
        if len(inner) != 1 or _has_operator(node):
            break
        node = inner[0]
    return node


def _has_operator(node: Node) -> bool:
    """Whether ``node`` holds an anonymous token (an operator or comma) besides its operand."""
    return any(not child.is_named for child in node.children)


def first_error(node: Node) -> Node | None:
    """Return the first ERROR or MISSING node under ``node``, or ``None``."""
    if not node.has_error:
        return None
    for child in walk(node):
        if child.type == "ERROR" or child.is_missing:
            return child
    return node


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, in source order."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            yield cursor.node  # type: ignore[misc]
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def string_value(node: Node, source: SourceText) -> str | None:
    """Return the value of a string literal, or ``None`` when it expands variables.

    ``node`` is a ``string_literal`` or one of its four forms: verbatim
    (``'...'``), expandable (``"..."``) and their here-string versions.
    Expandable strings are decoded only when they hold no ``$variable`` or
    ``$(...)``: their escapes (`` `n ``, ``""``) are applied, nothing is
    evaluated.
    """
    node = unwrap(node)
    kind = node.type
    if kind in ("verbatim_string_characters", "verbatim_here_string_characters"):
        return verbatim_value(source.node_text(node))
    if kind in ("expandable_string_literal", "expandable_here_string_literal"):
        if any(child.is_named for child in node.children):
            return None
        return expandable_value(source.node_text(node))
    return None
