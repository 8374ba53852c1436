"""Sample PowerShell modules shipped with amkit, and a builder of their Azure Automation zips.

The samples are original, small and realistic modules that the tutorials,
widgets and tests use as canonical examples. Each is a module folder under
``amkit/samples/modules``; :func:`build` packs it the way Azure Automation
expects: a zip named after the module holding the ``<Name>/`` folder.

The samples
-----------
SideBySide
    Two versions side by side, ``SideBySide/1.0.0`` and ``SideBySide/2.0.0``,
    each with a manifest whose ``ModuleVersion`` equals its folder name.
    Version 2.0.0 adds ``ConvertFrom-Slug`` and changes a parameter:
    ``Format-Duration -Seconds [int]`` becomes ``-Duration [TimeSpan]``.
    Demonstrates versioned folders and comparing two versions.
ContosoNotify
    An integration module: ``ContosoNotify-Automation.json`` defines the
    ``ContosoNotify`` connection type (ApiUri, encrypted ApiKey, Username,
    optional Region). Its functions take either a ``ByConnection`` set with
    ``-Connection [hashtable]`` (what ``Get-AutomationConnection`` returns in a
    runbook) or a ``ByParameters`` set with the fields one by one, and carry
    full comment-based help, ``HelpUri`` and ``[OutputType]``.
ContosoBinary
    A binary module: ``RootModule = 'ContosoBinary.dll'`` with
    ``CmdletsToExport``. The DLL is a real .NET assembly with three cmdlet
    classes (``Get-``, ``Set-`` and ``Export-ContosoWidget``) compiled by Mono's
    mcs from ``amkit/samples/dotnet_src`` (see ``build.sh`` there); amkit lists
    them from metadata with :func:`amkit.dotnet.read_cmdlets`.
ContosoCore, ContosoReports
    A dependency: ContosoReports' ``RequiredModules`` names ContosoCore
    ``1.2.0`` by name, version and GUID, and its functions call ContosoCore's.
    Demonstrates import order and missing-dependency checks.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from amkit.errors import PackageError

__all__ = ["build", "names", "source"]

_NAMES = ("SideBySide", "ContosoNotify", "ContosoBinary", "ContosoCore", "ContosoReports")
# A fixed time and mode for every entry, so that builds are byte-identical.
_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644


def names() -> tuple[str, ...]:
    """Return the names of the samples, in the order the documentation presents them.

    Returns
    -------
    tuple of str
        ``('SideBySide', 'ContosoNotify', 'ContosoBinary', 'ContosoCore',
        'ContosoReports')``.
    """
    return _NAMES


def source(name: str) -> Path:
    """Return the folder of a sample module inside the installed package.

    Parameters
    ----------
    name
        A sample's name, as :func:`names` spells it.

    Returns
    -------
    pathlib.Path
        The module folder (``.../amkit/samples/modules/<name>``). Treat it as
        read-only: copy it before changing anything.

    Raises
    ------
    PackageError
        When there is no sample called ``name``, or amkit is installed in a
        way that keeps its data files off the file system.
    """
    if name not in _NAMES:
        raise PackageError(f"no sample named {name!r}; samples: {', '.join(_NAMES)}")
    folder = files(__name__) / "modules" / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise PackageError(
            f"the files of sample {name!r} are not on the file system; "
            "install amkit from a wheel or a source tree, not a zip",
            file=str(folder),
        )
    return folder


def build(dest: str | os.PathLike[str], names: Iterable[str] | None = None) -> dict[str, Path]:
    """Write the Azure Automation zip of each sample.

    Each ``<dest>/<Name>.zip`` holds the ``<Name>/`` folder, as Azure
    Automation requires of an uploaded module. Entries use ``/``, come in
    sorted order and carry a fixed date (1980-01-01) and mode, so two builds
    are byte-identical.

    Parameters
    ----------
    dest
        The folder to write to; created when missing. Existing zips of the
        same names are replaced.
    names
        The samples to build; all of them, in :func:`names` order, by default.

    Returns
    -------
    dict of str to pathlib.Path
        Each sample's name and the path of its zip.

    Raises
    ------
    PackageError
        When a name is not a sample's; nothing is written then.
    """
    wanted = _NAMES if names is None else ((names,) if isinstance(names, str) else tuple(names))
    folders = {name: source(name) for name in wanted}
    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for name, folder in folders.items():
        archive = out / f"{name}.zip"
        members = sorted(
            (path for path in folder.rglob("*") if path.is_file()),
            key=lambda path: path.relative_to(folder).as_posix(),
        )
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in members:
                entry = zipfile.ZipInfo(f"{name}/{path.relative_to(folder).as_posix()}", _TIMESTAMP)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.create_system = 3  # Unix, wherever the zip is built, for identical bytes
                entry.external_attr = _FILE_MODE << 16
                bundle.writestr(entry, path.read_bytes())
        built[name] = archive
    return built
