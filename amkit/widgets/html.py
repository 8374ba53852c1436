"""Rich HTML views of packages and versions for Jupyter.

Everything that comes from a package (names, paths, manifest text, help) is
untrusted and goes through :func:`html.escape` here, in one place; the
widgets build their views from these functions too.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from amkit.errors import AmkitError

if TYPE_CHECKING:
    from amkit.checks.report import Report
    from amkit.package.module_package import ModulePackage, ModuleVersion

__all__ = [
    "MAX_ROWS",
    "command_html",
    "files_tree_html",
    "format_size",
    "frame_html",
    "key_values_html",
    "message_html",
    "package_header_html",
    "package_html",
    "report_html",
    "version_html",
]

_STYLE = (
    "<style>.amkit-box{font-family:var(--jp-content-font-family,sans-serif);font-size:13px}"
    ".amkit-box table{border-collapse:collapse;margin:4px 0}"
    ".amkit-box th,.amkit-box td{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}"
    ".amkit-tag{background:#e8f0fe;border-radius:3px;padding:0 4px;margin-left:4px}"
    ".amkit-bad{color:#b3261e}</style>"
)


def format_size(size: int) -> str:
    """``1536`` -> ``1.5 KiB``: a byte count for people."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _manifest_state(version: ModuleVersion) -> str:
    if version.error is not None:
        return f"<span class='amkit-bad'>{escape(str(version.error))}</span>"
    if version.manifest_path is None:
        return "none"
    note = " <span class='amkit-bad'>(ModuleVersion differs from folder)</span>" if version.version_mismatch else ""
    return escape(version.manifest_path) + note


def _connection_html(version: ModuleVersion) -> str:
    try:
        connection_type = version.connection_type
    except AmkitError as error:
        return f"<p>Connection type: <span class='amkit-bad'>{escape(str(error))}</span></p>"
    if connection_type is None:
        return ""
    fields = ", ".join(
        escape(field.name)
        + (" (encrypted)" if field.is_encrypted else "")
        + (" (optional)" if field.is_optional else "")
        for field in connection_type.fields
    )
    return f"<p>Connection type <b>{escape(connection_type.name)}</b>: {fields}</p>"


def package_html(package: ModulePackage) -> str:
    """The HTML summary of a package: its versions, layout notes and connection type."""
    rows = []
    for version in reversed(package.versions):
        label = escape(str(version.version))
        if version is package.latest:
            label += "<span class='amkit-tag'>latest</span>"
        files = version.files
        rows.append(
            [
                label,
                escape(version.folder or "."),
                escape(version.module_type),
                _manifest_state(version),
                str(len(files)),
                format_size(int(files["size"].sum())),
            ]
        )
    problems = "".join(f"<li class='amkit-bad'>{escape(str(problem))}</li>" for problem in package.problems)
    return (
        f"{_STYLE}<div class='amkit-box'><b>{escape(package.name)}</b> "
        f"<span class='amkit-tag'>{escape(package.kind)}</span> "
        f"{len(package.files)} files, {format_size(package.size)} "
        f"({format_size(package.compressed_size)} packed) from {escape(str(package.location))}"
        + _table(["version", "folder", "module type", "manifest", "files", "size"], rows)
        + (f"<ul>{problems}</ul>" if problems else "")
        + _connection_html(package.latest)
        + "</div>"
    )


def version_html(version: ModuleVersion) -> str:
    """The HTML summary of one version: manifest state and exported commands."""
    parts = [
        f"{_STYLE}<div class='amkit-box'><b>{escape(version.name)} {escape(str(version.version))}</b> "
        f"<span class='amkit-tag'>{escape(version.module_type)}</span> in {escape(version.folder or '.')}",
        f"<p>Manifest: {_manifest_state(version)}</p>",
    ]
    if version.error is None:
        try:
            commands = version.commands
        except AmkitError as error:
            parts.append(f"<p class='amkit-bad'>{escape(str(error))}</p>")
        else:
            rows = [
                [escape(str(row.name)), escape(str(row.kind)), escape(str(row.synopsis or ""))]
                for row in commands.itertuples(index=False)
            ]
            parts.append(_table(["command", "kind", "synopsis"], rows))
    parts.append(_connection_html(version))
    return "".join(parts) + "</div>"


