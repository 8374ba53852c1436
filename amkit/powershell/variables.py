"""Which variables a script uses, and which of them its functions take from the script's (a module's) scope.

PowerShell's scopes are dynamic. A function that reads ``$x`` without
having a parameter ``$x`` or assigning ``$x`` first gets the ``$x`` of the
scope it was called from, and in the end that of its script: for a script
module, the module's state, shared by everything the module runs. Inside a
function, ``$x = 1`` creates a local ``$x``; ``$x++`` and ``$x += 1`` read the
outer value, then create the local; ``$x[0] = 1`` and ``$x.P = 1`` change the
object the outer ``$x`` holds. ``$script:x`` and ``$global:x`` always mean the
script's and the session's ``$x``.

:class:`VariableRecorder` follows these rules over the syntax tree as
:mod:`amkit.powershell.script` walks it; :func:`free_uses` says which uses of
a function reach past it, :func:`script_assignments` which variables a script
sets in its own scope, and :func:`reaches` which of those a use gets.
Source order stands for run order: a branch or loop that assigns a variable
counts as assigning it from there on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from amkit.powershell import calls
from amkit.powershell.syntax import children, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.powershell.syntax import SourceText

__all__ = [
    "AUTOMATIC_VARIABLES",
    "INCREMENTS",
    "RecordedUse",
    "VariableRecorder",
    "VariableUse",
    "assigned_variable",
    "free_uses",
    "owned",
    "reaches",
    "script_assignments",
    "written_targets",
]

#: Variables PowerShell sets or reads itself, lower case: the automatic variables (``about_Automatic_Variables``),
#: the preference variables (``about_Preference_Variables``) and those of DSC configurations. A function that
#: uses one takes nothing from its module: PowerShell provides it in every scope.
AUTOMATIC_VARIABLES = frozenset(
    name.casefold()
    for name in (
        # about_Automatic_Variables
        "$ ? ^ _ args ConsoleFileName EnabledExperimentalFeatures Error Event EventArgs EventSubscriber "
        "ExecutionContext false foreach HOME Host input IsCoreCLR IsLinux IsMacOS IsWindows LASTEXITCODE Matches "
        "MyInvocation NestedPromptLevel null PID PROFILE PSBoundParameters PSCmdlet PSCommandPath PSCulture "
        "PSDebugContext PSEdition PSHOME PSItem PSScriptRoot PSSenderInfo PSUICulture PSVersionTable PWD Sender "
        "ShellId StackTrace switch this true "
        # about_Preference_Variables (with Windows PowerShell's Maximum*Count)
        "ConfirmPreference DebugPreference ErrorActionPreference ErrorView FormatEnumerationLimit "
        "InformationPreference LogCommandHealthEvent LogCommandLifecycleEvent LogEngineHealthEvent "
        "LogEngineLifecycleEvent LogProviderHealthEvent LogProviderLifecycleEvent MaximumAliasCount "
        "MaximumDriveCount MaximumErrorCount MaximumFunctionCount MaximumHistoryCount MaximumVariableCount OFS "
        "OutputEncoding ProgressPreference PSDefaultParameterValues PSEmailServer PSModuleAutoLoadingPreference "
        "PSNativeCommandArgumentPassing PSNativeCommandUseErrorActionPreference PSSessionApplicationName "
        "PSSessionConfigurationName PSSessionOption PSStyle Transcript VerbosePreference WarningPreference "
        "WhatIfPreference "
        # DSC configurations
        "AllNodes ConfigurationData Node SelectedNodes"
    ).split()
)

#: Scope modifiers that make a variable the script's or the session's, whatever the function does.
_OUTER_SCOPES = frozenset({"script", "global"})
#: Scope modifiers of a variable that is the function's own.
_LOCAL_SCOPES = frozenset({None, "local", "private"})
#: What can wrap an assigned variable: -not/unary operators, casts ([int]$x) and attributes ([ValidateRange(1, 2)]$x).
_CONSTRAINED = frozenset({"expression_with_unary_operator", "cast_expression", "attributed_variable"})
#: The nodes of ``++`` and ``--``, which update the variable they stand on.
INCREMENTS = frozenset(
    {
        "pre_increment_expression",
        "pre_decrement_expression",
        "post_increment_expression",
        "post_decrement_expression",
    }
)


@dataclass(frozen=True)
class VariableUse:
    """One use of a variable in a script.

    Attributes
    ----------
    name
        As written, without ``$``/``@``, braces or scope modifier
        (``globalNum``); a provider path keeps its drive (``env:Path``).
    scope
        The scope modifier written (``"script"``, ``"global"``, ``"local"``,
        ``"private"``, ``"using"`` or ``"workflow"``), ``None`` without one.
    kind
        ``"read"``; ``"assign"`` (``$x = ...``, ``foreach ($x in ...)``,
        ``Set-Variable``/``New-Variable``); ``"update"`` (``$x++``, ``$x += 1``:
        read, then assigned); ``"modify"`` (``$x[k] = v``, ``$x.P = v``: the
        object the variable holds is changed); ``"parameter"`` (declared in a
        ``param()`` block or ``function Name($x)``).
    line, column
        1-based position of the variable (of the command for ``Set-Variable``).
    function
        The innermost function the use is in, ``None`` at script level.
    """

    name: str
    scope: str | None
    kind: str
    line: int
    column: int
    function: str | None = None

    @property
    def written(self) -> str:
        """The variable as a reader would write it: ``$script:x``, ``$x``."""
        return f"${self.scope}:{self.name}" if self.scope else f"${self.name}"


class RecordedUse(NamedTuple):
    """A use while the script is read: where it starts, and from where it makes its name local.

    A named tuple: one is made for every variable of a file, and a frozen dataclass takes three times as long to make.
    """

    use: VariableUse
    start: int
    local_from: int | None = None  # byte offset; None when the use makes no local variable
    sets_script: bool = False  # at script level, whether it sets a variable of the script's scope


def _folded(use: VariableUse) -> str:
    return use.name.casefold()


def written_targets(node: Node) -> list[Node]:
    """The variables (or their elements and properties) an assignment or ``++``/``--`` writes."""
    if node.type in INCREMENTS:
        return [unwrap(children(node)[0])]
    left = next((c for c in node.named_children if c.type == "left_assignment_expression"), None)
    if left is None or not left.named_children:
        return []
    first = unwrap(left.named_children[0])
    targets = []
    for part in children(first) if first.type == "array_literal_expression" else [first]:
        part = unwrap(part)
        while part.type in _CONSTRAINED and children(part):
            part = unwrap(children(part)[-1])  # [int]$script:x = 1 constrains the variable's type
        targets.append(part)
    return targets


def assigned_variable(target: Node) -> Node | None:
    """The variable a target stands on: ``$x`` of ``$x``, ``$x[k]`` and ``$x.P``; ``None`` for other targets."""
    base = target
    while base.type in ("member_access", "element_access") and base.named_children:
        base = unwrap(base.named_children[0])
    return base if base.type == "variable" else None


class VariableRecorder:
    """Record the variable uses of one file as the script reader walks its syntax tree in source order."""

    #: The node types it reads: :meth:`assignment` (and ``++``/``--``), :meth:`declaration`, :meth:`use`
    #: and :meth:`class_statement`.
    KINDS = frozenset(
        {"assignment_expression", *INCREMENTS, "foreach_statement", "script_parameter", "variable", "class_statement"}
    )

    def __init__(self, source: SourceText) -> None:
        self.source = source
        # Variable nodes (by start and end) that a statement seen earlier assigns: kind and local_from.
        self.targets: dict[tuple[int, int], tuple[str, int | None]] = {}
        # Where the classes seen so far end: a node seen later that starts before is in one (nodes come in
        # source order), which asking each node for its parents would find at the cost of a walk from the root.
        self.class_end = 0

    def class_statement(self, node: Node) -> None:
        """Note a class: its methods have scopes of their own, so what they set is not the script's."""
        self.class_end = max(self.class_end, node.end_byte)

    def assignment(self, node: Node) -> list[Node]:
        """Note what an assignment or ``++``/``--`` ``node`` assigns; return its :func:`written_targets`."""
        operator = next((c for c in node.named_children if c.type == "assignement_operator"), None)
        plain = operator is not None and self.source.node_text(operator) == "="
        targets = written_targets(node)
        for target in targets:
            self.mark(target, "assign" if plain else "update", node.end_byte)
        return targets

    def declaration(self, node: Node) -> None:
        """Note the variable a ``foreach_statement`` or a ``script_parameter`` ``node`` declares."""
        variable = next((c for c in node.named_children if c.type == "variable"), None)
        if variable is None:
            return
        if node.type == "foreach_statement":
            body = next((c for c in node.named_children if c.type == "statement_block"), None)
            self.mark(variable, "assign", body.start_byte if body is not None else node.end_byte)
        else:
            self.targets[variable.start_byte, variable.end_byte] = ("parameter", variable.start_byte)

    def mark(self, target: Node, kind: str, local_from: int) -> None:
        """Note that ``target`` is assigned (``kind``), making its variable local from ``local_from``."""
        variable = assigned_variable(target)
        if variable is not None:
            whole = variable is target
            self.targets[variable.start_byte, variable.end_byte] = (kind, local_from) if whole else ("modify", None)

    def use(self, node: Node, function: str | None) -> RecordedUse:
        """The use of the variable ``node``: a read unless a statement seen earlier assigns it."""
        scope, name = calls.variable_name(self.source.node_text(node))
        kind, local_from = self.targets.get((node.start_byte, node.end_byte), ("read", None))
        line, column = self.source.position(node)
        use = VariableUse(name, scope, kind, line, column, function)
        if scope not in _LOCAL_SCOPES:
            local_from = None
        return RecordedUse(use, node.start_byte, local_from, function is None and self._sets_script(node, kind))

    def command(self, node: Node, name: str, scope: str | None, function: str | None) -> RecordedUse:
        """A ``Set-Variable``/``New-Variable`` of ``name`` (``scope`` as its ``-Scope`` says)."""
        line, column = self.source.position(node)
        use = VariableUse(name, scope, "assign", line, column, function)
        local_from = node.end_byte if scope in _LOCAL_SCOPES else None
        return RecordedUse(use, node.start_byte, local_from, function is None and not self._in_class(node))

    def _in_class(self, node: Node) -> bool:
        return node.start_byte < self.class_end

    def _sets_script(self, variable: Node, kind: str) -> bool:
        """Whether ``variable``, used as ``kind`` at script level, sets a variable of the script's scope.

        An assignment, update or parameter; not in a class, and for a
        parameter only one of the script's own ``param()``, not a script block's.
        """
        if kind not in ("assign", "update", "parameter"):
            return False
        declaration = variable.parent if kind == "parameter" else None
        if declaration is not None and declaration.type == "script_parameter":
            block = declaration.parent.parent if declaration.parent is not None else None  # its param_block
            owner = block.parent if block is not None and block.type == "param_block" else None
            return owner is not None and owner.type == "program"
        return not self._in_class(variable)


