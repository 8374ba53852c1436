"""What a script and its functions use: the commands they call, the variables they use and write.

:func:`amkit.parse_script` reads a file's functions, help, parameters and
what it imports and exports; what its code uses is a second look at the same
syntax tree (:class:`UsageReader`), which the checks of module state and of
authoring, and a runbook's requirements, want and the commands table, help
and a package's inspection do not. So it is read either in the same pass as
the rest (one walk of the tree), or when first asked for
(:class:`DeferredUsage`: the file is parsed again then), and a reader that
never asks saves over a third of the time. :class:`ReadLater` gives
``ScriptInfo`` and ``FunctionInfo`` those fields from it.

:class:`FunctionScopes` says which function each node is in, for both
readers: functions are numbered in source order, which is how the script's
readers and this one agree on them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from amkit.errors import ScriptError
from amkit.limits import Clock, Limits
from amkit.powershell import calls, recovery, variables
from amkit.powershell.literals import number_value
from amkit.powershell.syntax import nodes_of
from amkit.powershell.variables import RecordedUse, VariableRecorder, VariableUse

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.powershell.syntax import SourceText

__all__ = [
    "DeferredFunction",
    "DeferredUsage",
    "FunctionScopes",
    "FunctionUsage",
    "NodeReader",
    "ReadLater",
    "ScopeWrite",
    "ScriptUsage",
    "UsageReader",
    "bare_name",
    "called_name",
    "function_name",
    "read_nodes",
]

_WRITTEN_SCOPES = frozenset({"global", "script"})
_SET_VARIABLE = frozenset({"set-variable", "new-variable", "set", "sv", "nv"})
#: Held while a script's usage is read later: two threads asking at once read them once.
_READING_LATER = threading.Lock()


def _unlock_in_child() -> None:
    """A process forked while a thread here held the lock starts with one of its own (the thread is not there)."""
    global _READING_LATER
    _READING_LATER = threading.Lock()


os.register_at_fork(after_in_child=_unlock_in_child)


@dataclass(frozen=True)
class ScopeWrite:
    """A write to a ``$script:`` or ``$global:`` variable.

    ``target`` is what was assigned as written (``$script:cache[$key]`` for an
    element) or the command (``Set-Variable``); ``function`` is the innermost
    function, ``None`` at script level.
    """

    scope: str
    variable: str
    line: int
    column: int = 0
    function: str | None = None
    target: str = ""


@dataclass(frozen=True)
class FunctionUsage:
    """What one function uses (see :class:`amkit.powershell.script.FunctionInfo`)."""

    commands: tuple[str, ...] = ()
    scope_writes: tuple[ScopeWrite, ...] = ()
    variables: tuple[VariableUse, ...] = ()
    free_variables: tuple[VariableUse, ...] = ()


@dataclass(frozen=True)
class ScriptUsage:
    """What a script uses (see :class:`amkit.powershell.script.ScriptInfo`), and each of its functions."""

    commands: tuple[str, ...] = ()
    variables: tuple[VariableUse, ...] = ()
    script_assignments: tuple[VariableUse, ...] = ()
    scope_writes: tuple[ScopeWrite, ...] = ()
    functions: tuple[FunctionUsage, ...] = ()


class NodeReader(Protocol):
    """A reader of some kinds of node, in source order, told which function each is in."""

    KINDS: frozenset[str]

    def visit(self, node: Node, kind: str, current: int | None) -> None:
        """Read ``node`` (of type ``kind``), in the function numbered ``current`` (``None`` at script level)."""


class FunctionScopes:
    """Which function each node is in, as nodes come in source order; functions are numbered as they come."""

    def __init__(self) -> None:
        self._count = 0
        self._open: list[tuple[int, int]] = []  # (number, end byte) of the functions the last node was in

    def current(self, node: Node) -> int | None:
        """The number of the innermost function holding ``node``; ``None`` at script level."""
        while self._open and node.start_byte >= self._open[-1][1]:
            self._open.pop()
        return self._open[-1][0] if self._open else None

    def enter(self, function: Node) -> None:
        """Number the function ``function`` (a ``function_statement``): it holds the nodes up to its end."""
        self._open.append((self._count, function.end_byte))
        self._count += 1


def read_nodes(source: SourceText, readers: Iterable[NodeReader], clock: Clock) -> None:
    """Walk ``source``'s tree once, giving each reader the nodes of its kinds with the function they are in."""
    visits = [(reader.KINDS, reader.visit) for reader in readers]
    kinds = frozenset().union(*(wanted for wanted, _ in visits))
    scopes = FunctionScopes()
    tick, current_of = clock.tick, scopes.current  # bound once: this loop runs for every node read
    for node in nodes_of(source.root, kinds):  # most nodes are none of these: skipped in C
        tick(node, source)
        current = current_of(node)
        kind = node.type
        for wanted, visit in visits:
            if kind in wanted:
                visit(node, kind, current)
        if kind == "function_statement":
            scopes.enter(node)


