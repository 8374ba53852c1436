r"""Sample PowerShell modules shipped with amkit, and a builder of their Azure Automation zips.

The samples are original, small and realistic modules that the tutorials,
widgets and tests use as canonical examples. Each is a module folder under
``amkit/samples/modules``; :func:`build` packs it the way Azure Automation
expects: a zip named after the module holding the ``<Name>/`` folder. This
folder sits beside the dependency layer: it may import the package reader,
the language layer and the base modules, and nothing in amkit but the
tutorials' façade (``amkit.samples``) imports it.

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
    them from metadata with :func:`amkit.package.dotnet.read_cmdlets`. Their
    help is in ``en-US/ContosoBinary.dll-help.xml`` (MAML), whose related
    links give the two cmdlets without a ``HelpUri`` their online help.
ContosoCore, ContosoReports
    A dependency: ContosoReports' ``RequiredModules`` names ContosoCore
    ``1.2.0`` by name, version and GUID, and its functions call ContosoCore's.
    Demonstrates import order and missing-dependency checks.

The faulty samples
------------------
Deliberately broken modules, listed by :func:`faulty_names`, to show what
:func:`amkit.check` finds.

BrokenLayout
    Not importable: its version folder ``1.0.0`` holds a manifest saying
    ``ModuleVersion = '1.0.1'`` (AM106) whose ``RootModule`` is missing from
    the package (AM107), and its connection type names another module in
    ``IntegrationModuleName`` (AM108).
SloppyModule
    Importable, but breaking the authoring practices: functions without help,
    help URI or ``[OutputType]`` (AM201-AM203), a ``[System.Diagnostics.Process]``
    parameter (AM205), ``$script:`` state (AM206), a hard-coded ``C:\Temp``
    path and an ``HKLM:`` registry read (AM207), "AzureRM" in a comment while
    requiring Az.Accounts (AM208), a ``Resolve-DnsName`` call (AM209), an
    ``Import-Module`` without ``-RequiredVersion`` (AM210) and
    ``FunctionsToExport = '*'`` without ``CmdletsToExport`` (AM211).

An account's module list
------------------------
:func:`arm_module_list` is what the Azure REST API returns for the modules of
a production account, "contoso-prod": default modules, custom imports over two
years (some failed, with the service's messages, one cancelled, one still
importing) and a PowerShell 7.2 list, for
:meth:`amkit.AutomationAccount.from_arm`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from amkit.errors import PackageError
from amkit.package.pack import write_module_zip

__all__ = ["arm_module_list", "arm_snapshot", "build", "faulty_names", "names", "source"]

_NAMES = ("SideBySide", "ContosoNotify", "ContosoBinary", "ContosoCore", "ContosoReports")
_FAULTY = ("BrokenLayout", "SloppyModule")


def names() -> tuple[str, ...]:
    """Return the names of the samples, in the order the documentation presents them.

    Returns
    -------
    tuple of str
        ``('SideBySide', 'ContosoNotify', 'ContosoBinary', 'ContosoCore',
        'ContosoReports')``.
    """
    return _NAMES


def faulty_names() -> tuple[str, ...]:
    """Return the names of the deliberately faulty samples.

    Returns
    -------
    tuple of str
        ``('BrokenLayout', 'SloppyModule')``: one module Automation refuses
        to import, one it imports but that breaks the authoring practices.
    """
    return _FAULTY


def source(name: str) -> Path:
    """Return the folder of a sample module inside the installed package.

    Parameters
    ----------
    name
        A sample's name, as :func:`names` or :func:`faulty_names` spells it.

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
    if name not in _NAMES + _FAULTY:
        raise PackageError(
            f"no sample named {name!r}; samples: {', '.join(_NAMES)}; faulty samples: {', '.join(_FAULTY)}"
        )
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
    are byte-identical: :func:`amkit.package.pack.write_module_zip` writes them, as
    it does for ``amkit pack``.

    Parameters
    ----------
    dest
        The folder to write to; created when missing. Existing zips of the
        same names are replaced.
    names
        The samples to build, good or faulty; by default the good ones, in
        :func:`names` order.

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
        built[name] = write_module_zip(folder, out / f"{name}.zip", name=name)
    return built


def arm_module_list() -> Path:
    """Return the sample module list of an Automation account, as the Azure REST API returns it.

    Returns
    -------
    pathlib.Path
        A JSON file (``{"value": [...]}``) for :meth:`amkit.AutomationAccount.from_arm`.

    Raises
    ------
    PackageError
        When amkit is installed in a way that keeps its data files off the file system.
    """
    return _arm_file("contoso-prod-modules.json", "module list")


def arm_snapshot() -> Path:
    """Return a sample snapshot of an account with runtime environments, as ``refresh().save(...)`` writes one.

    The same account as :func:`arm_module_list`, read later: its six
    system-generated environments and a PowerShell 7.4 one with its own
    packages (one failed), and its connection types, in the REST API's JSON.

    Returns
    -------
    pathlib.Path
        A JSON file for :meth:`amkit.AutomationAccount.from_snapshot`.

    Raises
    ------
    PackageError
        When amkit is installed in a way that keeps its data files off the file system.
    """
    return _arm_file("contoso-prod-snapshot.json", "snapshot")


def _arm_file(name: str, what: str) -> Path:
    found = files(__name__) / "arm" / name
    if not isinstance(found, Path) or not found.is_file():
        raise PackageError(f"the sample {what} is not on the file system ({found})")
    return found