def owned(uses: Iterable[RecordedUse]) -> set[str]:
    """The names (lower case) the uses make local somewhere: parameters and assigned variables."""
    return {_folded(item.use) for item in uses if item.local_from is not None}


def free_uses(uses: Sequence[RecordedUse], enclosing: set[str]) -> tuple[VariableUse, ...]:
    """The uses of one function's own body that reach past it, in source order.

    ``enclosing`` are the names its enclosing functions own (a nested
    function only runs while they do, so it gets theirs). Free are: every
    ``$script:``/``$global:`` use, and an unqualified read, update or change of
    a variable that is not automatic, not a parameter and not assigned in the
    function before it.
    """
    local_from: dict[str, int] = {}
    for item in uses:
        if item.local_from is not None:
            name = _folded(item.use)
            local_from[name] = min(local_from.get(name, item.local_from), item.local_from)
    free = []
    for item in uses:
        use = item.use
        if use.scope in _OUTER_SCOPES:
            free.append(use)
            continue
        name = _folded(use)
        if use.scope is not None or ":" in name or use.kind in ("assign", "parameter"):
            continue  # $local:, $using:, $env:... ; a plain assignment creates a local
        if name in AUTOMATIC_VARIABLES or name in enclosing:
            continue
        if name in local_from and local_from[name] <= item.start:
            continue
        free.append(use)
    return tuple(free)


def script_assignments(uses: Iterable[RecordedUse]) -> tuple[VariableUse, ...]:
    """The uses that set a variable of the script's own scope (or, with ``$global:``, the session's)."""
    return tuple(
        item.use
        for item in uses
        if item.sets_script and ":" not in item.use.name and item.use.scope not in ("using", "workflow")
    )


def reaches(assignment: VariableUse, use: VariableUse) -> bool:
    """Whether a function's free ``use`` gets what the script-level ``assignment`` set.

    ``$script:x`` is the script's ``$x``, ``$global:x`` the session's, and an
    unqualified ``$x`` either (the script's first).
    """
    if _folded(assignment) != _folded(use):
        return False
    global_ = assignment.scope == "global"
    return use.scope is None or (use.scope == "global") == global_
