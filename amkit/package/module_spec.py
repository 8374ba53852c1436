"""Module specifications: one entry of RequiredModules, NestedModules or ModuleList, in any written form.

A name, a path, or a hashtable with ``ModuleName`` and ``GUID`` and one of
``ModuleVersion``, ``RequiredVersion`` or ``MaximumVersion``, read and matched
as PowerShell's ``ModuleSpecification`` reads and matches them.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.psd1 import Symbolic
from amkit.powershell.version import PSVersion
from amkit.slotted import restore_fields

__all__ = ["ModuleSpec", "as_path", "as_text"]

_SPEC_KEYS = ("ModuleName", "GUID", "ModuleVersion", "RequiredVersion", "MaximumVersion")
_MODULE_EXTENSIONS = (".psd1", ".psm1", ".dll", ".exe", ".cdxml", ".xaml", ".ps1")


def as_text(value: Any) -> str | None:
    """A manifest value as text; ``None`` stays ``None``."""
    if value is None:
        return None
    return str(value)


def as_path(value: Any) -> str | None:
    r"""A manifest value that names a file, as text: ``"$PSScriptRoot\bin\x.dll"`` as the path it names (``bin/x.dll``).

    ``$PSScriptRoot`` is the manifest's own folder, where PowerShell looks for
    a relative name too. A value computed otherwise keeps its text (see
    :meth:`amkit.Manifest.computed_files`).
    """
    if isinstance(value, Symbolic) and value.path:
        return value.path
    return as_text(value)


@functools.lru_cache(maxsize=65536)  # a gallery names the same modules' GUIDs over and over
def _normalize_guid(value: object) -> str | None:
    """A GUID in its canonical lower-case form, or ``None`` when ``value`` is not one.

    Accepts what .NET's ``Guid.Parse`` does in manifests: with or without
    hyphens, braces or parentheses, in any case.
    """
    text = str(value).strip() if value is not None else ""
    if len(text) > 2 and (text[0], text[-1]) in (("{", "}"), ("(", ")")):
        text = text[1:-1]
    if len(text) not in (32, 36):
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)  # versions are immutable, and a gallery writes the same few over and over
def _spec_version(text: str) -> PSVersion | None:
    # ModuleSpecification converts to System.Version, which has no prerelease label.
    version = PSVersion.parse(text)
    return None if version is None or version.is_prerelease else version


def _looks_like_path(name: str) -> bool:
    return any(sep in name for sep in "/\\") or name.casefold().endswith(_MODULE_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    r"""One entry of RequiredModules, NestedModules or ModuleList, in any written form.

    PowerShell accepts a module name (``'Az.Accounts'``), a path
    (``'.\\Sub\\Sub.psd1'``, ``Join-Path $PSScriptRoot ...``) or a hashtable
    with ``ModuleName`` and ``GUID``, ``ModuleVersion`` (a minimum),
    ``RequiredVersion`` (exact) or ``MaximumVersion``. ``problems`` lists what
    PowerShell would refuse in the entry; versions are kept as written.
    """

    name: str
    written: str
    guid: str | None = None
    version: str | None = None
    required_version: str | None = None
    maximum_version: str | None = None
    path: str | None = None
    problems: tuple[str, ...] = ()

    __setstate__ = restore_fields  # pickles made before slots, too

    @classmethod
    def from_value(cls, value: Any) -> ModuleSpec:
        """Build a spec from one manifest entry (string, path, hashtable or symbolic value)."""
        if isinstance(value, Symbolic):
            path = value.path
            stem = os.path.splitext(path.rsplit("/", 1)[-1])[0] if path else value.text
            problems = () if path else (f"the module path {value.text} cannot be resolved without running it",)
            return cls(name=stem, written=value.text, path=path, problems=problems)
        if isinstance(value, Mapping):
            return cls._from_hashtable(PSHashtable(value))
        text = str(value) if value is not None else ""
        if _looks_like_path(text):
            path = "/".join(part for part in text.replace("\\", "/").split("/") if part not in ("", "."))
            stem = os.path.splitext(path.rsplit("/", 1)[-1])[0]
            return cls(name=stem, written=text, path=path)
        problems = () if text.strip() else ("an empty module name",)
        return cls(name=text, written=text, problems=problems)

    @classmethod
    def _from_hashtable(cls, table: PSHashtable) -> ModuleSpec:
        problems: list[str] = []
        unknown = [str(key) for key in table if str(key).casefold() not in {k.casefold() for k in _SPEC_KEYS}]
        if unknown:
            problems.append(f"unknown key(s) {', '.join(unknown)} in a module specification")
        name = as_text(table.get("ModuleName")) or ""
        if not name:
            problems.append("a module specification hashtable without ModuleName")
        version, required, maximum = (as_text(table.get(key)) for key in _SPEC_KEYS[2:])
        if version is None and required is None and maximum is None:
            problems.append(f"{name or 'the module'}: give ModuleVersion, RequiredVersion or MaximumVersion")
        if required is not None and (version is not None or maximum is not None):
            problems.append(f"{name}: RequiredVersion cannot be combined with ModuleVersion or MaximumVersion")
        for key, raw in zip(_SPEC_KEYS[2:4], (version, required), strict=True):
            if raw is not None and _spec_version(raw) is None:
                problems.append(f"{name}: {key} {raw!r} is not a version")
        if maximum is not None and _maximum(maximum) is None:
            problems.append(f"{name}: MaximumVersion {maximum!r} is not a version")
        guid = as_text(table.get("GUID"))
        if guid is not None and _normalize_guid(guid) is None:
            problems.append(f"{name}: GUID {guid!r} is not a GUID")
        parts = [
            f"{key}={value}"
            for key, value in zip(
                (*_SPEC_KEYS[2:], "GUID"),
                (version, required, maximum, as_text(table.get("GUID"))),
                strict=True,
            )
            if value is not None
        ]
        written = f"{name}[{';'.join(parts)}]" if parts else name
        path = None
        if _looks_like_path(name):
            path = "/".join(part for part in name.replace("\\", "/").split("/") if part not in ("", "."))
            name = os.path.splitext(path.rsplit("/", 1)[-1])[0]
        return cls(
            name=name,
            written=written,
            guid=as_text(table.get("GUID")),
            version=version,
            required_version=required,
            maximum_version=maximum,
            path=path,
            problems=tuple(problems),
        )

    # Parsed once per text (the parsers keep what they read): resolving a large dependency graph asks each
    # specification many times, and Python 3.11's cached_property takes a lock on every first use.
    @property
    def minimum(self) -> PSVersion | None:
        """``ModuleVersion`` as a version (the lowest acceptable)."""
        return _spec_version(self.version) if self.version is not None else None

    @property
    def exact(self) -> PSVersion | None:
        """``RequiredVersion`` as a version (the only acceptable one)."""
        return _spec_version(self.required_version) if self.required_version is not None else None

    @property
    def maximum(self) -> PSVersion | None:
        """``MaximumVersion`` as a version; a trailing ``*`` allows any further components."""
        return _maximum(self.maximum_version) if self.maximum_version is not None else None

    @property
    def normalized_guid(self) -> str | None:
        """``GUID`` in canonical lower-case form; ``None`` when absent or not a GUID."""
        return _normalize_guid(self.guid) if self.guid is not None else None

    def accepts_guid(self, guid: str | None) -> bool:
        """Whether a module with ``guid`` meets the specification's GUID (``None``: unknown, so yes)."""
        return self.guid is None or guid is None or self.normalized_guid == _normalize_guid(guid)

    def accepts(self, version: PSVersion | str, guid: str | None = None) -> bool:
        """Whether a module at ``version`` (with ``guid``) satisfies this specification.

        PowerShell's rule (``ModuleIntrinsics.IsVersionMatchingConstraints``):
        RequiredVersion is exact and overrides the others; otherwise
        ModuleVersion is a minimum and MaximumVersion a maximum, all compared
        as ``System.Version`` (so ``1.2`` is below ``1.2.0``) without the
        prerelease label. A GUID in the specification must match ``guid``;
        pass ``guid=None`` when the candidate's GUID is unknown to skip that
        check. A specification PowerShell would refuse (see ``problems``)
        accepts nothing.
        """
        candidate = PSVersion.parse(version)
        return candidate is not None and self.accepts_guid(guid) and self.release_test()(candidate.release_key)

    def release_test(self) -> Callable[[tuple[int, ...]], bool]:
        """PowerShell's rule of :meth:`accepts` for versions alone, as a test of a version's ``release_key``.

        Versions are compared as ``System.Version``: by their components alone
        (the specification's versions carry no label). Made once, the test
        checks many candidates without reading the specification again.
        """
        if self.problems:
            return _accepts_nothing
        if self.required_version is not None:
            exact = self.exact
            return _accepts_nothing if exact is None else exact.release_key.__eq__
        low = self.minimum.release_key if self.minimum is not None else None
        high = self.maximum.release_key if self.maximum is not None else None
        if high is None:
            return _accepts_anything if low is None else low.__le__
        return high.__ge__ if low is None else lambda release: low <= release <= high


_MAX_COMPONENT = "999999999"


def _accepts_nothing(release: tuple[int, ...]) -> bool:
    return False


def _accepts_anything(release: tuple[int, ...]) -> bool:
    return True


@functools.lru_cache(maxsize=65536)
def _maximum(text: str) -> PSVersion | None:
    # ModuleCmdletBase.GetMaximumVersion: a trailing '*' becomes 999999999 and the
    # version is padded with 999999999 to four components ('1.*' -> 1.999999999.999999999.999999999).
    stripped = text.strip()
    if stripped.endswith("*"):
        stripped = stripped[:-1] + _MAX_COMPONENT
        stripped += f".{_MAX_COMPONENT}" * max(0, 3 - stripped.count("."))
    return _spec_version(stripped)
