"""Tests of amkit.package.archive: safe, bounded reading of untrusted packages."""

from __future__ import annotations

import builtins
import gc
import io
import os
import stat
import struct
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from amkit.errors import LimitExceededError, PackageError
from amkit.limits import Limits
from amkit.package.archive import Entry, FolderSource, ZipSource, open_source

# A source that is garbage-collected unclosed must not leave a file open.
pytestmark = pytest.mark.filterwarnings("error::ResourceWarning")

LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
Member = tuple[str | zipfile.ZipInfo, bytes]


def write_zip(path: Path, members: list[Member], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def header_offsets(data: bytes, name: bytes) -> list[tuple[bytes, int]]:
    """Return (signature, offset) of the local and the central header of member ``name``."""
    found = []
    for signature, name_at, length_at in ((LOCAL, 30, 26), (CENTRAL, 46, 28)):
        position = data.find(signature)
        while position >= 0:
            (length,) = struct.unpack_from("<H", data, position + length_at)
            if data[position + name_at : position + name_at + length] == name:
                found.append((signature, position))
            position = data.find(signature, position + 1)
    assert [signature for signature, _ in found] == [LOCAL, CENTRAL]
    return found


def patch_header(path: Path, name: str, *, flag_bits: int = 0, declared_size: int | None = None) -> None:
    """Set general-purpose flag bits in both headers, or the size the central one declares."""
    data = bytearray(path.read_bytes())
    for signature, position in header_offsets(bytes(data), name.encode()):
        flags_at = position + (6 if signature == LOCAL else 8)
        (flags,) = struct.unpack_from("<H", data, flags_at)
        struct.pack_into("<H", data, flags_at, flags | flag_bits)
        if declared_size is not None and signature == CENTRAL:
            struct.pack_into("<I", data, position + 24, declared_size)
    path.write_bytes(bytes(data))


def replace_bytes(path: Path, old: bytes, new: bytes) -> None:
    """Replace a stored name in the local and the central header, keeping its length."""
    data = path.read_bytes()
    assert len(old) == len(new) and data.count(old) == 2
    path.write_bytes(data.replace(old, new))


def corrupt_data(path: Path, name: str) -> None:
    """Overwrite a member's compressed bytes, leaving every header intact."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    path.write_bytes(bytes(data))


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, where the mode's file type is meaningful
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def make_tree(root: Path, files: dict[str, bytes | None]) -> Path:
    """Create files (``None`` for an empty folder) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = root / name
        if data is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return root


def symlink_or_skip(target: Path, link: Path, *, is_dir: bool = False) -> None:
    try:
        link.symlink_to(target, target_is_directory=is_dir)
    except OSError as exc:  # Windows without the privilege to create links
        pytest.skip(f"cannot create a symlink here: {exc}")


# --- opening a zip ---------------------------------------------------------------


def test_lists_files_and_folders_from_the_central_directory(tmp_path: Path) -> None:
    members: list[Member] = [
        ("Mod/Mod.psd1", b"@{ ModuleVersion = '1.0' }"),
        ("Mod/Empty/", b""),
        ("Mod/en-US/about_Mod.help.txt", b"help"),
        ("README.md", b"read me"),
        ("Mod/Mod.psm1", b"function Get-Thing {}"),
    ]
    path = write_zip(tmp_path / "Mod.zip", members, zipfile.ZIP_STORED)

    with open_source(path) as source:
        assert isinstance(source, ZipSource)
        assert (source.kind, source.location) == ("zip", path)
        assert source.entries == (
            Entry("Mod/en-US/about_Mod.help.txt", "Mod/en-US/about_Mod.help.txt", 4, 4),
            Entry("Mod/Mod.psd1", "Mod/Mod.psd1", 26, 26),
            Entry("Mod/Mod.psm1", "Mod/Mod.psm1", 21, 21),
            Entry("README.md", "README.md", 7, 7),
        )
        assert source.directories == ("Mod", "Mod/Empty", "Mod/en-US")
        assert source.size == 58
        assert source.compressed_size == path.stat().st_size
        assert repr(source) == f"<ZipSource zip {str(path)!r}: 4 files, 58 bytes>"


def test_sorts_ignoring_case_then_exactly(tmp_path: Path) -> None:
    names = ["b.txt", "A.txt", "mod/y.txt", "a_b.txt", "C/d.txt", "Mod/x.txt"]
    path = write_zip(tmp_path / "sorted.zip", [(name, b"") for name in names])

    with open_source(path) as source:
        assert [entry.path for entry in source.entries] == [
            "A.txt",
            "a_b.txt",
            "b.txt",
            "C/d.txt",
            "Mod/x.txt",
            "mod/y.txt",
        ]
        assert source.directories == ("C", "Mod", "mod")


def test_backslash_names_are_normalised_and_keep_their_raw_name(tmp_path: Path) -> None:
    # What Compress-Archive in Windows PowerShell 5.1 writes.
    members: list[Member] = [
        ("Mod\\Mod.psd1", b"@{}"),
        ("Mod\\Sub\\", b""),
        ("Mod\\Sub\\Helper.ps1", b"1"),
    ]
    path = write_zip(tmp_path / "ps51.zip", members, zipfile.ZIP_STORED)

    with open_source(path) as source:
        assert source.entries == (
            Entry("Mod/Mod.psd1", "Mod\\Mod.psd1", 3, 3),
            Entry("Mod/Sub/Helper.ps1", "Mod\\Sub\\Helper.ps1", 1, 1),
        )
        assert source.directories == ("Mod", "Mod/Sub")
        assert source.read("Mod/Mod.psd1") == b"@{}"


def test_empty_and_dot_segments_are_dropped(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "dots.zip", [("./Mod//Mod.psd1", b"@{}"), ("./", b"")])

    with open_source(path) as source:
        assert [(e.path, e.raw_name) for e in source.entries] == [("Mod/Mod.psd1", "./Mod//Mod.psd1")]
        assert source.directories == ("Mod",)


def test_names_without_the_utf8_flag_are_cp437(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "dos.zip", [("Mod/caf~.txt", b"x"), ("Mod/Modülé.psd1", b"y")])
    replace_bytes(path, b"Mod/caf~.txt", b"Mod/caf\x82.txt")  # 0x82 is 'é' in code page 437

    with open_source(path) as source:
        assert [entry.path for entry in source.entries] == ["Mod/café.txt", "Mod/Modülé.psd1"]


def test_os_junk_is_listed_not_skipped(tmp_path: Path) -> None:
    members: list[Member] = [
        ("Mod/Mod.psd1", b"@{}"),
        ("Mod/.DS_Store", b"\0"),
        ("__MACOSX/Mod/._Mod.psd1", b"\0"),
    ]
    path = write_zip(tmp_path / "mac.zip", members)

    with open_source(path) as source:
        assert [entry.path for entry in source.entries] == [
            "__MACOSX/Mod/._Mod.psd1",
            "Mod/.DS_Store",
            "Mod/Mod.psd1",
        ]
        assert source.directories == ("__MACOSX", "__MACOSX/Mod", "Mod")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Mod.zip", "zip"),
        ("Mod.1.0.0.nupkg", "nupkg"),
        ("MOD.NUPKG", "nupkg"),
        ("Mod.bin", "zip"),
    ],
)
def test_kind_follows_the_file_name(tmp_path: Path, name: str, kind: str) -> None:
    path = write_zip(tmp_path / name, [("Mod.psd1", b"@{}")])
    with open_source(str(path)) as source:
        assert source.kind == kind


