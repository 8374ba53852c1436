"""A zip's central directory in one pass: each member's name, flags, attributes and sizes.

``zipfile.ZipFile`` makes a ``ZipInfo`` object for every member and decodes
its dates and every extra field: several microseconds a member, and most of
the time it takes to list a package of thousands of files. A listing needs
five values a member, so :func:`read_directory` reads the end record and the
directory as ``zipfile`` does (the same search for the end record, Zip64
records as patched releases check them, data before the zip, name decoding
and extra-field checks, those of Python 3.12 included) and keeps only
those. Members are decompressed later through ``zipfile``, which reads the
directory again then, and only then: a zip the two read apart (a rule that
changed in a release) is refused on that first read, by name.

Errors are those ``zipfile`` raises for the same bytes, so a caller handles
both alike: :class:`zipfile.BadZipFile` for a damaged or foreign file,
:class:`NotImplementedError` for a zip version it cannot read,
:class:`UnicodeDecodeError` for a name marked UTF-8 that is not.
"""

from __future__ import annotations

import struct
import sys
import zlib
from typing import BinaryIO
from zipfile import BadZipFile

__all__ = ["Member", "read_directory"]

#: A member as listed: its name as stored (decoded as ``zipfile`` decodes it), general-purpose flags,
#: external attributes (a Unix mode in the high 16 bits), uncompressed and compressed size.
Member = tuple[str, int, int, int, int]

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_MAX_COMMENT = 0xFFFF
_LOCATOR = struct.Struct("<4sLQL")  # Zip64 end of central directory locator
_END64 = struct.Struct("<4sQ2H2L4Q")  # Zip64 end of central directory record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_EXTRA_HEADER = struct.Struct("<HH")
_ZIP64_EXTRA = 0x0001
_UNICODE_PATH_EXTRA = 0x7075
_UTF8_NAME = 0x800
_MAX_EXTRACT_VERSION = 63  # zipfile's own limit: 6.3
_UNSET32 = 0xFFFF_FFFF
_UNSET64 = 0xFFFF_FFFF_FFFF_FFFF


def _end_record(file: BinaryIO) -> tuple[int, int]:
    """The central directory's size, and where it starts in ``file`` (after any data before the zip).

    As ``zipfile`` finds it: the end record is the file's last 22 bytes, or
    the last of its signature within a comment's reach of the end; a Zip64
    locator just before it leads to the record that gives the size
    (:func:`_zip64_end`).
    """
    size = file.seek(0, 2)
    if size < _END.size:
        raise BadZipFile("File is not a zip file")
    file.seek(size - _END.size)
    tail = file.read()
    if not (tail.startswith(_END_SIGNATURE) and tail.endswith(b"\0\0")):
        search_from = max(size - _MAX_COMMENT - 1 - _END.size, 0)
        file.seek(search_from)
        tail = file.read()
        found = tail.rfind(_END_SIGNATURE)
        if found < 0 or len(tail) - found < _END.size:
            raise BadZipFile("File is not a zip file")
        tail = tail[found : found + _END.size]
        size = search_from + found + _END.size  # the file as far as the end record
    record = _END.unpack(tail)
    directory_size = record[5]
    location = size - _END.size
    zip64 = _zip64_end(file, location)
    if zip64 is not None:
        directory_size, location = zip64
    start = location - directory_size  # zipfile's start_dir: the stated offset plus any data before the zip
    if start < 0:
        raise BadZipFile("Bad offset for central directory")
    return directory_size, start


def _zip64_end(file: BinaryIO, location: int) -> tuple[int, int] | None:
    """The directory's size from the Zip64 records before the end record at ``location``, and where they start.

    ``None`` without a Zip64 locator. As CPython reads them since its fix for
    CVE-2025-8291: the record is where the locator says, or just before the
    locator when data precedes the zip, and the directory it describes must
    end where it starts. Releases without the fix, which take the 56 bytes
    before the locator on trust, read every valid zip the same.
    """
    if location < _LOCATOR.size:
        return None
    file.seek(location - _LOCATOR.size)
    signature, disk, stated, disks = _LOCATOR.unpack(file.read(_LOCATOR.size))
    if signature != b"PK\x06\x07":
        return None
    if disk != 0 or disks > 1:
        raise BadZipFile("zipfiles that span multiple disks are not supported")
    before_locator = location - _LOCATOR.size - _END64.size  # where a record without extensible data starts
    if stated > before_locator:
        raise BadZipFile("Corrupt zip64 end of central directory locator")
    extensible = before_locator - stated
    file.seek(stated)
    record = file.read(_END64.size)
    if not record.startswith(b"PK\x06\x06") and stated != before_locator:  # data before the zip moved it
        extensible = 0
        file.seek(before_locator)
        record = file.read(_END64.size)
    if len(record) != _END64.size or not record.startswith(b"PK\x06\x06"):
        raise BadZipFile("Zip64 end of central directory record not found")
    _, record_size, _, _, _, _, _, _, directory_size, directory_offset = _END64.unpack(record)
    if directory_offset + directory_size != stated or record_size + 12 != _END64.size + extensible:
        raise BadZipFile("Corrupt zip64 end of central directory record")
    return directory_size, before_locator - extensible