def function_name(source: SourceText, node: Node) -> tuple[str, str | None]:
    """A ``function_statement``'s name without its scope prefix, and the scope (``function global:X``)."""
    name_node = next((c for c in node.named_children if c.type == "function_name"), None)
    written = source.node_text(name_node) if name_node is not None else ""
    prefix, colon, bare = written.partition(":")
    scope = prefix.casefold() if colon and prefix.casefold() in calls.SCOPES else None
    return (bare, scope) if scope else (written, None)


def called_name(source: SourceText, node: Node, among: frozenset[str] | None = None) -> str | None:
    """The name a ``command`` node calls, as written; ``None`` when it is no call of a named command.

    Not a call: a computed name (``& $block``), a number or range the grammar
    took for a command (``1..10``), a DSC resource's property (``Ensure = 'Present'``).
    With ``among`` (lower-case names), also ``None`` for a call of any other
    command: a reader that wants a few commands skips the rest early.
    """
    name = calls.command_name(source, node)
    if name is None or (among is not None and bare_name(name) not in among):
        return None
    if number_value(name.partition("..")[0]) is not None:
        return None
    first = _first_argument(node)
    return None if first is not None and source.node_text(first) == "=" else name


def bare_name(name: str) -> str:
    r"""A command's name in lower case, without a module's (``Microsoft.PowerShell.Core\Import-Module``)."""
    return name.casefold().rpartition("\\")[2]


def _first_argument(command: Node) -> Node | None:
    """The first parameter or argument of a command (not a separator or comment), ``None`` without one."""
    elements = command.child_by_field_name("command_elements")
    if elements is None:
        return None
    for index in range(elements.named_child_count):
        child = elements.named_child(index)
        if child is not None and child.type not in ("command_argument_sep", "comment"):
            return child
    return None


@dataclass
class _Function:
    name: str
    parent: _Function | None
    uses: list[RecordedUse] = field(default_factory=list)
    writes: list[ScopeWrite] = field(default_factory=list)
    calls: dict[str, str] = field(default_factory=dict)  # lower-case name: as first written


class UsageReader:
    """Read a script's calls, variable uses and scope writes as :func:`read_nodes` walks it (see :mod:`variables`)."""

    KINDS = VariableRecorder.KINDS | {"function_statement", "command"}

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.recorder = VariableRecorder(source)
        self.functions: list[_Function] = []
        self.uses: list[RecordedUse] = []
        self.writes: list[ScopeWrite] = []
        self.calls: dict[str, str] = {}

    def visit(self, node: Node, kind: str, current: int | None) -> None:
        """Record what ``node`` calls or does with variables (see :class:`NodeReader`)."""
        function = self.functions[current] if current is not None else None
        if kind == "variable":
            self._use(self.recorder.use(node, function.name if function else None), function)
        elif kind == "assignment_expression" or kind in variables.INCREMENTS:
            for target in self.recorder.assignment(node):
                self._write_variable(target, function)
        elif kind in ("foreach_statement", "script_parameter"):
            self.recorder.declaration(node)
        elif kind == "class_statement":
            self.recorder.class_statement(node)
        elif kind == "function_statement":
            self.functions.append(_Function(function_name(self.source, node)[0], function))
        elif kind == "command":
            name = called_name(self.source, node)
            if name is None:
                return
            self.calls.setdefault(name.casefold(), name)
            if function is not None:
                function.calls.setdefault(name.casefold(), name)
            if bare_name(name) in _SET_VARIABLE:
                self._set_variable(calls.bind(self.source, node, calls.SET_VARIABLE), name, function)

    def result(self) -> ScriptUsage:
        """What the script read so far uses."""
        return ScriptUsage(
            commands=tuple(self.calls.values()),
            variables=tuple(item.use for item in self.uses),
            script_assignments=variables.script_assignments(self.uses),
            scope_writes=tuple(sorted(self.writes, key=lambda w: (w.line, w.column))),
            functions=tuple(
                FunctionUsage(
                    commands=tuple(function.calls.values()),
                    scope_writes=tuple(function.writes),
                    variables=tuple(item.use for item in function.uses),
                    free_variables=variables.free_uses(function.uses, _enclosing_owned(function)),
                )
                for function in self.functions
            ),
        )

    def _set_variable(self, call: calls.Call, command: str, current: _Function | None) -> None:
        """Record ``Set-Variable``/``New-Variable``: a use of each name, a scope write with ``-Scope Global|Script``."""
        scope = None
        if "scope" in call.named:
            written = next(iter(calls.words(self.source, call.named["scope"])), None)
            if written is None or written.casefold() not in calls.SCOPES:
                return  # a computed or numbered scope: which variable it sets is not known here
            scope = written.casefold()
        line, column = self.source.position(call.node)
        function = current.name if current else None
        for variable in calls.words(self.source, call.named.get("name")):
            if variable:
                self._use(self.recorder.command(call.node, variable, scope, function), current)
                if scope in _WRITTEN_SCOPES:
                    self._write(ScopeWrite(scope, variable, line, column, function, command), current)

    def _write_variable(self, target: Node, current: _Function | None) -> None:
        base = variables.assigned_variable(target)
        if base is None:
            return
        scope, name = calls.variable_name(self.source.node_text(base))
        if scope in _WRITTEN_SCOPES:
            line, column = self.source.position(target)
            function = current.name if current else None
            self._write(ScopeWrite(scope, name, line, column, function, self.source.node_text(target)), current)

    def _use(self, use: RecordedUse, current: _Function | None) -> None:
        self.uses.append(use)
        if current is not None:
            current.uses.append(use)

    def _write(self, write: ScopeWrite, current: _Function | None) -> None:
        self.writes.append(write)
        if current is not None:
            current.writes.append(write)