_SEVERITY_COLOURS = {"error": "#b3261e", "warning": "#8a5a00", "info": "#1a5fb4"}


def report_html(report: Report) -> str:
    """The HTML view of a check report: the verdict and a table of findings."""
    verdict_class = "" if report.importable else " class='amkit-bad'"
    rows = [
        [
            escape(finding.rule),
            f"<span style='color:{_SEVERITY_COLOURS[finding.severity]}'>{escape(finding.severity)}</span>",
            escape(finding.message),
            escape(finding.version or ""),
            escape(finding.file or "") + (f":{finding.line}" if finding.line else ""),
            escape(finding.help),
        ]
        for finding in report.items
    ]
    return (
        f"{_STYLE}<div class='amkit-box'><b{verdict_class}>{escape(report.summary())}</b>"
        + (_table(["rule", "severity", "message", "version", "where", "how to fix"], rows) if rows else "")
        + "</div>"
    )


# Pieces the widgets show: tables of any DataFrame, trees of files, key/value lists, messages. -------------

#: The most rows a table shows; the rest are counted.
MAX_ROWS = 500


def _cell(value: Any) -> str:
    if isinstance(value, tuple | list):
        return escape(", ".join(str(item) for item in value))
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):  # to the second; the zone only when it is not UTC
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        zone = value.strftime("%Z")
        return escape(text if zone in ("", "UTC") else f"{text} {zone}")
    return escape(str(value))


def frame_html(frame: pd.DataFrame, *, columns: Sequence[str] | None = None, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as an HTML table, every header and cell escaped; ``(none)`` when empty."""
    shown = list(columns) if columns is not None else list(frame.columns)
    if frame.empty:
        return f"{_STYLE}<div class='amkit-box'><i>(none)</i></div>"
    rows = [[_cell(value) for value in row] for row in frame[shown].head(max_rows).itertuples(index=False)]
    more = f"<p><i>showing {max_rows} of {len(frame)} rows</i></p>" if len(frame) > max_rows else ""
    return f"{_STYLE}<div class='amkit-box'>{_table(shown, rows)}{more}</div>"


def message_html(text: str, *, kind: str = "error") -> str:
    """A one-line message; ``kind`` is ``error`` (in red) or ``info``."""
    style = " class='amkit-bad'" if kind == "error" else ""
    return f"{_STYLE}<div class='amkit-box'><span{style}>{escape(text)}</span></div>"


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

    return f"{_STYLE}<div class='amkit-box'>{render(tree) if tree else '<i>(no files)</i>'}</div>"


def key_values_html(pairs: Sequence[tuple[str, object]]) -> str:
    """A two-column table of keys and values (a manifest's keys, say), values escaped and shortened."""
    rows = []
    for key, value in pairs:
        text = _cell(value)
        rows.append([escape(key), text if len(text) <= 400 else text[:400] + "&hellip;"])
    return f"{_STYLE}<div class='amkit-box'>{_table(['key', 'value'], rows)}</div>"


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
        tables.append(f"<div><b>{escape(name)}</b>{_table(['parameter', 'type', 'mandatory'], rows)}</div>")
    parts.append(f"<div style='display:flex;gap:16px;flex-wrap:wrap'>{''.join(tables)}</div>")
    return f"{_STYLE}<div class='amkit-box'>{''.join(parts)}</div>"


def package_header_html(package: ModulePackage, version: ModuleVersion, report: Report) -> str:
    """One line about a package: name, kind, versions, the shown version's module type, size and verdict."""
    versions = ", ".join(str(item.version) for item in package.versions)
    verdict = "" if report.importable else " class='amkit-bad'"
    return (
        f"{_STYLE}<div class='amkit-box'><b>{escape(package.name)}</b> "
        f"<span class='amkit-tag'>{escape(package.kind)}</span> versions {escape(versions)}, "
        f"{escape(version.module_type)} module, {format_size(package.size)} "
        f"({format_size(package.compressed_size)} packed) <b{verdict}>{escape(report.summary())}</b></div>"
    )
