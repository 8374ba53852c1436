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

__all__ = ["PSVersion", "label_order"]

_INT32_MAX = 2**31 - 1
# Int32.TryParse with NumberStyles.Integer: leading/trailing white space, one leading
# sign, and (as .NET's number parser allows) trailing NUL characters.
_COMPONENT = re.compile(r"[ \t\n\v\f\r]*([+-]?)([0-9]+)[ \t\n\v\f\r]*\x00*")
_LABEL = re.compile(r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*")
# Where a prerelease label starts in "2.5.0-beta1": the first hyphen after a digit.
_LABEL_START = re.compile(r"(?<=[0-9])-")
_LABEL_NUMBER = re.compile(r"-?[0-9]+")


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


def label_order(label: str | None, *, ignore_case: bool = False) -> tuple[Any, ...]:
    """Sort key of a prerelease label, as Semantic Versioning orders labels.

    No label sorts after every label. Dot-separated units compare in turn: a
    unit ``Int32.TryParse`` reads is a number, compared numerically and before
    any other unit; other units compare ordinally (PowerShell's
    ``SemanticVersion.ComparePreLabel``), or ignoring case as NuGet compares
    them (``ignore_case=True``); a label that runs out of units first is lower.
    """
    if label is None:
        return (1,)
    units: list[tuple[int, int | str]] = []
    for unit in label.split("."):
        number = int(unit) if _LABEL_NUMBER.fullmatch(unit) else None
        if number is not None and -_INT32_MAX - 1 <= number <= _INT32_MAX:
            units.append((0, number))
        else:
            units.append((1, unit.casefold() if ignore_case else unit))
    return (0, tuple(units))


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

    __slots__ = ("_components", "_key", "_order", "_text", "prerelease")

    def __init__(self, text: str, prerelease: str | None = None) -> None:
        if not isinstance(text, str):
            raise TypeError(f"PSVersion expects a string, not {type(text).__name__}")
        if prerelease is not None and not isinstance(prerelease, str):
            raise TypeError(f"PSVersion expects the prerelease label as a string, not {type(prerelease).__name__}")
        version_text, label = text, None
        start = _LABEL_START.search(text)
        if start is not None:
            version_text, label = text[: start.start()], text[start.end() :]
            if not label:
                raise ValueError(f"{text!r} is not a version: a hyphen must be followed by a prerelease label")
        if prerelease is not None:
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
        self._order = (padded, label_order(label))
        self._text = ".".join(str(value) for value in self._components) + (f"-{label}" if label else "")

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
        return self._text.partition("-")[0]

    @property
    def release_key(self) -> tuple[int, ...]:
        """The four components, ``-1`` for unset ones: how ``System.Version`` orders versions, the label ignored."""
        return self._key

    @property
    def is_prerelease(self) -> bool:
        """Whether the version carries a prerelease label."""
        return self.prerelease is not None

    def without_prerelease(self) -> PSVersion:
        """The release this version precedes (itself when it is a release)."""
        return PSVersion(self.base) if self.prerelease else self

    def _compare(self, other: PSVersion) -> int:
        return (self._order > other._order) - (self._order < other._order)

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
        # The sort key, not the label's text: "beta.01" and "beta.1" compare equal, as in PowerShell.
        return hash(self._order)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"PSVersion('{self}')"
