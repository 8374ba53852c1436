"""Read the bytes of an untrusted package without executing or extracting anything.

A package is an Azure Automation ``.zip``, a PowerShell Gallery ``.nupkg`` (also a
zip) or a module folder. :func:`open_source` lists its members from the zip's
central directory (or one walk of the folder) and refuses, with a
:class:`~amkit.errors.PackageError`, anything that could escape the package or
exhaust memory when read: unsafe or clashing names, links, encryption and zip
bombs. Members are decompressed only by :meth:`PackageSource.read`, in memory and
within :class:`Limits`; nothing is ever written to disk.
"""

from __future__ import annotations

import abc
import functools
import lzma
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, NamedTuple

from amkit.errors import LimitExceededError, PackageError
from amkit.limits import Limits
from amkit.package.zipdir import read_directory

__all__ = ["Entry", "FolderSource", "PackageSource", "ZipSource", "open_source"]

_CHUNK = 64 * 1024
_ENCRYPTED = 0x1  # general-purpose flag bit 0 of a zip entry
_DRIVE = re.compile(r"[A-Za-z]:")
# In all the names joined by "/": a backslash, or a segment that is empty, starts with a dot or a space,
# or starts like a drive. Without one, no name has anything to drop or refuse but control characters.
_NEEDS_A_CLOSER_LOOK = re.compile(r"\\|/[/. ]|/[A-Za-z]:")
# IO_REPARSE_TAG_MOUNT_POINT: a Windows junction, a directory link is_symlink() misses.
_JUNCTION_TAG = 0xA0000003
# What zipfile and its decompressors raise for a damaged member (found by fuzzing).
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)


class Entry(NamedTuple):
    """One file in a package (a named tuple: cheap to make for each of a large package's members).

    Parameters
    ----------
    path
        Package-relative, ``/``-separated path: backslashes read as ``/``, empty
        and ``.`` segments dropped.
    raw_name
        The name as stored in the zip (or the folder-relative path), so later
        checks can flag backslashes or ``./`` prefixes.
    size
        Uncompressed size in bytes.
    compressed_size
        Size in the archive, in bytes (equal to ``size`` in a folder).
    """

    path: str
    raw_name: str
    size: int
    compressed_size: int


def _error(location: Path, message: str, kind: type[PackageError] = PackageError) -> PackageError:
    return kind(message, file=str(location))


def _sort_key(path: str) -> tuple[str, str]:
    return path.lower(), path


def _member_path(location: Path, raw_name: str) -> str:
    """Return the normalised path of a member, or raise if its name is unsafe."""

    def unsafe(problem: str) -> PackageError:
        return _error(location, f"member {raw_name!r} {problem}")

    control = next((char for char in raw_name if ord(char) < 0x20 or ord(char) == 0x7F), None)
    if control is not None:
        raise unsafe(f"has a NUL or control character ({control!r}) in its name")
    name = raw_name.replace("\\", "/")
    if name.startswith("/"):
        raise unsafe("has an absolute path, which would point outside the package")
    if _DRIVE.match(name):
        raise unsafe("starts with a drive letter, which would point outside the package")
    segments = []
    for segment in name.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            raise unsafe("has a '..' segment, which would point outside the package")
        if not segment.rstrip(". "):
            # Windows drops trailing dots and spaces, so '... ' can act as '..'.
            raise unsafe(f"has a name made only of dots and spaces ({segment!r})")
        segments.append(segment)
    return "/".join(segments)


def _member_paths(location: Path, raw_names: list[str]) -> list[str]:
    """The normalised path of each member (see :func:`_member_path`), refusing the first unsafe one.

    Most packages' names need nothing dropped or refused, and one look at all
    of them together shows it: no control character (``isprintable``), no
    backslash, and no segment that is empty, starts with a dot or a space, or
    could be a drive. Only otherwise is each name looked at on its own.
    """
    joined = "/" + "/".join(raw_names) + "/"
    if joined.isprintable() and not _NEEDS_A_CLOSER_LOOK.search(joined):
        return raw_names
    return [_member_path(location, raw) for raw in raw_names]


def _check_totals(location: Path, limits: Limits, count: int, total: int) -> None:
    if count > limits.max_entries:
        problem = f"has more than {limits.max_entries} entries (Limits.max_entries)"
    elif total > limits.max_total_size:
        problem = f"expands to over {limits.max_total_size} bytes (Limits.max_total_size)"
    else:
        return
    message = f"the package {problem}, a likely zip bomb; raise the limit only if you trust it"
    raise _error(location, message, LimitExceededError)