def _enclosing_owned(function: _Function) -> set[str]:
    """The names the functions enclosing ``function`` own: a nested function gets their variables."""
    names: set[str] = set()
    parent = function.parent
    while parent is not None:
        names |= variables.owned(parent.uses)
        parent = parent.parent
    return names


class DeferredUsage:
    """A script's :class:`ScriptUsage`: read with the script, or from its text when first asked for.

    Equal when what they hold (or read) is equal. A pickle holds what was
    read, or the text to read it from: never a syntax tree.
    """

    __slots__ = ("_failure", "_file", "_limits", "_read", "_text")

    def __init__(
        self,
        read: ScriptUsage | None = None,
        *,
        text: str = "",
        file: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        # The text is kept rather than the syntax tree, which takes some forty times the memory.
        self._read = read
        self._text, self._file, self._limits = text, file, limits
        self._failure: ScriptError | None = None

    def get(self) -> ScriptUsage:
        """What the script uses, read now if it was not.

        Raises
        ------
        ScriptError
            When reading them takes longer than :attr:`Limits.max_parse_seconds`
            (which each reading has in full); then each later call raises it
            again without reading.
        """
        if self._read is None:
            with _READING_LATER:
                if self._failure is not None:
                    raise self._failure.with_traceback(None)
                if self._read is None:
                    clock = Clock(self._limits or Limits(), self._file, ScriptError)  # parsing counts too
                    try:
                        source = recovery.parse_source(self._text, self._file)[0]
                        reader = UsageReader(source)
                        read_nodes(source, [reader], clock)
                    except ScriptError as error:
                        self._failure = error
                        raise
                    self._read, self._text = reader.result(), ""
        return self._read

    @property
    def is_read(self) -> bool:
        """Whether what the script uses is read yet."""
        return self._read is not None

    def function(self, index: int) -> DeferredFunction:
        """What the script's function numbered ``index`` (in source order) uses."""
        return DeferredFunction(self, index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeferredUsage) and (self is other or self.get() == other.get())

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[ScriptUsage | None, str, str | None, Limits | None]:
        return self._read, self._text, self._file, self._limits

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._read, self._text, self._file, self._limits = state
        self._failure = None  # a reading that ran out of time is tried again where it is unpickled


class DeferredFunction:
    """One function's part of :class:`DeferredUsage`: equal when what the two functions use is."""

    __slots__ = ("index", "script")

    def __init__(self, script: DeferredUsage, index: int) -> None:
        self.script, self.index = script, index

    def get(self) -> FunctionUsage:
        """What the function uses, read now if its script's usage was not (:meth:`DeferredUsage.get`)."""
        return self.script.get().functions[self.index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeferredFunction) and self.get() == other.get()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[DeferredUsage, int]:
        return self.script, self.index

    def __setstate__(self, state: tuple[DeferredUsage, int]) -> None:
        self.script, self.index = state


class ReadLater:
    """A script's or function's usage fields, read from its ``_usage`` when first asked for, then kept.

    For the dataclasses :func:`amkit.parse_script` makes: their fields named in
    :attr:`LATER_FIELDS` are dropped when made with ``_usage`` (a
    :class:`DeferredUsage` or :class:`DeferredFunction`) and read from it
    on first access. Made by hand, without it, they keep the values given.
    """

    LATER_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        if self.__dict__.get("_usage") is not None:
            for name in self.LATER_FIELDS:
                object.__delattr__(self, name)

    if not TYPE_CHECKING:  # to a type checker, the fields are the only attributes

        def __getattr__(self, name: str) -> Any:
            if name not in self.LATER_FIELDS:  # nothing is read for other names (notebooks probe many)
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            usage = self.__dict__.get("_usage")
            value = getattr(usage.get(), name) if usage is not None else ()
            object.__setattr__(self, name, value)  # may raise ScriptError past a limit (DeferredUsage.get)
            return value
