"""Authoring practices: what makes a module work well in runbooks once Automation has imported it.

Each function is one rule; its decorator holds the catalogue entry. None of
these stop an import (that is :mod:`amkit.checks.import_rules`); they flag
what Microsoft's guidance for Automation modules asks of a module's
commands (their help and output types are in :mod:`amkit.checks.help_rules`),
state, dependencies and manifest. Messages say what is wrong and
where; ``help`` says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from amkit.checks.context import CheckContext
from amkit.checks.import_rules import INTEGRATION_DOC, MODULES_DOC
from amkit.checks.places import in_command
from amkit.checks.registry import Hit, hit_at_key, rule
from amkit.checks.sandbox import function_of, host_references, sandbox_calls, syntax_tree, workflow_safe
from amkit.defaults import command_family, module_family
from amkit.errors import AmkitError
from amkit.package.commands import ExportedCommand
from amkit.package.manifest import ExportList, Manifest
from amkit.package.module_package import ModuleVersion
from amkit.powershell.runbook_scan import azurerm_mentions
from amkit.powershell.script import FunctionInfo, ParameterInfo, ScriptInfo
from amkit.powershell.variables import VariableUse, reaches

if TYPE_CHECKING:
    from amkit.package.connection import ConnectionType

__all__: list[str] = []

EXECUTION_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-runbook-execution"
HYBRID_DOC = "https://learn.microsoft.com/en-us/azure/automation/automation-hybrid-runbook-worker"

_ALL_SETS = "__AllParameterSets"
_HASHTABLE = frozenset({"hashtable", "system.collections.hashtable"})
_EXPORT_KEYS = (("FunctionsToExport", "functions_to_export"), ("CmdletsToExport", "cmdlets_to_export"))
_SCRIPT_EXTENSIONS = (".ps1", ".psm1", ".psd1")


def _scripts(context: CheckContext) -> Iterator[tuple[ModuleVersion, str, ScriptInfo]]:
    """Each readable version's module scripts (package path and parse), in load order."""
    for version in context.versions:
        if version.error is None:  # AM105 reports an unreadable manifest
            for path, script in version.scripts.items():
                yield version, path, script


def _functions(context: CheckContext) -> Iterator[tuple[ModuleVersion, ExportedCommand, FunctionInfo]]:
    """Each version's exported functions with their definitions."""
    for version in context.versions:
        for command, function in context.exported_functions(version):
            yield version, command, function


def _who(function: str | None) -> str:
    return function or "the module's script-level code"


# -- connection, parameter types ----------------------------------------------------------------------


def _connection_type(version: ModuleVersion) -> ConnectionType | None:
    try:
        return version.connection_type
    except AmkitError:
        return None  # AM108 reports a malformed connection type


def _sets(parameter: ParameterInfo) -> set[str]:
    """The parameter sets ``parameter`` is in; ``__AllParameterSets`` for every set."""
    return set(parameter.parameter_sets) if parameter.parameter_sets else {_ALL_SETS}


def _connection_problem(function: FunctionInfo, connection: ConnectionType) -> tuple[str, int, int] | None:
    """What keeps ``function`` from taking a connection object, and its line and column; ``None`` if nothing."""
    parameter = function.parameter("Connection")
    if parameter is None:
        return "has no -Connection parameter", function.line, function.column
    written = parameter.type
    if written is None or "".join(written.split()).casefold() not in _HASHTABLE:
        problem = f"has -Connection {f'[{written}]' if written else 'untyped'}, not [hashtable]"
    elif _ALL_SETS in _sets(parameter):
        problem = "has -Connection in every parameter set, not in a parameter set of its own"
    else:
        required = [field.name.casefold() for field in connection.fields if not field.is_optional]
        others = {name for item in function.parameters for name in item.parameter_sets} - _sets(parameter)
        for name in others - {_ALL_SETS}:
            present = {item.name.casefold() for item in function.parameters if name in item.parameter_sets}
            if all(field in present for field in required):
                return None
        fields = ", ".join(field.name for field in connection.fields if not field.is_optional)
        problem = f"has no parameter set beside -Connection that takes the connection's fields ({fields})"
    return problem, parameter.line, parameter.column