def _index(
    location: Path,
    limits: Limits,
    files: Iterable[tuple[str, int, int]],
    folders: Iterable[str],
) -> tuple[tuple[Entry, ...], tuple[str, ...]]:
    """Check names and totals; return the sorted files and every folder they imply.

    ``files`` holds ``(raw_name, size, compressed_size)``; ``folders`` the raw
    names of explicit folder entries.
    """
    files = list(files)
    paths = _member_paths(location, [raw for raw, _, _ in files])
    entries = [Entry(path, raw, size, packed) for path, (raw, size, packed) in zip(paths, files, strict=True)]
    directories = {path for path in _member_paths(location, list(folders)) if path}
    _check_totals(location, limits, len(entries) + len(directories), sum(entry.size for entry in entries))
    # Windows, and so Automation, holds one file per case-insensitive path.
    seen: dict[str, Entry] = {}
    for entry in entries:
        other = seen.setdefault(entry.path.lower(), entry)
        if other is entry:
            continue
        if other.path == entry.path:
            problem = f"member {entry.path!r} is stored twice (as {other.raw_name!r} and "
            problem += f"{entry.raw_name!r})"
        else:
            problem = f"members {other.path!r} and {entry.path!r} differ only in letter case"
        raise _error(location, f"{problem}; Windows and Automation can hold only one")
    implied: set[str] = set()
    for parent in {entry.path.rpartition("/")[0] for entry in entries}:  # a package has far fewer folders than files
        while parent and parent not in implied:
            implied.add(parent)
            parent = parent.rpartition("/")[0]
    directories |= implied
    folded = {path.lower(): path for path in directories}
    if clashes := seen.keys() & folded.keys():
        entry = seen[min(clashes)]
        problem = f"is also a folder ({folded[entry.path.lower()]!r}); Windows cannot hold both"
        raise _error(location, f"member {entry.path!r} {problem}")
    # The lower-case paths are unique, so ordering by them alone orders by (lower case, exact).
    return tuple(seen[key] for key in sorted(seen)), tuple(sorted(directories, key=_sort_key))


class PackageSource(abc.ABC):
    """The listed members of a package and bounded reading of their bytes.

    Use :func:`open_source` to get one; close it (or use ``with``) to release
    the file handle that reading opens.

    Attributes
    ----------
    kind : str
        ``'zip'``, ``'nupkg'`` or ``'folder'``.
    location : pathlib.Path
        The package file or folder, as given.
    limits : Limits
        The bounds the package was checked against and reads are held to.
    entries : tuple of Entry
        Files only, sorted by path case-insensitively, then exactly.
    directories : tuple of str
        Every folder path, whether implied by a file or stored (possibly empty).
    """

    kind: str
    location: Path
    limits: Limits
    entries: tuple[Entry, ...]
    directories: tuple[str, ...]
    _closed = False

    def __init__(self, index: tuple[tuple[Entry, ...], tuple[str, ...]]) -> None:
        self.entries, self.directories = index
        self._by_path = {entry.path: entry for entry in self.entries}

    @functools.cached_property
    def _by_folded(self) -> dict[str, Entry]:
        return {entry.path.lower(): entry for entry in self.entries}

    @property
    def size(self) -> int:
        """Total uncompressed size of all members, in bytes."""
        return sum(entry.size for entry in self.entries)

    @property
    @abc.abstractmethod
    def compressed_size(self) -> int:
        """Bytes on disk: the zip's file size, or the folder's total size."""

    def entry(self, path: str) -> Entry:
        """Return the entry at ``path``, matched exactly first, then ignoring case.

        Raises
        ------
        PackageError
            When no file has that path (a folder is not a file).
        """
        found = self._by_path.get(path) or self._by_folded.get(path.lower())
        if found is not None:
            return found
        what = "is a folder, not a file" if path.strip("/") in self.directories else "not found"
        raise _error(self.location, f"member {path!r} {what}")

    def read(self, path: str) -> bytes:
        """Return the bytes of the member at ``path`` (see :meth:`entry`).

        Raises
        ------
        LimitExceededError
            When the member is larger than ``Limits.max_member_size``.
        PackageError
            When there is no such member, or its data is damaged.
        """
        if self._closed:
            raise ValueError(f"{self.location} is closed; open it again to read from it")
        entry = self.entry(path)
        if entry.size > self.limits.max_member_size:
            problem = f"is over {self.limits.max_member_size} bytes (Limits.max_member_size)"
            raise _error(self.location, f"member {entry.path!r} {problem}", LimitExceededError)
        return self._read(entry)

    @abc.abstractmethod
    def _read(self, entry: Entry) -> bytes: ...

    def close(self) -> None:
        """Release any open file handle; the listing stays available."""
        self._closed = True

    def __enter__(self) -> PackageSource:
        """Return the source itself; leaving the block closes it."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the source, whether or not the block raised."""
        self.close()

    def __del__(self) -> None:
        """Close a source nobody closed, so it never keeps its file open."""
        self.close()

    def __repr__(self) -> str:
        """Name the kind, location and size, for notebooks."""
        return (
            f"<{type(self).__name__} {self.kind} {str(self.location)!r}: {len(self.entries)} files, {self.size} bytes>"
        )


