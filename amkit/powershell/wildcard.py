"""PowerShell wildcard patterns, as export lists and ``-Name`` parameters use them.

``WildcardPattern`` in PowerShell matches case-insensitively (``-clike``:
with case) with ``*``, ``?`` and ``[abc]``/``[a-z]`` sets; a backtick escapes
the next character.
"""

from __future__ import annotations

import functools
import re

__all__ = ["has_wildcard", "wildcard_match"]


def has_wildcard(pattern: str) -> bool:
    """Whether ``pattern`` holds an unescaped ``*``, ``?`` or ``[``."""
    escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "`":
            escaped = True
        elif char in "*?[":
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "`" and index + 1 < len(pattern):
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end < 0:
                out.append(re.escape(char))
            else:
                members = pattern[index + 1 : end].replace("\\", "\\\\").replace("^", "\\^")
                out.append(f"[{members}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out), re.DOTALL if case_sensitive else re.IGNORECASE | re.DOTALL)


def wildcard_match(pattern: str, name: str, *, case_sensitive: bool = False) -> bool:
    """Whether ``name`` matches the PowerShell wildcard ``pattern`` (ignoring case, unless ``case_sensitive``)."""
    try:
        return _compile(pattern, case_sensitive).fullmatch(name) is not None
    except re.error:
        return pattern == name if case_sensitive else pattern.casefold() == name.casefold()
