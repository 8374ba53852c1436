"""Where the packages are: package files, and module folders, in a folder searched as a gallery mirror is laid out."""

from __future__ import annotations

import os
from pathlib import Path

from amkit.package.layout import MODULE_FILE_EXTENSIONS
from amkit.powershell.version import PSVersion

__all__ = ["PACKAGE_SUFFIXES", "find_packages", "is_module_folder"]

#: Files a folder of packages holds that are packages themselves.
PACKAGE_SUFFIXES = (".zip", ".nupkg")


def is_module_folder(folder: Path) -> bool:
    """Whether ``folder`` is a module: ``<Name>.psd1``, ``.psm1`` or ``.dll`` in it or in a version folder."""
    wanted = {(folder.name + extension).casefold() for extension in MODULE_FILE_EXTENSIONS}
    try:
        # scandir's entries know their type: a folder of thousands of packages costs no stat per entry.
        with os.scandir(folder) as listing:
            children = list(listing)
        if any(item.name.casefold() in wanted and item.is_file() for item in children):
            return True
        for child in children:
            if PSVersion.parse(child.name) and _is_dir(child):
                with os.scandir(child.path) as listing:
                    if any(item.name.casefold() in wanted and item.is_file() for item in listing):
                        return True
        return False
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a folder; not when its type cannot be known (a link that loops, say)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def find_packages(path: str | os.PathLike[str]) -> list[Path]:
    """The packages ``path`` stands for: itself, or every package in a folder that is not a module.

    A package file (``.zip``, ``.nupkg``) or a module folder is one package.
    Any other folder is searched, sorted by name, for package files and
    module folders, descending into folders that are neither; folders whose
    names start with ``.`` (``.git``) and folders already visited through a
    link are not searched. A path that does not exist, a folder below
    ``path`` that cannot be listed, or an entry whose type cannot be known
    (a link that loops) is returned as it is, so that opening it reports why.

    Raises
    ------
    OSError
        When ``path`` itself is a folder that cannot be listed.
    """
    start = Path(path)
    if not start.is_dir() or is_module_folder(start):
        return [start]
    found: list[Path] = []
    seen: set[Path] = set()
    pending = [start]
    while pending:
        folder = pending.pop()
        real = folder.resolve()
        if real in seen:
            continue
        seen.add(real)
        below: list[Path] = []
        try:
            with os.scandir(folder) as listing:
                children = sorted(listing, key=lambda item: item.name)
        except OSError:
            if folder == start:
                raise
            found.append(folder)  # opening it says why it cannot be read
            continue
        for child in children:
            try:
                package_file = os.path.splitext(child.name)[1].casefold() in PACKAGE_SUFFIXES and child.is_file()
                searched = not package_file and not child.name.startswith(".") and child.is_dir()
            except OSError:  # its type cannot be known (a link that loops): opening it says why
                found.append(folder / child.name)
                continue
            if package_file:
                found.append(folder / child.name)
            elif searched:
                if is_module_folder(folder / child.name):
                    found.append(folder / child.name)
                else:
                    below.append(folder / child.name)
        pending.extend(reversed(below))
    return sorted(found, key=lambda item: item.as_posix())
