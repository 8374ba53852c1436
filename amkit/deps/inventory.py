"""Many module packages as one inventory: each module version as a compact, self-contained record.

:func:`amkit.scan` opens every package it finds (zips, ``.nupkg`` files, module
folders, and folders of them), keeps what dependency work needs from each
version in a :class:`ModuleRecord` and closes the package again, so an
inventory of thousands of versions holds no open files and no syntax trees.
What a version declares it needs is a :class:`~amkit.deps.requirements.Requirement`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from amkit.deps.parquet import read_rows, stamp, write_rows
from amkit.deps.requirements import Requirement, declared_requirements
from amkit.errors import AmkitError
from amkit.package.assemblies import shipped_assemblies, target_frameworks
from amkit.package.commands import exported_commands
from amkit.package.module_package import ModulePackage, ModuleVersion
from amkit.powershell.version import PSVersion
from amkit.slotted import restore_fields

__all__ = [
    "INVENTORY_COLUMNS",
    "Inventory",
    "ModuleRecord",
    "held_records",
    "records_from_data",
    "records_of",
]

INVENTORY_COLUMNS = [
    "name",
    "version",
    "prerelease",
    "module_type",
    "guid",
    "commands",
    "size",
    "source",
    "error",
]


@dataclass(frozen=True, slots=True)
class ModuleRecord:
    """One module version of an inventory: what dependency tables and import plans need of it.

    ``version`` is ``None`` and ``error`` says why when the package or the
    manifest could not be read; such a record is listed, never used to
    satisfy a dependency. ``problems`` lists parts that could not be read
    without making the version unusable (an undecodable script).
    """

    name: str
    version: PSVersion | None
    guid: str | None = None
    module_type: str | None = None
    commands: tuple[str, ...] = ()
    size: int = 0
    source: str | None = None
    error: str | None = None
    requirements: tuple[Requirement, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)
    #: The manifest's PowerShellVersion and CompatiblePSEditions, and the frameworks its assemblies were
    #: built for (:mod:`amkit.package.assemblies`): which runtimes the version loads in.
    powershell_version: str | None = None
    editions: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    #: The .NET assemblies the version ships: (package path, name, version, public key token, target framework).
    assemblies: tuple[tuple[str, str, str, str | None, str | None], ...] = ()
    #: False when ``commands`` is known to leave some out (a default module whose list comes from its
    #: release's reference documentation, which names its cmdlets but not its aliases): a command missing
    #: from it may still be exported.
    commands_complete: bool = True
    #: SHA-256 of the package the version was read from (:func:`amkit.deps.parquet.content_hash`), when scanned.
    content_hash: str | None = field(default=None, compare=False)

    __setstate__ = restore_fields  # pickles made before slots, too

    @property
    def usable(self) -> bool:
        """Whether the version can satisfy a dependency: it was read and has a version."""
        return self.version is not None and self.error is None

    def to_data(self) -> dict[str, Any]:
        """The record as JSON-ready data (see :meth:`from_data`)."""
        return {
            "name": self.name,
            "version": str(self.version) if self.version is not None else None,
            "guid": self.guid,
            "module_type": self.module_type,
            "commands": list(self.commands),
            "size": self.size,
            "source": self.source,
            "error": self.error,
            "requirements": [item.to_data() for item in self.requirements],
            "problems": list(self.problems),
            "powershell_version": self.powershell_version,
            "editions": list(self.editions),
            "frameworks": list(self.frameworks),
            "assemblies": [list(item) for item in self.assemblies],
            "commands_complete": self.commands_complete,
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ModuleRecord:
        """A record from :meth:`to_data`'s data."""
        return cls(
            name=data["name"],
            version=_version_of_text(data["version"]) if data["version"] is not None else None,
            guid=data["guid"],
            module_type=data["module_type"],
            commands=tuple(data["commands"]),
            size=int(data["size"]),
            source=data["source"],
            error=data["error"],
            requirements=tuple(Requirement.from_data(item) for item in data["requirements"]),
            problems=tuple(data["problems"]),
            # Records an older amkit stored have neither.
            powershell_version=data.get("powershell_version"),
            editions=tuple(data.get("editions", ())),
            frameworks=tuple(data.get("frameworks", ())),
            assemblies=tuple(tuple(item) for item in data.get("assemblies", ())),
            commands_complete=data.get("commands_complete", True),
            content_hash=data.get("content_hash"),
        )

    @property
    def label(self) -> str:
        """``Name version``, how messages name the record."""
        return f"{self.name} {self.version}" if self.version is not None else self.name


