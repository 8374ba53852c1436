"""Read what a ``param()`` block declares: parameters and the attributes of a command.

A function's (or script's) ``param()`` block carries ``[CmdletBinding()]``,
``[OutputType()]`` and ``[Alias()]`` attributes, and each parameter its type,
``[Parameter()]`` attributes (one per parameter set), validation attributes
and aliases. Attribute arguments are constants in PowerShell; they are read
with the data-file reader's constant evaluation, never run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from amkit.errors import DataFileError
from amkit.powershell import calls
from amkit.powershell.psd1 import constant_value
from amkit.powershell.syntax import SourceText, children, string_value, unwrap, walk

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.powershell.comment_help import CommentHelp, CommentIndex

__all__ = ["CmdletBinding", "ParamBlock", "ParameterInfo", "ParameterReader", "read_param_block"]

_ALLOW = frozenset({"allownull", "allowemptystring", "allowemptycollection"})
_FLAGS = ("mandatory", "valuefrompipeline", "valuefrompipelinebypropertyname")
_ALL_SETS = "__AllParameterSets"
_STRINGS = frozenset(
    {
        "verbatim_string_characters",
        "verbatim_here_string_characters",
        "expandable_string_literal",
        "expandable_here_string_literal",
    }
)


@dataclass(frozen=True)
class CmdletBinding:
    """The arguments of a ``[CmdletBinding()]`` attribute.

    ``$true``, a non-zero number and a bare name (``SupportsShouldProcess``)
    mean True; ``ConfirmImpact = [ConfirmImpact]::High`` gives ``"High"``.
    """

    default_parameter_set: str | None = None
    help_uri: str | None = None
    supports_should_process: bool = False
    supports_paging: bool = False
    supports_transactions: bool = False
    confirm_impact: str | None = None
    positional_binding: bool = True
    remoting_capability: str | None = None


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter of a function or script.

    Attributes
    ----------
    name
        Without the ``$``.
    type
        The first type constraint as written (``string[]``, ``PSCredential``),
        ``None`` when untyped.
    mandatory
        Whether any ``[Parameter()]`` attribute makes it mandatory.
    parameter_sets
        The ``ParameterSetName`` of each ``[Parameter()]`` attribute
        (``__AllParameterSets`` when one names none); empty without one.
    position, value_from_pipeline, value_from_pipeline_by_property_name
        From the ``[Parameter()]`` attributes.
    validation
        ``Validate*`` and ``Allow*`` attributes as written, without brackets.
    aliases
        The names of ``[Alias()]``.
    attributes
        Every other attribute as written (``ArgumentCompleter(...)``,
        ``SupportsWildcards()``, ``System.Management.Automation.Credential()``).
    default
        The default value's source text.
    help
        The ``.PARAMETER`` help text, else the comments around the parameter
        inside ``param()``.
    line, column
        1-based position of the ``$name``.
    """

    name: str
    type: str | None = None
    mandatory: bool = False
    parameter_sets: tuple[str, ...] = ()
    position: int | None = None
    value_from_pipeline: bool = False
    value_from_pipeline_by_property_name: bool = False
    validation: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    default: str | None = None
    help: str | None = None
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class ParamBlock:
    """What one ``param()`` block (or ``function Name($a, $b)`` list) declares."""

    cmdlet_binding: CmdletBinding | None = None
    output_types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parameters: tuple[ParameterInfo, ...] = ()