def _fingerprint(info: os.stat_result) -> tuple[int, ...]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class ZipSource(PackageSource):
    """A zip or ``.nupkg`` package, listed from its central directory alone.

    The file is opened again, and kept open until :meth:`close`, only when a
    member is first read, so a package that is only listed holds no handle.
    """

    _handle: tuple[BinaryIO, zipfile.ZipFile, dict[str, zipfile.ZipInfo]] | None = None

    def __init__(self, location: Path, *, kind: str = "zip", limits: Limits | None = None) -> None:
        self.kind, self.location, self.limits = kind, location, limits or Limits()
        try:
            with open(location, "rb") as file:
                self._fingerprint = _fingerprint(os.fstat(file.fileno()))
                head = file.read(4)
                members = read_directory(file)
        except UnicodeDecodeError as exc:
            message = f"member name {exc.object!r} is marked as UTF-8 but is not valid UTF-8"
            raise _error(location, message) from None
        except (zipfile.BadZipFile, NotImplementedError) as exc:
            # Every zip starts with a local header: then it was cut short or damaged.
            problem = "truncated or damaged zip" if head == b"PK\x03\x04" else "not a zip"
            raise _error(location, f"{problem} archive ({exc})") from None
        except OSError as exc:
            raise _error(location, f"cannot be opened ({exc.strerror})") from None
        # The central directory is already read, but it costs at most the file's size.
        _check_totals(location, self.limits, len(members), 0)
        floor, ratio = self.limits.ratio_floor, self.limits.max_ratio
        files: list[tuple[str, int, int]] = []
        folders: list[str] = []
        for name, flags, attributes, size, packed in members:
            if flags & _ENCRYPTED or stat.S_ISLNK(attributes >> 16) or size > max(floor, ratio * packed):
                self._refuse(name, flags, attributes, size, packed)
            if name.endswith(("/", "\\")):  # Compress-Archive on Windows PowerShell 5.1 writes 'Mod\\Sub\\'
                folders.append(name)
            else:
                files.append((name, size, packed))
        super().__init__(_index(location, self.limits, files, folders))
        self._size_on_disk = self._fingerprint[2]

    def _refuse(self, name: str, flags: int, attributes: int, size: int, packed: int) -> None:
        """Refuse a member that is encrypted, a link, or expands more than ``Limits.max_ratio``."""
        if flags & _ENCRYPTED:
            problem = "is encrypted; repack the package without a password"
        elif stat.S_ISLNK(attributes >> 16):
            problem = "is a symbolic link, which may point outside the package"
        else:
            message = (
                f"member {name!r} expands from {packed} to {size} bytes, "
                f"more than Limits.max_ratio ({self.limits.max_ratio:g} times), a likely zip bomb"
            )
            raise _error(self.location, message, LimitExceededError)
        raise _error(self.location, f"member {name!r} {problem}")

    @property
    def compressed_size(self) -> int:
        """Size of the zip file, in bytes."""
        return self._size_on_disk

    def _archive(self) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
        """The zip open for reading, and its members by stored name: made on the first read, then kept."""
        if self._handle is None:
            file = open(self.location, "rb")  # kept open until close()
            try:
                if _fingerprint(os.fstat(file.fileno())) != self._fingerprint:
                    raise _error(self.location, "the file changed since it was opened; reopen it")
                archive = zipfile.ZipFile(file)
                self._handle = file, archive, {info.orig_filename: info for info in archive.infolist()}
            except BaseException:
                file.close()
                raise
        return self._handle[1:]

    def _read(self, entry: Entry) -> bytes:
        try:
            archive, infos = self._archive()
        except _DAMAGED as exc:
            raise _error(self.location, f"cannot be opened again ({exc})") from None
        info = infos.get(entry.raw_name)
        if info is None:  # zipfile read the directory otherwise (its own rules for the same bytes)
            raise _error(self.location, f"member {entry.path!r} is not in the zip as zipfile reads it; it is damaged")
        chunks: list[bytes] = []
        total = 0
        try:
            # Read through the ZipInfo that was checked, and count: a header that
            # lies about the size must not make us hold more than it declares.
            with archive.open(info) as stream:
                while total <= entry.size and (chunk := stream.read(_CHUNK)):
                    chunks.append(chunk)
                    total += len(chunk)
        except NotImplementedError:  # e.g. Deflate64, which Windows Explorer writes
            method = info.compress_type
            problem = f"uses compression method {method}, which amkit cannot read; repack it"
            raise _error(self.location, f"member {entry.path!r} {problem}") from None
        except _DAMAGED as exc:
            problem = f"is damaged and cannot be read ({type(exc).__name__}: {exc})"
            raise _error(self.location, f"member {entry.path!r} {problem}") from None
        if total != entry.size:
            held = f"more than {entry.size}" if total > entry.size else f"{total}"
            problem = f"holds {held} bytes, not the {entry.size} its header declares"
            raise _error(self.location, f"member {entry.path!r} {problem}; it is damaged")
        return b"".join(chunks)

    def close(self) -> None:
        """Close the zip file if a read opened it."""
        super().close()
        if self._handle is not None:
            file, archive, _ = self._handle
            self._handle = None
            archive.close()
            file.close()


