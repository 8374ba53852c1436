"""Module packages as PowerShell and Azure Automation see them.

:func:`open_package` reads an Automation zip, a module folder or a PowerShell
Gallery ``.nupkg``. Opening reads only the zip's central directory; manifests,
scripts and assemblies are parsed on first use and cached, so listing a large
package stays cheap.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from amkit.errors import AmkitError
from amkit.limits import Limits
from amkit.package.archive import PackageSource, open_source
from amkit.package.connection import ConnectionType, connection_type_file, read_connection_type
from amkit.package.html import package_html, version_html
from amkit.package.layout import LayoutProblem, VersionFolder, find_layout, is_nupkg_metadata, top_level_folder
from amkit.package.maml import MamlCommand, check_help_size, read_maml
from amkit.package.manifest import Manifest, module_type_of
from amkit.package.nuspec import NuspecInfo, package_nuspec
from amkit.package.parallel import parse_scripts
from amkit.powershell.restricted import EDITIONS
from amkit.powershell.version import PSVersion

if TYPE_CHECKING:
    from amkit.powershell.script import ScriptInfo

__all__ = ["ModulePackage", "ModuleVersion", "open_package"]

#: Extensions PowerShell tries, in order, for a module named without one (``PSModuleExtensions``).
_MODULE_EXTENSIONS = (".psd1", ".psm1", ".cdxml", ".xaml", ".dll")
#: Extensions that make a name a module file PowerShell loads as it is (``PSModuleProcessableExtensions``,
#: with PowerShell 7's ``.exe``); any other "extension" is part of a dotted name such as ``Contoso.Tools``.
_PROCESSABLE_EXTENSIONS = (".psd1", ".ps1", ".psm1", ".cdxml", ".xaml", ".dll", ".exe")
_NO_MANIFEST_VERSION = PSVersion("0.0")
_T = TypeVar("_T")


def open_package(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    executor: Executor | None = None,
    edition: str = "Desktop",
) -> ModulePackage:
    """Open a module package: an Automation ``.zip``, a module folder, or a ``.nupkg``.

    Parameters
    ----------
    path
        ``<Name>.zip`` holding ``<Name>/``; a module folder on disk; or a
        PowerShell Gallery package ``<Name>.<version>.nupkg``.
    limits
        Caps on size, entry count and compression ratio (defaults guard
        against zip bombs).
    executor
        Any :class:`concurrent.futures.Executor` (a process pool, dask's
        ``Client.get_executor()``) to parse the package's scripts on when
        they are all wanted at once (:meth:`ModulePackage.parse_scripts`).
    edition
        The ``$PSEdition`` a manifest's ``if`` statements see (see
        :func:`amkit.read_psd1`): ``"Desktop"``, Windows PowerShell 5.1,
        Automation's first runtime; ``"Core"`` for PowerShell 7.

    Raises
    ------
    PackageError
        When the file is not a readable package, holds unsafe entries, or
        has no module folder (or more than one).
    """
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    source = open_source(path, limits=limits)
    try:
        return ModulePackage(source, executor, edition)
    except BaseException:
        source.close()
        raise


class ModulePackage:
    """A module package: its versions, files and connection type.

    Build one with :func:`open_package`. ``versions`` is ascending by
    PowerShell's version order and ``latest`` is the highest, which is the
    version Automation shows for the module.
    """

    def __init__(self, source: PackageSource, executor: Executor | None = None, edition: str = "Desktop") -> None:
        self.source = source
        self.executor = executor
        self.edition = edition  # the $PSEdition manifests are read for
        self.reads_usage = False  # whether scripts are parsed with what they use (parse_scripts)
        self.kind: str = source.kind
        self.location = Path(source.location)
        self.nuspec: NuspecInfo | None = None
        problems: list[LayoutProblem] = []
        paths = [entry.path for entry in source.entries]
        if self.kind == "zip":
            root, beside = top_level_folder(paths, source.directories, package=str(self.location))
            if beside:
                message = f"files beside the module folder {root}/: {', '.join(beside)}"
                problems.append(LayoutProblem("files-beside", message, beside))
            self.name = root
        elif self.kind == "nupkg":
            self.nuspec = package_nuspec(paths, self.read, str(self.location))
            self.name = self.nuspec.id
            root = ""
            paths = [path for path in paths if not is_nupkg_metadata(path)]
        else:
            self.name = self.location.name
            root = ""
        layout = find_layout(self.name, paths, source.directories, root=root, package=str(self.location))
        self.problems: tuple[LayoutProblem, ...] = (*problems, *layout.problems)
        self.versioned = layout.versioned
        self.root = layout.root
        # Layout orders version folders by their names; a prerelease label only
        # ranks a version below the same base, and folder names are distinct
        # bases, so no manifest has to be read to order them.
        self.versions: tuple[ModuleVersion, ...] = tuple(ModuleVersion(self, folder) for folder in layout.folders)

    def parse_scripts(self, executor: Executor | None = None, *, usage: bool = False) -> None:
        """Parse every script of every version now: on ``executor`` or :attr:`executor`, or a pool when they are large.

        A full inspection or a check reads them all: parsed side by side, on every core, they are there when asked
        for, exactly as parsed one by one (:func:`amkit.package.parallel.parse_scripts`). With ``usage`` (the checks
        read the commands and variables scripts use), they are read with it from now on (:func:`amkit.parse_script`).
        """
        if usage and not self.reads_usage:
            self.reads_usage = True
            for version in self.versions:  # what was listed without its usage is parsed again, with it
                version.__dict__.pop("scripts", None)
        parse_scripts(self, executor or self.executor)

    # Files -----------------------------------------------------------------
    @functools.cached_property
    def _index(self) -> dict[str, str]:
        """Each stored path by its case-folded form, for :meth:`find`."""
        return {entry.path.casefold(): entry.path for entry in self.source.entries}

    def read(self, path: str) -> bytes:
        """The bytes of the package member ``path`` (bounded by the package's limits)."""
        return self.source.read(path)

    def member_name(self, path: str) -> str:
        """``package!member``, how errors name a file inside a package."""
        return f"{self.location}!{path}" if self.kind != "folder" else str(self.location / path)

    def find(self, path: str) -> str | None:
        """The stored path matching ``path`` ignoring case (as Windows does), or ``None``."""
        return self._index.get(posixpath.normpath(path).casefold()) if path else None

    def imported_path(self, path: str) -> str:
        """The path a member has once Automation imports the package (``<Name>/...``)."""
        return path if self.kind == "zip" else f"{self.name}/{path}"

    @functools.cached_property
    def files(self) -> pd.DataFrame:
        """Every file: path, version, size, compressed_size, path_length.

        ``version`` is the version whose folder holds the file (``None`` for
        files outside every version folder); ``path_length`` is the length of
        the path the file gets in Automation (``<Name>/...``), the one its
        path-length limit applies to.
        """
        rows = []
        for entry in self.source.entries:
            owner = None if self.kind == "nupkg" and is_nupkg_metadata(entry.path) else self.version_of(entry.path)
            name = str(owner.version) if owner is not None else None
            rows.append((entry.path, name, entry.size, entry.compressed_size, len(self.imported_path(entry.path))))
        frame = pd.DataFrame(rows, columns=["path", "version", "size", "compressed_size", "path_length"])
        return frame.astype({"size": "int64", "compressed_size": "int64", "path_length": "int64"})

    def version_of(self, path: str) -> ModuleVersion | None:
        """The version whose folder holds ``path``: a version folder sits right below the module root."""
        prefix = f"{self.root}/" if self.root else ""
        if not path.startswith(prefix):
            return None
        owners = self._by_folder
        return owners.get(f"{prefix}{path[len(prefix) :].split('/', 1)[0]}", owners.get(self.root))

    @functools.cached_property
    def _by_folder(self) -> dict[str, ModuleVersion]:
        return {version.folder: version for version in self.versions}

    @property
    def size(self) -> int:
        """Total uncompressed size in bytes."""
        return sum(entry.size for entry in self.source.entries)

    @property
    def compressed_size(self) -> int:
        """Size of the package file in bytes (the uncompressed size for a folder)."""
        return self.location.stat().st_size if self.kind != "folder" else self.size

    # Versions ----------------------------------------------------------------
    @property
    def latest(self) -> ModuleVersion:
        """The highest version: the one Automation shows and runbooks get by default."""
        return self.versions[-1]

    def __getitem__(self, version: str | PSVersion) -> ModuleVersion:
        wanted = PSVersion.parse(version)
        for candidate in self.versions:
            if wanted is not None and (candidate.version == wanted or candidate.version.without_prerelease() == wanted):
                return candidate
        listed = ", ".join(str(item.version) for item in self.versions)
        raise KeyError(f"{self.name} has no version {version}; it has {listed}")

    def manifest_of(self, version: str | PSVersion) -> Manifest | None:
        """The manifest of ``version`` (``None`` when that version has none)."""
        return self[version].manifest

    @property
    def connection_type(self) -> ConnectionType | None:
        """The connection type of the latest version, which Automation imports; ``None`` if none."""
        return self.latest.connection_type

    # Lifetime and display ----------------------------------------------------------
    def close(self) -> None:
        """Release the package file."""
        self.source.close()

    def __enter__(self) -> ModulePackage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        versions = ", ".join(str(version.version) for version in self.versions)
        return f"<ModulePackage {self.name} ({self.kind}) versions: {versions}>"

    def _repr_html_(self) -> str:
        return package_html(self)


class ModuleVersion:
    """One version of a module inside a package (a version folder, or the module folder)."""

    def __init__(self, package: ModulePackage, folder: VersionFolder) -> None:
        self.package = package
        self.folder: str = folder.folder
        self.folder_version: PSVersion | None = folder.version
        self.manifest_path: str | None = folder.manifest
        self._parsed: dict[str, ScriptInfo] = {}
        self._manifests: dict[str, Manifest | AmkitError] = {}
        self._help: dict[str, Mapping[str, MamlCommand] | AmkitError] = {}

    @property
    def name(self) -> str:
        """The module name."""
        return self.package.name

    @functools.cached_property
    def _manifest_or_error(self) -> tuple[Manifest | None, AmkitError | None]:
        if self.manifest_path is None:
            return None, None
        try:
            return self.read_manifest(self.manifest_path), None
        except AmkitError as error:
            return None, error

    @property
    def manifest(self) -> Manifest | None:
        """The manifest, or ``None`` when the version has none.

        Raises the version's :class:`DataFileError` when the manifest cannot
        be read; :attr:`error` gives it without raising.
        """
        manifest, error = self._manifest_or_error
        if error is not None:
            raise error
        return manifest

    @property
    def error(self) -> AmkitError | None:
        """Why this version's manifest cannot be read, or ``None``."""
        return self._manifest_or_error[1]

    @property
    def declared_version(self) -> str | None:
        """``ModuleVersion`` as the manifest writes it."""
        manifest = self._manifest_or_error[0]
        return manifest.module_version if manifest is not None else None

    @functools.cached_property
    def version(self) -> PSVersion:
        """The version: the folder's name for a version folder, else the manifest's ModuleVersion.

        A module without a manifest (or with an unreadable one) is version
        0.0, as PowerShell reports it. The PSData prerelease label is added.
        """
        manifest = self._manifest_or_error[0]
        prerelease = manifest.prerelease if manifest is not None else None
        if self.folder_version is not None:
            return PSVersion.parse(self.folder_version.base, prerelease) or self.folder_version
        declared = manifest.version if manifest is not None else None
        return declared if declared is not None else _NO_MANIFEST_VERSION

    @property
    def version_mismatch(self) -> bool:
        """Whether a version folder's name differs from its manifest's ModuleVersion."""
        if self.folder_version is None or self.declared_version is None:
            return False
        return PSVersion.parse(self.declared_version) != self.folder_version

    def resolve(self, relative: str, *, manifest: str | None = None) -> str | None:
        r"""The package path of a module file a manifest names (``.\\bin\\x.dll``, ``Sub``), or ``None``.

        Looks where PowerShell's ``LoadModuleNamedInManifest`` looks, ignoring
        case as Windows does: ``relative`` in the folder of the naming
        manifest (``manifest``, a package path; this version's manifest by
        default); a name without a module extension (``Sub``,
        ``Contoso.Tools``) with ``.psd1``, ``.psm1``, ``.cdxml``, ``.xaml`` and
        ``.dll`` in turn, passing over the naming manifest itself; then the
        same inside a folder of that name (``Sub/Sub.psm1``). Paths that leave
        the package give ``None``.
        """
        naming = self.manifest_path if manifest is None else manifest
        base = self.folder if manifest is None else posixpath.dirname(manifest)
        cleaned = relative.replace("\\", "/").strip()
        if not cleaned or cleaned.startswith("/"):
            return None
        joined = posixpath.join(base, cleaned) if base else cleaned
        if posixpath.normpath(joined).split("/", 1)[0] == "..":
            return None
        skip = naming.casefold() if naming else None
        return self._module_file(joined, skip) or self._module_file(posixpath.join(joined, cleaned), skip)

    def _module_file(self, path: str, skip: str | None = None) -> str | None:
        if posixpath.splitext(path)[1].casefold() in _PROCESSABLE_EXTENSIONS:
            return self.package.find(path)
        hits = (self.package.find(path + ext) for ext in _MODULE_EXTENSIONS)
        return next((hit for hit in hits if hit is not None and hit.casefold() != skip), None)

    def read_manifest(self, path: str) -> Manifest:
        """The manifest at package path ``path`` (a nested module's ``.psd1``, say), read once (for the edition).

        Raises the :class:`DataFileError` that reading it gives.
        """
        package = self.package
        member, limits, edition = package.member_name(path), package.source.limits, package.edition
        read = functools.partial(Manifest.read, file=member, limits=limits, edition=edition)
        return _once(self._manifests, path, lambda: read(package.read(path)))

    def read_help(self, path: str) -> Mapping[str, MamlCommand]:
        """The MAML help file at package path ``path``, by command name, read once (see :func:`.read_maml`).

        Raises the :class:`HelpFileError` reading it gives; a file over
        :data:`~amkit.package.maml.MAX_HELP_SIZE` is refused before it is read.
        """
        member = self.package.member_name(path)

        def read() -> Mapping[str, MamlCommand]:
            check_help_size(self.package.source.entry(path).size, file=member)
            return read_maml(self.package.read(path), file=member)

        return _once(self._help, path, read)

    def has_script(self, path: str) -> bool:
        """Whether the script at ``path`` is parsed already (with what it uses, when the package reads that)."""
        info = self._parsed.get(path)
        return info is not None and (info.usage_read or not self.package.reads_usage)

    def keep_script(self, path: str, info: ScriptInfo) -> None:
        """Keep ``info`` as what :meth:`script` gives for ``path`` (parsed here or by :mod:`amkit.package.parallel`)."""
        self._parsed[path] = info
        self.__dict__.pop("scripts", None)  # listed before, it would hold the parse this one replaces

    def script(self, path: str) -> ScriptInfo:
        """The script or script module at ``path``: parsed once, again with what it uses when the package reads that."""
        if not self.has_script(path):
            from amkit.powershell.script import parse_script

            data, member, limits = self.package.read(path), self.package.member_name(path), self.package.source.limits
            defer = not self.package.reads_usage
            self.keep_script(path, parse_script(data, file=member, limits=limits, defer_usage=defer))
        return self._parsed[path]

    @property
    def root_module_path(self) -> str | None:
        """The package path of the root module: RootModule resolved, or ``<Name>.psm1`` etc. without a manifest."""
        manifest = self._manifest_or_error[0]
        if manifest is not None:
            return self.resolve(manifest.root_module) if manifest.root_module else None
        if self.manifest_path is not None:
            return None
        return self._module_file(posixpath.join(self.folder, self.name) if self.folder else self.name)

    @property
    def module_type(self) -> str:
        """Script, Binary, Manifest, CIM or Workflow: what ``Get-Module`` reports once the module is imported.

        The type of the file the root module resolves to; a root module that
        is itself a manifest lends the type of its own root module. When the
        file is not in the package, the type its name implies.
        """
        manifest = self._manifest_or_error[0]
        if manifest is None:
            return module_type_of(self.root_module_path)
        naming = self.manifest_path
        seen = {naming}
        while manifest.root_module:
            path = self.resolve(manifest.root_module, manifest=naming)
            if path is None:
                return manifest.module_type
            if not path.casefold().endswith(".psd1") or path in seen:
                return module_type_of(path)
            seen.add(path)
            try:
                manifest = self.read_manifest(path)
            except AmkitError:
                return "Manifest"
            naming = path
        return "Manifest"

    @property
    def files(self) -> pd.DataFrame:
        """The package's files inside this version's folder."""
        frame = self.package.files
        return frame[frame["version"] == str(self.version)].reset_index(drop=True)

    @functools.cached_property
    def connection_type(self) -> ConnectionType | None:
        """The ``<Name>-Automation.json`` connection type in this version's folder (or the module folder).

        Raises :class:`ConnectionTypeError` when the file is malformed.
        """
        name = connection_type_file(self.name)
        for folder in dict.fromkeys((self.folder, self.package.root)):
            path = self.package.find(posixpath.join(folder, name) if folder else name)
            if path is not None:
                member = self.package.member_name(path)
                return read_connection_type(self.package.read(path), file=member, module=self.name)
        return None

    @functools.cached_property
    def scripts(self) -> dict[str, ScriptInfo]:
        """The parsed scripts that define this version's functions, by package path, in load order.

        The script modules PowerShell loads (nested modules, nested manifests'
        modules, the root module) and the ``.ps1`` files the root module
        dot-sources, as :func:`amkit.package.commands.exported_commands` finds them.
        """
        from amkit.package.commands import script_modules

        return script_modules(self)

    @functools.cached_property
    def dsc_resources(self) -> pd.DataFrame:
        """The DSC resources this version exports, beside its commands: name, kind, path (:mod:`amkit.package.dsc`)."""
        from amkit.package.dsc import dsc_resources

        return dsc_resources(self)

    @functools.cached_property
    def commands(self) -> pd.DataFrame:
        """One row per exported command, sorted by name.

        Columns: name, kind, synopsis, description, help_uri, output_types,
        parameter_sets, parameters, file, line. A function's synopsis and
        description come from its comment-based help, a binary cmdlet's from
        its assembly's MAML help file (:mod:`amkit.package.command_help`);
        ``help_uri`` and ``output_types`` from ``[CmdletBinding()]`` or
        ``[Cmdlet()]`` and ``[OutputType()]``.

        Raises the :class:`HelpFileError` of a binary cmdlet's unreadable help file.
        """
        from amkit.package.commands import command_table

        return command_table(self)

    def __repr__(self) -> str:
        return f"<ModuleVersion {self.name} {self.version} in {self.folder or '.'}>"

    def _repr_html_(self) -> str:
        return version_html(self)


def _once(store: dict[str, _T | AmkitError], path: str, read: Callable[[], _T]) -> _T:
    """What ``read()`` gives for the file at ``path``, kept in ``store``; the error it raised, raised again."""
    if path not in store:
        try:
            store[path] = read()
        except AmkitError as error:
            store[path] = error
    found = store[path]
    if isinstance(found, AmkitError):
        raise found
    return found
