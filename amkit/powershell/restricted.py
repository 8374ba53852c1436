r"""What a module manifest may compute: PowerShell's restricted language, read without running it.

PowerShell loads a module manifest in restricted language mode: besides
constants it allows ``$PSScriptRoot``, ``$PSEdition`` and
``$EnabledExperimentalFeatures``, the cmdlets ``Join-Path``,
``Import-LocalizedData``, ``ConvertFrom-StringData``, ``Write-Host`` and
``Out-Host``, operators, and ``if`` statements. Real manifests choose their
root module by edition that way (ExchangeOnlineManagement, PSScriptAnalyzer)::

    RootModule = if ($PSEdition -eq 'Core') { 'netCore\EXO.psm1' } else { 'netFramework\EXO.psm1' }

:func:`if_outputs` takes the branch PowerShell would take for a known edition
(``Desktop``, Windows PowerShell 5.1; ``Core``, PowerShell 7): conditions over
``$PSEdition``, constants, comparisons (``-eq``, ``-ne``, ``-like``,
``-notlike``, ``-in``, ``-contains`` and their case forms, and ``-gt`` and the
like between numbers) and ``-and``, ``-or``, ``-xor``, ``-not``. A condition it
cannot decide (no edition given, another variable, another operator) leaves
the whole statement a :class:`~amkit.powershell.symbolic.Symbolic`: a value
PowerShell computes at load time. Every branch is read either way, so what
restricted language refuses is refused wherever it is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from amkit.errors import DataFileError
from amkit.powershell.literals import DASHES
from amkit.powershell.symbolic import Symbolic, normalise
from amkit.powershell.syntax import SourceText, children, string_value, unwrap
from amkit.powershell.wildcard import wildcard_match

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["EDITIONS", "MANIFEST_COMMANDS", "if_outputs", "is_manifest_variable", "join_path"]

#: The editions ``$PSEdition`` names: Windows PowerShell 5.1's and PowerShell 7's.
EDITIONS = ("Desktop", "Core")
#: The variables and cmdlets restricted language mode allows in a module manifest (as PowerShell's
#: ``ModuleCmdletBase`` lists them), besides ``$true``, ``$false``, ``$null`` and environment variables.
_MANIFEST_VARIABLES = frozenset(
    {"psscriptroot", "psedition", "enabledexperimentalfeatures", "psculture", "psuiculture"}
)
MANIFEST_COMMANDS = frozenset({"join-path", "import-localizeddata", "convertfrom-stringdata", "write-host", "out-host"})


def is_manifest_variable(name: str) -> bool:
    """Whether a manifest may read the variable ``name`` (lower case, no ``$``): PowerShell's few, and ``env:`` ones.

    PowerShell loads a manifest allowing environment variables
    (``CheckRestrictedLanguage(..., allowEnvironmentVariables: true)``).
    """
    return name in _MANIFEST_VARIABLES or (name.startswith("env:") and len(name) > 4)


class _Undecided:
    """A value only PowerShell knows, when it loads the manifest."""


_UNDECIDED = _Undecided()


class ManifestReader(Protocol):
    """The data-file reader :func:`if_outputs` reads constants and statements with."""

    source: SourceText
    edition: str | None

    def value(self, node: Node) -> Any:
        """The constant ``node`` stands for (raising for what a manifest may not hold)."""

    def statement_outputs(self, statement: Node) -> list[Any]:
        """What ``statement`` outputs, arrays enumerated."""

    def nesting(self, node: Node) -> contextlib.AbstractContextManager[None]:
        """One level deeper, bounded by the reader's limits."""

    def variable_name(self, node: Node) -> str:
        """The name a ``variable`` node looks up, lower case."""

    def fail(self, node: Node, message: str, construct: str | None = None) -> DataFileError:
        """An error at ``node``."""


def if_outputs(reader: ManifestReader, node: Node) -> list[Any] | Symbolic:
    """What the ``if_statement`` ``node`` outputs, or a :class:`Symbolic` when a condition is undecided.

    Every condition and branch is read first (raising what a manifest may
    not hold), then the branch PowerShell takes is chosen.
    """
    with reader.nesting(node):
        clauses = [node] + [
            clause
            for group in node.named_children
            if group.type == "elseif_clauses"
            for clause in group.named_children
            if clause.type == "elseif_clause"
        ]
        verdicts = [_truth(_evaluate(reader, _field(reader, clause, "condition"))) for clause in clauses]
        bodies = [_block_outputs(reader, _block(reader, clause)) for clause in clauses]
        otherwise = next((c for c in node.named_children if c.type == "else_clause"), None)
        fallback = _block_outputs(reader, _block(reader, otherwise)) if otherwise is not None else []
    for verdict, body in zip(verdicts, bodies, strict=True):
        if verdict is _UNDECIDED:
            return Symbolic(reader.source.node_text(node))
        if verdict:
            return body
    return fallback


def _field(reader: ManifestReader, clause: Node, name: str) -> Node:
    found = clause.child_by_field_name(name)
    if found is None:
        raise reader.fail(clause, f"an if statement without its {name}", "if statement")
    return found


def _block(reader: ManifestReader, clause: Node) -> Node:
    found = next((c for c in clause.named_children if c.type == "statement_block"), None)
    if found is None:
        raise reader.fail(clause, "an if statement without its { } block", "if statement")
    return found


def _block_outputs(reader: ManifestReader, block: Node) -> list[Any]:
    statements = block.child_by_field_name("statement_list")
    found = children(statements) if statements is not None else []
    return [item for node in found if node.type != "empty_statement" for item in reader.statement_outputs(node)]