def read_param_block(
    source: SourceText,
    param_block: Node | None,
    *,
    declared: Node | None = None,
    help: CommentHelp | None = None,
    comments: CommentIndex | None = None,
    reader: ParameterReader | None = None,
) -> ParamBlock:
    """Read a ``param_block`` node, or the ``function_parameter_declaration`` ``declared``.

    Parameters
    ----------
    source
        The parsed file.
    param_block
        The ``param_block`` node, when there is one (it wins over ``declared``).
    declared
        The ``function_parameter_declaration`` of ``function Name($a) {}``.
    help
        The comment help of the function, for ``.PARAMETER`` texts.
    comments
        The file's comments, for help written beside a parameter.
    reader
        The file's :class:`ParameterReader`, when it reads several blocks:
        an attribute written alike in many (``[Parameter(Mandatory = $true)]``)
        is then read once.
    """
    reader = reader or ParameterReader(source)
    block = ParamBlock()
    for attribute in _attributes(param_block):
        parts = attribute.named_children
        kind = _attribute_kind(source, parts)
        positional, named = reader.arguments(parts)
        if kind == "cmdletbinding":
            block = ParamBlock(reader.cmdlet_binding(named), block.output_types, block.aliases)
        elif kind == "outputtype":
            types = block.output_types + reader.type_names(positional)
            block = ParamBlock(block.cmdlet_binding, types, block.aliases)
        elif kind == "alias":
            block = ParamBlock(block.cmdlet_binding, block.output_types, block.aliases + reader.strings(positional))
    holder = param_block or declared
    parameter_list = next((c for c in holder.named_children if c.type == "parameter_list"), None) if holder else None
    parameters = []
    for node in children(parameter_list) if parameter_list is not None else []:
        parts = node.named_children if node.type == "script_parameter" else []
        variable = next((c for c in parts if c.type == "variable"), None)
        if variable is not None:
            parameters.append(reader.parameter(node, parts, variable, help, comments))
    return ParamBlock(block.cmdlet_binding, block.output_types, block.aliases, tuple(parameters))


class _ParameterAttribute(NamedTuple):
    """What one attribute of a parameter says."""

    type: str | None  # a type constraint ([string]), as written
    kind: str  # "parameter" ([Parameter()] and its .NET names), "alias", "validateset"...
    parameter_set: str  # of [Parameter()]: its ParameterSetName, else __AllParameterSets
    flags: frozenset[str]  # of [Parameter()]: those of _FLAGS it sets
    position: int | None  # of [Parameter()]: its Position, when a whole number
    aliases: tuple[str, ...]  # of [Alias()]
    written: str  # as written, without brackets


