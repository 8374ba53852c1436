"""The ``.nuspec`` of a PowerShell Gallery package and its NuGet version ranges.

NuGet ranges follow NuGet's rules, not PowerShell's: ``1.0`` is a minimum,
``[1.0]`` exact, ``(,1.0]`` a maximum, ``[1.0,2.0)`` an interval, and versions
are normalised before they are compared (``1.0 == 1.0.0 == 1.0.0.0``, where
``System.Version`` has ``1.0 < 1.0.0``). The gallery derives them from the
manifest's RequiredModules when a module is published, so they are kept here
as written and labelled, never mixed with PowerShell's
ModuleVersion/RequiredVersion semantics.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amkit.errors import PackageError
from amkit.package.xmlfile import local_name, parse_xml
from amkit.powershell.version import PSVersion, label_order
from amkit.slotted import restore_fields

__all__ = [
    "NuGetRange",
    "NuspecDependency",
    "NuspecInfo",
    "nuget_version_key",
    "package_nuspec",
    "parse_nuget_range",
    "read_nuspec",
]

_NUMBER = re.compile(r"[0-9]+")
_LABEL = re.compile(r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*")


def nuget_version_key(version: str | PSVersion) -> tuple[Any, ...] | None:
    """The order NuGet gives a version (``NuGetVersion``), or ``None`` when NuGet would not parse it.

    One to four numbers, missing ones counting as 0 (so ``1.0``, ``1.0.0``
    and ``1.0.0.0`` are one version), then a prerelease label compared as
    Semantic Versioning 2.0 does, ignoring case; ``+metadata`` is ignored.
    """
    text = str(version).strip()
    text = text.partition("+")[0]
    base, dash, label = text.partition("-")
    parts = base.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.fullmatch(part) for part in parts):
        return None
    if dash and not _LABEL.fullmatch(label):
        return None
    numbers = tuple(int(part) for part in parts) + (0,) * (4 - len(parts))
    return numbers, label_order(label or None, ignore_case=True)


@dataclass(frozen=True, slots=True)
class NuGetRange:
    """A NuGet version range; bounds are version strings as written, ``None`` when open."""

    text: str
    minimum: str | None
    minimum_inclusive: bool
    maximum: str | None
    maximum_inclusive: bool

    __setstate__ = restore_fields  # pickles made before slots, too

    @property
    def is_exact(self) -> bool:
        """Whether the range admits exactly one version (``[1.0]``, or ``[1.0,1.0.0]`` once normalised)."""
        if self.minimum is None or self.maximum is None or not (self.minimum_inclusive and self.maximum_inclusive):
            return False
        return nuget_version_key(self.minimum) == nuget_version_key(self.maximum)

    def accepts(self, version: str | PSVersion) -> bool:
        """Whether ``version`` lies in the range, compared as NuGet compares (``VersionRange.Satisfies``).

        Bounds and version are normalised first: ``[1.0]`` accepts ``1.0.0``.
        A version NuGet cannot read is accepted by no range.
        """
        key = nuget_version_key(version)
        if key is None:
            return False
        if self.minimum is not None:
            low = nuget_version_key(self.minimum)
            if low is None or key < low or (key == low and not self.minimum_inclusive):
                return False
        if self.maximum is not None:
            high = nuget_version_key(self.maximum)
            if high is None or key > high or (key == high and not self.maximum_inclusive):
                return False
        return True


def parse_nuget_range(text: str) -> NuGetRange:
    """Parse a NuGet version range such as ``1.0``, ``[1.0]``, ``(,2.0]`` or ``[1.0,2.0)``.

    Raises
    ------
    ValueError
        When ``text`` is not a range NuGet accepts, or a bound is not a version.
    """
    parsed = _parse_range(text)
    for bound in (parsed.minimum, parsed.maximum):
        if bound is not None and nuget_version_key(bound) is None:
            raise ValueError(f"{text!r} is not a NuGet version range: {bound!r} is not a version")
    low, high = (nuget_version_key(bound) if bound else None for bound in (parsed.minimum, parsed.maximum))
    if low is not None and high is not None and (low > high or (low == high and not parsed.is_exact)):
        # [2.0,1.0] or (1.0,1.0]: NuGet refuses a range without any version in it.
        raise ValueError(f"{text!r} is not a NuGet version range: it admits no version")
    return parsed


def _parse_range(text: str) -> NuGetRange:
    value = text.strip()
    if not value:
        return NuGetRange(text, None, True, None, True)
    if value[0] not in "[(":
        if any(char in value for char in ",[]()"):
            raise ValueError(f"{text!r} is not a NuGet version range")
        return NuGetRange(text, value, True, None, True)
    if len(value) < 3 or value[-1] not in ")]":
        raise ValueError(f"{text!r} is not a NuGet version range: it opens with {value[0]!r} but does not close")
    low_inclusive, high_inclusive = value[0] == "[", value[-1] == "]"
    body = value[1:-1]
    if "," not in body:
        if not (low_inclusive and high_inclusive) or not body.strip():
            raise ValueError(f"{text!r} is not a NuGet version range: an exact version is written [1.0]")
        return NuGetRange(text, body.strip(), True, body.strip(), True)
    low, _, high = (part.strip() for part in body.partition(","))
    if "," in high or not (low or high):
        raise ValueError(f"{text!r} is not a NuGet version range")
    return NuGetRange(
        text,
        low or None,
        low_inclusive if low else False,
        high or None,
        high_inclusive if high else False,
    )


@dataclass(frozen=True)
class NuspecDependency:
    """One ``<dependency id=... version=...>``; ``range`` is ``None`` when the version is unusable."""

    id: str
    version: str
    range: NuGetRange | None
    target_framework: str | None = None


@dataclass(frozen=True)
class NuspecInfo:
    """The metadata of a ``.nuspec`` file."""

    id: str
    version: str
    authors: str | None
    description: str | None
    tags: tuple[str, ...]
    dependencies: tuple[NuspecDependency, ...]
    file: str | None = None


def _dependency_elements(
    container: ElementTree.Element,
) -> list[tuple[ElementTree.Element, str | None]]:
    """``<dependency>`` elements, directly under ``<dependencies>`` or in framework ``<group>``s."""
    found: list[tuple[ElementTree.Element, str | None]] = []
    for child in container:
        if local_name(child.tag) == "dependency":
            found.append((child, None))
        elif local_name(child.tag) == "group":
            framework = child.get("targetFramework")
            found.extend((item, framework) for item in child if local_name(item.tag) == "dependency")
    return found


def _dependency(element: ElementTree.Element, target_framework: str | None) -> NuspecDependency:
    version = element.get("version", "")
    try:
        parsed: NuGetRange | None = parse_nuget_range(version)
    except ValueError:
        parsed = None
    return NuspecDependency(element.get("id", ""), version, parsed, target_framework)


def read_nuspec(data: bytes, *, file: str | None = None) -> NuspecInfo:
    """Read a ``.nuspec`` (NuGet's XML manifest); namespaces of any nuspec schema version are accepted.

    Raises
    ------
    PackageError
        When the XML is malformed, declares a DOCTYPE, or lacks ``id`` or ``version``.
    """
    root = parse_xml(data, what="nuspec", error=PackageError, file=file)
    metadata = next((child for child in root if local_name(child.tag) == "metadata"), None)
    if metadata is None:
        raise PackageError("the nuspec has no <metadata> element", file=file)
    fields = {local_name(child.tag): (child.text or "").strip() for child in metadata}
    for required in ("id", "version"):
        if not fields.get(required):
            raise PackageError(f"the nuspec has no <{required}>", file=file)
    dependencies = tuple(
        _dependency(element, group)
        for container in metadata
        if local_name(container.tag) == "dependencies"
        for element, group in _dependency_elements(container)
    )
    return NuspecInfo(
        id=fields["id"],
        version=fields["version"],
        authors=fields.get("authors") or None,
        description=fields.get("description") or None,
        tags=tuple(fields.get("tags", "").split()),
        dependencies=dependencies,
        file=file,
    )


def package_nuspec(paths: list[str], read: Callable[[str], bytes], package: str) -> NuspecInfo:
    """The ``<Name>.nuspec`` at the root of a ``.nupkg`` holding ``paths``, read with ``read``.

    Raises
    ------
    PackageError
        When the package holds none at its root, or more than one.
    """
    nuspecs = [path for path in paths if "/" not in path and path.casefold().endswith(".nuspec")]
    if len(nuspecs) != 1:
        found = ", ".join(nuspecs) or "none"
        raise PackageError(f"a .nupkg holds exactly one <Name>.nuspec at its root; found {found}", file=package)
    return read_nuspec(read(nuspecs[0]), file=f"{package}!{nuspecs[0]}")
