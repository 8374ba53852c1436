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
from amkit.powershell.literals import DOUBLE_QUOTES, SINGLE_QUOTES, expandable_value, verbatim_value

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

__all__ = [
    "NUMBER_LITERALS",
    "SourceText",
    "children",
    "first_error",
    "nodes_of",
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


@functools.cache
def _language() -> tree_sitter.Language:
    return tree_sitter.Language(_grammar.language())


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(_language())


@functools.cache
def _query(kinds: frozenset[str]) -> tree_sitter.Query:
    return tree_sitter.Query(_language(), "[" + " ".join(f"({kind})" for kind in sorted(kinds)) + "] @node")


class SourceText:
    """PowerShell source parsed once, with 1-based character positions for messages.

    With ``data_file=True`` the NUL characters inside strings and comments,
    which PowerShell keeps but the grammar cannot read, are parsed as blanks
    (one for one, so positions do not move). :meth:`unclosed` explains a
    syntax error by the string, comment or bracket never closed.
    """

    def __init__(self, text: str, file: str | None = None, *, data_file: bool = False) -> None:
        self.text = text
        self.file = file
        # surrogatepass: a .NET string (and so a file read as UTF-16) may hold a lone surrogate.
        self.data = text.encode("utf-8", errors="surrogatepass")
        self._scan: _Scan | None = None
        parsed = self.data
        if data_file and "\x00" in text:
            self._scan = _Scan(text)
            parsed = self._scan.without_nul().encode("utf-8", errors="surrogatepass")
        self.tree: Tree = _parser().parse(parsed)
        # Whether a lone CR ends a line: tree-sitter's rows count LF only, PowerShell's lines CR too.
        self._lone_cr = self.data.count(b"\r") != self.data.count(b"\r\n")
        # Whether tree-sitter's (row, byte column) of a node is its line and column less one: with no line
        # ended by a lone CR and every character one byte.
        self._points = self.data.isascii() and not self._lone_cr

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        """Where each line starts (byte offsets), for positions tree-sitter's points do not give."""
        # PowerShell counts lines ended by CR LF, LF or a lone CR.
        return [0, *(match.end() for match in re.finditer(rb"\r\n?|\n", self.data))]

    def blanked(self, spans: list[tuple[int, int]]) -> SourceText:
        """The source with the byte ``spans`` blanked (line ends kept, so no position moves), parsed again.

        Only the parts of the tree the blanks touch are parsed again
        (tree-sitter's incremental parsing), so repairing a large file many
        times costs little more than parsing it once.
        """
        data = bytearray(self.data)
        tree = self.tree.copy()
        for start, end in spans:
            data[start:end] = bytes(byte if byte in b"\r\n" else 0x20 for byte in data[start:end])
            tree.edit(start, end, end, self._point(start), self._point(end), self._point(end))
        blanked = SourceText.__new__(SourceText)
        blanked.text = bytes(data).decode("utf-8", errors="surrogatepass")
        blanked.file = self.file
        blanked.data = bytes(data)
        blanked._scan = None
        blanked.tree = _parser().parse(blanked.data, tree)
        # As written, not as blanked:
        blanked._line_starts, blanked._points, blanked._lone_cr = self._line_starts, self._points, self._lone_cr
        return blanked

    def _point(self, offset: int) -> tuple[int, int]:
        """The (row, byte column) tree-sitter gives the byte ``offset``."""
        row = bisect.bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    @property
    def root(self) -> Node:
        """The ``program`` node."""
        return self.tree.root_node

    def position(self, node: Node) -> tuple[int, int]:
        """Return the 1-based (line, column) of ``node``, the column counted in characters."""
        if self._points:
            row, column = node.start_point
            return row + 1, column + 1
        return self._position(node.start_byte)

    def start_line(self, node: Node) -> int:
        """The 1-based line ``node`` starts on, counted as PowerShell counts lines (a lone CR ends one too)."""
        return self.line_at(node.start_byte) if self._lone_cr else node.start_point.row + 1

    def end_line(self, node: Node) -> int:
        """The 1-based line ``node`` ends on, counted as PowerShell counts lines."""
        return self.line_at(node.end_byte) if self._lone_cr else node.end_point.row + 1

    def line_at(self, offset: int) -> int:
        """The 1-based line holding the byte ``offset``, counted as PowerShell counts lines."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_start(self, offset: int) -> int:
        """The byte offset where the line holding the byte ``offset`` starts."""
        return self._line_starts[self.line_at(offset) - 1]

    def _position(self, offset: int) -> tuple[int, int]:
        line = self.line_at(offset)
        return line, len(_decode(self.data[self._line_starts[line - 1] : offset])) + 1

    def node_text(self, node: Node) -> str:
        """Return the source text of ``node``."""
        return _decode(self.data[node.start_byte : node.end_byte])

    def unclosed(self) -> tuple[int, int, str, str] | None:
        """Return ``(line, column, opener, closer)`` of a string, comment or bracket never closed.

        It explains a syntax error better than the place the grammar gave up.
        """
        if self._scan is None:
            self._scan = _Scan(self.text)
        if self._scan.unclosed is None:
            return None
        index, opener = self._scan.unclosed
        line, column = self._position(len(self.text[:index].encode("utf-8", errors="surrogatepass")))
        return line, column, opener, _CLOSING[opener]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:  # the grammar may split the bytes of a lone surrogate
        return data.decode("utf-8", errors="replace")


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
    """One pass over PowerShell text as its tokenizer sees strings and comments (typographic quotes too).

    ``nul`` are the offsets of NUL characters inside strings and comments.
    ``unclosed`` is ``(index, opener)`` of the first string or comment never
    closed, else of the innermost bracket never closed.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.nul: list[int] = []
        self.brackets: list[tuple[int, str]] = []
        self.unclosed: tuple[int, str] | None = None
        self.code(0, stop=0)
        if self.unclosed is None and self.brackets:
            self.unclosed = self.brackets[-1]

    def without_nul(self) -> str:
        """The text with the NUL characters of its strings and comments blanked."""
        chars = list(self.text)
        for index in self.nul:
            chars[index] = " "
        return "".join(chars)

    def never_closed(self, index: int, opener: str) -> int:
        if self.unclosed is None:
            self.unclosed = (index, opener)
        return len(self.text)

    def line_end(self, index: int) -> int:
        """Where the line holding ``index`` ends: at a LF, a CR, or the end of the text."""
        ends = [end for end in (self.text.find("\n", index), self.text.find("\r", index)) if end >= 0]
        return min(ends, default=len(self.text))

    def code(self, index: int, *, stop: int) -> int:
        """Scan code from ``index``; with ``stop`` brackets open, return after the one closing them."""
        text, length = self.text, len(self.text)
        while index < length:
            char = text[index]
            if char == "#":
                index = self.literal(index, self.line_end(index))
            elif text.startswith("<#", index):
                close = text.find("#>", index + 2)
                index = self.literal(index, self.never_closed(index, "<#") if close < 0 else close + 2)
            elif char == "@" and text[index + 1 : index + 2] in (*SINGLE_QUOTES, *DOUBLE_QUOTES):
                index = self.literal(index, self.here_string(index))
            elif text.startswith("${", index):
                close = text.find("}", index + 2)  # a braced variable name may hold quotes and #
                index = self.literal(index, self.never_closed(index, "${") if close < 0 else close + 1)
            elif char in SINGLE_QUOTES:
                index = self.literal(index, self.verbatim(index))
            elif char in DOUBLE_QUOTES:
                index = self.literal(index, self.expandable(index))
            elif char == "`":
                index += 2  # an escaped character, or a line continuation
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
        """Note the NUL characters of a string or comment, which PowerShell keeps but the grammar cannot."""
        nul = self.text.find("\x00", start, end)
        while nul >= 0:
            self.nul.append(nul)
            nul = self.text.find("\x00", nul + 1, end)
        return end

    def verbatim(self, start: int) -> int:
        """The end of the '...' string at ``start`` ('' is a quote)."""
        text, index = self.text, start + 1
        while index < len(text):
            if text[index] in SINGLE_QUOTES:
                if text[index + 1 : index + 2] not in SINGLE_QUOTES or index + 1 == len(text):
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
            if char in DOUBLE_QUOTES:
                if text[index + 1 : index + 2] not in DOUBLE_QUOTES or index + 1 == len(text):
                    return index + 1
                index += 1
            elif text.startswith("$(", index):
                self.brackets.append((index, "$("))
                index = self.code(index + 2, stop=len(self.brackets))
                continue
            index += 1
        return self.never_closed(start, '"')

    def here_string(self, start: int) -> int:
        """The end of the here-string at ``start``: a line that starts with its quote and ``@``."""
        text = self.text
        quotes = SINGLE_QUOTES if text[start + 1] in SINGLE_QUOTES else DOUBLE_QUOTES
        header = start + 2
        while text[header : header + 1] in (" ", "\t"):
            header += 1
        if self.line_end(header) != header:
            return start + 1  # not a here-string header: the quote opens an ordinary string
        line = header
        while line < len(text):
            line += 2 if text.startswith("\r\n", line) else 1  # past the line break
            if text[line : line + 1] in quotes and text[line + 1 : line + 2] == "@":
                return line + 2
            line = self.line_end(line)
        return self.never_closed(start, "@" + ("'" if quotes is SINGLE_QUOTES else '"'))


def children(node: Node) -> list[Node]:
    """Return the named children of ``node`` except comments."""
    return [child for child in node.named_children if child.type != "comment"]


def unwrap(node: Node) -> Node:
    """Walk down through single-operand wrapper levels to the meaningful node."""
    while node.type in _WRAPPERS:
        if node.child_count == 1:  # the usual level: one operand, nothing else (no list to build)
            only = node.child(0)
            if only is None or not only.is_named or only.type == "comment":
                break
            node = only
            continue
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


def nodes_of(node: Node, kinds: frozenset[str]) -> list[Node]:
    """Return ``node`` and the nodes below it whose type is one of ``kinds``, in source order (as :func:`walk`).

    The tree is matched in C by a tree-sitter query: a reader that wants a few
    kinds of node out of every hundred skips the rest without making a
    Python object for each. Its matches come in the order the query's cursor
    enters the nodes (a parent before the children that start where it does).
    """
    return [match[1]["node"][0] for match in tree_sitter.QueryCursor(_query(kinds)).matches(node)]


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