def test_a_missing_path_is_a_package_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.zip"
    with pytest.raises(PackageError) as caught:
        open_source(path)
    assert str(caught.value) == f"{path}: no such file or folder"


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.zip", b"hello, not a zip"), ("empty.zip", b""), ("Mod.nupkg", b"<xml/>" * 100)],
)
def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PackageError) as caught:
        open_source(path)
    assert caught.type is PackageError
    assert str(caught.value) == f"{path}: not a zip archive (File is not a zip file)"


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    members: list[Member] = [(f"Mod/f{i}.ps1", b"Write-Output 'hello'\n" * 50) for i in range(4)]
    path = write_zip(tmp_path / "Mod.zip", members)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(PackageError) as caught:
        open_source(path)
    assert caught.type is PackageError
    assert str(caught.value).startswith(f"{path}: truncated or damaged zip archive (")


@dataclass
class Bad:
    """A zip amkit must refuse to open, and what the error must say."""

    members: list[Member]
    error: type[PackageError]
    says: tuple[str, ...]
    patch: Callable[[Path], None] | None = None
    limits: Limits | None = None


def _name(raw: str) -> str:
    return repr(raw)  # how the message quotes a member name


BAD_ZIPS = {
    "encrypted": Bad(
        [("Mod/Mod.psd1", b"@{}")],
        PackageError,
        ("member 'Mod/Mod.psd1' is encrypted",),
        patch=lambda path: patch_header(path, "Mod/Mod.psd1", flag_bits=0x1),
    ),
    "parent segment": Bad([("Mod/../../evil.ps1", b"x")], PackageError, ("'Mod/../../evil.ps1'", "'..' segment")),
    "parent segment with backslashes": Bad(
        [("Mod\\..\\evil.ps1", b"x")], PackageError, (_name("Mod\\..\\evil.ps1"), "'..' segment")
    ),
    "absolute": Bad([("/etc/evil.ps1", b"x")], PackageError, ("'/etc/evil.ps1'", "absolute path")),
    "absolute with backslash": Bad([("\\evil.ps1", b"x")], PackageError, (_name("\\evil.ps1"), "absolute path")),
    "UNC path": Bad(
        [("\\\\server\\share\\x.ps1", b"x")],
        PackageError,
        (_name("\\\\server\\share\\x.ps1"), "absolute path"),
    ),
    "drive-relative": Bad([("C:evil.ps1", b"x")], PackageError, ("'C:evil.ps1'", "drive letter")),
    "drive-absolute": Bad([("C:/Windows/evil.ps1", b"x")], PackageError, ("'C:/Windows/evil.ps1'", "drive letter")),
    "drive with backslash": Bad([("c:\\evil.ps1", b"x")], PackageError, (_name("c:\\evil.ps1"), "drive letter")),
    "NUL in name": Bad(
        [("Mod/evilX.ps1", b"x")],
        PackageError,
        (_name("Mod/evil\x00.ps1"), "NUL or control character ('\\x00')"),
        patch=lambda path: replace_bytes(path, b"Mod/evilX.ps1", b"Mod/evil\x00.ps1"),
    ),
    "control character": Bad([("Mod/a\x01b.ps1", b"x")], PackageError, (_name("Mod/a\x01b.ps1"), "control character")),
    "newline": Bad([("Mod/a\nb.ps1", b"x")], PackageError, (_name("Mod/a\nb.ps1"), "control character")),
    "dots and spaces": Bad([("Mod/.. /x.ps1", b"x")], PackageError, ("'Mod/.. /x.ps1'", "only of dots and spaces")),
    "symlink": Bad(
        [(symlink_info("Mod/link.ps1"), b"/etc/passwd")],
        PackageError,
        ("member 'Mod/link.ps1' is a symbolic link",),
    ),
    "duplicate": Bad(
        [("Mod/Mod.psd1", b"1"), ("Mod/Mod.psd1", b"2")],
        PackageError,
        ("member 'Mod/Mod.psd1' is stored twice",),
    ),
    "duplicate by separator": Bad(
        [("Mod\\Mod.psd1", b"1"), ("Mod/Mod.psd1", b"2")],
        PackageError,
        ("member 'Mod/Mod.psd1' is stored twice", _name("Mod\\Mod.psd1")),
    ),
    "case collision": Bad(
        [("A/x.psd1", b"1"), ("a/X.psd1", b"2")],
        PackageError,
        ("members 'A/x.psd1' and 'a/X.psd1' differ only in letter case",),
    ),
    "file and folder": Bad(
        [("Mod/x", b"1"), ("Mod/X/y", b"2")],
        PackageError,
        ("member 'Mod/x' is also a folder ('Mod/X')",),
    ),
    "undecodable name": Bad(
        [("Mod/é.psd1", b"@{}")],
        PackageError,
        ("member name b'Mod/\\xff\\xfe.psd1' is marked as UTF-8 but is not valid UTF-8",),
        patch=lambda path: replace_bytes(path, "Mod/é.psd1".encode(), b"Mod/\xff\xfe.psd1"),
    ),
    "too many entries": Bad(
        [("a", b""), ("b", b""), ("c", b"")],
        LimitExceededError,
        ("more than 2 entries (Limits.max_entries)", "zip bomb"),
        limits=Limits(max_entries=2),
    ),
    "too large in total": Bad(
        [("a", b"a" * 600), ("b", b"b" * 600)],
        LimitExceededError,
        ("over 1000 bytes (Limits.max_total_size)", "zip bomb"),
        limits=Limits(max_total_size=1000),
    ),
    "compression ratio": Bad(
        [("Mod/bomb.txt", b"\0" * 100_000)],
        LimitExceededError,
        ("member 'Mod/bomb.txt' expands from", "to 100000 bytes", "Limits.max_ratio (10 times)"),
        limits=Limits(ratio_floor=1000, max_ratio=10),
    ),
}


