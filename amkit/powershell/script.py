"""Read PowerShell scripts and script modules (``.ps1``, ``.psm1``) without running them.

:func:`parse_script` walks the tree-sitter-powershell syntax tree once and
lists what a reviewer of an Automation module wants to know: the functions
with their help, parameters and attributes, the commands each one calls,
writes to ``$script:``/``$global:`` variables, the variables each one uses and
which of them it takes from the script's scope (see
:mod:`amkit.powershell.variables`), the modules the file imports or requires,
and what it exports. Syntax errors are collected, not raised, so a
file with one bad line is still listed. What the code uses (the commands
called, the variables) can be read when first asked for instead
(:mod:`amkit.powershell.script_usage`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from amkit.bulk import collector_paused
from amkit.errors import ScriptError
from amkit.limits import Clock, Limits
from amkit.powershell import calls, recovery
from amkit.powershell.calls import ExportInfo, ModuleReference, RequiresInfo
from amkit.powershell.comment_help import CommentHelp, CommentIndex
from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.param_block import CmdletBinding, ParameterInfo, ParameterReader, read_param_block
from amkit.powershell.script_usage import (
    DeferredFunction,
    DeferredUsage,
    NodeReader,
    ReadLater,
    ScopeWrite,
    UsageReader,
    bare_name,
    called_name,
    function_name,
    read_nodes,
)
from amkit.powershell.syntax import children, unwrap
from amkit.powershell.textfile import load_source
from amkit.powershell.variables import AUTOMATIC_VARIABLES, VariableUse

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "AUTOMATIC_VARIABLES",
    "CmdletBinding",
    "CommentHelp",
    "ExportInfo",
    "FunctionInfo",
    "ModuleReference",
    "ParameterInfo",
    "RequiresInfo",
    "ScopeWrite",
    "ScriptInfo",
    "VariableUse",
    "parse_script",
]

_IMPORT_MODULE = frozenset({"import-module", "ipmo"})
_EXPORT_MODULE_MEMBER = "export-modulemember"
_SET_ALIAS = frozenset({"set-alias", "new-alias", "sal", "nal"})
#: The commands whose calls the reader reads: what a script imports, exports and aliases.
_READ_CALLS = _IMPORT_MODULE | _SET_ALIAS | {_EXPORT_MODULE_MEMBER}
_EXPORTS = (("function", "functions"), ("cmdlet", "cmdlets"), ("variable", "variables"), ("alias", "aliases"))


@dataclass(frozen=True)
class FunctionInfo(ReadLater):
    """A function, filter, workflow or configuration defined in a script.

    Attributes
    ----------
    name
        Without a scope prefix; ``scope`` holds it (``function global:X``).
    kind
        ``"function"``, ``"filter"``, ``"workflow"`` or ``"configuration"``.
    line, column, end_line
        1-based position of the keyword and line of the closing brace.
    parent
        The enclosing function's name for nested functions.
    help
        Comment-based help found where ``Get-Help`` looks for it.
    cmdlet_binding
        ``None`` without a ``[CmdletBinding()]`` attribute.
    output_types
        The types of ``[OutputType()]`` as written, without brackets.
    aliases
        The names of the function's own ``[Alias()]`` attribute.
    parameters
        From ``param()`` or from ``function Name($a, $b)``.
    commands
        The commands the function calls (not those only its nested
        functions call), unique ignoring case, in order of first call.
    scope_writes
        Writes to ``$script:``/``$global:`` variables in its body.
    variables
        Every use of a variable in its body and parameters (not in its nested
        functions'), in source order: what it reads, assigns, updates and
        changes.
    free_variables
        The uses of ``variables`` that reach past the function, to the
        script's (a module's) or the session's scope: every ``$script:`` and
        ``$global:`` use, and reads, updates and changes of variables that are
        not automatic (:data:`AUTOMATIC_VARIABLES`), not its parameters, not
        assigned in it before the use and not owned by an enclosing function.
    is_advanced
        Whether it has ``[CmdletBinding()]`` or any ``[Parameter()]`` attribute.
    """

    name: str
    kind: str
    line: int
    column: int
    end_line: int
    scope: str | None = None
    parent: str | None = None
    help: CommentHelp | None = None
    cmdlet_binding: CmdletBinding | None = None
    output_types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parameters: tuple[ParameterInfo, ...] = ()
    commands: tuple[str, ...] = field(default_factory=tuple, hash=False)
    scope_writes: tuple[ScopeWrite, ...] = field(default_factory=tuple, hash=False)
    variables: tuple[VariableUse, ...] = field(default_factory=tuple, hash=False)
    free_variables: tuple[VariableUse, ...] = field(default_factory=tuple, hash=False)
    is_advanced: bool = False
    _usage: DeferredFunction | None = field(default=None, repr=False, compare=False)
    LATER_FIELDS: ClassVar[tuple[str, ...]] = ("commands", "scope_writes", "variables", "free_variables")

    def __getstate__(self) -> dict[str, Any]:
        # Its usage read, a function pickled alone holds its own, not its script's (or the script's text).
        state = dict(self.__dict__)
        if self._usage is not None and self._usage.script.is_read:
            state.update({name: getattr(self, name) for name in self.LATER_FIELDS}, _usage=None)
        return state

    def parameter(self, name: str) -> ParameterInfo | None:
        """Return the parameter called ``name`` (any case, ``$`` optional), or ``None``."""
        wanted = name.lstrip("$").casefold()
        return next((p for p in self.parameters if p.name.casefold() == wanted), None)


@dataclass(frozen=True)
class ScriptInfo(ReadLater):
    """What :func:`parse_script` found in one script or script module.

    Attributes
    ----------
    file
        The file name given or read.
    functions
        Every function, filter, workflow and configuration, nested ones too,
        in source order.
    module_references
        Every ``Import-Module`` (anywhere), ``using module`` and
        ``#Requires -Modules``, in source order.
    requires
        The rest of the ``#Requires`` statements, merged.
    scope_writes
        Every write to a ``$script:``/``$global:`` variable, at script level
        and in functions, in source order.
    commands
        Every command called anywhere in the file, unique ignoring case.
    variables
        Every use of a variable, at script level and in functions, in source
        order.
    script_assignments
        The uses of ``variables`` that set a variable of the script's own
        scope (or, with ``$global:``, the session's): assignments, updates,
        ``Set-Variable``/``New-Variable`` and the script's ``param()``, outside
        functions and classes. For a script module, its module-level state.
    exports
        What script-level ``Export-ModuleMember`` calls export, ``None``
        without any (a script module then exports all its functions).
    aliases
        Script-level ``Set-Alias``/``New-Alias``: alias to command (keys
        ignore case).
    help, parameters, cmdlet_binding, output_types
        The script's own help, ``param()`` block and attributes (a runbook's
        parameters).
    errors
        Syntax errors with line and column; the rest of the file is still read.
    """

    file: str | None
    functions: tuple[FunctionInfo, ...] = ()
    module_references: tuple[ModuleReference, ...] = ()
    requires: RequiresInfo = field(default_factory=RequiresInfo)
    scope_writes: tuple[ScopeWrite, ...] = field(default_factory=tuple, hash=False)
    commands: tuple[str, ...] = field(default_factory=tuple, hash=False)
    variables: tuple[VariableUse, ...] = field(default_factory=tuple, hash=False)
    script_assignments: tuple[VariableUse, ...] = field(default_factory=tuple, hash=False)
    exports: ExportInfo | None = None
    aliases: Mapping[str, str] = field(default_factory=PSHashtable, hash=False)
    help: CommentHelp | None = None
    parameters: tuple[ParameterInfo, ...] = ()
    cmdlet_binding: CmdletBinding | None = None
    output_types: tuple[str, ...] = ()
    errors: tuple[ScriptError, ...] = ()
    _usage: DeferredUsage | None = field(default=None, repr=False, compare=False)
    LATER_FIELDS: ClassVar[tuple[str, ...]] = ("commands", "variables", "script_assignments", "scope_writes")

    @property
    def usage_read(self) -> bool:
        """Whether what the script uses is read yet (see ``defer_usage`` of :func:`parse_script`)."""
        return self._usage is None or self._usage.is_read

    def function(self, name: str) -> FunctionInfo | None:
        """Return the last function called ``name`` (any case): the one PowerShell would call."""
        wanted = name.casefold()
        return next((f for f in reversed(self.functions) if f.name.casefold() == wanted), None)


def parse_script(
    source: str | bytes | os.PathLike[str],
    *,
    file: str | None = None,
    strict: bool = False,
    limits: Limits | None = None,
    defer_usage: bool = False,
) -> ScriptInfo:
    """Read a PowerShell script or script module without running it.

    Parameters
    ----------
    source
        A path (``pathlib.Path``, or a one-line ``str`` naming an existing
        file, or one word ending in ``.ps1``, ``.psm1`` or ``.psd1``, which is
        a path even when missing: such a word is more likely a mistyped path
        than a script), the file's bytes (any BOM honoured), or its text.
    file
        The name to report in errors when ``source`` is text or bytes.
    strict
        Raise the first syntax error instead of listing it in
        ``ScriptInfo.errors``.
    limits
        The bounds on its size and on the time reading it may take
        (:attr:`Limits.max_script_size`, :attr:`Limits.max_parse_seconds`).
    defer_usage
        Read what the script and its functions use (``commands``,
        ``variables``, ``script_assignments``, ``scope_writes``,
        ``free_variables``) when first asked for, by parsing the text again,
        instead of now: over a third less time for a reader that wants only
        functions, help, parameters, imports and exports. The results are
        the same (each reading has the whole of ``max_parse_seconds``).

    Returns
    -------
    ScriptInfo

    Raises
    ------
    ScriptError
        When the file cannot be read or decoded, or passes a limit, and with
        ``strict=True`` for a syntax error (with file, line and column).
    """
    limits = limits or Limits()
    text, file = load_source(source, file=file, error=ScriptError, caller="parse_script", limits=limits)
    with collector_paused():
        clock = Clock(limits, file, ScriptError)  # parsing (and repairing) counts too
        reader = _ScriptReader(text, file)
        usage = None if defer_usage else UsageReader(reader.source)
        readers: list[NodeReader] = [reader] if usage is None else [reader, usage]
        read_nodes(reader.source, readers, clock)
        if usage is None:
            info = reader.result(DeferredUsage(text=text, file=file, limits=limits))
        else:
            info = reader.result(DeferredUsage(usage.result()))
    if strict and info.errors:
        raise info.errors[0]
    return info


@dataclass
class _Function:
    """A function being read: where it is."""

    node: Node
    kind: str
    name: str
    scope: str | None
    parent: _Function | None
    keyword: Node
    braces: tuple[Node | None, Node | None]
    script_block: Node | None
    declared: Node | None = None


class _ScriptReader:
    """Read one parsed file's functions, help, imports, exports and aliases as :func:`read_nodes` walks it."""

    #: The node types :meth:`visit` does anything with.
    KINDS = frozenset({"comment", "function_statement", "command", "using_statement"})

    def __init__(self, text: str, file: str | None) -> None:
        self.source, self.errors, remaining = recovery.parse_source(text, file)
        self.file = file
        self.functions: list[_Function] = []
        self.comments: list[Node] = []
        self.errors += [recovery.syntax_error(self.source, node) for node in remaining]
        self.references: list[ModuleReference] = []
        self.parameters = ParameterReader(self.source)
        self.exports: dict[str, list[str]] | None = None
        self.aliases = PSHashtable()

    def visit(self, node: Node, kind: str, current: int | None) -> None:
        function = self.functions[current] if current is not None else None
        if kind == "comment":
            self.comments.append(node)
        elif kind == "function_statement":
            self.function(node, function)
        elif kind == "command":
            self.command(node, function)
        elif kind == "using_statement" and node.children[1].type == "module":
            module = node.child_by_field_name("name")
            call = calls.Call(node, {"name": [module] if module is not None else []})
            self.references += self.modules(call, "using-module", function)

    def result(self, usage: DeferredUsage) -> ScriptInfo:
        """What was read, with what the script uses (read, or to be read)."""
        index = CommentIndex(self.source, self.comments)
        requires = self.requires()
        help_ = index.script_help(self.first_function())
        param_block = next((c for c in self.source.root.named_children if c.type == "param_block"), None)
        declared = read_param_block(self.source, param_block, help=help_, comments=index, reader=self.parameters)
        exports = self.exports
        return ScriptInfo(
            file=self.file,
            functions=tuple(
                self.function_info(function, index, usage.function(number))
                for number, function in enumerate(self.functions)
            ),
            module_references=tuple(sorted(self.references, key=lambda r: (r.line, r.column))),
            requires=requires,
            exports=None if exports is None else ExportInfo(**{k: tuple(v) for k, v in exports.items()}),
            aliases=self.aliases,
            help=help_,
            parameters=declared.parameters,
            cmdlet_binding=declared.cmdlet_binding,
            output_types=declared.output_types,
            errors=tuple(sorted(self.errors, key=lambda e: (e.line or 0, e.column or 0))),
            _usage=usage,
        )

    # -- functions -----------------------------------------------------------------------

    def function(self, node: Node, parent: _Function | None) -> None:
        # The keyword comes first, but for a configuration's attributes (and comments after them):
        # [DscLocalConfigurationManager()]
        keyword = next(child for child in node.children if child.type not in ("attribute_list", "comment"))
        name, scope = function_name(self.source, node)
        braces = [c for c in node.children if c.type in ("{", "}")]
        function = _Function(
            node,
            keyword.type,
            name,
            scope,
            parent,
            keyword,
            (braces[0] if braces else None, braces[-1] if len(braces) > 1 else None),
            next((c for c in node.named_children if c.type == "script_block"), None),
            next((c for c in node.named_children if c.type == "function_parameter_declaration"), None),
        )
        self.functions.append(function)

    def first_function(self) -> Node | None:
        """Return the file's first statement when it is a function."""
        statements = next((c for c in self.source.root.named_children if c.type == "statement_list"), None)
        for statement in children(statements) if statements is not None else []:
            if unwrap(statement).type != "empty_statement":
                return statement if statement.type == "function_statement" else None
        return None

    def function_info(self, function: _Function, index: CommentIndex, usage: DeferredFunction) -> FunctionInfo:
        help_ = index.function_help(function.node, *function.braces)
        block = function.script_block
        param_block = next((c for c in block.named_children if c.type == "param_block"), None) if block else None
        declared = read_param_block(
            self.source, param_block, declared=function.declared, help=help_, comments=index, reader=self.parameters
        )
        line, column = self.source.position(function.keyword)
        return FunctionInfo(
            name=function.name,
            kind=function.kind,
            line=line,
            column=column,
            end_line=self.source.end_line(function.node),
            scope=function.scope,
            parent=function.parent.name if function.parent else None,
            help=help_,
            cmdlet_binding=declared.cmdlet_binding,
            output_types=declared.output_types,
            aliases=declared.aliases,
            parameters=declared.parameters,
            is_advanced=declared.cmdlet_binding is not None or any(p.parameter_sets for p in declared.parameters),
            _usage=usage,
        )

    # -- commands ------------------------------------------------------------------------

    def command(self, node: Node, current: _Function | None) -> None:
        """Read what a call imports, exports or aliases (the calls themselves are the script's usage)."""
        name = called_name(self.source, node, _READ_CALLS)
        if name is None:
            return
        folded = bare_name(name)
        if folded in _IMPORT_MODULE:
            call = calls.bind(self.source, node, calls.IMPORT_MODULE)
            self.references += self.modules(call, "import-module", current)
        elif current is None and folded == _EXPORT_MODULE_MEMBER:
            self.export(calls.bind(self.source, node, calls.EXPORT_MODULE_MEMBER))
        elif current is None and folded in _SET_ALIAS:
            call = calls.bind(self.source, node, calls.SET_ALIAS)
            alias, target = (calls.words(self.source, call.named.get(key)) for key in ("name", "value"))
            if len(alias) == 1 and len(target) == 1 and alias[0] and target[0]:
                self.aliases[alias[0]] = target[0]

    def modules(self, call: calls.Call, kind: str, current: _Function | None) -> list[ModuleReference]:
        return calls.module_references(self.source, call, kind, current.name if current else None)

    def export(self, call: calls.Call) -> None:
        if self.exports is None:
            self.exports = {key: [] for key in ("functions", "cmdlets", "variables", "aliases", "unresolved")}
        if call.splatted:
            self.exports["unresolved"].append(self.source.node_text(call.node))
        for parameter, key in _EXPORTS:
            for item in call.named.get(parameter, []):
                text = calls.word(self.source, item)
                if text is None:
                    text, key = f"-{parameter.title()} {self.source.node_text(item)}", "unresolved"
                self.exports[key].append(text)

    def requires(self) -> RequiresInfo:
        """Merge every ``#Requires`` comment (a line comment starting ``#requires``)."""
        found: dict[str, Any] = {}
        for comment in self.comments:
            text = self.source.node_text(comment)
            if text[1:9].casefold() == "requires" and not text.startswith("<#"):
                fields, references, errors = calls.read_requires(text, self.file, *self.source.position(comment))
                for key, value in fields.items():
                    found[key] = found.get(key, ()) + value if isinstance(value, tuple) else found.get(key, value)
                self.references += references
                self.errors += errors
        return RequiresInfo(**found)
