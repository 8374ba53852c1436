"""A zip's central directory in one pass: each member's name, flags, attributes and sizes.

``zipfile.ZipFile`` makes a ``ZipInfo`` object for every member and decodes
its dates and every extra field: several microseconds a member, and most of
the time it takes to list a package of thousands of files. A listing needs
five values a member, so :func:`read_directory` reads the end record and the
directory as ``zipfile`` does (the same search for the end record, Zip64
records, data before the zip, name decoding and extra-field checks) and keeps
only those. Members are decompressed later through ``zipfile``, which reads
the directory again then, and only then.

Errors are those ``zipfile`` raises for the same bytes, so a caller handles
both alike: :class:`zipfile.BadZipFile` for a damaged or foreign file,
:class:`NotImplementedError` for a zip version it cannot read,
:class:`UnicodeDecodeError` for a name marked UTF-8 that is not.
"""

from __future__ import annotations

import struct
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
_UTF8_NAME = 0x800
_MAX_EXTRACT_VERSION = 63  # zipfile's own limit: 6.3
_UNSET32 = 0xFFFF_FFFF


def _end_record(file: BinaryIO) -> tuple[int, int]:
    """The central directory's size, and where it starts in ``file`` (after any data before the zip).

    As ``zipfile`` finds it: the end record is the file's last 22 bytes, or
    the last of its signature within a comment's reach of the end; a Zip64
    locator and record just before it, when both are there, give the sizes.
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
    zip64_size = _zip64_size(file, location)
    if zip64_size is not None:
        directory_size = zip64_size
        location -= _END64.size + _LOCATOR.size
    start = location - directory_size  # zipfile's start_dir: the stated offset plus any data before the zip
    if start < 0:
        raise BadZipFile("Bad offset for central directory")
    return directory_size, start


def _zip64_size(file: BinaryIO, location: int) -> int | None:
    """The directory's size from the Zip64 records before ``location``, or ``None`` without them."""
    if location < _LOCATOR.size:
        return None
    file.seek(location - _LOCATOR.size)
    signature, disk, _, disks = _LOCATOR.unpack(file.read(_LOCATOR.size))
    if signature != b"PK\x06\x07":
        return None
    if disk != 0 or disks > 1:
        raise BadZipFile("zipfiles that span multiple disks are not supported")
    if location < _LOCATOR.size + _END64.size:  # a locator with no room for its record before it
        raise BadZipFile("File is not a zip file")
    file.seek(location - _LOCATOR.size - _END64.size)
    record = _END64.unpack(file.read(_END64.size))
    if record[0] != b"PK\x06\x06":
        return None
    return int(record[8])


def _zip64_extra(extra: bytes, size: int, packed: int, offset: int) -> tuple[int, int]:
    """Check a member's extra fields as ``zipfile`` does; return its sizes, from the Zip64 field where they are unset.

    The Zip64 field holds, in this order, a 64-bit value for each of the
    size, compressed size and local header offset that is unset (all ones).
    """
    while len(extra) >= _EXTRA_HEADER.size:
        kind, length = _EXTRA_HEADER.unpack_from(extra)
        if length + 4 > len(extra):
            raise BadZipFile(f"Corrupt extra field {kind:04x} (size={length})")
        if kind == _ZIP64_EXTRA:
            values: list[int] = list(struct.unpack_from(f"<{length // 8}Q", extra, 4))
            stated = {"File size": size, "Compress size": packed, "Header offset": offset}
            for field, value in stated.items():
                if value == _UNSET32:
                    if not values:
                        raise BadZipFile(f"Corrupt zip64 extra field. {field} not found.")
                    stated[field] = values.pop(0)
            size, packed = stated["File size"], stated["Compress size"]
        extra = extra[length + 4 :]
    return size, packed


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
            size, packed = _zip64_extra(data[name_end : name_end + extra_length], size, packed, fields[18])
        members.append((name, flags, fields[17], size, packed))
        position = name_end + extra_length + fields[14]
    return members
