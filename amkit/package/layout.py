"""Where the module is inside a package, and which folders are version folders.

Azure Automation expects ``<Name>.zip`` to hold one ``<Name>/`` folder; inside
it, either the module files (``<Name>/<Name>.psd1``) or side-by-side version
folders (``<Name>/1.0.0/<Name>.psd1``). PowerShell treats a subfolder as a
version folder when its name parses as a version and it holds ``<Name>.psd1``.
A PowerShell Gallery ``.nupkg`` holds the module files at its root beside
``<Name>.nuspec`` and NuGet's own bookkeeping.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from amkit.errors import LayoutError
from amkit.powershell.version import PSVersion

__all__ = [
    "MODULE_FILE_EXTENSIONS",
    "NUPKG_METADATA",
    "Layout",
    "LayoutProblem",
    "VersionFolder",
    "find_layout",
    "is_nupkg_metadata",
    "top_level_folder",
]

#: Entries NuGet adds at the root of a package, beside ``<Name>.nuspec``; they are not part of the module.
NUPKG_METADATA = ("_rels/", "package/", "[Content_Types].xml", ".signature.p7s")
#: The files a module (or version) folder must hold one of, named like the module.
MODULE_FILE_EXTENSIONS = (".psd1", ".psm1", ".dll")


@dataclass(frozen=True)
class VersionFolder:
    """A folder holding one version of the module: a version folder, or the module root."""

    folder: str  # package-relative, "" for the package root
    version: PSVersion | None  # from the folder name; None for the flat layout
    manifest: str | None  # package-relative path of <Name>.psd1, if any


@dataclass(frozen=True)
class LayoutProblem:
    """Something about a package's layout that PowerShell tolerates but that is likely a mistake.

    ``kind`` is ``files-beside`` (files next to the module folder), ``mixed``
    (version folders and loose module files together) or
    ``not-a-version-folder`` (a folder named like a version without the manifest).
    """

    kind: str
    message: str
    paths: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Layout:
    """The module inside a package."""

    name: str
    root: str  # package-relative module folder ("" when the module is at the root)
    folders: tuple[VersionFolder, ...]
    versioned: bool
    problems: tuple[LayoutProblem, ...] = ()


def is_nupkg_metadata(path: str) -> bool:
    """Whether the ``.nupkg`` member ``path`` is NuGet's bookkeeping: :data:`NUPKG_METADATA` or the nuspec."""
    return path.startswith(NUPKG_METADATA) or ("/" not in path and path.casefold().endswith(".nuspec"))


def _join(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder else name


def _contents(paths: Iterable[str], root: str) -> tuple[set[str], set[str]]:
    """The names of the files directly inside ``root``, and of its subfolders, in one pass over ``paths``."""
    prefix = f"{root}/" if root else ""
    start = len(prefix)
    files: set[str] = set()
    subfolders: set[str] = set()
    for path in paths:
        if path.startswith(prefix):
            head, slash, _ = path[start:].partition("/")
            if slash:
                subfolders.add(head)
            elif head:
                files.add(head)
    return files, subfolders


def _find(names: set[str], wanted: str) -> str | None:
    """The entry of ``names`` equal to ``wanted`` ignoring case (Windows file names)."""
    folded = wanted.casefold()
    return next((name for name in sorted(names) if name.casefold() == folded), None)


def find_layout(
    name: str,
    paths: Iterable[str],
    directories: Iterable[str] = (),
    *,
    root: str = "",
    package: str | None = None,
) -> Layout:
    """Work out the version folders of module ``name`` whose folder is ``root``.

    ``paths`` are the package's file paths, ``directories`` its folders
    (empty folders included), ``package`` the package's location for
    messages. Raises :class:`LayoutError` when the module folder holds
    nothing PowerShell could load.
    """
    paths = list(paths)
    files, subfolders = _contents(paths, root)
    prefix = f"{root}/" if root else ""
    subfolders |= {
        directory[len(prefix) :].split("/", 1)[0]
        for directory in directories
        if directory.startswith(prefix) and directory != root
    }
    folded: dict[str, str] = {}  # every path by its case-folded form, made only if a subfolder is named like a version
    folders: list[VersionFolder] = []
    problems: list[LayoutProblem] = []
    for sub in sorted(subfolders):
        version = PSVersion.parse(sub)
        if version is None or version.is_prerelease:
            continue
        sub_path = _join(root, sub)
        if not folded:  # the first of names equal ignoring case, in name order, as _find picks in one folder
            for path in sorted(paths):
                folded.setdefault(path.casefold(), path)
        manifest = folded.get(_join(sub_path, f"{name}.psd1").casefold())
        if manifest is not None and manifest.rpartition("/")[0] != sub_path:
            manifest = None  # a name holding "/" (a hostile nuspec id) names no file of this folder
        if manifest is None:
            problems.append(
                LayoutProblem(
                    "not-a-version-folder",
                    f"{sub_path}/ is named like a version but holds no {name}.psd1, so PowerShell does not "
                    "treat it as a version folder",
                    (sub_path,),
                )
            )
            continue
        folders.append(VersionFolder(sub_path, version, manifest))
    loose = sorted(file for file in files if file.casefold().endswith(MODULE_FILE_EXTENSIONS))
    if folders:
        if loose:
            problems.append(
                LayoutProblem(
                    "mixed",
                    f"{root or 'the package root'} mixes version folders with loose module files "
                    f"({', '.join(loose)}); PowerShell loads the version folders and ignores the loose files",
                    tuple(_join(root, file) for file in loose),
                )
            )
        folders.sort(key=lambda folder: folder.version)  # type: ignore[arg-type, return-value]
        return Layout(name, root, tuple(folders), versioned=True, problems=tuple(problems))
    manifest = _find(files, f"{name}.psd1")
    if manifest is None and not loose:
        where = f"{root}/" if root else "the package root"
        raise LayoutError(
            f"{where} holds no {name}.psd1, .psm1 or .dll and no version folder (such as "
            f"{_join(root, '1.0.0')}/{name}.psd1): there is no module to load",
            reason="no-module",
            file=package,
        )
    return Layout(
        name,
        root,
        (VersionFolder(root, None, _join(root, manifest) if manifest else None),),
        versioned=False,
        problems=tuple(problems),
    )


def top_level_folder(paths: Iterable[str], directories: Iterable[str], package: str) -> tuple[str, tuple[str, ...]]:
    """The single top-level folder of an Automation zip, and files lying beside it.

    Raises :class:`LayoutError` when there is no folder or more than one.
    """
    top_files: list[str] = []
    top_folders: set[str] = set()
    for path in paths:
        if "/" in path:
            top_folders.add(path.split("/", 1)[0])
        else:
            top_files.append(path)
    top_folders |= {directory.split("/", 1)[0] for directory in directories}
    if not top_folders:
        raise LayoutError(
            "the zip holds no module folder: Automation needs the module files inside a folder "
            "named like the zip (<Name>.zip -> <Name>/<Name>.psd1)",
            reason="no-folder",
            file=package,
        )
    if len(top_folders) > 1:
        listed = ", ".join(sorted(top_folders))
        raise LayoutError(
            f"the zip holds {len(top_folders)} top-level folders ({listed}); Automation needs exactly one, "
            "the module folder",
            reason="several-folders",
            file=package,
        )
    return next(iter(top_folders)), tuple(sorted(top_files))