@rule(
    "AM204",
    "warning",
    "An exported function cannot take the module's connection",
    rationale="A module with a connection type should let each command take the connection asset itself "
    "(-Connection, a hashtable from Get-AutomationConnection) in one parameter set, and the fields one by one "
    "in another, so runbooks pass the asset straight through and other callers need no hashtable.",
    help="Add [Parameter(ParameterSetName = 'ByConnection', Mandatory)] [hashtable] $Connection, and put the "
    "connection's fields as parameters in a second set ('ByParameters').",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def connection_parameter(context: CheckContext) -> Iterator[Hit]:
    """With a connection type, every exported function takes -Connection [hashtable] in a set of its own."""
    for version in context.versions:
        connection = _connection_type(version)
        if connection is None:
            continue
        for command, function in context.exported_functions(version):
            problem = _connection_problem(function, connection)
            if problem is not None:
                text, line, column = problem
                message = f"{command.name} {text}, though the module defines connection type {connection.name}"
                yield in_command(message, version, command, line, column)


@rule(
    "AM205",
    "warning",
    "A parameter has a type PowerShell Workflow passes deserialized",
    rationale="PowerShell Workflow keeps objects deserialized: a parameter of a complex type (a Process, a "
    "custom class) receives a property bag and fails with 'Cannot convert ... Deserialized...'. Primitives, "
    "strings, switches, hashtables, credentials, secure strings, dates and GUIDs, and arrays of them, are safe.",
    help="Take a primitive (a name, an id) and get the complex object inside the command, or take a hashtable.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def parameter_types(context: CheckContext) -> Iterator[Hit]:
    """No parameter of an exported function has a complex type."""
    for version, command, function in _functions(context):
        for parameter in function.parameters:
            if parameter.type is not None and not workflow_safe(parameter.type):
                message = (
                    f"{command.name}: parameter -{parameter.name} is [{parameter.type}], which arrives "
                    "deserialized from a PowerShell Workflow runbook"
                )
                yield in_command(message, version, command, parameter.line, parameter.column)


# -- state, reach, AzureRM, sandbox ----------------------------------------------------------------


def _module_scopes(version: ModuleVersion) -> list[list[tuple[str, ScriptInfo]]]:
    """The version's scripts grouped by the scope they run in, in load order.

    The root module shares its scope with the ``.ps1`` files it dot-sources
    or nests; every other script module has a scope of its own.
    """
    root = version.root_module_path
    shared: list[tuple[str, ScriptInfo]] = []
    alone: list[list[tuple[str, ScriptInfo]]] = []
    for path, script in version.scripts.items():
        if path == root or path.casefold().endswith(".ps1"):
            shared.append((path, script))
        else:
            alone.append([(path, script)])
    return [shared, *alone] if shared else alone


_VERBS = {"read": "reads", "update": "updates", "modify": "changes"}


def _shared_state(
    function: FunctionInfo, path: str, assignments: list[tuple[str, VariableUse]]
) -> Iterator[tuple[VariableUse, str]]:
    """Each module-level variable ``function`` uses: its first use, and the message saying where and how."""
    found: dict[tuple[str, int, int], list[VariableUse]] = {}
    for use in function.free_variables:
        if use.kind != "read" and use.scope in ("script", "global"):
            continue  # an explicit write, reported as such
        where = next(((file, item) for file, item in assignments if reaches(item, use)), None)
        if where is not None:
            found.setdefault((where[0], where[1].line, where[1].column), []).append(use)
    for (file, line, _column), uses in found.items():
        verbs = " and ".join(dict.fromkeys(_VERBS[use.kind] for use in uses))
        lines = list(dict.fromkeys(use.line for use in uses))
        used = f"line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"
        assigned = f"line {line}" if file == path else f"{file}, line {line}"
        what = f"{function.name} {verbs} {uses[0].written} ({used})"
        yield uses[0], f"{what}, which the module sets at script level ({assigned})"


@rule(
    "AM206",
    "warning",
    "The module keeps state in module-level variables",
    rationale="Jobs share sandboxes (same process, same AppDomain) and PowerShell Workflow runs each command "
    "in a session of its own: state one command leaves for another leaks between jobs or is lost. This flags "
    "every write to a $script: or $global: variable, and every function that reads, updates or changes a variable "
    "the module sets at script level (outside any function) without taking it as a parameter or assigning it "
    "first: PowerShell's dynamic scoping then hands the function the module's variable. Constants count, as "
    "Microsoft's own example of what not to do is a $globalNum set at script level and read by a function. "
    "Automatic and preference variables ($_, $PSScriptRoot, $ErrorActionPreference...) are not flagged.",
    help="Make commands stateless: pass what they need as parameters and return what they produce; "
    "keep constants in the function that uses them (or assign them locally before use).",
    source="Azure Automation: Runbook execution",
    help_uri=EXECUTION_DOC,
)
def module_state(context: CheckContext) -> Iterator[Hit]:
    """No function writes $script:/$global: variables or uses a variable the module sets at script level."""
    for version, path, script in _scripts(context):
        for write in script.scope_writes:
            name = f"${write.scope}:{write.variable}"
            if write.function is not None:
                message = f"{write.function} writes {name}"
            else:
                message = f"the module sets {name} at script level, when it is imported"
            yield Hit(message, context.label(version), path, write.line, write.column)
    for version in context.versions:
        if version.error is not None:
            continue  # AM105 reports an unreadable manifest
        for scope in _module_scopes(version):
            assignments = [(file, item) for file, script in scope for item in script.script_assignments]
            for path, script in scope:
                for function in script.functions:
                    for use, message in _shared_state(function, path, assignments):
                        yield Hit(message, context.label(version), path, use.line, use.column)


@rule(
    "AM207",
    "warning",
    "The module depends on files or settings outside itself",
    rationale="Automation copies the module folder into each sandbox: a module must work from it alone, "
    "without files elsewhere on the host (absolute, network or '..' paths, install locations) or registry "
    "settings a product installation made.",
    help="Ship what the module needs inside its folder and find it from $PSScriptRoot; take other locations "
    "as parameters; read settings from Automation variables or a connection instead of the registry.",
    source="Azure Automation: Manage modules (module dependency)",
    help_uri=MODULES_DOC,
)
def outside_module(context: CheckContext) -> Iterator[Hit]:
    """Scripts use no absolute, UNC, registry or escaping paths and no install-location variables."""
    for version, path, _script in _scripts(context):
        relative = path[len(version.folder) + 1 :] if version.folder else path
        source = syntax_tree(version, path)
        for node, what in host_references(source, relative.count("/")):
            line, column = source.position(node)
            message = f"{_who(function_of(source, node))} uses {what}"
            yield Hit(message, context.label(version), path, line, column)


def _uses_az(version: ModuleVersion, manifest: Manifest | None) -> str | None:
    """Why ``version`` uses Az modules (the first reason found), ``None`` when it does not."""
    for spec in manifest.required_modules if manifest is not None else ():
        if module_family(spec.name) == "Az":
            return f"RequiredModules names {spec.name}"
    kinds = {"import-module": "Import-Module", "using-module": "using module", "requires": "#Requires -Modules"}
    for script in version.scripts.values():
        for reference in script.module_references:
            if reference.name is not None and module_family(reference.name) == "Az":
                return f"{kinds.get(reference.kind, reference.kind)} {reference.name}"
        for command in script.commands:
            if command_family(command) == "Az":
                return f"it calls {command}"
    return None


@rule(
    "AM208",
    "warning",
    "AzureRM is mentioned in a module that uses Az",
    rationale="Az and AzureRM cannot share a session, and Automation reuses sandboxes; Microsoft warns that "
    "the word AzureRM in a script run with Az, even in a comment, can make AzureRM load and conflict with Az.",
    help="Remove or reword every mention of AzureRM (comments included) in modules that use Az, "
    "and migrate remaining AzureRM cmdlets to their Az names.",
    source="Azure Automation: Manage modules (migrate to Az modules)",
    help_uri=MODULES_DOC,
)
def azurerm_word(context: CheckContext) -> Iterator[Hit]:
    """No script or manifest of a version that uses Az contains the word AzureRM."""
    for version in context.versions:
        if version.error is not None:
            continue
        reason = _uses_az(version, version.manifest)
        if reason is None:
            continue
        for path in version.files["path"]:
            if not str(path).casefold().endswith(_SCRIPT_EXTENSIONS):
                continue
            for mention in azurerm_mentions(syntax_tree(version, path)):
                message = f"{mention.described} mentions AzureRM, but the module uses Az ({reason})"
                yield Hit(message, context.label(version), path, mention.line, mention.column)


@rule(
    "AM209",
    "info",
    "A command needs a Hybrid Runbook Worker",
    rationale="The cloud sandbox has no WMI/CIM of its own machine, no interaction, no elevation and reaches "
    "only what the public cloud reaches (Runbook execution in Azure Automation). Commands that need these "
    "work only on a Hybrid Runbook Worker; amkit.checks.sandbox.SANDBOX_LIMITED_COMMANDS lists them, each with why.",
    help="Say in the command's help that it needs a Hybrid Runbook Worker, and run the runbooks that call it "
    "there; or reach the service through an API the cloud can call.",
    source="Azure Automation: Runbook execution; Hybrid Runbook Worker overview",
    help_uri=HYBRID_DOC,
)
def sandbox_commands(context: CheckContext) -> Iterator[Hit]:
    """No script calls a command that does not work in the cloud sandbox."""
    for version, path, _script in _scripts(context):
        source = syntax_tree(version, path)
        for node, written, reason in sandbox_calls(source):
            line, column = source.position(node)
            message = f"{_who(function_of(source, node))} calls {written}: {reason}"
            yield Hit(message, context.label(version), path, line, column)


def _several_versions(context: CheckContext, version: ModuleVersion, name: str) -> str | None:
    """Why the module ``name`` can be present at several versions, ``None`` when that is not known."""
    folded = name.casefold()
    package = context.package
    if package is not None and package.name.casefold() == folded and len(package.versions) > 1:
        listed = ", ".join(str(item.version) for item in package.versions)
        return f"this package holds {name} {listed} side by side"
    if context.account is not None:
        held = [str(item) for item in context.account.versions(name)]
        if len(held) > 1:
            return f"the account holds {name} {', '.join(held)}"
    manifest = context.manifest(version)
    for spec in manifest.required_modules if manifest is not None else ():
        if spec.name.casefold() == folded and spec.required_version is None and spec.path is None:
            low, high = spec.version, spec.maximum_version
            accepted = (
                f"{low} to {high}" if low and high else f"{low} or later" if low else f"up to {high}" if high else None
            )
            return f"RequiredModules accepts {name} {accepted}" if accepted else f"RequiredModules accepts any {name}"
    return None


@rule(
    "AM210",
    "info",
    "Import-Module of a module with several versions has no -RequiredVersion",
    rationale="Jobs reuse sandboxes: once a job has loaded one version of a module, later jobs in that sandbox "
    "keep it, so a module with several versions must be imported with -RequiredVersion, even for the latest.",
    help="Write Import-Module <Name> -RequiredVersion <version>, or list the module in RequiredModules "
    "with RequiredVersion so PowerShell loads that version.",
    source="Azure Automation: Manage modules (version folder)",
    help_uri=MODULES_DOC,
)
def import_version(context: CheckContext) -> Iterator[Hit]:
    """Import-Module of a module known to have several versions names -RequiredVersion."""
    for version, path, script in _scripts(context):
        for reference in script.module_references:
            name = reference.name
            if reference.kind != "import-module" or reference.required_version is not None or not name:
                continue
            if any(sep in name for sep in "/\\") or name.casefold().endswith((".psd1", ".psm1", ".dll")):
                continue  # a file of the module itself
            why = _several_versions(context, version, name)
            if why is not None:
                message = (
                    f"{_who(reference.function)} imports {name} without -RequiredVersion, "
                    f"and several versions of it can be present: {why}"
                )
                yield Hit(message, context.label(version), path, reference.line, reference.column)


@rule(
    "AM211",
    "info",
    "FunctionsToExport or CmdletsToExport is '*' or not set",
    rationale="Without an explicit list PowerShell (and Automation, which lists a module's activities at "
    "import) must load the module to learn its commands, and every helper function becomes public.",
    help="List the exported functions and cmdlets by name, and write @() for none.",
    source="Azure Automation: Create an integration module",
    help_uri=INTEGRATION_DOC,
)
def export_lists(context: CheckContext) -> Iterator[Hit]:
    """FunctionsToExport and CmdletsToExport are explicit lists."""
    for version, manifest in context.manifests():
        for key, attribute in _EXPORT_KEYS:
            exports: ExportList = getattr(manifest, attribute)
            if exports.declared in ("absent", "null"):
                shown = "not set" if exports.declared == "absent" else "$null"
                yield hit_at_key(f"{key} is {shown}: every command is exported", version, manifest, key)
            elif exports.patterns == ("*",):
                yield hit_at_key(f"{key} is '*': every command is exported", version, manifest, key)
