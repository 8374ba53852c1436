"""Module versions ordered exactly as PowerShell orders them.

PowerShell keeps a module's version in a .NET ``System.Version``: two to four
non-negative components where an unset component (build, revision) counts as
``-1``, so ``1.0 < 1.0.0 < 1.0.0.0``. A prerelease label, written in
``PrivateData.PSData.Prerelease``, sorts before the release it precedes, with
labels compared by Semantic Versioning 2.0 precedence (as
``System.Management.Automation.SemanticVersion`` does).
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["PSVersion"]

_INT32_MAX = 2**31 - 1
# NumberStyles.Integer: leading/trailing white space and one leading sign.
_COMPONENT = re.compile(r"[ \t\n\v\f\r]*([+-]?)([0-9]+)[ \t\n\v\f\r]*")
_LABEL = re.compile(r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*")
# Where a prerelease label starts in "2.5.0-beta1": a hyphen after a digit.
_LABEL_START = re.compile(r"(?<=[0-9])-(?=[0-9A-Za-z])")


def _parse_component(text: str) -> int | None:
    match = _COMPONENT.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(2))
    if match.group(1) == "-":
        value = -value
    if value < 0 or value > _INT32_MAX:
        return None
    return value


def _compare_labels(left: str, right: str) -> int:
    """Compare two prerelease labels by SemVer 2.0 precedence."""
    for a, b in zip(left.split("."), right.split("."), strict=False):
        if a == b:
            continue
        a_num, b_num = a.isdigit(), b.isdigit()
        if a_num and b_num:
            return -1 if int(a) < int(b) else 1
        if a_num != b_num:
            return -1 if a_num else 1
        return -1 if a < b else 1
    left_count, right_count = left.count("."), right.count(".")
    return (left_count > right_count) - (left_count < right_count)


@functools.total_ordering
class PSVersion:
    """A module version: a .NET ``System.Version`` plus an optional prerelease label.

    Parameters
    ----------
    text
        ``"1.2"`` to ``"1.2.3.4"``; a label may follow a hyphen
        (``"2.5.0-beta"``), as PowerShellGet writes it.
    prerelease
        The label from ``PrivateData.PSData.Prerelease``; overrides one in ``text``.
        An empty label means none, as PowerShell treats it.

    Raises
    ------
    ValueError
        When ``text`` is not a version ``System.Version.Parse`` accepts: one
        component (``"1"``), more than four, a negative or non-numeric part,
        or a malformed label.

    Examples
    --------
    >>> PSVersion("1.0") < PSVersion("1.0.0") < PSVersion("1.0.0.0")
    True
    >>> PSVersion("2.5.0", prerelease="alpha") < PSVersion("2.5.0-beta") < PSVersion("2.5.0")
    True
    """

    __slots__ = ("_components", "_key", "prerelease")

    def __init__(self, text: str, prerelease: str | None = None) -> None:
        if not isinstance(text, str):
            raise TypeError(f"PSVersion expects a string, not {type(text).__name__}")
        version_text, label = text, None
        if prerelease is None:
            start = _LABEL_START.search(text)
            if start is not None:
                version_text, label = text[: start.start()], text[start.end() :]
        else:
            label = prerelease
        parts = version_text.split(".")
        components = [_parse_component(part) for part in parts]
        if not 2 <= len(parts) <= 4 or any(value is None for value in components):
            raise ValueError(f"{text!r} is not a version: expected 2 to 4 non-negative numbers such as 1.0.0")
        label = (label or "").strip() or None
        if label is not None and _LABEL.fullmatch(label) is None:
            raise ValueError(f"{label!r} is not a prerelease label: use letters, digits, hyphens and dots")
        self._components: tuple[int, ...] = tuple(value for value in components if value is not None)
        self.prerelease: str | None = label
        padded = self._components + (-1,) * (4 - len(self._components))
        self._key = padded

    @classmethod
    def parse(cls, text: object, prerelease: str | None = None) -> PSVersion | None:
        """Return the version ``text`` holds, or ``None`` when it holds none."""
        if isinstance(text, PSVersion):
            return text if prerelease is None else cls(text.base, prerelease)
        if not isinstance(text, str):
            return None
        try:
            return cls(text, prerelease)
        except ValueError:
            return None

    @property
    def major(self) -> int:
        """The first component."""
        return self._components[0]

    @property
    def minor(self) -> int:
        """The second component."""
        return self._components[1]

    @property
    def build(self) -> int:
        """The third component, ``-1`` when unset (as ``System.Version.Build``)."""
        return self._key[2]

    @property
    def revision(self) -> int:
        """The fourth component, ``-1`` when unset (as ``System.Version.Revision``)."""
        return self._key[3]

    @property
    def base(self) -> str:
        """The ``System.Version`` part as .NET prints it, without the label."""
        return ".".join(str(value) for value in self._components)

    @property
    def is_prerelease(self) -> bool:
        """Whether the version carries a prerelease label."""
        return self.prerelease is not None

    def without_prerelease(self) -> PSVersion:
        """The release this version precedes (itself when it is a release)."""
        return PSVersion(self.base) if self.prerelease else self

    def _compare(self, other: PSVersion) -> int:
        if self._key != other._key:
            return -1 if self._key < other._key else 1
        if self.prerelease == other.prerelease:
            return 0
        if self.prerelease is None:
            return 1
        if other.prerelease is None:
            return -1
        return _compare_labels(self.prerelease, other.prerelease)

    @staticmethod
    def _coerce(other: Any) -> PSVersion | None:
        if isinstance(other, PSVersion):
            return other
        if isinstance(other, str):
            return PSVersion.parse(other)
        return None

    def __eq__(self, other: object) -> bool:
        coerced = self._coerce(other)
        return NotImplemented if coerced is None else self._compare(coerced) == 0

    def __lt__(self, other: object) -> bool:
        coerced = self._coerce(other)
        if coerced is None:
            return NotImplemented
        return self._compare(coerced) < 0

    def __hash__(self) -> int:
        return hash((self._key, self.prerelease))

    def __str__(self) -> str:
        return f"{self.base}-{self.prerelease}" if self.prerelease else self.base

    def __repr__(self) -> str:
        return f"PSVersion('{self}')"
