"""Binding the arguments of the commands that say what a script needs and exports.

PowerShell binds command arguments by name, unique prefix, alias and
position; this module binds the few commands that matter for module
analysis (``Import-Module``, ``using module``, ``#Requires``,
``Export-ModuleMember``, ``Set-Alias``/``New-Alias``, ``Set-Variable``/
``New-Variable``) the same way, from the syntax tree, without running them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from amkit.errors import DataFileError, ScriptError
from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.literals import DASHES
from amkit.powershell.psd1 import constant_value
from amkit.powershell.recovery import parse_source, syntax_error
from amkit.powershell.symbolic import Symbolic, script_root_path
from amkit.powershell.syntax import NUMBER_LITERALS, SourceText, children, string_value, unwrap, walk

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tree_sitter import Node

__all__ = [
    "EXPORT_MODULE_MEMBER",
    "IMPORT_MODULE",
    "REQUIRES",
    "SCOPES",
    "SET_ALIAS",
    "SET_VARIABLE",
    "Call",
    "ExportInfo",
    "ModuleReference",
    "RequiresInfo",
    "Signature",
    "bind",
    "command_name",
    "constant",
    "items",
    "module_references",
    "read_requires",
    "variable_name",
    "word",
    "words",
]

#: Scope modifiers of variable and function names.
SCOPES = frozenset({"global", "script", "local", "private"})
_VARIABLE_SCOPES = SCOPES | {"using", "workflow"}


@dataclass(frozen=True)
class ModuleReference:
    r"""One module a script asks for: ``Import-Module``, ``using module`` or ``#Requires -Modules``.

    Attributes
    ----------
    name
        The module name or path as written (``Az.Accounts``, ``.\Foo.psd1``),
        or ``None`` when it is computed (a variable, ``@splat``, an expandable
        string); ``text`` then says what was written.
    kind
        ``"import-module"``, ``"using-module"`` or ``"requires"``.
    version, required_version, maximum_version, guid
        ``ModuleVersion``/``-MinimumVersion`` (or its alias ``-Version``),
        ``RequiredVersion``, ``MaximumVersion`` and ``GUID``, as written.
    line, column
        1-based position of the module argument (of the command when no
        argument names a module).
    function
        The innermost function the reference is in, ``None`` at script level.
    text
        The argument as written.
    path
        The file a module argument names below ``$PSScriptRoot``, the
        script's own folder (``"$PSScriptRoot\\bin\\X.dll"``,
        ``$PSScriptRoot\\X.psm1``, ``(Join-Path $PSScriptRoot 'X.dll')``), as a
        relative path with ``/``; ``None`` for any other argument.
    """

    name: str | None
    kind: str
    version: str | None = None
    required_version: str | None = None
    maximum_version: str | None = None
    guid: str | None = None
    line: int = 0
    column: int = 0
    function: str | None = None
    text: str = ""
    path: str | None = None


@dataclass(frozen=True)
class ExportInfo:
    """What ``Export-ModuleMember`` calls at script level export; wildcards kept as written.

    ``unresolved`` holds arguments that are computed (``-Function
    $Public.BaseName``): the export list then depends on what runs.
    """

    functions: tuple[str, ...] = ()
    cmdlets: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequiresInfo:
    """The ``#Requires`` statements of a script, merged (modules are in ``module_references``)."""

    version: str | None = None
    ps_editions: tuple[str, ...] = ()
    run_as_administrator: bool = False
    shell_id: str | None = None
    assemblies: tuple[str, ...] = ()


@dataclass
class Call:
    """A command's arguments bound to its parameters (canonical names, lower case)."""

    node: Node
    named: dict[str, list[Node]] = field(default_factory=dict)
    positional: list[list[Node]] = field(default_factory=list)
    splatted: bool = False


@dataclass(frozen=True)
class Signature:
    """The parameters of one command: aliases and names map to canonical names."""

    names: Mapping[str, str]
    switches: frozenset[str] = frozenset()
    positions: tuple[str, ...] = ()
    ordered_prefixes: bool = False

    def resolve(self, typed: str) -> str:
        """Resolve ``typed`` as PowerShell does: name or alias, else a unique prefix."""
        typed = typed.casefold()
        if typed in self.names:
            return self.names[typed]
        matches = list(dict.fromkeys(name for key, name in self.names.items() if key.startswith(typed)))
        if self.ordered_prefixes and matches:
            return matches[0]
        return matches[0] if len(matches) == 1 else typed


def signature(spec: str, switches: str = "", positions: str = "", **aliases: str) -> Signature:
    names = {name.casefold(): name.casefold() for name in (spec + " " + switches).split()}
    names.update({alias.casefold(): target.casefold() for alias, target in aliases.items()})
    common = "verbose debug erroraction warningaction informationaction progressaction errorvariable"
    names.update({name: name for name in (common + " warningvariable informationvariable outvariable").split()})
    switch_names = frozenset(switches.casefold().split()) | {"verbose", "debug"}
    return Signature(names, switch_names, tuple(positions.casefold().split()))


