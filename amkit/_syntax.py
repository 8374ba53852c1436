"""The PowerShell grammar (tree-sitter-powershell) and helpers shared by its readers.

Both the data-file reader (``psd1``) and the script reader (``script``) walk
the same syntax tree; this module owns the parser, positions, and the decoding
of string and number literals, so each rule of the language lives in one place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import tree_sitter
import tree_sitter_powershell

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

__all__ = [
    "SourceText",
    "children",
    "first_error",
    "number_value",
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
        "additive_argument_expression",
        "multiplicative_argument_expression",
        "format_argument_expression",
        "range_argument_expression",
    }
)

# PowerShell accepts typographic quotes as quote characters.
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e'
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_MULTIPLIERS = {"kb": 2**10, "mb": 2**20, "gb": 2**30, "tb": 2**40, "pb": 2**50}
_TYPE_SUFFIXES = ("ul", "us", "uy", "u", "l", "y", "s", "n", "d")


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


class SourceText:
    """PowerShell source parsed once, with 1-based character positions for messages."""

    def __init__(self, text: str, file: str | None = None) -> None:
        self.text = text
        self.file = file
        self.data = text.encode("utf-8")
        self.tree: Tree = _parser().parse(self.data)
        self._line_starts = [0]
        for index, byte in enumerate(self.data):
            if byte == 0x0A:
                self._line_starts.append(index + 1)

    @property
    def root(self) -> Node:
        """The ``program`` node."""
        return self.tree.root_node

    def position(self, node: Node) -> tuple[int, int]:
        """Return the 1-based (line, column) of ``node``, the column counted in characters."""
        row, byte_column = node.start_point
        start = self._line_starts[row]
        prefix = self.data[start : start + byte_column]
        return row + 1, len(prefix.decode("utf-8", errors="replace")) + 1

    def node_text(self, node: Node) -> str:
        """Return the source text of ``node``."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


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
    text = source.node_text(node)
    if kind == "verbatim_string_characters":
        return _undouble(text[1:-1], _SINGLE_QUOTES)
    if kind == "verbatim_here_string_characters":
        return _here_body(text)
    if kind in ("expandable_string_literal", "expandable_here_string_literal"):
        if any(child.is_named for child in node.children):
            return None
        if kind == "expandable_here_string_literal":
            return _unescape(_here_body(text), doubled_quotes=False)
        return _unescape(text[1:-1], doubled_quotes=True)
    return None


def _undouble(body: str, quotes: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        out.append(char)
        if char in quotes and index + 1 < len(body) and body[index + 1] in quotes:
            index += 1
        index += 1
    return "".join(out)


def _here_body(text: str) -> str:
    """The lines between a here-string's opening ``@'``/``@"`` line and its closing line."""
    first_break = text.find("\n")
    last_break = text.rfind("\n")
    if first_break < 0 or last_break <= first_break:
        return ""
    body = text[first_break + 1 : last_break]
    return body[:-1] if body.endswith("\r") else body


def _unescape(body: str, *, doubled_quotes: bool) -> str:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "`" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt == "u" and body[index + 2 : index + 3] == "{":
                end = body.find("}", index + 3)
                if end > 0:
                    try:
                        out.append(chr(int(body[index + 3 : end], 16)))
                        index = end + 1
                        continue
                    except ValueError:
                        pass
            out.append(_ESCAPES.get(nxt, nxt))
            index += 2
            continue
        out.append(char)
        if doubled_quotes and char in _DOUBLE_QUOTES and index + 1 < len(body) and body[index + 1] in _DOUBLE_QUOTES:
            index += 1
        index += 1
    return "".join(out)


def number_value(text: str) -> int | float | Decimal | None:
    """Return the value of a PowerShell number literal, or ``None`` if it is not one.

    Handles hexadecimal (``0x1F``) and binary (``0b101``) integers, reals with
    exponents, the type suffixes (``l``, ``d``, ``u``, ``ul``, ``y``, ``s``,
    ``n`` and friends) and the ``kb`` ... ``pb`` multipliers, as the
    PowerShell tokenizer reads them.
    """
    literal = text.strip().lower()
    multiplier = 1
    for suffix, factor in _MULTIPLIERS.items():
        if literal.endswith(suffix):
            literal, multiplier = literal[: -len(suffix)], factor
            break
    radix = 16 if literal.startswith("0x") else 2 if literal.startswith("0b") else 10
    digits = literal[2:] if radix != 10 else literal
    # "d" (decimal) is a hexadecimal digit, so hex literals cannot carry it.
    suffix = next((s for s in _TYPE_SUFFIXES if digits.endswith(s) and not (radix == 16 and s == "d")), "")
    digits = digits[: len(digits) - len(suffix)] if suffix else digits
    if not digits:
        return None
    try:
        if radix != 10:
            return int(digits, radix) * multiplier
        if suffix == "d":
            return Decimal(digits) * multiplier
        if any(char in digits for char in ".e"):
            value = float(digits) * multiplier
            return int(value) if suffix else value
        return int(digits) * multiplier
    except (ValueError, ArithmeticError):
        return None