def _extra_fields(extra: bytes, raw_name: bytes, size: int, packed: int, offset: int) -> tuple[int, int]:
    """Check a member's extra fields as ``zipfile`` does; return its sizes, from a Zip64 field where they are unset.

    A Zip64 field holds, in this order, a 64-bit value for each of the size,
    compressed size and local header offset that is unset (all ones); a
    later one reads what an earlier one left. From Python 3.12 ``zipfile``
    also refuses a damaged Info-ZIP Unicode path field for the stored name.
    """
    while len(extra) >= _EXTRA_HEADER.size:
        kind, length = _EXTRA_HEADER.unpack_from(extra)
        if length + 4 > len(extra):
            raise BadZipFile(f"Corrupt extra field {kind:04x} (size={length})")
        data = extra[4 : length + 4]
        if kind == _ZIP64_EXTRA:
            if size in (_UNSET32, _UNSET64):
                size, data = _next64(data, "File size")
            if packed == _UNSET32:
                packed, data = _next64(data, "Compress size")
            if offset == _UNSET32:
                offset, data = _next64(data, "Header offset")
        elif kind == _UNICODE_PATH_EXTRA and sys.version_info >= (3, 12):
            _check_unicode_path(data, raw_name)
        extra = extra[length + 4 :]
    return size, packed


def _next64(data: bytes, field: str) -> tuple[int, bytes]:
    if len(data) < 8:
        raise BadZipFile(f"Corrupt zip64 extra field. {field} not found.")
    return int.from_bytes(data[:8], "little"), data[8:]


def _check_unicode_path(data: bytes, raw_name: bytes) -> None:
    if len(data) < 5:
        raise BadZipFile("Corrupt unicode path extra field (0x7075)")
    version, name_crc = struct.unpack_from("<BL", data)
    if version == 1 and name_crc == zlib.crc32(raw_name):
        try:
            data[5:].decode("utf-8")
        except UnicodeDecodeError:
            raise BadZipFile("Corrupt unicode path extra field (0x7075): invalid utf-8 bytes") from None


def read_directory(file: BinaryIO) -> list[Member]:
    """List the members of the zip open in ``file`` (binary, seekable), in directory order.

    Raises
    ------
    zipfile.BadZipFile
        When ``file`` is not a zip, or its end record or directory is damaged.
    NotImplementedError
        When a member needs a zip version above 6.3.
    UnicodeDecodeError
        When a name marked as UTF-8 is not.
    """
    directory_size, start = _end_record(file)
    file.seek(start)
    data = file.read(directory_size)
    if len(data) < directory_size:
        raise BadZipFile("Truncated central directory")
    members: list[Member] = []
    unpack = _CENTRAL.unpack_from
    header = _CENTRAL.size
    position = 0
    while position < directory_size:
        if position + header > directory_size:
            raise BadZipFile("Truncated central directory")
        fields = unpack(data, position)
        if fields[0] != _CENTRAL_SIGNATURE:
            raise BadZipFile("Bad magic number for central directory")
        flags, packed, size, name_length, extra_length = fields[5], fields[10], fields[11], fields[12], fields[13]
        name_end = position + header + name_length
        raw = data[position + header : name_end]
        if flags & _UTF8_NAME:
            name = raw.decode("utf-8")
        else:
            name = raw.decode("ascii") if raw.isascii() else raw.decode("cp437")
        if fields[3] > _MAX_EXTRACT_VERSION:  # after the name, as zipfile checks them
            raise NotImplementedError(f"zip file version {fields[3] / 10:.1f}")
        if extra_length:
            size, packed = _extra_fields(data[name_end : name_end + extra_length], raw, size, packed, fields[18])
        members.append((name, flags, fields[17], size, packed))
        position = name_end + extra_length + fields[14]
    return members