class ParameterReader:
    """Read the attributes and parameters of one parsed file: each attribute's text once."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        # By text: what an attribute says depends on its text alone, and a module writes the same few many times.
        self._read: dict[str, _ParameterAttribute] = {}

    def arguments(self, parts: list[Node]) -> tuple[list[Node], dict[str, Node | None]]:
        """Return the positional and named arguments (lower-case name, ``None`` for a bare name) of an attribute.

        ``parts`` are the attribute's named children.
        """
        positional: list[Node] = []
        named: dict[str, Node | None] = {}
        for child in parts:
            if child.type == "attribute_arguments":
                for argument in children(child):
                    pieces = children(argument)
                    is_named = any(c.type == "=" for c in argument.children) or len(pieces) == 1
                    if pieces and pieces[0].type == "simple_name" and is_named:
                        key = self.source.node_text(pieces[0]).casefold()
                        named[key] = pieces[1] if len(pieces) > 1 else None
                    elif pieces:
                        positional.append(pieces[0])
        return positional, named

    def value(self, node: Node | None) -> Any:
        """Return an argument's value: a constant, the name of ``[Enum]::Member``, else the text."""
        if node is None:
            return True
        try:
            return constant_value(node, self.source)
        except DataFileError:
            inner = unwrap(node)
            if inner.type == "member_access" and any(c.type == "::" for c in inner.children):
                return self.source.node_text(inner.named_children[-1])
            return self.source.node_text(node)

    def cmdlet_binding(self, named: dict[str, Node | None]) -> CmdletBinding:
        """The ``[CmdletBinding()]`` of the named arguments ``named``."""

        def text(key: str) -> str | None:
            return str(self.value(named[key])) if key in named else None

        def flag(key: str, default: bool = False) -> bool:
            return bool(self.value(named[key])) if key in named else default

        return CmdletBinding(
            default_parameter_set=text("defaultparametersetname"),
            help_uri=text("helpuri"),
            supports_should_process=flag("supportsshouldprocess"),
            supports_paging=flag("supportspaging"),
            supports_transactions=flag("supportstransactions"),
            confirm_impact=text("confirmimpact"),
            positional_binding=flag("positionalbinding", True),
            remoting_capability=text("remotingcapability"),
        )

    def type_names(self, nodes: list[Node]) -> tuple[str, ...]:
        """Return the types of ``[OutputType([a], 'b')]``, as written and in order."""
        names: list[str] = []
        for node in nodes:
            for part in walk(node):
                if part.type == "type_literal":
                    names.append(_type_text(self.source, part))
                elif part.type in _STRINGS:
                    text = string_value(part, self.source)
                    if text:
                        names.append(text)
        return tuple(names)

    def strings(self, nodes: list[Node]) -> tuple[str, ...]:
        """The constant words of ``nodes`` (``[Alias('a', 'b')]``), computed ones left out."""
        found = (calls.word(self.source, item) for node in nodes for item in calls.items(node))
        return tuple(text for text in found if text)

    def parameter(
        self, node: Node, elements: list[Node], variable: Node, help_: CommentHelp | None, comments: CommentIndex | None
    ) -> ParameterInfo:
        """The ``script_parameter`` ``node`` (named children ``elements``) declaring ``variable``."""
        name = calls.variable_name(self.source.node_text(variable))[1]
        type_: str | None = None
        sets: list[str] = []
        flags: frozenset[str] = frozenset()
        position: int | None = None
        validation: list[str] = []
        aliases: tuple[str, ...] = ()
        others: list[str] = []
        for attribute in _attributes(node, elements):
            read = self.attribute(attribute)
            if read.type is not None:
                type_ = type_ or read.type
            elif read.kind == "parameter":
                sets.append(read.parameter_set)
                flags |= read.flags
                position = read.position if position is None else position
            elif read.kind == "alias":
                aliases += read.aliases
            else:
                (validation if read.kind.startswith("validate") or read.kind in _ALLOW else others).append(read.written)
        default = next((c for c in elements if c.type == "script_parameter_default"), None)
        values = children(default) if default is not None else []
        line, column = self.source.position(variable)
        documented = help_.parameters.get(name) if help_ is not None else None
        return ParameterInfo(
            name=name,
            type=type_,
            mandatory="mandatory" in flags,
            parameter_sets=tuple(dict.fromkeys(sets)),
            position=position,
            value_from_pipeline="valuefrompipeline" in flags,
            value_from_pipeline_by_property_name="valuefrompipelinebypropertyname" in flags,
            validation=tuple(validation),
            aliases=aliases,
            attributes=tuple(others),
            default=self.source.node_text(values[0]) if values else None,
            help=documented or (comments.parameter_comment(node) if comments else None),
            line=line,
            column=column,
        )

    def attribute(self, attribute: Node) -> _ParameterAttribute:
        """What the attribute ``attribute`` of a parameter says (read once per text, unless it holds an error)."""
        text = self.source.node_text(attribute)
        read = self._read.get(text)
        if read is None:
            read = self._attribute(attribute, text)
            if not attribute.has_error:  # the grammar's recovery from an error depends on what surrounds it
                self._read[text] = read
        return read

    def _attribute(self, attribute: Node, text: str) -> _ParameterAttribute:
        parts = attribute.named_children
        literal = next((c for c in parts if c.type == "type_literal"), None)
        kind = "" if literal is not None else _attribute_kind(self.source, parts)
        positional, named = self.arguments(parts) if kind in ("parameter", "alias") else ([], {})
        at = self.value(named["position"]) if "position" in named else None
        return _ParameterAttribute(
            type=_type_text(self.source, literal) if literal is not None else None,
            kind=kind,
            parameter_set=str(self.value(named["parametersetname"])) if "parametersetname" in named else _ALL_SETS,
            flags=frozenset(key for key in _FLAGS if key in named and bool(self.value(named[key]))),
            position=at if isinstance(at, int) and not isinstance(at, bool) else None,
            aliases=self.strings(positional) if kind == "alias" else (),
            written=text[1:-1].strip(),
        )


def _attributes(node: Node | None, parts: list[Node] | None = None) -> list[Node]:
    """The attributes of ``node`` (a ``param_block`` or ``script_parameter``, its named children ``parts``)."""
    parts = parts if parts is not None else node.named_children if node is not None else []
    attribute_list = next((c for c in parts if c.type == "attribute_list"), None)
    return [c for c in children(attribute_list) if c.type == "attribute"] if attribute_list else []


def _attribute_kind(source: SourceText, parts: list[Node]) -> str:
    """Return ``parameter`` for ``[Parameter()]``, ``[ParameterAttribute()]`` and the .NET name.

    ``parts`` are the attribute's named children.
    """
    name_node = next((c for c in parts if c.type == "attribute_name"), None)
    name = source.node_text(name_node).casefold() if name_node is not None else ""
    return name.removeprefix("system.management.automation.").removesuffix("attribute")


def _type_text(source: SourceText, literal: Node) -> str:
    spec = next((c for c in literal.named_children if c.type == "type_spec"), literal)
    return source.node_text(spec)
