"""Pack a module folder as the zip Azure Automation imports, byte for byte reproducibly.

Automation takes ``<Name>.zip`` holding the ``<Name>/`` folder (with its
version folders, if any). :func:`pack` writes exactly that from a module folder
on disk; :func:`write_module_zip` is the one place that writes such a zip, and
:func:`amkit.samples.build` uses it too.

The folder is read through :func:`amkit.package.archive.open_source`, so packing obeys
the rules reading does: links are refused (nothing from outside the folder
ends up in the zip), names must be safe and the :class:`~amkit.package.archive.Limits`
apply. The zip is reproducible: entries in sorted order with ``/`` separators,
one fixed date (1980-01-01, the earliest a zip can hold) and one fixed mode, so
packing the same files twice gives identical bytes. It is written to a
temporary file beside the target and renamed into place, so a failure never
leaves a partial zip behind. Empty folders are not stored: a zip's folders are
implied by its files, and PowerShell needs none without files.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from pathlib import Path

from amkit.errors import PackageError
from amkit.limits import Limits
from amkit.package.archive import open_source

__all__ = ["pack", "write_module_zip"]

#: The date and mode of every entry, so that packs are byte-identical.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644  # a regular file, rw-r--r--


def pack(
    module_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    limits: Limits | None = None,
) -> Path:
    """Write ``<Name>.zip`` for the module folder ``module_dir``, ready to import into Automation.

    Check the result with :func:`amkit.check`; ``amkit pack`` on the command
    line does both.

    Parameters
    ----------
    module_dir
        The module folder; its name is the module's name. It holds the
        module's files, or its version folders (``1.0.0/``, ``2.0.0/``).
    out_dir
        The folder to write the zip to, created when missing; the current
        folder by default. A zip of the same name there is replaced.
    limits
        Reading limits (see :func:`amkit.package.archive.open_source`).

    Returns
    -------
    pathlib.Path
        The zip: ``<out_dir>/<Name>.zip``.

    Raises
    ------
    PackageError
        When ``module_dir`` is not a folder, holds a link or an unsafe name,
        passes a limit, or ``out_dir`` lies inside it; nothing is written then.
    """
    folder = Path(os.path.abspath(module_dir))
    if not folder.is_dir():
        problem = "no such folder" if not folder.exists() else "is not a folder; pack takes a module folder"
        raise PackageError(problem, file=str(module_dir))
    out = Path(os.path.abspath(out_dir if out_dir is not None else os.getcwd()))
    if out.is_relative_to(folder):
        raise PackageError(
            f"the output folder {out} is inside the module folder, so the zip would be packed into "
            "the module next time; choose another output folder (-o)",
            file=str(module_dir),
        )
    return write_module_zip(folder, out / f"{folder.name}.zip", limits=limits)


def write_module_zip(
    folder: str | os.PathLike[str],
    archive: str | os.PathLike[str],
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> Path:
    """Write the files of ``folder`` into the zip ``archive``, below ``<name>/``, reproducibly.

    Parameters
    ----------
    folder
        The folder to pack, read with :func:`amkit.package.archive.open_source`.
    archive
        The zip to write; its folder is created when missing, and an existing
        file is replaced only once the new zip is complete.
    name
        The top folder in the zip; the folder's own name by default.
    limits
        Reading limits.

    Returns
    -------
    pathlib.Path
        ``archive``.

    Raises
    ------
    PackageError
        When ``folder`` cannot be read safely (a link, an unsafe name, a limit
        passed, not a folder); nothing is written then.
    """
    location = Path(folder)
    top = name if name is not None else Path(os.path.abspath(location)).name
    if not top:
        raise PackageError("a module folder needs a name; pass the folder itself, not a root", file=str(folder))
    target = Path(archive)
    with open_source(location, limits=limits) as source:
        if source.kind != "folder":
            raise PackageError("is not a folder; pack takes a module folder", file=str(folder))
        target.parent.mkdir(parents=True, exist_ok=True)
        # Beside the target, so that os.replace is a rename on one file system.
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(temporary, "xb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as bundle:
                for path in sorted(entry.path for entry in source.entries):
                    entry = zipfile.ZipInfo(f"{top}/{path}", ZIP_TIMESTAMP)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.create_system = 3  # Unix, wherever the zip is built, for identical bytes
                    entry.external_attr = ZIP_FILE_MODE << 16
                    bundle.writestr(entry, source.read(path))
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    return target
