"""Inventories as Parquet files: a whole gallery's module versions in one file pandas and dask read back.

One row per module version, its columns those of
:meth:`amkit.deps.inventory.ModuleRecord.to_data` plus ``content_hash``, the
SHA-256 of the package it came from (:func:`content_hash`): lists of names
as Arrow lists, requirements and assemblies as JSON text. The file's
metadata says which amkit wrote it and the limits it read with, so that a
rescan (``scan(..., cache=...)``) reuses only rows the same reading would
give again. Writing goes through a temporary file beside the target, so a
reader never sees half a file. pyarrow does the Parquet.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amkit.errors import AmkitError
from amkit.limits import Limits

__all__ = ["content_hash", "read_rows", "stamp", "write_rows"]

_CHUNK = 1024 * 1024
#: Columns kept as JSON text: nested data of mixed shapes that Arrow would make awkward to read back.
_JSON_COLUMNS = ("requirements", "assemblies")
_STAMP = b"amkit"


#: Counted up when what a scan's rows hold changes within one version of amkit, so that caches written before are
#: read from scratch: 2 since a package named twice is listed once (caches before could hold its rows twice).
_ROWS_REVISION = 2


def stamp(limits: Limits | None = None) -> str:
    """What a file's metadata says of how its rows were read: this amkit's version, and ``limits`` when given."""
    try:
        version = f"amkit {importlib.metadata.version('amkit')}"
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "amkit (not installed)"
    version += f", rows {_ROWS_REVISION}"
    return version if limits is None else f"{version}, {limits!r}"


def content_hash(path: Path) -> str:
    """SHA-256 of a package: a file's bytes, or a folder's files (relative paths and bytes, in path order).

    A folder's links are hashed as links (their target's path), never followed.
    """
    digest = hashlib.sha256()
    if path.is_dir():
        # A module folder's name is its module's name; each file is framed by its path and length.
        _frame(digest, b"folder", os.fsencode(path.name))
        files = sorted((item for item in path.rglob("*") if item.is_file() or item.is_symlink()), key=Path.as_posix)
        for item in files:
            name = item.relative_to(path).as_posix().encode("utf-8", errors="surrogatepass")
            if item.is_symlink():
                _frame(digest, b"link", name, os.fsencode(os.readlink(item)))
            else:
                _frame(digest, b"file", name, item.stat().st_size.to_bytes(8, "little"))
                _feed(digest, item)
    else:
        _feed(digest, path)
    return digest.hexdigest()


def _frame(digest: Any, *parts: bytes) -> None:
    """Feed ``parts`` each behind its length, so no two different sequences feed the same bytes."""
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)


def _feed(digest: Any, path: Path) -> None:
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)


def write_rows(path: str | os.PathLike[str], rows: Sequence[dict[str, Any]], stamp: str) -> None:
    """Write records' data (``to_data`` and ``content_hash``) to the Parquet file ``path``, stamped with ``stamp``."""
    frame = pd.DataFrame([{**row, **{key: json.dumps(row[key]) for key in _JSON_COLUMNS}} for row in rows])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _STAMP: stamp.encode()})
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise AmkitError(f"cannot be written ({error.strerror})", file=str(path)) from None
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise AmkitError(f"cannot be written ({error.strerror or error})", file=str(path)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def read_rows(path: str | os.PathLike[str], stamp: str | None = None) -> list[dict[str, Any]] | None:
    """The records' data a Parquet inventory holds; ``None`` when ``stamp`` is given and the file's differs.

    Raises
    ------
    AmkitError
        When the file cannot be read as a Parquet inventory amkit wrote.
    """
    try:
        table = pq.read_table(path)
    except (OSError, ValueError, pa.ArrowException) as error:  # ArrowInvalid is a ValueError; others are not
        raise AmkitError(f"is not a Parquet inventory ({error})", file=str(path)) from None
    written = (table.schema.metadata or {}).get(_STAMP)
    if written is None:
        raise AmkitError("is a Parquet file but not an amkit inventory", file=str(path))
    if stamp is not None and written.decode("utf-8", errors="replace") != stamp:
        return None
    rows: list[dict[str, Any]] = table.to_pylist()
    try:
        for row in rows:
            for key in _JSON_COLUMNS:
                row[key] = json.loads(row[key])
    except (KeyError, TypeError, ValueError) as error:
        raise AmkitError(f"has a damaged {error} column", file=str(path)) from None
    return rows
