"""How much reading untrusted input may cost: the bounds every reader of a package or a file checks.

A package's size, entry count and compression ratio are refused beyond these
before anything is decompressed; a script or data file beyond its size before
it is parsed, and one nested too deeply or taking too long while it is read.
Raise a bound with ``amkit.Limits(...)`` and pass it as ``limits=`` where a
function takes one. The defaults sit well above the largest real files (the Az
rollup and Microsoft.Graph manifests are under 0.5 MB, the largest merged
script modules of the PowerShell Gallery a few MB).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.errors import AmkitError
    from amkit.powershell.syntax import SourceText

__all__ = ["Clock", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds on what reading a package may cost; exceeding one is a likely zip bomb.

    Parameters
    ----------
    max_total_size
        Largest sum of the uncompressed sizes of all members, in bytes.
    max_entries
        Largest number of entries (files and folders) in the package.
    max_ratio
        Largest uncompressed/compressed ratio of one member larger than ``ratio_floor``.
    ratio_floor
        Members up to this many bytes may compress as well as they like: small
        text files of repeated characters legitimately do.
    max_member_size
        Largest member :meth:`amkit.package.archive.PackageSource.read` loads into memory, in bytes.
    max_script_size
        Largest script (``.ps1``, ``.psm1``) amkit parses, in bytes.
    max_manifest_size
        Largest module manifest (a ``.psd1`` read as a manifest), in bytes.
    max_data_file_size
        Largest other data file (a ``.psd1`` read as ``Import-PowerShellDataFile`` does), in bytes.
    max_nesting_depth
        Deepest nesting of arrays and hashtables in a data file. PowerShell sets
        none of its own (it counts syntax nodes instead, 5000 at most); real
        manifests nest four or five levels.
    max_parse_seconds
        Longest amkit spends reading one script or data file.
    """

    max_total_size: int = 2 * 1024**3
    max_entries: int = 100_000
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024
    max_member_size: int = 512 * 1024**2
    max_script_size: int = 16 * 1024**2
    max_manifest_size: int = 2 * 1024**2
    max_data_file_size: int = 2 * 1024**2
    max_nesting_depth: int = 100
    max_parse_seconds: float = 60.0

    def __post_init__(self) -> None:
        """Refuse limits no package could meet."""
        bounds = (
            self.max_total_size,
            self.max_entries,
            self.max_ratio,
            self.max_member_size,
            self.max_script_size,
            self.max_manifest_size,
            self.max_data_file_size,
            self.max_nesting_depth,
            self.max_parse_seconds,
        )
        if min(bounds) <= 0 or self.ratio_floor < 0:
            raise ValueError(f"limits must be positive (ratio_floor may be 0): {self}")

    def refusal(self, name: str, what: str) -> str:
        """Say that ``what`` (``"is 20.0 MB"``) passes the limit ``name``, and how to lift it."""
        value = getattr(self, name)
        shown = _size(value) if name.endswith("_size") else f"{value:g}"
        return f"{what}, over amkit's limit of {shown} (Limits.{name}); pass limits=amkit.Limits({name}=...) to lift it"


def _size(count: int) -> str:
    """A byte count as people read it: ``16 MB``, ``512 KB``, ``300 bytes``."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


class Clock:
    """The time one file's reading may still take (:attr:`Limits.max_parse_seconds`), checked as nodes go by.

    A reader calls :meth:`tick` for each syntax node it does work on; every
    thousand or so the clock is read, and past the limit ``error`` is raised,
    naming the file and the line reached.
    """

    _EVERY = 1024

    def __init__(self, limits: Limits, file: str | None, error: type[AmkitError]) -> None:
        self.limits, self.file, self.error = limits, file, error
        self.deadline = time.monotonic() + limits.max_parse_seconds
        self.count = 0

    def tick(self, node: Node, source: SourceText) -> None:
        """Count one node of ``source``; raise ``error`` when the reading has run out of time."""
        self.count += 1
        if self.count % self._EVERY == 0 and time.monotonic() > self.deadline:
            seconds = self.limits.max_parse_seconds
            problem = self.limits.refusal("max_parse_seconds", f"reading it took over {seconds:g} s")
            line, column = source.position(node)  # PowerShell's lines: a lone CR ends one too
            raise self.error(problem, file=self.file, line=line, column=column)