IMPORT_MODULE = signature(
    "Name FullyQualifiedName Assembly ModuleInfo Prefix Function Cmdlet Variable Alias "
    "MinimumVersion MaximumVersion RequiredVersion ArgumentList Scope PSSession CimSession "
    "CimResourceUri CimNamespace",
    "Global Force SkipEditionCheck PassThru AsCustomObject DisableNameChecking NoClobber UseWindowsPowerShell",
    "Name",
    Version="MinimumVersion",
    Args="ArgumentList",
    UseWinPS="UseWindowsPowerShell",
)
EXPORT_MODULE_MEMBER = signature("Function Cmdlet Variable Alias", "", "Function")
SET_ALIAS = signature("Name Value Description Option Scope", "PassThru Force WhatIf Confirm", "Name Value")
SET_VARIABLE = signature(
    "Name Value Include Exclude Description Option Scope Visibility",
    "Force PassThru WhatIf Confirm",
    "Name Value",
)
# PowerShell tries the #Requires parameters in this order, each by prefix.
REQUIRES = Signature(
    {name: name for name in "runasadministrator shellid pssnapin psedition version assembly modules".split()},
    frozenset({"runasadministrator"}),
    ordered_prefixes=True,
)


def bind(source: SourceText, command: Node, signature: Signature) -> Call:
    """Bind the arguments of ``command`` to ``signature``'s parameters."""
    call = Call(command)
    elements = next((child for child in command.named_children if child.type == "command_elements"), None)
    if elements is None:
        return call
    current: str | None = None
    takes_value = False
    last: list[Node] | None = None
    ended = False  # after --, every argument is positional, -Name ones too
    for element in elements.named_children:
        kind = element.type
        text = source.node_text(element)
        if kind == "command_parameter" and not ended and not text.strip(DASHES + " \t"):
            ended, current, takes_value, last = True, None, False, None
            continue
        if kind == "command_argument_sep":
            # -Name:value binds the value even to a switch.
            takes_value = takes_value or (text == ":" and current is not None and last is None)
            continue
        if kind in ("comment", "redirection", "stop_parsing"):
            continue
        if kind == "command_parameter" and not ended:
            current = signature.resolve(text.lstrip(DASHES).rstrip(":"))
            call.named.setdefault(current, [])
            takes_value = current not in signature.switches or text.endswith(":")
            last = None
        elif last is not None and text.startswith(","):  # a ,b: the list goes on after a blank
            last.extend(items(element))
        elif takes_value and current is not None:
            call.named[current] = last = items(element)
            takes_value = False
        elif unwrap(element).type == "variable" and text.startswith("@"):
            call.splatted = True
            last = None
        else:
            last = items(element)
            call.positional.append(last)
    # Positional arguments fill the positional parameters not bound by name, in order.
    free = [name for name in signature.positions if name not in call.named]
    for name, value in zip(free, call.positional, strict=False):
        call.named[name] = value
    call.positional = call.positional[len(free) :]
    return call


def items(node: Node) -> list[Node]:
    """Return the items of an argument: each of ``a, b`` and ``@(a, b)``, else the argument.

    Arrays nest without bound (``@(@(@(...)))``): they are opened with a
    stack, not by recursion.
    """
    found: list[Node] = []
    pending = [node]  # what is left to open, last first
    while pending:
        node = unwrap(pending.pop())
        if node.type == "expression_with_unary_operator" and node.children[0].type == ",":
            inner = children(node)
        elif node.type == "array_literal_expression" and all(c.is_named or c.type == "," for c in node.children):
            inner = children(node)
        elif node.type == "array_expression":
            inner = [statement for part in children(node) for statement in children(part)]
        else:
            found.append(node)
            continue
        pending.extend(reversed(inner))
    return found


def word(source: SourceText, node: Node) -> str | None:
    """Return the text of a bare word, string or number argument, ``None`` when computed."""
    node = unwrap(node)
    if node.type == "simple_name":
        return source.node_text(node)
    if node.type == "generic_token":
        text = source.node_text(node).lstrip(",")
        return None if "$" in text else text
    if node.type in NUMBER_LITERALS:
        return source.node_text(node)
    if node.type.endswith(("string_characters", "string_literal")):
        return string_value(node, source)
    return None


def command_name(source: SourceText, command: Node) -> str | None:
    """Return the name a command is called by, ``None`` when computed (``& $block``)."""
    child = command.child_by_field_name("command_name")  # a command_name, or after & or . a command_name_expr
    if child is None or child.type == "command_name":
        return None if child is None else source.node_text(child)
    inner = child.named_child(0) or child
    return source.node_text(inner) if inner.type == "command_name" else string_value(inner, source)


def words(source: SourceText, nodes: list[Node] | None) -> list[str | None]:
    """:func:`word` of each node."""
    return [word(source, node) for node in nodes or []]


def script_root_file(source: SourceText, node: Node) -> str | None:
    """The path below ``$PSScriptRoot`` an argument names, as :attr:`ModuleReference.path` says; else ``None``."""
    inner = unwrap(node)
    if inner.type == "composite_argument":  # $PSScriptRoot\bin\X.dll, a bare word
        parts = children(inner)
        if parts[1:] and all(part.type == "generic_token" for part in parts[1:]):
            return script_root_path(source.node_text(inner))
        return None
    try:  # a string or Join-Path, as a manifest may write them
        value = constant_value(node, source, manifest=True)
    except DataFileError:
        return None
    return value.path or None if isinstance(value, Symbolic) else None


