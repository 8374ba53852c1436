"""Reading many packages into one inventory: on this machine's cores or any executor, again only what changed.

:func:`scan` finds the packages (:mod:`amkit.deps.finding`), reads each one's
versions (:func:`amkit.deps.inventory.records_of`) in order on the executor
it is given, on a process pool of its own when there are enough packages,
or here; with a ``cache`` it reads again only the packages whose content
changed since the Parquet file of an earlier scan (:mod:`amkit.deps.parquet`).
:func:`as_inventory` turns what the dependency functions take into an
inventory, scanning paths.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from amkit.bulk import mapped, pool_workers
from amkit.deps.finding import find_packages
from amkit.deps.inventory import Inventory, ModuleRecord, records_from_data, records_of
from amkit.deps.parquet import content_hash, read_rows, stamp, write_rows
from amkit.errors import AmkitError
from amkit.limits import Limits
from amkit.package.module_package import ModulePackage, open_package

__all__ = ["POOL_AT", "as_inventory", "scan"]


def _scan_one(path: Path, limits: Limits | None) -> list[ModuleRecord]:
    if not path.exists():
        return [ModuleRecord(_name_of(path), None, source=str(path), error=f"{path}: no such file or folder")]
    try:
        with open_package(path, limits=limits) as package:
            return records_of(package)
    except AmkitError as error:
        return [ModuleRecord(_name_of(path), None, source=str(path), error=str(error))]


def _name_of(path: Path) -> str:
    """A module name for a package that cannot be opened: the file name without extension (and version)."""
    stem = path.name if path.is_dir() else path.stem
    if path.suffix.casefold() == ".nupkg":
        # Name.1.2.3.nupkg: the id ends where a run of numeric parts begins.
        parts = stem.split(".")
        while len(parts) > 1 and parts[-1].split("-")[0].isdigit():
            parts.pop()
        stem = ".".join(parts)
    return stem


def scan(
    paths_or_folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    progress: bool = True,
    limits: Limits | None = None,
    executor: Executor | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> Inventory:
    """Read many packages into one inventory.

    Parameters
    ----------
    paths_or_folder
        A package (``.zip``, ``.nupkg``, module folder), a folder of them
        (searched as :func:`amkit.deps.finding.find_packages` says), or several of either.
    progress
        Show a progress bar (``tqdm.auto``: a widget in Jupyter, text in a
        terminal).
    limits
        Reading limits passed to :func:`amkit.open_package`.
    executor
        Any :class:`concurrent.futures.Executor` to read the packages on, such
        as dask.distributed's ``Client.get_executor()`` for a cluster. By
        default a process pool as large as the machine reads them when there
        are enough to pay for starting it (:data:`POOL_AT`; never inside
        another pool's worker), and this process reads them otherwise. The
        inventory is the same, in the same order, whatever reads them.
    cache
        A Parquet file (:meth:`Inventory.to_parquet`) of an earlier scan: the
        packages whose content (:func:`amkit.deps.parquet.content_hash`) it
        holds are not read again, and the new inventory is written back to
        it. A file another amkit, or other limits, wrote is read from
        scratch and replaced.

    Returns
    -------
    Inventory
        One record per module version, of each package once however many
        times its path is given (relative or absolute, or found in a folder
        given too). A package that cannot be read is listed with its error;
        it never stops the scan.
    """
    from tqdm.auto import tqdm

    if isinstance(paths_or_folder, str | os.PathLike):
        starts = [paths_or_folder]
    elif isinstance(paths_or_folder, Iterable) and not isinstance(paths_or_folder, bytes):
        starts = list(paths_or_folder)
    else:
        raise TypeError(f"scan takes a path or paths, not {type(paths_or_folder).__name__}")
    packages: list[Path] = []
    for start in starts:
        try:
            packages += find_packages(start)
        except OSError:
            packages.append(Path(start))  # opening it says why it cannot be read
    # A package named twice (a folder and a file in it, a relative path and an absolute one) is read once.
    unique: dict[str, Path] = {}
    for package in packages:
        unique.setdefault(os.path.normcase(os.path.abspath(package)), package)
    packages = list(unique.values())
    if cache is not None and not Path(cache).parent.is_dir():  # say so before reading a whole mirror
        raise AmkitError("cannot hold a scan's cache: its folder does not exist", file=str(cache))
    written = stamp(limits or Limits())
    hashes = [_hash_of(path) for path in packages] if cache is not None else [None] * len(packages)
    known, previous = _cached(cache, written) if cache is not None else ({}, [])
    todo = [path for path, digest in zip(packages, hashes, strict=True) if digest is None or digest not in known]
    bar = tqdm(total=len(todo), desc="scanning", unit="package", disable=not progress, leave=False)
    fresh = iter(_read_all(todo, limits, executor, bar))
    records: list[ModuleRecord] = []
    for path, digest in zip(packages, hashes, strict=True):
        if digest is not None and digest in known:
            source = str(path)  # the package may have moved, or be a copy of another
            records += [
                item if item.source == source else dataclasses.replace(item, source=source) for item in known[digest]
            ]
        else:
            records += [dataclasses.replace(item, content_hash=digest) for item in next(fresh)]
    bar.close()
    inventory = Inventory(records)
    # Written again only when it would say something new: a rescan of an unchanged mirror reads, never writes.
    if cache is not None and (todo or previous != [(record.content_hash, record.source) for record in records]):
        write_rows(cache, [record.to_data() for record in inventory.records], written)
    return inventory


#: Packages it takes, at least, for :func:`scan` to start a process pool of its own: fewer read faster here.
POOL_AT = 16


def _read_all(
    packages: list[Path], limits: Limits | None, executor: Executor | None, bar: Any
) -> list[list[ModuleRecord]]:
    """The records of each package, in order, read by ``executor``, a pool of this machine's cores, or here."""
    read = functools.partial(_scan_one, limits=limits)
    workers = pool_workers(len(packages)) if len(packages) >= POOL_AT else 0
    return [_counted(found, bar) for found in mapped(read, packages, executor, workers, len(packages))]


def _counted(found: list[ModuleRecord], bar: Any) -> list[ModuleRecord]:
    bar.update(1)
    return found


def _hash_of(path: Path) -> str | None:
    """The package's content hash; ``None`` when it cannot be read (opening it says why, every time)."""
    try:
        return content_hash(path)
    except OSError:
        return None


def _cached(
    cache: str | os.PathLike[str], written: str
) -> tuple[dict[str, list[ModuleRecord]], list[tuple[str | None, str | None]]]:
    """The readable records of an earlier scan by package content hash, and every row's hash and source.

    Nothing when there is no such file, or when it was read otherwise (another amkit, other limits).
    """
    if not Path(cache).exists():
        return {}, []
    rows = records_from_data(read_rows(cache, written) or [], cache)
    by_package: dict[str, dict[str | None, list[ModuleRecord]]] = {}
    for record in rows:
        if record.content_hash is not None:
            by_package.setdefault(record.content_hash, {}).setdefault(record.source, []).append(record)
    # One package's rows per content (copies of a package share it); a package with an unreadable version is
    # read again, what it lacked may be there now.
    found = {
        digest: next(iter(sources.values()))
        for digest, sources in by_package.items()
        if all(record.error is None for records in sources.values() for record in records)
    }
    return found, [(record.content_hash, record.source) for record in rows]


def as_inventory(source: object) -> Inventory:
    """An :class:`Inventory` for ``source``: an inventory, an open package, paths, or an object with ``inventory()``.

    Raises
    ------
    TypeError
        For anything else.
    """
    if isinstance(source, Inventory):
        return source
    if isinstance(source, ModulePackage):
        return Inventory.from_package(source)
    to_inventory = getattr(source, "inventory", None)
    if callable(to_inventory):
        found = to_inventory()
        if isinstance(found, Inventory):
            return found
    if isinstance(source, str | os.PathLike):
        return scan(source, progress=False)
    if isinstance(source, list | tuple) and all(isinstance(item, str | os.PathLike) for item in source):
        return scan(source, progress=False)
    raise TypeError(f"expected an Inventory, a ModulePackage, paths or an account, not {type(source).__name__}")