@pytest.mark.parametrize("case", BAD_ZIPS.values(), ids=BAD_ZIPS.keys())
def test_an_unsafe_zip_is_refused_naming_problem_and_member(tmp_path: Path, case: Bad) -> None:
    path = write_zip(tmp_path / "Mod.zip", case.members)
    if case.patch is not None:
        case.patch(path)

    with pytest.raises(PackageError) as caught:
        open_source(path, limits=case.limits)

    assert caught.type is case.error
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for fragment in case.says:
        assert fragment in message
    assert caught.value.file == str(path)


def test_small_members_may_compress_very_well(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/blank.txt", b" " * 1000)])
    limits = Limits(ratio_floor=1000, max_ratio=2)
    with open_source(path, limits=limits) as source:
        assert source.read("Mod/blank.txt") == b" " * 1000


def test_limits_must_be_positive() -> None:
    assert Limits(ratio_floor=0).ratio_floor == 0
    with pytest.raises(ValueError, match="limits must be positive"):
        Limits(max_entries=0)
    with pytest.raises(ValueError, match="limits must be positive"):
        Limits(ratio_floor=-1)


# --- reading zip members -----------------------------------------------------------


def test_read_matches_exactly_then_ignoring_case(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}"), ("Mod/Mod.psm1", b"x")])
    with open_source(path) as source:
        assert source.read("Mod/Mod.psd1") == b"@{}"
        assert source.read("mod/MOD.PSM1") == b"x"
        assert source.entry("MOD/mod.psd1") == source.entries[0]


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("Mod/Missing.ps1", "member 'Mod/Missing.ps1' not found"),
        ("Mod", "member 'Mod' is a folder, not a file"),
    ],
)
def test_read_of_an_absent_member_names_it(tmp_path: Path, asked: str, message: str) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}")])
    with open_source(path) as source, pytest.raises(PackageError) as caught:
        source.read(asked)
    assert str(caught.value) == f"{path}: {message}"