def constant(source: SourceText, node: Node) -> Any:
    """Return the constant value of ``node`` (hashtable, string, number), ``None`` if computed."""
    try:
        return constant_value(node, source)
    except DataFileError:
        return None


def module_references(
    source: SourceText,
    call: Call,
    kind: str,
    function: str | None,
    where: tuple[int, int] | None = None,
) -> list[ModuleReference]:
    """Return the modules one ``Import-Module``, ``using module`` or ``#Requires`` asks for.

    ``where`` places a ``#Requires`` comment parsed on its own: its line, and
    the column its text starts after.
    """

    def version(key: str) -> str | None:
        values = words(source, call.named.get(key))
        return values[0] if values else None

    def position(node: Node) -> tuple[int, int]:
        line, column = source.position(node)
        return (where[0], where[1] + column) if where else (line, column)

    versions = (version("minimumversion"), version("requiredversion"), version("maximumversion"))
    arguments = [*call.named.get("name", []), *call.named.get("modules", [])]
    references = []
    for node in [*arguments, *call.named.get("fullyqualifiedname", [])]:
        spec = module_specification(source, node)
        if spec is not None:
            name: str | None = spec.get("ModuleName")
            found = (
                spec.get("ModuleVersion"),
                spec.get("RequiredVersion"),
                spec.get("MaximumVersion"),
            )
            guid = spec.get("GUID")
        else:
            name, found, guid = word(source, node), versions, None
        line, column = position(node)
        text = source.node_text(node)
        path = script_root_file(source, node) if name is None else None
        references.append(ModuleReference(name, kind, *found, guid, line, column, function, text, path))
    if not references:
        line, column = position(call.node)
        text = source.node_text(call.node)
        references.append(ModuleReference(None, kind, *versions, None, line, column, function, text))
    return references


def module_specification(source: SourceText, node: Node) -> PSHashtable | None:
    """Read ``@{ModuleName='X'; ModuleVersion='1.0'}``: key to text, ``None`` if not one.

    The hashtable must be constant (as PowerShell requires); numbers keep
    their written form, so ``ModuleVersion = 1.10`` stays ``"1.10"``.
    """
    node = unwrap(node)
    if node.type != "hash_literal_expression" or not isinstance(constant(source, node), PSHashtable):
        return None
    spec = PSHashtable()
    body = next((child for child in node.named_children if child.type == "hash_literal_body"), None)
    for entry in children(body) if body is not None else []:
        parts = children(entry)
        if len(parts) == 2:
            spec[word(source, parts[0])] = word(source, parts[1])
    return spec


def variable_name(text: str) -> tuple[str | None, str]:
    """Return ``('script', 'x')`` for ``$script:x`` or ``${script:x}``; scope ``None`` if absent.

    ``$using:`` and ``$workflow:`` are scope modifiers of variables too; a
    drive (``$env:Path``) stays part of the name.
    """
    name = text[1:] if text[:1] in ("$", "@") else text  # one sigil: $$ is the variable named $
    if name.startswith("{") and name.endswith("}"):
        name = name[1:-1]
    prefix, colon, rest = name.partition(":")
    if colon and prefix.casefold() in _VARIABLE_SCOPES:
        return prefix.casefold(), rest
    return None, name


def read_requires(
    comment: str, file: str | None, line: int, column: int
) -> tuple[dict[str, Any], list[ModuleReference], list[ScriptError]]:
    """Read one ``#Requires`` comment as PowerShell does: as a ``requires`` command.

    Returns the fields of :class:`RequiresInfo` it sets, its module
    references and its errors; ``line`` and ``column`` place the comment.
    """
    source, _, errors = parse_source(comment[1:], file)
    command = next((node for node in walk(source.root) if node.type == "command"), None)
    if errors or command is None:
        return {}, [], [syntax_error(source, errors[0] if errors else source.root, (line, column))]
    found: dict[str, Any] = {}
    references: list[ModuleReference] = []
    problems: list[ScriptError] = []
    for key, values in bind(source, command, REQUIRES).named.items():
        texts = [text for text in words(source, values) if text]
        if key == "modules":
            references += module_references(
                source, Call(command, {"modules": values}), "requires", None, (line, column)
            )
        elif key == "runasadministrator":
            found["run_as_administrator"] = True
        elif key in ("version", "shellid") and texts:
            found["version" if key == "version" else "shell_id"] = texts[0]
        elif key in ("psedition", "assembly"):
            found["ps_editions" if key == "psedition" else "assemblies"] = tuple(texts)
        elif key != "pssnapin":
            message = (
                f"#Requires has an unknown parameter -{key}; "
                "it takes -Version, -PSEdition, -Modules, -RunAsAdministrator"
            )
            problems.append(ScriptError(message, file=file, line=line, column=column))
    return found, references, problems
