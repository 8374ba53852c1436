"""How much reading untrusted input may cost: the bounds every reader of a package checks.

A package's size, entry count and compression ratio are refused beyond these
before anything is decompressed; raise a bound with ``amkit.Limits(...)`` and
pass it as ``limits=`` where a function takes one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


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
    """

    max_total_size: int = 2 * 1024**3
    max_entries: int = 100_000
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024
    max_member_size: int = 512 * 1024**2

    def __post_init__(self) -> None:
        """Refuse limits no package could meet."""
        bounds = (self.max_total_size, self.max_entries, self.max_ratio, self.max_member_size)
        if min(bounds) <= 0 or self.ratio_floor < 0:
            raise ValueError(f"limits must be positive (ratio_floor may be 0): {self}")