class FolderSource(PackageSource):
    """A module folder, walked once without following links.

    Entry paths are relative to ``location`` itself: the caller decides how the
    folder's name relates to the module's.
    """

    kind = "folder"

    def __init__(self, location: Path, *, limits: Limits | None = None) -> None:
        self.location, self.limits = location, limits or Limits()
        self._root = os.path.realpath(location)
        self._real_paths: dict[str, str] = {}
        files: list[tuple[str, int, int]] = []
        folders: list[str] = []
        total = 0
        pending = [("", os.fspath(location))]
        while pending:
            prefix, directory = pending.pop()
            try:
                with os.scandir(directory) as listing:
                    items = list(listing)
            except OSError as exc:
                message = f"cannot list folder {prefix or '.'!r} ({exc.strerror})"
                raise _error(location, message) from None
            for item in items:
                raw = prefix + item.name
                info = item.stat(follow_symlinks=False)
                if item.is_symlink() or getattr(info, "st_reparse_tag", 0) == _JUNCTION_TAG:
                    message = f"refusing symlink {raw!r} that may point outside the package"
                    raise _error(location, f"{message}; put the file or folder itself there")
                if stat.S_ISDIR(info.st_mode):
                    folders.append(raw)
                    pending.append((raw + "/", item.path))
                elif stat.S_ISREG(info.st_mode):
                    files.append((raw, info.st_size, info.st_size))
                    total += info.st_size
                    self._real_paths[raw] = item.path
                else:
                    raise _error(location, f"member {raw!r} is not a regular file or folder")
                # Stop as soon as a limit is passed, before walking the rest of a huge tree.
                _check_totals(location, self.limits, len(files) + len(folders), total)
        super().__init__(_index(location, self.limits, files, folders))

    @property
    def compressed_size(self) -> int:
        """Total size of the files, in bytes: a folder is not compressed."""
        return self.size

    def _read(self, entry: Entry) -> bytes:
        real = self._real_paths[entry.raw_name]
        # The folder may have changed since it was walked: never follow a link now.
        inside = os.path.commonpath([os.path.realpath(real), self._root]) == self._root
        if os.path.islink(real) or not inside:
            problem = "became a link or leads outside the package folder since it was opened"
            raise _error(self.location, f"refusing member {entry.path!r}: it {problem}")
        # O_NONBLOCK so that a file swapped for a FIFO cannot make open() wait forever.
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(real, flags | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise _error(self.location, f"member {entry.path!r} is no longer a file")
                data = file.read(self.limits.max_member_size + 1)
        except OSError as exc:
            message = f"member {entry.path!r} cannot be read ({exc.strerror})"
            raise _error(self.location, message) from None
        if len(data) > self.limits.max_member_size:
            problem = f"grew past Limits.max_member_size ({self.limits.max_member_size} bytes)"
            raise _error(self.location, f"member {entry.path!r} {problem}", LimitExceededError)
        return data


def open_source(path: str | os.PathLike[str], *, limits: Limits | None = None) -> PackageSource:
    """Open a package for reading: a folder, a ``.nupkg`` or any other file as a zip.

    Only the zip's central directory (or the folder's listing) is read here;
    members are decompressed by :meth:`PackageSource.read`.

    Parameters
    ----------
    path
        The package file or module folder.
    limits
        Bounds on entries, sizes and compression ratios; the defaults by default.

    Returns
    -------
    PackageSource
        A :class:`FolderSource` or :class:`ZipSource`; close it, or use ``with``.

    Raises
    ------
    PackageError
        When the path does not exist, is not a zip, or holds an unsafe member.
    LimitExceededError
        When the package passes one of ``limits``.
    """
    location = Path(path)
    if location.is_dir():
        return FolderSource(location, limits=limits)
    if not location.exists():
        raise _error(location, "no such file or folder")
    kind = "nupkg" if location.name.lower().endswith(".nupkg") else "zip"
    return ZipSource(location, kind=kind, limits=limits)
