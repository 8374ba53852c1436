"""Plain-text tables for the command line."""

from __future__ import annotations

__all__ = ["table"]


def table(rows: list[list[str]], headers: list[str]) -> list[str]:
    """The lines of a table with ``headers`` over ``rows``, each column as wide as its widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return lines
