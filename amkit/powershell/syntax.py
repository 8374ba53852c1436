"""The PowerShell grammar (tree-sitter-powershell) and helpers shared by its readers.

Both the data-file reader (``psd1``) and the script reader (``script``) walk
the same syntax tree; this module owns the parser, positions, and the decoding
of string and number literals, so each rule of the language lives in one place.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from decimal import Decimal, localcontext
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

# PowerShell takes typographic quotes for quotes and typographic dashes for dashes
# (its tokenizer's IsSingleQuote, IsDoubleQuote and IsDash).
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e'
_DASHES = "-\u2013\u2014\u2015"
_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2013\u2014\u2015]")
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
_UNICODE_ESCAPE = re.compile(r"u\{([0-9a-fA-F]{1,6})\}")

# A number literal as the PowerShell tokenizer scans it: hexadecimal, binary (7.x) or
# decimal with an optional fraction and exponent, then a type suffix and a multiplier.
# In "1..5" the dots are the range operator, not part of the number.
_NUMBER_BODY = (
    r"(?:0x(?P<hex>[0-9a-f]+)|0b(?P<bin>[01]+)"
    r"|(?P<dec>(?:[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?))"
    r"(?P<suffix>u[lsy]?|[lysnd])?(?P<multiplier>[kmgtp]b)?"
)
_NUMBER = re.compile(_NUMBER_BODY, re.IGNORECASE)
# The same literal as a whole token: not part of "a1", "$x1", "1x" or "1.2.3".
_NUMBER_TOKEN = re.compile(
    r"(?<![0-9a-z_.$`:\\/])(?<![0-9a-z_][-+])" + _NUMBER_BODY + r"(?![0-9a-z_.])",
    re.IGNORECASE,
)
_MULTIPLIERS = {"kb": 2**10, "mb": 2**20, "gb": 2**30, "tb": 2**40, "pb": 2**50}
_INT32 = 2**31
_INT64 = 2**63
_DECIMAL_MAX = 2**96 - 1  # System.Decimal.MaxValue


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


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
        ascii_char = "'" if char in _SINGLE_QUOTES else '"' if char in _DOUBLE_QUOTES else "-"
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
            elif char in "0123456789." and (number := _NUMBER_TOKEN.match(text, index)) is not None:
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
    text = source.node_text(node)
    here = text.startswith("@")
    if kind in ("verbatim_string_characters", "verbatim_here_string_characters"):
        return _here_body(text) if here else _undouble(text[1:-1], _SINGLE_QUOTES)
    if kind in ("expandable_string_literal", "expandable_here_string_literal"):
        if any(child.is_named for child in node.children):
            return None
        if here:
            return _unescape(_here_body(text), doubled_quotes=False)
        return _unescape(text[1:-1], doubled_quotes=True)
    return None


def _undouble(body: str, quotes: str) -> str:
    """Collapse each doubled quote to its second character, as the tokenizer does."""
    out: list[str] = []
    index = 0
    while index < len(body):
        if body[index] in quotes and index + 1 < len(body) and body[index + 1] in quotes:
            index += 1
        out.append(body[index])
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
            escape = _UNICODE_ESCAPE.match(body, index + 1)
            code = int(escape.group(1), 16) if escape is not None else -1
            if 0 <= code <= 0x10FFFF:
                out.append(chr(code))
                index = escape.end() if escape is not None else index
                continue
            out.append(_ESCAPES.get(body[index + 1], body[index + 1]))
            index += 2
            continue
        if doubled_quotes and char in _DOUBLE_QUOTES and index + 1 < len(body) and body[index + 1] in _DOUBLE_QUOTES:
            index += 1
            char = body[index]
        out.append(char)
        index += 1
    return "".join(out)


def number_value(text: str) -> int | float | Decimal | None:
    """Return the value of a PowerShell number literal, or ``None`` if it is not one.

    Follows the tokenizer of Windows PowerShell 5.1 (``Tokenizer.TryGetNumberValue``):
    decimal integers are the smallest of int, long, decimal that holds them
    (a double beyond); hexadecimal ones (``0xFFFFFFFF``) are read as a 32- or
    64-bit two's complement, so ``0xFFFFFFFF`` is ``-1``; reals are doubles,
    ``d`` makes a decimal, ``l`` a long (rounded half to even); ``kb`` ...
    ``pb`` multiply. PowerShell 7's binary literals and other suffixes are
    read as well. Values PowerShell rejects (overflow) give ``None``.
    """
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    suffix = (match.group("suffix") or "").lower()
    multiplier = _MULTIPLIERS.get((match.group("multiplier") or "").lower(), 1)
    long = suffix == "l"
    if match.group("dec") is None:
        hex_digits, binary = match.group("hex"), match.group("bin")
        raw = int(hex_digits, 16) if hex_digits is not None else int(binary, 2)
        if not suffix.startswith("u") and suffix != "n":
            if raw < 2 * _INT32 and not long:
                raw -= 2 * _INT32 if raw >= _INT32 else 0
            elif raw < 2 * _INT64:
                raw -= 2 * _INT64 if raw >= _INT64 else 0
            else:
                return None
        return _integer(raw * multiplier, long=long)
    digits = match.group("dec")
    try:
        if suffix == "d":
            with localcontext(prec=40):
                decimal = Decimal(digits)
                # System.Decimal keeps the scale of the digits after the point, never a positive exponent.
                exponent = decimal.as_tuple().exponent
                if isinstance(exponent, int) and exponent > 0:
                    decimal = decimal.quantize(Decimal(1))
                decimal *= multiplier
            return decimal if abs(decimal) <= _DECIMAL_MAX else None
        if any(char in digits for char in ".eE"):
            real = float(digits)
            if real in (float("inf"), float("-inf")):
                return None  # Windows PowerShell's double.TryParse fails on overflow
            return real * multiplier if not suffix else _integer(round(real) * multiplier, long=long)
    except ArithmeticError:
        return None
    value = int(digits)
    if long and not -_INT64 <= value < _INT64:
        return None
    return _integer(value * multiplier, long=long)


def _integer(value: int, *, long: bool) -> int | float | None:
    """An integer result: a long must fit, anything beyond a decimal becomes a double."""
    if long:
        return value if -_INT64 <= value < _INT64 else None
    return value if abs(value) <= _DECIMAL_MAX else float(value)
