"""A package described as plain data: what ``amkit inspect`` prints or writes as JSON."""

from __future__ import annotations

from typing import Any

from amkit.bulk import collector_paused
from amkit.errors import AmkitError
from amkit.package.commands import command_rows
from amkit.package.module_package import ModulePackage, ModuleVersion
from amkit.package.module_spec import ModuleSpec

__all__ = ["package_summary"]


def _spec(kind: str, spec: ModuleSpec) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": spec.name,
        "path": spec.path,
        "version": spec.version,
        "required_version": spec.required_version,
        "maximum_version": spec.maximum_version,
        "guid": spec.guid,
        "problems": list(spec.problems),
    }


def _dependencies(version: ModuleVersion) -> list[dict[str, Any]]:
    manifest = version.manifest
    if manifest is None:
        return []
    rows = [_spec("required", spec) for spec in manifest.required_modules]
    rows += [_spec("nested", spec) for spec in manifest.nested_modules]
    rows += [_spec("external", ModuleSpec.from_value(name)) for name in manifest.external_module_dependencies]
    return rows


_COMMAND_FIELDS = ("name", "kind", "synopsis", "help_uri", "output_types", "parameter_sets", "file", "line")


def _commands(version: ModuleVersion) -> list[dict[str, Any]]:
    # From the rows the commands table is made of: a table per version, only to turn it back into rows,
    # was a twelfth of a full inspection.
    return [{field: _plain(row[field]) for field in _COMMAND_FIELDS} for row in command_rows(version)]


def _plain(value: Any) -> Any:
    """A cell as JSON data: tuples as lists."""
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


def _connection(version: ModuleVersion) -> dict[str, Any] | None:
    connection_type = version.connection_type
    if connection_type is None:
        return None
    return {
        "name": connection_type.name,
        "module": connection_type.module,
        "fields": [
            {
                "name": field.name,
                "type_name": field.type_name,
                "is_encrypted": field.is_encrypted,
                "is_optional": field.is_optional,
            }
            for field in connection_type.fields
        ],
    }


def _version(version: ModuleVersion) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "version": str(version.version),
        "folder": version.folder,
        "module_type": version.module_type,
        "manifest": version.manifest_path,
        "version_mismatch": version.version_mismatch,
        "error": str(version.error) if version.error is not None else None,
    }
    # Each part is read on its own so one bad file does not hide the others.
    for key, read in (
        ("dependencies", _dependencies),
        ("commands", _commands),
        ("connection_type", _connection),
    ):
        try:
            entry[key] = read(version)
        except AmkitError as error:
            entry[key] = None
            entry.setdefault("errors", []).append(str(error))
    return entry


def package_summary(package: ModulePackage) -> dict[str, Any]:
    """Describe ``package`` as JSON-ready data: versions, types, commands, dependencies, connection type.

    Parameters
    ----------
    package
        An open package.

    Returns
    -------
    dict
        ``name``, ``kind`` (zip, folder or nupkg), ``location``, ``latest``
        (version), ``size`` (bytes), ``problems`` (list of str), ``nuspec``
        (``id``, ``version``, ``dependencies``; ``None`` unless a nupkg) and
        ``versions``, latest first. Each version has ``version``,
        ``folder``, ``module_type``, ``manifest`` (path), ``version_mismatch``,
        ``error`` (why the manifest is unreadable, or ``None``),
        ``dependencies`` (``kind``: required, nested or external; ``name``,
        ``path``, ``version``, ``required_version``, ``maximum_version``,
        ``guid``, ``problems``), ``commands`` (``name``, ``kind``,
        ``synopsis``, ``help_uri``, ``output_types``, ``parameter_sets``,
        ``file``, ``line``) and ``connection_type`` (``name``, ``module``,
        ``fields`` with ``name``, ``type_name``, ``is_encrypted``,
        ``is_optional``; ``None`` without one). A part that cannot be read is
        ``None`` and its error is listed in the version's ``errors``.
    """
    # What the scripts, commands and tables make lives until the summary is made: the collector would only
    # move it to its oldest generation, then look at the whole heap again (a tenth of a full inspect's time).
    with collector_paused():
        return _summary(package)


def _summary(package: ModulePackage) -> dict[str, Any]:
    package.parse_scripts()  # all of them are read: side by side, on every core, when that pays
    nuspec = package.nuspec
    return {
        "name": package.name,
        "kind": package.kind,
        "location": str(package.location),
        "latest": str(package.latest.version),
        "size": package.size,
        "problems": [str(problem) for problem in package.problems],
        "nuspec": None
        if nuspec is None
        else {
            "id": nuspec.id,
            "version": nuspec.version,
            "dependencies": [{"id": dep.id, "range": dep.version} for dep in nuspec.dependencies],
        },
        "versions": [_version(version) for version in reversed(package.versions)],
    }
