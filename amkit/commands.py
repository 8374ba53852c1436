"""The commands a module version exports, as PowerShell decides them.

A script module exports the functions its script modules (root and nested)
define at script scope, narrowed by ``Export-ModuleMember`` when a script calls
it, then by the manifest's ``FunctionsToExport``. Many modules dot-source their
functions from ``Public/*.ps1`` files and export a computed list; when the
manifest names the functions, their definitions are looked up in the version's
other ``.ps1`` files. A binary module exports the cmdlet classes of its
assemblies, narrowed by ``CmdletsToExport``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from amkit.dotnet import BinaryCmdlet, read_cmdlets
from amkit.script import FunctionInfo, ScriptInfo, parse_script
from amkit.wildcard import wildcard_match

if TYPE_CHECKING:
    from amkit.manifest import Manifest
    from amkit.package import ModuleVersion

__all__ = [
    "COMMAND_COLUMNS",
    "ExportedCommand",
    "command_table",
    "exported_commands",
    "script_modules",
]

COMMAND_COLUMNS = [
    "name",
    "kind",
    "synopsis",
    "description",
    "help_uri",
    "output_types",
    "parameter_sets",
    "parameters",
    "file",
    "line",
]
_SCRIPT_EXTENSIONS = (".psm1", ".ps1")
_ALL_SETS = "__AllParameterSets"


@dataclass(frozen=True)
class ExportedCommand:
    """One exported command and the definition behind it (a function or a cmdlet class)."""

    name: str
    kind: str
    file: str
    line: int | None
    definition: FunctionInfo | BinaryCmdlet


def _module_files(version: ModuleVersion, extensions: tuple[str, ...]) -> list[str]:
    """Nested and root module files of ``version`` with one of ``extensions``, in load order."""
    manifest: Manifest | None = version.manifest
    # Nested modules load before the root module, so the root's definitions win.
    names = [version.resolve(spec.path or spec.name) for spec in manifest.nested_modules] if manifest else []
    names.append(version.root_module_path)
    return [name for name in dict.fromkeys(names) if name and name.casefold().endswith(extensions)]


def script_modules(version: ModuleVersion) -> dict[str, ScriptInfo]:
    """Parse the script modules (nested and root ``.psm1``/``.ps1``) of ``version``, by package path."""
    return {path: _parse(version, path) for path in _module_files(version, _SCRIPT_EXTENSIONS)}


def _parse(version: ModuleVersion, path: str) -> ScriptInfo:
    package = version.package
    return parse_script(package.read(path), file=package.member_name(path))


def _exported_by_script(script: ScriptInfo, name: str) -> bool:
    """Whether the script's own ``Export-ModuleMember`` calls (if any) let ``name`` out."""
    exports = script.exports
    if exports is None or exports.unresolved:
        return True
    return any(wildcard_match(pattern, name) for pattern in exports.functions)


def _dot_sourced(version: ModuleVersion, known: set[str], manifest: Manifest | None) -> dict[str, ScriptInfo]:
    """Other ``.ps1`` files of the version, read when the manifest names functions defined nowhere else."""
    if manifest is None or manifest.functions_to_export.declared != "list":
        return {}
    wanted = [pattern for pattern in manifest.functions_to_export.patterns if pattern.casefold() not in known]
    if not wanted:
        return {}
    paths = [path for path in version.files["path"] if path.casefold().endswith(".ps1") and path not in version.scripts]
    return {path: _parse(version, path) for path in paths}


def exported_commands(version: ModuleVersion) -> list[ExportedCommand]:
    """The commands ``version`` exports, sorted by name as ``Get-Command`` lists them."""
    manifest = version.manifest
    found: dict[str, ExportedCommand] = {}
    modules = version.scripts
    root_scripts = list(modules.values())
    defined = {function.name.casefold() for script in root_scripts for function in script.functions}
    sources = [(path, script, [script]) for path, script in modules.items()]
    sources += [(path, script, root_scripts) for path, script in _dot_sourced(version, defined, manifest).items()]
    for path, script, exporters in sources:
        for function in script.functions:
            if function.parent is not None or function.kind == "configuration":
                continue
            if not all(_exported_by_script(exporter, function.name) for exporter in exporters):
                continue
            if manifest is None or manifest.functions_to_export.allows(function.name):
                kind = function.kind.capitalize()
                found[function.name.casefold()] = ExportedCommand(function.name, kind, path, function.line, function)
    package = version.package
    for path in _module_files(version, (".dll",)):
        for cmdlet in read_cmdlets(package.read(path), file=package.member_name(path)):
            if manifest is None or manifest.cmdlets_to_export.allows(cmdlet.name):
                found[cmdlet.name.casefold()] = ExportedCommand(cmdlet.name, "Cmdlet", path, None, cmdlet)
    return sorted(found.values(), key=lambda command: command.name.casefold())


def _row(command: ExportedCommand) -> dict[str, Any]:
    definition = command.definition
    row: dict[str, Any] = {
        "name": command.name,
        "kind": command.kind,
        "file": command.file,
        "line": command.line,
    }
    if isinstance(definition, FunctionInfo):
        help_ = definition.help
        binding = definition.cmdlet_binding
        row.update(
            synopsis=help_.synopsis if help_ else None,
            description=help_.description if help_ else None,
            help_uri=binding.help_uri if binding else None,
            default_set=binding.default_parameter_set if binding else None,
        )
    else:
        row.update(
            synopsis=None,
            description=None,
            help_uri=definition.help_uri,
            default_set=definition.default_parameter_set,
        )
    row["output_types"] = tuple(definition.output_types)
    row["parameters"] = tuple(parameter.name for parameter in definition.parameters)
    row["parameter_sets"] = parameter_sets(definition.parameters, row.pop("default_set"))
    return row


def parameter_sets(parameters: Any, default: str | None) -> tuple[str, ...]:
    """The named parameter sets, the default first; ``__AllParameterSets`` when none is named."""
    names = [name for parameter in parameters for name in parameter.parameter_sets if name != _ALL_SETS]
    ordered = list(dict.fromkeys(([default] if default and names else []) + names))
    return tuple(ordered) if ordered else (_ALL_SETS,)


def command_table(version: ModuleVersion) -> pd.DataFrame:
    """One row per exported command of ``version`` (see ``ModuleVersion.commands``)."""
    rows = [_row(command) for command in exported_commands(version)]
    frame = pd.DataFrame(rows, columns=COMMAND_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame
