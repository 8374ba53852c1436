"""The values of PowerShell's string and number literals, decoded as its tokenizer decodes them.

Pure text in, values out: :mod:`amkit.powershell.syntax` finds the literals in
the tree, and this module says what they mean (quotes, escapes, here-strings,
number suffixes and multipliers), without evaluating anything.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

__all__ = [
    "DASHES",
    "DOUBLE_QUOTES",
    "SINGLE_QUOTES",
    "expandable_value",
    "number_value",
    "verbatim_value",
]

# PowerShell takes typographic quotes for quotes (its tokenizer's IsSingleQuote and IsDoubleQuote).
#: The dashes PowerShell reads as the dash of a parameter or operator, and as a minus sign.
DASHES = "-\u2013\u2014\u2015"
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
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
_NUMBER = re.compile(
    r"(?:0x(?P<hex>[0-9a-f]+)|0b(?P<bin>[01]+)"
    r"|(?P<dec>(?:[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?))"
    r"(?P<suffix>u[lsy]?|[lysnd])?(?P<multiplier>[kmgtp]b)?",
    re.IGNORECASE,
)
# Two single quotes of any kind in a verbatim string: the tokenizer keeps the second.
_DOUBLED_QUOTE = re.compile(f"[{SINGLE_QUOTES}]([{SINGLE_QUOTES}])")
_MULTIPLIERS = {"kb": 2**10, "mb": 2**20, "gb": 2**30, "tb": 2**40, "pb": 2**50}
_INT32 = 2**31
_INT64 = 2**63
_DECIMAL_MAX = 2**96 - 1  # System.Decimal.MaxValue
_DECIMAL_DIGITS = len(str(_DECIMAL_MAX))


def verbatim_value(text: str) -> str:
    """The value of a verbatim string (``'...'`` or a ``@'...'@`` here-string), written as ``text``."""
    return _here_body(text) if text.startswith("@") else _undouble(text[1:-1])


def expandable_value(text: str) -> str:
    """The value of an expandable string (``"..."`` or ``@"..."@``) that holds no variable or subexpression."""
    if text.startswith("@"):
        return _unescape(_here_body(text), doubled_quotes=False)
    return _unescape(text[1:-1], doubled_quotes=True)


def _undouble(body: str) -> str:
    """Collapse each doubled quote to its second character, as the tokenizer does (left to right, in pairs)."""
    return _DOUBLED_QUOTE.sub(r"\1", body) if _DOUBLED_QUOTE.search(body) else body


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
        if doubled_quotes and char in DOUBLE_QUOTES and index + 1 < len(body) and body[index + 1] in DOUBLE_QUOTES:
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
    if len(digits.lstrip("0")) > _DECIMAL_DIGITS:  # beyond any decimal: a double, as the tokenizer makes it
        real = float(digits)
        return None if suffix or real == float("inf") else real * multiplier
    value = int(digits)
    if long and not -_INT64 <= value < _INT64:
        return None
    return _integer(value * multiplier, long=long)


def _integer(value: int, *, long: bool) -> int | float | None:
    """An integer result: a long must fit, anything beyond a decimal becomes a double."""
    if long:
        return value if -_INT64 <= value < _INT64 else None
    return value if abs(value) <= _DECIMAL_MAX else float(value)
