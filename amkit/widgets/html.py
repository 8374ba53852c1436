"""The HTML pieces the widgets show: tables of any DataFrame, trees of files, key/value lists, commands, messages.

Everything that comes from a package (names, paths, manifest text, help) is
untrusted and goes through :func:`html.escape` here; links are kept only for
http(s) addresses.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from amkit.markup import BOX, format_size, table, text_cell

if TYPE_CHECKING:
    from amkit.checks.report import Report
    from amkit.package.module_package import ModulePackage, ModuleVersion

__all__ = [
    "MAX_ROWS",
    "command_html",
    "files_tree_html",
    "frame_html",
    "key_values_html",
    "message_html",
    "package_header_html",
]

#: The most rows a table shows; the rest are counted.
MAX_ROWS = 500


def _text(value: Any) -> str:
    """A cell's value as text: lists joined, nothing as "", times to the second (the zone only when not UTC)."""
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value)
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        zone = value.strftime("%Z")
        return text if zone in ("", "UTC") else f"{text} {zone}"
    return str(value)


def _cell(value: Any, limit: int | None = None) -> str:
    """A value as an escaped table cell, cut to ``limit`` characters before escaping so no entity is cut in half."""
    text = _text(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return text_cell(text)


def frame_html(frame: pd.DataFrame, *, columns: Sequence[str] | None = None, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as an HTML table, every header and cell escaped; ``(none)`` when empty."""
    shown = list(columns) if columns is not None else list(frame.columns)
    if frame.empty:
        return f"{BOX}<i>(none)</i></div>"
    rows = [[_cell(value) for value in row] for row in frame[shown].head(max_rows).itertuples(index=False)]
    more = f"<p><i>showing {max_rows} of {len(frame)} rows</i></p>" if len(frame) > max_rows else ""
    return f"{BOX}{table(shown, rows)}{more}</div>"


def message_html(text: str, *, kind: str = "error") -> str:
    """A one-line message; ``kind`` is ``error`` (in red) or ``info``."""
    style = " class='amkit-bad'" if kind == "error" else ""
    return f"{BOX}<span{style}>{escape(text)}</span></div>"


def files_tree_html(paths: Sequence[str]) -> str:
    """Package paths as a nested list of folders and files."""
    tree: dict[str, Any] = {}
    for path in sorted(paths, key=str.casefold):
        node = tree
        for part in path.split("/"):
            node = node.setdefault(part, {})

    def render(node: dict[str, Any]) -> str:
        items = []
        for name, children in node.items():
            label = escape(name) + ("/" if children else "")
            items.append(f"<li>{label}{render(children) if children else ''}</li>")
        return f"<ul>{''.join(items)}</ul>"

    return f"{BOX}{render(tree) if tree else '<i>(no files)</i>'}</div>"


def key_values_html(pairs: Sequence[tuple[str, object]]) -> str:
    """A two-column table of keys and values (a manifest's keys, say), values escaped and shortened."""
    rows = [[escape(key), _cell(value, limit=400)] for key, value in pairs]
    return f"{BOX}{table(['key', 'value'], rows)}</div>"


def _link(uri: object) -> str:
    """A link only for http(s) addresses: a package could otherwise plant ``javascript:`` in HelpUri."""
    text = str(uri or "")
    if urllib.parse.urlsplit(text).scheme.casefold() in ("http", "https"):
        return f"<a href='{escape(text, quote=True)}' target='_blank' rel='noopener noreferrer'>{escape(text)}</a>"
    return escape(text)


def command_html(row: Mapping[str, Any], sets: Mapping[str, Sequence[Any]]) -> str:
    """One command: synopsis, description, help link and output types, then its parameter sets side by side."""
    parts = [
        f"<b>{escape(str(row['name']))}</b> <span class='amkit-tag'>{escape(str(row['kind']))}</span>",
        f"<p>{_cell(row.get('synopsis')) or '<i>no synopsis</i>'}</p>",
        f"<p style='white-space:pre-wrap'>{_cell(row.get('description')) or '<i>no description</i>'}</p>",
        f"<p>Help: {_link(row.get('help_uri')) or '<i>none</i>'}</p>",
        f"<p>Output types: {_cell(row.get('output_types')) or '<i>none declared</i>'}</p>",
    ]
    tables = []
    for name, parameters in sets.items():
        rows = [
            [
                escape(str(parameter.name)),
                escape(str(parameter.type or "")),
                "yes" if parameter.mandatory else "",
            ]
            for parameter in parameters
        ]
        tables.append(f"<div><b>{escape(name)}</b>{table(['parameter', 'type', 'mandatory'], rows)}</div>")
    parts.append(f"<div style='display:flex;gap:16px;flex-wrap:wrap'>{''.join(tables)}</div>")
    return f"{BOX}{''.join(parts)}</div>"


def package_header_html(package: ModulePackage, version: ModuleVersion, report: Report) -> str:
    """One line about a package: name, kind, versions, the shown version's module type, size and verdict."""
    versions = ", ".join(str(item.version) for item in package.versions)
    verdict = "" if report.importable else " class='amkit-bad'"
    return (
        f"{BOX}<b>{escape(package.name)}</b> "
        f"<span class='amkit-tag'>{escape(package.kind)}</span> versions {escape(versions)}, "
        f"{escape(version.module_type)} module, {format_size(package.size)} "
        f"({format_size(package.compressed_size)} packed) <b{verdict}>{escape(report.summary())}</b></div>"
    )