@functools.lru_cache(maxsize=65536)  # versions are immutable, and a gallery writes the same few over and over
def _version_of_text(text: str) -> PSVersion:
    return PSVersion(text)


# Reading packages ------------------------------------------------------------------------------


def _record(version: ModuleVersion) -> ModuleRecord:
    package = version.package
    source = str(package.location)
    error = version.error
    if error is not None:
        return ModuleRecord(package.name, version.folder_version, source=source, error=str(error))
    manifest = version.manifest
    problems: list[str] = []
    try:
        commands = tuple(command.name for command in exported_commands(version))
    except AmkitError as failure:
        commands = ()
        problems.append(f"commands could not be read: {failure}")
    frameworks, unread = target_frameworks(version)
    shipped, damaged = shipped_assemblies(version)
    problems += [f"an assembly could not be read: {problem}" for problem in (*unread, *damaged)]
    return ModuleRecord(
        name=package.name,
        version=version.version,
        guid=manifest.guid if manifest is not None else None,
        module_type=version.module_type,
        commands=commands,
        size=int(version.files["size"].sum()),
        source=source,
        requirements=declared_requirements(version),
        problems=tuple(problems),
        powershell_version=manifest.powershell_version if manifest is not None else None,
        editions=manifest.compatible_ps_editions if manifest is not None else (),
        frameworks=frameworks,
        assemblies=tuple(
            (path, item.name, item.version, item.public_key_token, item.target_framework) for path, item in shipped
        ),
    )


def records_of(package: ModulePackage) -> list[ModuleRecord]:
    """One record per version of an open package, ascending by version."""
    return [_record(version) for version in package.versions]


def records_from_data(rows: list[dict[str, Any]], path: str | os.PathLike[str]) -> list[ModuleRecord]:
    """Records from :meth:`ModuleRecord.to_data`'s data, read from the file ``path`` (an AmkitError names it)."""
    try:
        return [ModuleRecord.from_data(row) for row in rows]
    except (KeyError, TypeError, ValueError) as error:
        raise AmkitError(f"holds a row that is not a module version ({error!r})", file=str(path)) from None


# The inventory ---------------------------------------------------------------------------------


def _version_of(record: ModuleRecord) -> PSVersion:
    assert record.version is not None, "only usable records are indexed"
    return record.version


def _first_of_highest(found: Sequence[ModuleRecord], keep: Callable[[ModuleRecord], bool]) -> ModuleRecord | None:
    """The first of the highest versions in ``found`` (ascending) that ``keep`` keeps, looked for from the top.

    Versions may be equal without being the same text ("1.0.0-beta.01" and
    "1.0.0-beta.1"): of those, the first in ``found`` wins. The highest
    version usually satisfies, so one test most often decides.
    """
    index = len(found) - 1
    while index >= 0 and not keep(found[index]):
        index -= 1
    if index < 0:
        return None
    chosen = found[index]
    for earlier in reversed(found[:index]):  # equal versions are side by side
        if earlier.version != chosen.version:
            break
        if keep(earlier):
            chosen = earlier
    return chosen


def _all_accept(requirements: Sequence[Requirement]) -> Callable[[ModuleRecord], bool]:
    if len(requirements) == 1:  # a dependency table asks one requirement at a time: then no generator per version
        return requirements[0].acceptor()
    tests = [item.acceptor() for item in requirements]
    return lambda record: all(test(record) for test in tests)


