"""The commands a module version exports, as PowerShell decides them.

PowerShell imports a manifest's ``NestedModules`` first, then its
``RootModule``, into one session state (``ModuleCmdletBase.LoadModuleManifest``)
and exports:

- from a nested script module (``.psm1``), the functions its own
  ``Export-ModuleMember`` calls let out (all of them without a call); from a
  nested ``.ps1``, every function (it runs in the module's scope); from an
  assembly, its cmdlets; from a nested manifest, what that module exports, by
  these same rules;
- from a script root module, its own functions; and of everything loaded,
  only what its ``Export-ModuleMember`` calls name, when it makes any;
- then only what the manifest's ``FunctionsToExport`` and ``CmdletsToExport``
  allow (absent and ``$null`` allow everything), renamed by its
  ``DefaultCommandPrefix`` (``Get-Widget`` -> ``Get-ContosoWidget``).

A script module's own ``Import-Module`` of a file below ``$PSScriptRoot``
(every Az module imports its cmdlet assembly so) loads that file as a nested
module of the importer, as ``NestedModules`` are loaded. When the path is
computed (PSScriptAnalyzer picks its assembly by PowerShell version) and the
manifest names cmdlets nothing else defines, the assemblies beside the root
module are read for them.

Functions defined with ``function global:Name`` land in the global scope, and
nested functions exist only while their parent runs, so neither is exported.

Many modules dot-source their functions from ``Public/*.ps1`` files and
export a computed list. The version's other ``.ps1`` files are read as part
of the root module when its functions cannot otherwise be accounted for: the
manifest names functions defined nowhere else, the root module's
``Export-ModuleMember`` list is computed, or the script modules define no
function at all. ``ScriptsToProcess`` files (run in the caller's scope) and
Pester ``*.Tests.ps1`` files are never taken for module code.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from amkit.errors import AmkitError
from amkit.package.command_help import command_help, help_files
from amkit.package.dotnet import BinaryCmdlet, read_cmdlets
from amkit.powershell.script import FunctionInfo, ScriptInfo
from amkit.powershell.wildcard import has_wildcard, wildcard_match

if TYPE_CHECKING:
    from amkit.package.manifest import ExportList, Manifest
    from amkit.package.module_package import ModuleVersion

__all__ = [
    "COMMAND_COLUMNS",
    "ExportedCommand",
    "command_rows",
    "command_table",
    "exported_commands",
    "parameters_by_set",
    "prefixed_name",
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
_ASSEMBLY_EXTENSIONS = (".dll", ".exe")
_ALL_SETS = "__AllParameterSets"
_TEXT_COLUMNS = ("synopsis", "description", "help_uri")


@dataclass(frozen=True)
class ExportedCommand:
    """One exported command and the definition behind it (a function or a cmdlet class).

    ``name`` is the name the command is called by once imported (with the
    manifest's ``DefaultCommandPrefix``); ``definition.name`` is the name
    the source gives it. ``help_files`` are, for a cmdlet, the help files of
    its assembly, preferred first (see :func:`amkit.package.command_help.help_files`).
    """

    name: str
    kind: str
    file: str
    line: int | None
    definition: FunctionInfo | BinaryCmdlet
    help_files: tuple[str, ...] = ()

    @property
    def help_uri(self) -> str | None:
        """``HelpUri`` of the function's ``[CmdletBinding()]`` or the cmdlet's ``[Cmdlet()]``."""
        if isinstance(self.definition, FunctionInfo):
            binding = self.definition.cmdlet_binding
            return binding.help_uri if binding else None
        return self.definition.help_uri

    @property
    def default_parameter_set(self) -> str | None:
        """``DefaultParameterSetName`` of the function's ``[CmdletBinding()]`` or the cmdlet's ``[Cmdlet()]``."""
        if isinstance(self.definition, FunctionInfo):
            binding = self.definition.cmdlet_binding
            return binding.default_parameter_set if binding else None
        return self.definition.default_parameter_set


def prefixed_name(name: str, prefix: str | None) -> str:
    """``name`` as ``DefaultCommandPrefix`` renames it: the prefix goes before the noun (``Get-XWidget``)."""
    if not prefix:
        return name
    verb, dash, noun = name.partition("-")
    return f"{verb}-{prefix}{noun}" if dash and verb and noun else f"{prefix}{name}"


def _matches(patterns: tuple[str, ...], name: str) -> bool:
    return any(wildcard_match(pattern, name) for pattern in patterns)


def _lets_out(script: ScriptInfo, name: str, kind: str = "functions") -> bool:
    """Whether the script's own ``Export-ModuleMember`` calls (if any) export ``name``."""
    exports = script.exports
    if exports is None or exports.unresolved:
        return True
    return _matches(getattr(exports, kind), name)


_Commands = dict[str, ExportedCommand]


class _Loader:
    """Walk one version's modules in PowerShell's load order, collecting what each exports."""

    def __init__(self, version: ModuleVersion) -> None:
        self.version = version
        self.scripts: dict[str, ScriptInfo] = {}
        self.seen = {version.manifest_path}

    def script(self, path: str) -> ScriptInfo:
        self.scripts[path] = script = self.version.script(path)
        return script

    def module(self, manifest: Manifest | None, path: str | None, root: str | None, *, top: bool) -> _Commands:
        """What a module exports: the manifest at ``path`` with its root module ``root``, or ``root`` alone."""
        functions: _Commands = {}
        cmdlets: _Commands = {}
        for spec in manifest.nested_modules if manifest is not None else ():
            nested = self.version.resolve(spec.path or spec.name, manifest=path)
            if nested is not None:
                self.load(nested, functions, cmdlets, nested=True)
        root_script = None
        if root is not None and root.casefold().endswith(_SCRIPT_EXTENSIONS):
            root_script = self.script(root)
            _define(functions, root, root_script)
            self.imports(root, root_script, functions, cmdlets)
            if top:
                for dotted in self.dot_sourced(manifest, functions, root_script):
                    _define(functions, dotted, self.script(dotted))
                    self.imports(dotted, self.scripts[dotted], functions, cmdlets)
                for assembly in self.computed_imports(manifest, cmdlets, root, root_script):
                    self.load_readable(assembly, functions, cmdlets)
        elif root is not None:
            self.load(root, functions, cmdlets, nested=False)
        if root_script is not None:
            functions = {key: cmd for key, cmd in functions.items() if _lets_out(root_script, cmd.name)}
            cmdlets = {key: cmd for key, cmd in cmdlets.items() if _lets_out(root_script, cmd.name, "cmdlets")}
        if manifest is None:
            return {**cmdlets, **functions}
        allowed = [
            cmd
            for cmd in (*cmdlets.values(), *functions.values())
            if (manifest.cmdlets_to_export if cmd.kind == "Cmdlet" else manifest.functions_to_export).allows(cmd.name)
        ]
        prefix = manifest.default_command_prefix
        renamed = (replace(cmd, name=prefixed_name(cmd.name, prefix)) for cmd in allowed)
        return {cmd.name.casefold(): cmd for cmd in renamed}

    def load(self, path: str, functions: _Commands, cmdlets: _Commands, *, nested: bool) -> None:
        """Add what the module file ``path`` exports into the loading module's session state."""
        extension = posixpath.splitext(path)[1].casefold()
        if extension in _SCRIPT_EXTENSIONS and path not in self.scripts:  # not one importing itself, in a circle
            own_exports = nested and extension == ".psm1"
            script = self.script(path)
            _define(functions, path, script, own_exports=own_exports)
            self.imports(path, script, functions, cmdlets, own_exports=own_exports)
        elif extension in _ASSEMBLY_EXTENSIONS:
            package = self.version.package
            helps = help_files(self.version, path)
            for cmdlet in read_cmdlets(package.read(path), file=package.member_name(path)):
                cmdlets[cmdlet.name.casefold()] = ExportedCommand(cmdlet.name, "Cmdlet", path, None, cmdlet, helps)
        elif extension == ".psd1" and path not in self.seen:
            self.seen.add(path)
            manifest = self.version.read_manifest(path)
            root = self.version.resolve(manifest.root_module, manifest=path) if manifest.root_module else None
            for key, command in self.module(manifest, path, root, top=False).items():
                (cmdlets if command.kind == "Cmdlet" else functions)[key] = command

    def imports(
        self, path: str, script: ScriptInfo, functions: _Commands, cmdlets: _Commands, *, own_exports: bool = False
    ) -> None:
        r"""Load what the script at ``path`` imports from its own folder (``Import-Module "$PSScriptRoot\X.dll"``).

        Such a module is a nested module of the one whose script imports it:
        its commands enter that module's session state, as ``NestedModules``'
        do (with ``own_exports``, only those the script's ``Export-ModuleMember``
        lets out). Imports inside functions run only when called, and are left out.
        """
        found_functions: _Commands = {}
        found_cmdlets: _Commands = {}
        for reference in script.module_references:
            if reference.kind != "import-module" or reference.function is not None or reference.path is None:
                continue
            target = self.version.resolve(reference.path, manifest=path)  # found from the script's folder
            if target is not None:
                self.load(target, found_functions, found_cmdlets, nested=True)
        for found, into, kind in ((found_functions, functions, "functions"), (found_cmdlets, cmdlets, "cmdlets")):
            for key, command in found.items():
                if key not in into and (not own_exports or _lets_out(script, command.name, kind)):
                    into[key] = command

    def computed_imports(
        self, manifest: Manifest | None, cmdlets: _Commands, root: str, script: ScriptInfo
    ) -> list[str]:
        """The assemblies beside the root module, when it must be importing one by a path it computes.

        PSScriptAnalyzer picks its assembly by PowerShell version
        (``Import-Module -Name $binaryModulePath``): when the root module
        imports a computed path at load time and the manifest's
        ``CmdletsToExport`` names cmdlets nothing loaded defines, the
        assemblies in the root module's own folder are read for them.
        """
        computed = any(
            reference.kind == "import-module"
            and reference.function is None
            and reference.name is None
            and reference.path is None
            for reference in script.module_references
        )
        if not computed or not _names_missing(manifest.cmdlets_to_export if manifest is not None else None, cmdlets):
            return []
        folder = posixpath.dirname(root)
        return [
            path
            for path in self.version.files["path"]
            if posixpath.dirname(path) == folder and path.casefold().endswith(_ASSEMBLY_EXTENSIONS)
        ]

    def load_readable(self, path: str, functions: _Commands, cmdlets: _Commands) -> None:
        """:meth:`load` an assembly found by :meth:`computed_imports`; one that is no .NET assembly adds nothing."""
        try:
            self.load(path, functions, cmdlets, nested=True)
        except AmkitError:
            return  # a native library beside the module, say: PowerShell would not have imported it either

    def dot_sourced(self, manifest: Manifest | None, functions: _Commands, root: ScriptInfo) -> list[str]:
        """The version's other ``.ps1`` files, when the root module must be dot-sourcing its functions."""
        missing = _names_missing(manifest.functions_to_export if manifest is not None else None, functions)
        computed = root.exports is not None and bool(root.exports.unresolved)
        if not (missing or computed or not functions):
            return []
        skip = {path.casefold() for path in self.scripts}
        for name in manifest.scripts_to_process if manifest is not None else ():
            path = self.version.resolve(name)
            if path is not None:
                skip.add(path.casefold())
        return [
            path
            for path in self.version.files["path"]
            if path.casefold().endswith(".ps1")
            and not path.casefold().endswith(".tests.ps1")
            and path.casefold() not in skip
        ]


def _names_missing(listed: ExportList | None, found: _Commands) -> bool:
    """Whether an export list names, without wildcards, a command that nothing loaded defines."""
    return (
        listed is not None
        and listed.restricts
        and any(not has_wildcard(name) and name.casefold() not in found for name in listed.patterns)
    )


def _define(functions: _Commands, path: str, script: ScriptInfo, *, own_exports: bool = False) -> None:
    """Add the functions ``script`` defines in its module's scope (later definitions win, as in PowerShell)."""
    for function in script.functions:
        if function.parent is not None or function.kind == "configuration" or function.scope == "global":
            continue
        if own_exports and not _lets_out(script, function.name):
            continue
        kind = function.kind.capitalize()
        functions[function.name.casefold()] = ExportedCommand(function.name, kind, path, function.line, function)


def _walk(version: ModuleVersion) -> tuple[_Commands, dict[str, ScriptInfo]]:
    loader = _Loader(version)
    commands = loader.module(version.manifest, version.manifest_path, version.root_module_path, top=True)
    return commands, loader.scripts


def script_modules(version: ModuleVersion) -> dict[str, ScriptInfo]:
    """Parse the scripts that define ``version``'s functions, by package path, in load order."""
    return _walk(version)[1]


def exported_commands(version: ModuleVersion) -> list[ExportedCommand]:
    """The commands ``version`` exports, sorted by name as ``Get-Command`` lists them."""
    return sorted(_walk(version)[0].values(), key=lambda command: command.name.casefold())


def _row(version: ModuleVersion, command: ExportedCommand) -> dict[str, Any]:
    definition = command.definition
    help_ = command_help(version, command)
    return {
        "name": command.name,
        "kind": command.kind,
        "synopsis": help_.synopsis,
        "description": help_.description,
        "help_uri": command.help_uri,
        "output_types": tuple(definition.output_types),
        "parameter_sets": parameter_sets(definition.parameters, command.default_parameter_set),
        "parameters": tuple(parameter.name for parameter in definition.parameters),
        "file": command.file,
        "line": command.line,
    }


def parameter_sets(parameters: Any, default: str | None) -> tuple[str, ...]:
    """The named parameter sets, the default first; ``__AllParameterSets`` when none is named."""
    names = [name for parameter in parameters for name in parameter.parameter_sets if name != _ALL_SETS]
    ordered = list(dict.fromkeys(([default] if default and names else []) + names))
    return tuple(ordered) if ordered else (_ALL_SETS,)


def parameters_by_set(parameters: Any, default: str | None) -> dict[str, list[Any]]:
    """Each parameter set (as :func:`parameter_sets` orders them) with the parameters it takes.

    A parameter in no named set, or in ``__AllParameterSets``, is in every set.
    """
    sets: dict[str, list[Any]] = {name: [] for name in parameter_sets(parameters, default)}
    for parameter in parameters:
        named = [name for name in parameter.parameter_sets if name != _ALL_SETS]
        for name in named or list(sets):
            sets[name].append(parameter)
    return sets


def command_rows(version: ModuleVersion) -> list[dict[str, Any]]:
    """The rows of :func:`command_table` as dicts (by :data:`COMMAND_COLUMNS`), for readers that want no table.

    Raises
    ------
    PackageError, HelpFileError
        As :func:`command_table` does.
    """
    return [_row(version, command) for command in exported_commands(version)]


def command_table(version: ModuleVersion) -> pd.DataFrame:
    """One row per exported command of ``version`` (see ``ModuleVersion.commands``).

    Raises
    ------
    PackageError
        When an assembly that defines cmdlets cannot be read.
    HelpFileError
        When a help file of a binary cmdlet is malformed, too large or declares a DTD.
    """
    rows = command_rows(version)
    frame = pd.DataFrame(rows, columns=COMMAND_COLUMNS)
    # Missing help is None, not NaN, whatever the other rows hold.
    for column in _TEXT_COLUMNS:
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    frame["line"] = frame["line"].astype("Int64")
    return frame
