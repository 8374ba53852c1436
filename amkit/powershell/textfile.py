"""Decode PowerShell source files the way PowerShell reads them.

PowerShell honours a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) and otherwise
reads UTF-8; Windows PowerShell 5.1, the runtime most Automation accounts use,
falls back to the ANSI code page (Windows-1252) for bytes that are not UTF-8,
which is how older manifests with a Latin-1 copyright sign still load.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from amkit.errors import AmkitError
from amkit.limits import Limits

__all__ = ["decode_source", "load_source", "source_path"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32le-bom"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32be-bom"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-bom"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16le-bom"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16be-bom"),
)

# Windows-1252 as Windows decodes it: the five bytes the code page leaves undefined
# (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the C1 controls of the same number, not errors.
_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xA0) if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def decode_source(data: bytes, *, file: str | None = None, error: type[AmkitError] = AmkitError) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of a PowerShell text file.

    ``encoding`` is one of ``utf-8``, ``utf-8-bom``, ``utf-16le-bom``,
    ``utf-16be-bom``, ``utf-32le-bom``, ``utf-32be-bom`` or ``windows-1252``.
    Raises ``error`` (naming ``file``) when the bytes cannot be text: a
    malformed UTF-16/32 body, or NUL bytes without a byte-order mark, which is
    what UTF-16 saved without its BOM looks like.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError as exc:
                raise error(
                    f"the file starts with a {label} byte-order mark but byte {exc.start + len(bom)} "
                    f"is not valid {codec}",
                    file=file,
                ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise error(
            f"the file holds a NUL byte at offset {nul}: it is binary, or UTF-16 "
            "saved without a byte-order mark, which PowerShell cannot read either; save it as UTF-8",
            file=file,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1").translate(_WINDOWS_1252), "windows-1252"


def load_source(
    source: str | bytes | os.PathLike[str],
    *,
    file: str | None = None,
    error: type[AmkitError] = AmkitError,
    caller: str = "amkit",
    limits: Limits | None = None,
    limit: str = "max_script_size",
) -> tuple[str, str | None]:
    """Return ``(text, file)`` for a path, the bytes of a file, or its text.

    A ``str`` holding one line that names an existing file, or one word that
    ends in ``.psd1``, ``.psm1`` or ``.ps1`` (a mistyped path is no PowerShell
    text), is read as a path; any other ``str`` is the text itself (a leading BOM
    character dropped). ``file`` is the name to report in errors and
    defaults to the path read. Raises ``error`` when the file cannot be read
    or decoded, or is larger than the size limit ``limit`` of ``limits``
    (checked before a file is read), and ``TypeError`` (naming ``caller``)
    for other types.
    """
    limits = limits or Limits()
    path = source_path(source)
    if path is not None:
        try:
            _check_size(path.stat().st_size, limits, limit, file or str(path), error)
            data = path.read_bytes()
        except OSError as exc:
            raise error(f"cannot read the file: {exc.strerror}", file=str(path)) from None
        return decode_source(data, file=file or str(path), error=error)[0], file or str(path)
    if isinstance(source, bytes):
        _check_size(len(source), limits, limit, file, error)
        return decode_source(source, file=file, error=error)[0], file
    if isinstance(source, str):
        _check_size(len(source), limits, limit, file, error)  # characters: at most the bytes UTF-8 needs
        return source.removeprefix("\ufeff"), file
    raise TypeError(f"{caller} expects a path, bytes or text, not {type(source).__name__}")


def source_path(source: object) -> Path | None:
    """The file :func:`load_source` reads for ``source``; ``None`` when ``source`` is the text or bytes themselves."""
    if isinstance(source, str) and "\n" not in source and (os.path.isfile(source) or _names_a_file(source)):
        return Path(source.strip())
    return Path(source) if isinstance(source, os.PathLike) else None


def _check_size(size: int, limits: Limits, limit: str, file: str | None, error: type[AmkitError]) -> None:
    if size > getattr(limits, limit):
        raise error(limits.refusal(limit, f"the file is {size:,} bytes"), file=file)


def _names_a_file(text: str) -> bool:
    """Whether one line of text is a PowerShell file's name rather than PowerShell code: one word ending so."""
    word = text.strip()
    return len(word.split()) == 1 and word.casefold().endswith((".psd1", ".psm1", ".ps1"))
