"""Parsing a package's scripts on every core: the work a full inspection or a check does most of.

:func:`parse_scripts` parses every script (``.ps1``, ``.psm1``) of every
version of a package at once, on an executor, and keeps each result where
:meth:`amkit.package.module_package.ModuleVersion.script` finds it, so what
reads them afterwards (commands, help, the checks) parses nothing. Each
script is parsed exactly as it would be alone (same bytes, name and limits,
and what it uses read with it only when the package reads that: a script
parsed without it is parsed again then); a script that cannot be read is
left for ``script()`` to refuse again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from amkit.bulk import mapped, pool_workers
from amkit.errors import AmkitError
from amkit.limits import Limits
from amkit.powershell.script import ScriptInfo, parse_script

if TYPE_CHECKING:
    from amkit.package.module_package import ModulePackage, ModuleVersion

__all__ = ["POOL_BYTES", "parse_scripts"]

#: Script bytes a package must hold for :func:`parse_scripts` to start a process pool of its own: below it,
#: starting the pool costs more than it saves, and the scripts are parsed one by one when asked for.
POOL_BYTES = 2 * 1024 * 1024
_SCRIPTS = (".ps1", ".psm1")


def _parse(script: tuple[bytes, str], limits: Limits, defer_usage: bool) -> ScriptInfo | None:
    """One script (bytes, name) parsed as ``ModuleVersion.script`` parses it; ``None`` when it cannot be."""
    try:
        return parse_script(script[0], file=script[1], limits=limits, defer_usage=defer_usage)
    except AmkitError:
        return None


def parse_scripts(package: ModulePackage, executor: Executor | None = None) -> None:
    """Parse all of ``package``'s scripts not parsed yet, on ``executor``, or a pool when they are large enough.

    Without an executor, scripts of fewer than :data:`POOL_BYTES` in all (or
    where :func:`amkit.bulk.pool_workers` says no pool may start) are left
    to be parsed when asked for.
    """
    wanted = [
        (version, entry)
        for entry in package.source.entries
        if entry.path.casefold().endswith(_SCRIPTS)
        and (version := package.version_of(entry.path)) is not None
        and not version.has_script(entry.path)
    ]
    workers = pool_workers(len(wanted)) if sum(entry.size for _, entry in wanted) >= POOL_BYTES else 0
    if not wanted or (executor is None and not workers):
        return
    # Largest first: one left for last would keep a worker busy while the others wait (results go by path).
    wanted.sort(key=lambda item: item[1].size, reverse=True)
    handed: list[tuple[ModuleVersion, str]] = []  # the scripts read and handed over, in order

    def read_scripts() -> Iterator[tuple[bytes, str]]:
        # Each is decompressed as it is handed over, while the workers parse those before it.
        for version, entry in wanted:
            try:
                data = package.read(entry.path)
            except AmkitError:
                continue  # too large or damaged: left for script() to refuse, as it would one by one
            handed.append((version, entry.path))
            yield data, package.member_name(entry.path)

    parse = functools.partial(_parse, limits=package.source.limits, defer_usage=not package.reads_usage)
    # The n-th result comes after the n-th script was read, which is all ``handed`` needs.
    for number, info in enumerate(mapped(parse, read_scripts(), executor, workers, len(wanted))):
        if info is not None:
            version, path = handed[number]
            version.keep_script(path, info)
