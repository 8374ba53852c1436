"""JSON from untrusted text: decoded and parsed with every failure a typed amkit error.

The standard library's parser raises ``UnicodeDecodeError`` for bytes that are
not UTF-8, -16 or -32, and ``RecursionError`` for arrays nested a few thousand
deep; the readers of connection types, module lists and snapshots all go through
:func:`parse_json`, so none of that reaches a caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amkit.errors import AmkitError

__all__ = ["only_text", "parse_json"]

#: Builds the reader's own error from a message and a 1-based line and column (``None`` when unknown).
Fail = Callable[[str, int | None, int | None], "AmkitError"]


def parse_json(document: str | bytes, fail: Fail) -> Any:
    """Parse ``document`` (text, or bytes in UTF-8, -16 or -32, any byte-order mark honoured).

    Raises what ``fail`` builds: for bytes that are no such text, for text that
    is not JSON (with the line and column where it stops being JSON), for
    nesting deeper than Python's own parser follows, and for a string escaping
    half a surrogate pair, which no text holds.
    """
    if isinstance(document, bytes):
        try:
            document = document.decode(json.detect_encoding(document))
        except UnicodeDecodeError as error:
            raise fail(f"is not JSON text: {error.reason} at byte {error.start}", None, None) from None
    try:
        parsed = json.loads(document.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise fail(f"is not JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise fail("is not JSON amkit can read: it nests arrays or objects too deeply", None, None) from None
    except ValueError:  # Python reads integers of up to 4,300 digits
        raise fail("is not JSON amkit can read: it holds a number of thousands of digits", None, None) from None
    return only_text(parsed, fail)


def only_text(document: Any, fail: Fail) -> Any:
    """``document`` (parsed JSON, or what a caller built) when every string in it is text, else what ``fail`` builds.

    JSON may escape half a surrogate pair (an escape of a code point from D800 to DFFF
    alone), and a caller's dictionary may hold one: no text holds one, and no
    account file can store it.
    """
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        problem = f"is not JSON amkit can read: it holds half a surrogate pair ({error.object[error.start]!a})"
        raise fail(problem, None, None) from None
    except (TypeError, ValueError, RecursionError):
        pass  # not JSON-like data at all: the reader says what is wrong with it
    return document
