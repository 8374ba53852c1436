"""Rich HTML views of packages and versions for Jupyter (their ``_repr_html_``).

Everything that comes from a package (names, paths, manifest text, help) is
untrusted and goes through :func:`html.escape` here.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from amkit.errors import AmkitError
from amkit.markup import BOX, format_size, table, text_cell

if TYPE_CHECKING:
    from amkit.package.module_package import ModulePackage, ModuleVersion

__all__ = ["manifest_state_html", "package_html", "version_html"]


def manifest_state_html(version: ModuleVersion) -> str:
    """Where a version's manifest is, or why it could not be read."""
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
                manifest_state_html(version),
                str(len(files)),
                format_size(int(files["size"].sum())),
            ]
        )
    problems = "".join(f"<li class='amkit-bad'>{escape(str(problem))}</li>" for problem in package.problems)
    return (
        f"{BOX}<b>{escape(package.name)}</b> "
        f"<span class='amkit-tag'>{escape(package.kind)}</span> "
        f"{len(package.files)} files, {format_size(package.size)} "
        f"({format_size(package.compressed_size)} packed) from {escape(str(package.location))}"
        + table(["version", "folder", "module type", "manifest", "files", "size"], rows)
        + (f"<ul>{problems}</ul>" if problems else "")
        + _connection_html(package.latest)
        + "</div>"
    )


def version_html(version: ModuleVersion) -> str:
    """The HTML summary of one version: manifest state and exported commands."""
    parts = [
        f"{BOX}<b>{escape(version.name)} {escape(str(version.version))}</b> "
        f"<span class='amkit-tag'>{escape(version.module_type)}</span> in {escape(version.folder or '.')}",
        f"<p>Manifest: {manifest_state_html(version)}</p>",
    ]
    if version.error is None:
        try:
            commands = version.commands
        except AmkitError as error:
            parts.append(f"<p class='amkit-bad'>{escape(str(error))}</p>")
        else:
            rows = [
                [escape(str(row.name)), escape(str(row.kind)), text_cell(str(row.synopsis or ""))]
                for row in commands.itertuples(index=False)
            ]
            parts.append(table(["command", "kind", "synopsis"], rows))
    parts.append(_connection_html(version))
    return "".join(parts) + "</div>"