def test_read_refuses_a_member_over_max_member_size(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/big.txt", b"x" * 11), ("Mod/ok.txt", b"y" * 10)])
    with open_source(path, limits=Limits(max_member_size=10)) as source:
        assert source.read("Mod/ok.txt") == b"y" * 10
        with pytest.raises(LimitExceededError) as caught:
            source.read("Mod/big.txt")
    assert str(caught.value) == (f"{path}: member 'Mod/big.txt' is over 10 bytes (Limits.max_member_size)")


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_opening_does_not_decompress_and_damage_shows_on_read(tmp_path: Path, compression: int) -> None:
    members: list[Member] = [
        ("Mod/broken.ps1", b"Write-Output 'hello'\n" * 100),
        ("Mod/Mod.psd1", b"@{}"),
    ]
    path = write_zip(tmp_path / "Mod.zip", members, compression)
    corrupt_data(path, "Mod/broken.ps1")

    with open_source(path) as source:
        assert [entry.path for entry in source.entries] == ["Mod/broken.ps1", "Mod/Mod.psd1"]
        assert source.read("Mod/Mod.psd1") == b"@{}"
        with pytest.raises(PackageError) as caught:
            source.read("Mod/broken.ps1")
    assert caught.type is PackageError
    assert str(caught.value).startswith(f"{path}: member 'Mod/broken.ps1' is damaged and cannot be read (")


def test_an_unsupported_compression_method_is_named_on_read(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psm1", b"function f {}")])
    data = bytearray(path.read_bytes())
    for signature, position in header_offsets(bytes(data), b"Mod/Mod.psm1"):
        struct.pack_into("<H", data, position + (8 if signature == LOCAL else 10), 9)  # Deflate64
    path.write_bytes(bytes(data))

    with open_source(path) as source, pytest.raises(PackageError) as caught:
        source.read("Mod/Mod.psm1")
    assert str(caught.value) == (
        f"{path}: member 'Mod/Mod.psm1' uses compression method 9, which amkit cannot read; repack it"
    )


def test_opening_never_opens_a_member(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}")], zipfile.ZIP_STORED)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened while opening the package")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    with open_source(path) as source:
        assert source.entries == (Entry("Mod/Mod.psd1", "Mod/Mod.psd1", 3, 3),)


def test_a_declared_size_smaller_than_the_data_is_damage(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psm1", b"function f {}\n" * 400)])
    patch_header(path, "Mod/Mod.psm1", declared_size=10)

    with open_source(path) as source:
        assert source.entries[0].size == 10
        with pytest.raises(PackageError) as caught:
            source.read("Mod/Mod.psm1")
    assert "member 'Mod/Mod.psm1' is damaged" in str(caught.value)


def test_a_declared_size_larger_than_the_data_is_damage(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psm1", b"function f {}\n" * 400)])
    patch_header(path, "Mod/Mod.psm1", declared_size=6000)

    with open_source(path) as source, pytest.raises(PackageError) as caught:
        source.read("Mod/Mod.psm1")
    assert str(caught.value) == (
        f"{path}: member 'Mod/Mod.psm1' holds 5600 bytes, not the 6000 its header declares; it is damaged"
    )


def test_reading_stops_at_the_declared_size_whatever_the_stream_yields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psm1", b"x" * 5000)])
    calls = []

    def endless(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        calls.append(n)
        # Far more than declared (stopping at all only so that a broken reader fails, not hangs).
        return b"x" * 4096 if len(calls) < 1000 else b""

    with open_source(path) as source:
        monkeypatch.setattr(zipfile.ZipExtFile, "read", endless)
        with pytest.raises(PackageError) as caught:
            source.read("Mod/Mod.psm1")
    assert str(caught.value) == (
        f"{path}: member 'Mod/Mod.psm1' holds more than 5000 bytes, not the 5000 its header declares; it is damaged"
    )
    assert len(calls) == 2


def test_a_zip_changed_after_opening_is_not_read(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}")])
    with open_source(path) as source:
        write_zip(path, [("Mod/Mod.psd1", b"@{ RootModule = 'Other.psm1' }")])
        with pytest.raises(PackageError) as caught:
            source.read("Mod/Mod.psd1")
    assert str(caught.value) == f"{path}: the file changed since it was opened; reopen it"


def test_read_after_close_is_a_usage_error(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}")])
    source = open_source(path)
    source.close()
    assert source.entries[0].path == "Mod/Mod.psd1"
    with pytest.raises(ValueError, match="is closed"):
        source.read("Mod/Mod.psd1")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_file_handle_is_held_only_from_first_read_to_close(tmp_path: Path) -> None:
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    path = write_zip(tmp_path / "Mod.zip", [("Mod/Mod.psd1", b"@{}"), ("Mod/a.ps1", b"1")])
    before = open_files()

    source = open_source(path)
    assert open_files() == before  # listing only: nothing held
    source.read("Mod/Mod.psd1")
    source.read("Mod/a.ps1")
    assert open_files() == before + 1  # one handle, reused
    source.close()
    assert open_files() == before

    with open_source(path) as source:
        source.read("Mod/a.ps1")
    assert open_files() == before

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forgotten = open_source(path)
        forgotten.read("Mod/a.ps1")
        del forgotten  # never closed: collecting it must close the file, not warn
        gc.collect()
    assert [w.message for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert open_files() == before


def test_nothing_is_written_or_extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members: list[Member] = [("Mod/Mod.psd1", b"@{}"), ("Mod/Sub/", b""), ("Mod/Sub/a.ps1", b"1")]
    path = write_zip(tmp_path / "Mod.zip", members)
    folder = make_tree(tmp_path / "Folder", {"Mod.psd1": b"@{}", "Sub/a.ps1": b"1"})
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def tree() -> list[tuple[str, int]]:
        return sorted((str(p), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))

    before = tree()
    real_open, real_os_open = builtins.open, os.open
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def read_only_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        assert not set(mode) & set("wax+"), f"opened {file!r} for writing"
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    def read_only_os_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
        assert not flags & writes, f"opened {file!r} for writing"
        return real_os_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.setattr(io, "open", read_only_open)
    monkeypatch.setattr(os, "open", read_only_os_open)
    for location in (path, folder):
        with open_source(location) as source:
            for entry in source.entries:
                source.read(entry.path)
    monkeypatch.undo()

    assert tree() == before
    assert list(work.iterdir()) == []


# --- folders -----------------------------------------------------------------------


def test_a_folder_is_listed_relative_to_itself(tmp_path: Path) -> None:
    folder = make_tree(
        tmp_path / "MyMod",
        {
            "MyMod.psd1": b"@{}",
            "MyMod.psm1": b"function f {}",
            "en-US/about_MyMod.help.txt": b"help",
            "Empty": None,
            ".DS_Store": b"\0\0",
            "__MACOSX/._MyMod.psd1": b"\0",
        },
    )

    with open_source(folder) as source:
        assert isinstance(source, FolderSource)
        assert (source.kind, source.location) == ("folder", folder)
        assert source.entries == (
            Entry(".DS_Store", ".DS_Store", 2, 2),
            Entry("__MACOSX/._MyMod.psd1", "__MACOSX/._MyMod.psd1", 1, 1),
            Entry("en-US/about_MyMod.help.txt", "en-US/about_MyMod.help.txt", 4, 4),
            Entry("MyMod.psd1", "MyMod.psd1", 3, 3),
            Entry("MyMod.psm1", "MyMod.psm1", 13, 13),
        )
        assert source.directories == ("__MACOSX", "Empty", "en-US")
        assert source.size == source.compressed_size == 23
        assert source.read("MyMod.psd1") == b"@{}"
        assert source.read("EN-us/ABOUT_mymod.help.txt") == b"help"


@pytest.mark.parametrize("is_dir", [False, True], ids=["file", "folder"])
def test_a_symlink_in_a_folder_is_refused(tmp_path: Path, is_dir: bool) -> None:
    outside = make_tree(tmp_path / "outside", {"secret.txt": b"secret"})
    folder = make_tree(tmp_path / "MyMod", {"MyMod.psd1": b"@{}"})
    target = outside if is_dir else outside / "secret.txt"
    symlink_or_skip(target, folder / "link", is_dir=is_dir)

    with pytest.raises(PackageError) as caught:
        open_source(folder)
    assert caught.type is PackageError
    assert str(caught.value) == (
        f"{folder}: refusing symlink 'link' that may point outside the package; put the file or folder itself there"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_in_a_folder_is_refused(tmp_path: Path) -> None:
    folder = make_tree(tmp_path / "MyMod", {"MyMod.psd1": b"@{}"})
    os.mkfifo(folder / "pipe")
    with pytest.raises(PackageError) as caught:
        open_source(folder)
    assert str(caught.value) == f"{folder}: member 'pipe' is not a regular file or folder"


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        (Limits(max_entries=3), "has more than 3 entries (Limits.max_entries)"),
        (Limits(max_total_size=100), "expands to over 100 bytes (Limits.max_total_size)"),
    ],
)
def test_folder_limits(tmp_path: Path, limits: Limits, says: str) -> None:
    folder = make_tree(tmp_path / "MyMod", {f"Sub/f{i}.ps1": b"x" * 30 for i in range(4)})
    with pytest.raises(LimitExceededError) as caught:
        open_source(folder, limits=limits)
    assert str(caught.value).startswith(f"{folder}: the package {says}, a likely zip bomb")


def test_folder_read_is_bounded(tmp_path: Path) -> None:
    folder = make_tree(tmp_path / "MyMod", {"big.txt": b"x" * 11, "grows.txt": b"x" * 5})
    with open_source(folder, limits=Limits(max_member_size=10)) as source:
        with pytest.raises(LimitExceededError, match=r"member 'big\.txt' is over 10 bytes"):
            source.read("big.txt")
        (folder / "grows.txt").write_bytes(b"x" * 50)
        with pytest.raises(LimitExceededError) as caught:
            source.read("grows.txt")
    assert str(caught.value) == (f"{folder}: member 'grows.txt' grew past Limits.max_member_size (10 bytes)")


@pytest.mark.parametrize("replaced", ["Sub/a.ps1", "Sub"])
def test_folder_read_refuses_what_became_a_link(tmp_path: Path, replaced: str) -> None:
    outside = make_tree(tmp_path / "outside", {"a.ps1": b"secret"})
    folder = make_tree(tmp_path / "MyMod", {"Sub/a.ps1": b"1"})
    with open_source(folder) as source:
        victim = folder / replaced
        if victim.is_dir():
            (victim / "a.ps1").unlink()
            victim.rmdir()
            symlink_or_skip(outside, victim, is_dir=True)
        else:
            victim.unlink()
            symlink_or_skip(outside / "a.ps1", victim)
        with pytest.raises(PackageError) as caught:
            source.read("Sub/a.ps1")
    assert str(caught.value) == (
        f"{folder}: refusing member 'Sub/a.ps1': it became a link or leads outside "
        "the package folder since it was opened"
    )


def test_folder_names_are_checked_like_zip_names(tmp_path: Path) -> None:
    folder = make_tree(tmp_path / "MyMod", {"a.psd1": b"1", "A.psd1": b"2"})
    if len(list(folder.iterdir())) < 2:
        pytest.skip("case-insensitive file system")
    with pytest.raises(PackageError, match="differ only in letter case"):
        open_source(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names cannot hold these")
def test_folder_names_with_backslashes_and_control_characters(tmp_path: Path) -> None:
    folder = make_tree(tmp_path / "MyMod", {"Sub\\x.ps1": b"1"})
    with open_source(folder) as source:
        assert source.entries == (Entry("Sub/x.ps1", "Sub\\x.ps1", 1, 1),)
        assert source.read("Sub/x.ps1") == b"1"

    (folder / "bad\x01.ps1").write_bytes(b"2")
    with pytest.raises(PackageError) as caught:
        open_source(folder)
    assert str(caught.value) == (
        f"{folder}: member 'bad\\x01.ps1' has a NUL or control character ('\\x01') in its name"
    )