class Inventory:
    """Module versions from many packages, indexed by module name (ignoring case, as PowerShell does).

    Build one with :func:`scan`, or from records directly (synthetic graphs,
    an account's modules).
    """

    def __init__(self, records: Iterable[ModuleRecord]) -> None:
        self.records: tuple[ModuleRecord, ...] = tuple(records)
        index: dict[str, list[ModuleRecord]] = {}
        for record in self.records:
            if record.usable:
                index.setdefault(record.name.casefold(), []).append(record)
        # Ascending by version, so that the last satisfying one is the highest.
        self._index = {name: sorted(found, key=_version_of) for name, found in index.items()}

    @classmethod
    def from_package(cls, package: ModulePackage) -> Inventory:
        """The versions of one open package."""
        return cls(records_of(package))

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the inventory to a Parquet file: one row per module version (see :mod:`amkit.deps.parquet`).

        ``pandas.read_parquet`` and ``dask.dataframe.read_parquet`` read it as
        a table; :meth:`from_parquet` reads it back as an inventory.
        """
        write_rows(path, [record.to_data() for record in self.records], stamp())

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str]) -> Inventory:
        """The inventory :meth:`to_parquet` (or ``scan(..., cache=path)``) wrote.

        Raises
        ------
        AmkitError
            When the file is not one.
        """
        return cls(records_from_data(read_rows(path) or [], path))

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[ModuleRecord]:
        return iter(self.records)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.casefold() in self._index

    @property
    def names(self) -> tuple[str, ...]:
        """The modules with at least one usable version, sorted ignoring case."""
        return tuple(sorted((found[0].name for found in self._index.values()), key=str.casefold))

    def versions(self, name: str) -> tuple[ModuleRecord, ...]:
        """The usable versions of module ``name``, ascending in PowerShell's order."""
        return tuple(self._index.get(name.casefold(), ()))

    def best(
        self,
        name: str,
        requirements: Sequence[Requirement] = (),
        *,
        excluded: Collection[PSVersion] = (),
        allow_prerelease: bool = False,
    ) -> ModuleRecord | None:
        """The version to use of ``name``: the highest that meets every requirement, releases first.

        A prerelease is chosen only when no release satisfies, as the
        gallery installs prereleases only when asked to, unless
        ``allow_prerelease`` (``Install-Module -AllowPrerelease``) lets the
        highest win whatever it is. Versions in ``excluded`` are passed over.
        """
        accepts = _all_accept(requirements)
        found = self._index.get(name.casefold(), ())
        satisfies = (lambda record: record.version not in excluded and accepts(record)) if len(excluded) else accepts
        if allow_prerelease:
            return next((record for record in reversed(found) if satisfies(record)), None)
        release = _first_of_highest(found, lambda record: not _version_of(record).is_prerelease and satisfies(record))
        return release if release is not None else _first_of_highest(found, satisfies)

    @property
    def modules(self) -> pd.DataFrame:
        """One row per module version: name, version, prerelease, module_type, guid, commands, size, source, error.

        ``commands`` is the number of exported commands
        (:func:`amkit.commands_index` lists them); unreadable packages have a
        missing version and their ``error``. Sorted by name, then version.
        """
        rows = [
            (
                record.name,
                str(record.version) if record.version is not None else None,
                record.version.is_prerelease if record.version is not None else None,
                record.module_type,
                record.guid,
                len(record.commands),
                record.size,
                record.source,
                record.error,
            )
            for record in sorted(self.records, key=_record_order)
        ]
        frame = pd.DataFrame(rows, columns=INVENTORY_COLUMNS)
        # Text columns as pandas' string dtype, so that every table amkit returns shows <NA> for nothing.
        text = dict.fromkeys(("name", "version", "module_type", "guid", "source", "error"), "string")
        return frame.astype({"prerelease": "boolean", "commands": "int64", "size": "int64", **text})

    def __repr__(self) -> str:
        broken = sum(not record.usable for record in self.records)
        return (
            f"<Inventory {len(self._index)} modules, {len(self.records) - broken} versions"
            + (f", {broken} unreadable" if broken else "")
            + ">"
        )


def _record_order(record: ModuleRecord) -> tuple[Any, ...]:
    return (record.name.casefold(), record.version is None, record.version or PSVersion("0.0"), record.source or "")


def held_records(account: Any, name: str) -> tuple[ModuleRecord, ...]:
    """The versions of module ``name`` an account holds, as records (with their GUIDs where it knows them).

    ``account`` is anything with ``versions(name)``, such as
    :class:`amkit.AutomationAccount`; one that also has ``records(name)``
    gives records with GUIDs, so that a same-named module with another GUID
    does not pass for the one required.
    """
    records = getattr(account, "records", None)
    if callable(records):
        return tuple(records(name))
    return tuple(ModuleRecord(name, version) for version in account.versions(name))
