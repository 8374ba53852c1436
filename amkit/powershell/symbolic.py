r"""Manifest values PowerShell computes at load time, kept as written: amkit never runs them.

A module manifest may join ``$PSScriptRoot`` with file names (``"$PSScriptRoot\x.psm1"``,
``Join-Path $PSScriptRoot 'x.psm1'``); :class:`Symbolic` keeps such a value's text and, where
it can tell, the package-relative path it names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Symbolic", "normalise", "script_root_path"]


@dataclass(frozen=True)
class Symbolic:
    """A manifest value PowerShell computes at load time, kept as written.

    Module manifests may use ``$PSScriptRoot``, ``$PSEdition`` and a few
    cmdlets such as ``Join-Path``; amkit never runs them. ``text`` is the
    source as written; ``path`` is the package-relative path (``/``
    separators) when the value is ``$PSScriptRoot`` joined with literal
    strings, else ``None``.
    """

    text: str
    path: str | None = None

    def __str__(self) -> str:
        return self.text


def script_root_path(body: str) -> str | None:
    r"""The relative path of ``"$PSScriptRoot\\x.psm1"``, or ``None`` for other strings."""
    for prefix in ("$psscriptroot", "${psscriptroot}"):
        if body.casefold().startswith(prefix):
            rest = body[len(prefix) :]
            return None if "$" in rest else normalise(rest)
    return None


def normalise(path: str) -> str:
    """A relative path with ``/`` separators, empty and ``.`` parts dropped."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)
