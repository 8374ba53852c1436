"""Pack a module folder or a Gallery ``.nupkg`` as the zip Azure Automation imports, byte for byte reproducibly.

Automation takes ``<Name>.zip`` holding the ``<Name>/`` folder (with its
version folders, if any). :func:`pack` writes exactly that from a module folder
on disk, or from a PowerShell Gallery package ``<Name>.<version>.nupkg`` with
NuGet's bookkeeping (:func:`amkit.package.layout.is_nupkg_metadata`) left out.
:func:`write_module_zip` writes one from any folder (:func:`amkit.samples.build`
uses it too); both go through one writer.

Packages are read the way amkit reads them anyway (:func:`amkit.package.archive.open_source`,
:func:`amkit.open_package`), so packing obeys the rules reading does: links are
refused (nothing from outside the folder ends up in the zip), names must be
safe and the :class:`~amkit.package.archive.Limits` apply. The zip is
reproducible: entries in sorted order with ``/`` separators, one fixed date
(1980-01-01, the earliest a zip can hold) and one fixed mode, so packing the
same files twice gives identical bytes. It is written to a temporary file
beside the target and renamed into place, so a failure never leaves a partial
zip behind. Empty folders are not stored: a zip's folders are implied by its
files, and PowerShell needs none without files.
"""

from __future__ import annotations

import os
import posixpath
import secrets
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from amkit.errors import PackageError
from amkit.limits import Limits
from amkit.package.archive import open_source
from amkit.package.layout import is_nupkg_metadata
from amkit.package.module_package import open_package

__all__ = ["pack", "write_module_zip"]

#: The date and mode of every entry, so that packs are byte-identical.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644  # a regular file, rw-r--r--


def pack(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    limits: Limits | None = None,
) -> Path:
    """Write ``<Name>.zip`` for a module folder or a Gallery ``.nupkg``, ready to import into Automation.

    Check the result with :func:`amkit.check`; ``amkit pack`` on the command
    line does both.

    A ``.nupkg`` holds one version of the module at its root: its files go
    into ``<Name>/`` as they are, without a version folder. Automation accepts
    both layouts and keeps one version of a module per runtime, so a version
    folder would only lengthen every path (which Automation limits); a
    ``.nupkg`` that itself holds version folders keeps them.

    Parameters
    ----------
    path
        A module folder, named as the module, holding the module's files or
        its version folders (``1.0.0/``, ``2.0.0/``); or a PowerShell Gallery
        package ``<Name>.<version>.nupkg``, whose module is named by its
        manifest (``<Name>.psd1``, as written) or else by its nuspec's id.
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
        When ``path`` is neither a folder nor a ``.nupkg``; when the folder
        holds no file, a link or an unsafe name, or ``out_dir`` lies inside it; when
        the ``.nupkg`` cannot be read, has no nuspec or holds no module; or
        when a limit is passed. Nothing is written then.
    """
    location = Path(os.path.abspath(path))
    out = Path(os.path.abspath(out_dir if out_dir is not None else os.getcwd()))
    if location.is_file() and location.name.casefold().endswith(".nupkg"):
        return _pack_nupkg(location, out, limits)
    if not location.is_dir():
        problem = "no such folder" if not location.exists() else "is not a folder or a .nupkg; pack takes either"
        raise PackageError(problem, file=str(path))
    if out.is_relative_to(location):
        raise PackageError(
            f"the output folder {out} is inside the module folder, so the zip would be packed into "
            "the module next time; choose another output folder (-o)",
            file=str(path),
        )
    if not any(item.is_file() for item in location.rglob("*")):
        raise PackageError(
            "the folder holds no file: pack a module folder, which holds <Name>.psd1, .psm1 or .dll "
            "(or version folders of them)",
            file=str(path),
        )
    return write_module_zip(location, out / f"{location.name}.zip", limits=limits)


def _pack_nupkg(nupkg: Path, out: Path, limits: Limits | None) -> Path:
    """Write the module of a ``.nupkg`` as ``<out>/<Name>.zip``; its files go below ``<Name>/``."""
    with open_package(nupkg, limits=limits) as package:
        manifest = package.latest.manifest_path
        # The manifest's own spelling: PowerShell on a case-sensitive file system needs the folder to match it.
        name = posixpath.basename(manifest)[: -len(".psd1")] if manifest else package.name
        members = [entry.path for entry in package.source.entries if not is_nupkg_metadata(entry.path)]
        return _write_zip(out / f"{name}.zip", name, members, package.read)


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
    with open_source(location, limits=limits) as source:
        if source.kind != "folder":
            raise PackageError("is not a folder; pack takes a module folder", file=str(folder))
        return _write_zip(Path(archive), top, [entry.path for entry in source.entries], source.read)


def _write_zip(target: Path, top: str, paths: Iterable[str], read: Callable[[str], bytes]) -> Path:
    """Write the members ``paths`` (their bytes from ``read``) below ``<top>/`` into the zip ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, so that os.replace is a rename on one file system.
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(paths):
                entry = zipfile.ZipInfo(f"{top}/{path}", ZIP_TIMESTAMP)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.create_system = 3  # Unix, wherever the zip is built, for identical bytes
                entry.external_attr = ZIP_FILE_MODE << 16
                bundle.writestr(entry, read(path))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