def _evaluate(reader: ManifestReader, node: Node) -> Any:
    """The value of a condition or operand, :data:`_UNDECIDED` when PowerShell alone knows it."""
    with reader.nesting(node):
        return _evaluate_node(reader, unwrap(node))


def _evaluate_node(reader: ManifestReader, node: Node) -> Any:
    kind = node.type
    if kind == "parenthesized_expression" and len(children(node)) == 1:
        return _evaluate(reader, children(node)[0])
    if kind == "variable":
        name = reader.variable_name(node)
        if name == "psedition":
            reader.value(node)  # counted as every variable is
            return reader.edition if reader.edition is not None else _UNDECIDED
    operands = [child for child in children(node) if child.type != "comparison_operator"]
    operator = _operator(reader, node)
    if kind == "expression_with_unary_operator" and operator in ("-not", "!") and len(operands) == 1:
        truth = _truth(_evaluate(reader, operands[0]))
        return truth if truth is _UNDECIDED else not truth
    if kind in ("comparison_expression", "logical_expression") and len(operands) == 2 and operator:
        left, right = (_evaluate(reader, operand) for operand in operands)
        if kind == "logical_expression":
            return _logical(operator, _truth(left), _truth(right))
        return _UNDECIDED if _UNDECIDED in (left, right) else _compare(operator, left, right)
    value = reader.value(node)
    return _UNDECIDED if isinstance(value, Symbolic) else value


def _operator(reader: ManifestReader, node: Node) -> str:
    """The operator of an expression (``-eq``, ``-and``, ``-not``), lower case with a plain dash; ``""`` for none."""
    for child in node.children:
        if child.type == "comparison_operator" or not child.is_named:
            text = reader.source.node_text(child).casefold()
            return "-" + text[1:] if text[:1] in DASHES else text
    return ""


def _logical(operator: str, left: Any, right: Any) -> Any:
    if operator == "-and":
        return False if False in (left, right) else _UNDECIDED if _UNDECIDED in (left, right) else True
    if operator == "-or":
        return True if True in (left, right) else _UNDECIDED if _UNDECIDED in (left, right) else False
    if operator == "-xor" and _UNDECIDED not in (left, right):
        return left != right
    return _UNDECIDED


#: The comparisons read here, each also with an ``i`` (ignoring case, as without) or ``c`` (with case) prefix,
#: and the positive form of each negated one.
_COMPARISONS = frozenset(
    {"eq", "ne", "like", "notlike", "in", "notin", "contains", "notcontains", "gt", "ge", "lt", "le"}
)
_NEGATED = {"ne": "eq", "notlike": "like", "notin": "in", "notcontains": "contains"}


def _compare(operator: str, left: Any, right: Any) -> Any:
    """``left <operator> right`` as PowerShell compares constants; :data:`_UNDECIDED` beyond what is read here."""
    name, case = operator[1:], False
    if name[:1] in ("c", "i") and name[1:] in _COMPARISONS:
        name, case = name[1:], name[0] == "c"
    negated = name in _NEGATED
    base = _NEGATED.get(name, name)
    if base == "in":
        base, left, right = "contains", right, left
    if base == "contains":
        items = left if isinstance(left, list) else [left]
        matches = [_equal(item, right, case) for item in items]
        if _UNDECIDED in matches and True not in matches:
            return _UNDECIDED
        return (True in matches) != negated
    if isinstance(left, list) or isinstance(right, list):
        return _UNDECIDED  # a collection on the left filters it: not a condition manifests write
    if base == "eq":
        equal = _equal(left, right, case)
        return equal if equal is _UNDECIDED else equal != negated
    if base == "like" and isinstance(left, str) and isinstance(right, str):
        return wildcard_match(right, left, case_sensitive=case) != negated
    if base in ("gt", "ge", "lt", "le") and _is_number(left) and _is_number(right):
        return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[base]
    return _UNDECIDED


def _equal(left: Any, right: Any, case: bool) -> Any:
    if left is None or right is None:
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return left == right if case else left.casefold() == right.casefold()
    if _is_number(left) and _is_number(right):
        return left == right
    if isinstance(left, bool) and isinstance(right, bool):
        return left == right
    return _UNDECIDED


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _truth(value: Any) -> Any:
    """PowerShell's truth of a value (``LanguagePrimitives.IsTrue``); :data:`_UNDECIDED` stays undecided."""
    if value is _UNDECIDED or isinstance(value, Symbolic):
        return _UNDECIDED
    if isinstance(value, list):
        return bool(value) and (len(value) > 1 or _truth(value[0]))
    return True if isinstance(value, Mapping) else bool(value)  # a hashtable is true, even empty


def join_path(reader: ManifestReader, elements: list[Node]) -> str | None:
    """The relative path of ``Join-Path $PSScriptRoot 'a' 'b'`` (named or positional), else ``None``."""
    named: dict[str, Node] = {}
    positional: list[Node] = []
    pending: str | None = None
    for element in elements:
        if element.type == "command_parameter":
            pending = reader.source.node_text(element).lstrip("-").rstrip(":").casefold()
            continue
        if pending is not None:
            named[pending], pending = element, None
        else:
            positional.append(element)
    base = named.get("path") or (positional.pop(0) if positional else None)
    parts = [named[key] for key in ("childpath",) if key in named] + positional
    parts += [named[key] for key in ("additionalchildpath",) if key in named]
    if base is None or unwrap(base).type != "variable" or reader.variable_name(unwrap(base)) != "psscriptroot":
        return None
    texts = [
        reader.source.node_text(part) if part.type == "generic_token" else string_value(part, reader.source)
        for part in parts
    ]
    if not texts or any(text is None for text in texts):
        return None
    return normalise("/".join(text for text in texts if text is not None))
