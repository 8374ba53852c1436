"""Read PowerShell data files (``.psd1``) without executing them.

``Import-PowerShellDataFile`` accepts one hashtable of constants: strings,
numbers, ``$true``/``$false``/``$null``, arrays and nested hashtables, and it
refuses anything that would run code. This reader walks the
tree-sitter-powershell syntax tree and applies the same rule, node by node;
nothing is evaluated. Module manifests are read by PowerShell in restricted
language mode, which also allows ``$PSScriptRoot``, ``$PSEdition``,
``Join-Path`` and ``if`` statements (:mod:`amkit.powershell.restricted`): an
``if`` takes the branch of the edition given, and other computed values are
returned as :class:`Symbolic`, never resolved by running anything.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from amkit.errors import DataFileError
from amkit.limits import Clock, Limits
from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.literals import DASHES, number_value
from amkit.powershell.restricted import EDITIONS, MANIFEST_COMMANDS, if_outputs, is_manifest_variable, join_path
from amkit.powershell.symbolic import Symbolic, script_root_path
from amkit.powershell.syntax import NUMBER_LITERALS, SourceText, children, first_error, string_value, unwrap
from amkit.powershell.textfile import load_source

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["MAX_KEYS", "MAX_NODES", "Symbolic", "constant_value", "read_psd1"]

#: PowerShell's limits for ``Import-PowerShellDataFile`` (lifted by ``-SkipLimitCheck``): keys
#: in any one hashtable, and the constants, variables, operators and statements its
#: safe-value check visits (a file reaching ``MAX_NODES`` is refused).
MAX_KEYS = 500
MAX_NODES = 5000

_CONSTANT_VARIABLES = {"true": True, "false": False, "null": None}

# Syntax a data file may not hold: node type -> the construct as PowerShell users name it.
_CONSTRUCTS = {
    "sub_expression": "sub-expression $(...)",
    "script_block_expression": "script block",
    "member_access": "property access",
    "invokation_expression": "method call",
    "element_access": "index",
    "cast_expression": "type conversion",
    "type_literal": "type literal",
    "assignment_expression": "assignment",
    "pre_increment_expression": "increment",
    "pre_decrement_expression": "decrement",
    "post_increment_expression": "increment",
    "post_decrement_expression": "decrement",
}


def read_psd1(
    source: str | bytes | os.PathLike[str],
    *,
    manifest: bool = True,
    skip_limit_check: bool = False,
    file: str | None = None,
    limits: Limits | None = None,
    edition: str | None = None,
) -> PSHashtable:
    """Read a PowerShell data file as ``Import-PowerShellDataFile`` does, without running it.

    Parameters
    ----------
    source
        A path (``pathlib.Path``, or a one-line ``str`` naming an existing
        file, or one word ending in ``.ps1``, ``.psm1`` or ``.psd1``, which is
        a path even when missing: such a word is more likely a mistyped path
        than a script), the file's bytes (any BOM honoured), or its text.
    manifest
        Also accept what module manifests may use in restricted language
        mode (``$PSScriptRoot``, ``$PSEdition``, ``Join-Path`` ...), returned
        as :class:`Symbolic`, and the unary comma (``,1``). ``False``
        accepts exactly what ``Import-PowerShellDataFile`` accepts.
    skip_limit_check
        Lift PowerShell's limits of 500 keys per hashtable and 5000 syntax
        nodes (:data:`MAX_KEYS`, :data:`MAX_NODES`).
    file
        The name to report in errors when ``source`` is text or bytes.
    limits
        amkit's own bounds: the file's size (:attr:`Limits.max_manifest_size`,
        or :attr:`Limits.max_data_file_size` with ``manifest=False``), its
        nesting (:attr:`Limits.max_nesting_depth`) and the time reading it
        may take (:attr:`Limits.max_parse_seconds`); ``skip_limit_check``
        does not lift them.
    edition
        ``"Desktop"`` (Windows PowerShell 5.1) or ``"Core"`` (PowerShell 7):
        the ``$PSEdition`` a manifest's ``if`` statements are decided for.
        ``None`` keeps an ``if`` on it as :class:`Symbolic`.

    Returns
    -------
    PSHashtable
        The top-level hashtable; nested hashtables are ``PSHashtable``,
        arrays are lists.

    Raises
    ------
    DataFileError
        With file, line, column and the construct, for syntax errors and
        anything that is not a constant (commands, sub-expressions, script
        blocks, operators, method calls, other variables).
    """
    if edition is not None and edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)} or None, not {edition!r}")
    limits = limits or Limits()
    size_limit = "max_manifest_size" if manifest else "max_data_file_size"
    text, file = load_source(
        source, file=file, error=DataFileError, caller="read_psd1", limits=limits, limit=size_limit
    )
    source_text = SourceText(text, file, data_file=True)
    reader = _DataFileReader(
        source_text,
        manifest=manifest,
        limits=not skip_limit_check,
        import_data_file=not manifest,
        bounds=limits,
        edition=edition,
    )
    try:
        return reader.read()
    except RecursionError:  # a max_nesting_depth raised past what Python's own stack holds
        problem = f"the file nests deeper than Python can follow (Limits.max_nesting_depth={limits.max_nesting_depth})"
        raise DataFileError(problem, file=file, construct="nesting") from None


#: The bounds of :func:`constant_value`: made once, as scripts ask for thousands of constants.
_DEFAULTS = Limits()


def constant_value(node: Node, source: SourceText, *, manifest: bool = False) -> Any:
    """Return the value of one constant expression, as a data file would hold it.

    ``node`` is any expression of the tree of ``source``: strings, numbers,
    ``$true``/``$false``/``$null``, arrays and hashtables are evaluated (no
    limits on size), exactly as :func:`read_psd1` does for a whole file.
    Readers of scripts use it for the constant parts of commands, such as the
    module specification ``@{ModuleName='X'; ModuleVersion='1.0'}``.

    Raises
    ------
    DataFileError
        For anything that is not a constant; nothing is ever evaluated.
    """
    reader = _DataFileReader(source, manifest=manifest, limits=False, import_data_file=False, bounds=_DEFAULTS)
    return reader.value(node)


class _DataFileReader:
    """Evaluate the constant subset of one parsed data file."""

    def __init__(
        self,
        source: SourceText,
        *,
        manifest: bool,
        limits: bool,
        import_data_file: bool,
        bounds: Limits,
        edition: str | None = None,
    ) -> None:
        self.source = source
        self.edition = edition
        self.manifest = manifest
        self.limits = limits
        self.bounds = bounds
        self.clock = Clock(bounds, source.file, DataFileError)
        self.depth = 0
        # Import-PowerShellDataFile proper: also refuses the unary comma (",1"),
        # which its safe-value check does not count among the constant operators.
        self.import_data_file = import_data_file
        self.nodes = 0

    def fail(self, node: Node, message: str, construct: str | None = None) -> DataFileError:
        line, column = self.source.position(node)
        return DataFileError(message, file=self.source.file, line=line, column=column, construct=construct)

    def snippet(self, node: Node) -> str:
        text = " ".join(self.source.node_text(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    def read(self) -> PSHashtable:
        if not self.source.text.strip():
            raise DataFileError("the file is empty: a data file is one hashtable @{ ... }", file=self.source.file)
        root = self.source.root
        if not any(child.type != "comment" for child in root.named_children):
            raise DataFileError(
                "the file holds no hashtable, only comments: a data file is one @{ ... }",
                file=self.source.file,
                construct="no hashtable",
            )
        error = first_error(root)
        if error is not None:
            unclosed = self.source.unclosed()
            if unclosed is not None:
                line, column, opener, closer = unclosed
                raise DataFileError(
                    f"syntax error: the {opener} opened here has no closing {closer}",
                    file=self.source.file,
                    line=line,
                    column=column,
                    construct="syntax error",
                )
            what = f"missing {error.type!r}" if error.is_missing else f"unexpected {self.snippet(error)!r}"
            raise self.fail(error, f"syntax error: {what}", "syntax error")
        statements = [
            statement
            for node in children(root)
            for statement in (_statements(node) if node.type == "statement_list" else [node])
        ]
        first = unwrap(statements[0]) if statements else None
        if first is None or first.type != "hash_literal_expression":
            found = f"; it starts with {self.snippet(first)!r}" if first is not None else ""
            where: tuple[int | None, int | None] = self.source.position(first) if first is not None else (None, None)
            raise DataFileError(
                f"the file holds no hashtable: a data file is one @{{ ... }}{found}",
                file=self.source.file,
                line=where[0],
                column=where[1],
                construct="no hashtable",
            )
        if len(statements) > 1:
            extra = statements[1]
            raise self.fail(
                extra,
                f"a data file holds one hashtable and nothing else; found {self.snippet(extra)!r} after it",
                "statement",
            )
        return self.hashtable(first)

    def count(self, node: Node, visits: int = 1) -> None:
        """Count what PowerShell's safe-value check counts: constants, variables, unary operators, statements."""
        self.nodes += visits
        if self.limits and self.nodes >= MAX_NODES:
            raise self.fail(
                node,
                f"the file has {MAX_NODES} syntax nodes or more, PowerShell's limit for data files; "
                "pass skip_limit_check=True to read it anyway",
                "limit",
            )

    def value(self, node: Node) -> Any:
        """The constant ``node`` stands for, its nesting in arrays and hashtables bounded."""
        with self.nesting(node):
            return self.constant(node)

    @contextlib.contextmanager
    def nesting(self, node: Node) -> Iterator[None]:
        """Read ``node`` one level deeper, within :attr:`Limits.max_nesting_depth` and the time allowed."""
        self.clock.tick(node, self.source)
        if self.depth >= self.bounds.max_nesting_depth:
            depth = f"it nests arrays, hashtables or expressions over {self.bounds.max_nesting_depth} levels deep"
            raise self.fail(node, self.bounds.refusal("max_nesting_depth", depth), "nesting")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def statement_outputs(self, statement: Node) -> list[Any]:
        """What a statement outputs, arrays enumerated: what ``@( )`` and a branch of ``if`` collect."""
        self.count(statement)
        inner = unwrap(statement)
        if inner.type == "if_statement" and self.manifest:
            outputs = if_outputs(self, inner)
            return [outputs] if isinstance(outputs, Symbolic) else outputs
        value = self.value(statement)
        return value if isinstance(value, list) else [value]

    def constant(self, node: Node) -> Any:
        node = unwrap(node)
        kind = node.type
        if kind == "hash_literal_expression":
            return self.hashtable(node)
        if kind == "array_expression":
            return self.array_expression(node)
        if kind == "array_literal_expression" and self.only_commas(node):
            return [self.value(item) for item in children(node)]
        if kind == "expression_with_unary_operator":
            return self.unary(node)
        if kind == "parenthesized_expression":
            inner = children(node)
            if len(inner) == 1:
                value = self.value(inner[0])
                # Keep a computed value as written, parentheses included.
                return Symbolic(self.source.node_text(node), value.path) if isinstance(value, Symbolic) else value
        if kind.endswith(("string_characters", "string_literal")):
            return self.string(node)
        if kind in NUMBER_LITERALS:
            self.count(node)
            number = number_value(self.source.node_text(node))
            if number is None:
                raise self.fail(node, f"{self.snippet(node)!r} is not a number PowerShell can hold", "number")
            return number
        if kind == "variable":
            return self.variable(node)
        if kind == "if_statement" and self.manifest:
            self.count(node)
            outputs = if_outputs(self, node)
            # What a statement outputs, as a value: nothing is $null, one item that item.
            return outputs if isinstance(outputs, Symbolic) or len(outputs) > 1 else next(iter(outputs), None)
        if kind == "command" and self.manifest and self.command_name(node) in MANIFEST_COMMANDS:
            return self.symbolic_command(node)
        raise self.disallowed(node)

    def disallowed(self, node: Node) -> DataFileError:
        kind = node.type
        operator = next(
            (child for child in node.children if not child.is_named or child.type.endswith("_operator")), None
        )
        name = self.command_name(node, keep_case=True) if kind == "command" else ""
        if kind == "command" and ".." in name and number_value(name.partition("..")[0]) is not None:
            construct = "operator .."  # the grammar takes a range such as 1..3 for a command
        elif kind == "command":
            construct = f"command {name}"
        elif kind in _CONSTRUCTS:
            construct = _CONSTRUCTS[kind]
        elif operator is not None and kind.endswith("expression"):
            construct = f"operator {self.source.node_text(operator)}"
        else:
            construct = kind.replace("_", " ")
        return self.fail(
            node,
            f"{construct} is not allowed in a data file: {self.snippet(node)!r}; only constants, "
            "arrays and hashtables are, and nothing is evaluated",
            construct,
        )

    @staticmethod
    def only_commas(node: Node) -> bool:
        return all(child.is_named or child.type == "," for child in node.children)

    def hashtable(self, node: Node) -> PSHashtable:
        table = PSHashtable()
        written: set[str] = set()
        body = next((child for child in node.named_children if child.type == "hash_literal_body"), None)
        entries = children(body) if body is not None else []
        for entry in entries:
            if entry.type != "hash_entry":
                raise self.disallowed(entry)
            key_node, value_node = self.entry_parts(entry)
            key = self.key(key_node)
            # PowerShell's parser compares keys as text, ignoring case: 1, '1' and 1.0 are one key.
            text = _key_text(key)
            if text in written or key in table:
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} in a hashtable (keys ignore case)",
                    "duplicate key",
                )
            written.add(text)
            if self.limits and len(written) > MAX_KEYS:
                raise self.fail(
                    key_node,
                    f"a hashtable has more than {MAX_KEYS} keys, PowerShell's limit for data files; "
                    "pass skip_limit_check=True to read it anyway",
                    "limit",
                )
            table[key] = self.value(value_node)
            table.set_position(key, *self.source.position(key_node))
        return table

    def entry_parts(self, entry: Node) -> tuple[Node, Node]:
        parts = children(entry)
        if len(parts) != 2:
            raise self.fail(entry, f"malformed hashtable entry {self.snippet(entry)!r}", "hashtable entry")
        return parts[0], parts[1]

    def key(self, node: Node) -> Any:
        inner = unwrap(node)
        if inner.type == "simple_name":
            self.count(inner)
            return self.source.node_text(inner)
        key = self.value(inner)
        if isinstance(key, (str, int, float, Decimal)) and not isinstance(key, bool):
            return key
        raise self.fail(
            node,
            f"a hashtable key must be a name, string or number, not {self.snippet(node)!r}",
            "key",
        )

    def array_expression(self, node: Node) -> list[Any]:
        items: list[Any] = []
        for statement_list in node.named_children:
            for statement in _statements(statement_list):
                items.extend(self.statement_outputs(statement))
        return items

    def unary(self, node: Node) -> Any:
        operands = children(node)
        if len(operands) != 1:
            raise self.disallowed(node)
        if node.children[0].is_named:
            return self.value(operands[0])  # no operator: the grammar wraps a cast or an increment
        operator = self.source.node_text(node.children[0])
        if operator == "," and not self.import_data_file:
            self.count(node)
            return [self.value(operands[0])]
        if operator in DASHES or operator == "+":
            self.count(node)
            value = self.value(operands[0])
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return value if operator == "+" else -value
        raise self.fail(node, f"the operator {operator} is not allowed in a data file", f"operator {operator}")

    def string(self, node: Node) -> Any:
        text = string_value(node, self.source)
        if text is not None:
            self.count(node)
            return text
        inner = unwrap(node)
        parts = [child for child in inner.named_children]
        # PowerShell counts each expression inside the string twice (the string's, the variable's).
        self.count(inner, 2 * len(parts))
        bad = next((part for part in parts if part.type != "variable" or not self.manifest_variable(part)), None)
        if bad is None:
            raw = self.source.node_text(inner)
            return Symbolic(raw, script_root_path(raw[1:-1]))
        what = "sub-expression $(...)" if bad.type == "sub_expression" else f"variable {self.snippet(bad)}"
        raise self.fail(bad, f"{what} inside a double-quoted string is not allowed in a data file", what)

    def variable_name(self, node: Node) -> str:
        """The name PowerShell looks up: no ``$``, braces or ``local:``; ``""`` for splatting (``@x``)."""
        text = self.source.node_text(node)
        if not text.startswith("$"):
            return ""
        name = text[1:].removeprefix("{").removesuffix("}").casefold()
        return name.removeprefix("local:")

    def manifest_variable(self, node: Node) -> bool:
        """Whether ``node`` is a variable a manifest may read (none in a plain data file)."""
        return self.manifest and is_manifest_variable(self.variable_name(node))

    def variable(self, node: Node) -> Any:
        self.count(node)
        name = self.variable_name(node)
        if name in _CONSTANT_VARIABLES:
            return _CONSTANT_VARIABLES[name]
        if self.manifest_variable(node):
            text = self.source.node_text(node)
            return Symbolic(text, "" if name == "psscriptroot" else None)
        allowed = "$true, $false, $null" + (", $PSScriptRoot, $PSEdition, $env:..." if self.manifest else "")
        raise self.fail(
            node,
            f"variable {self.source.node_text(node)} is not allowed in a data file; only {allowed} are",
            "variable",
        )

    def command_name(self, node: Node, *, keep_case: bool = False) -> str:
        name_node = next((child for child in node.named_children if child.type == "command_name"), None)
        name = self.source.node_text(name_node) if name_node is not None else self.snippet(node)
        return name if keep_case else name.casefold()

    def arguments(self, node: Node) -> list[Node]:
        """The parameters and arguments of a command, each argument checked to be a constant."""
        elements = next((child for child in node.named_children if child.type == "command_elements"), None)
        found: list[Node] = []
        for element in children(elements) if elements is not None else []:
            if element.type == "command_argument_sep":
                continue
            if element.type not in ("command_parameter", "generic_token"):
                # Restricted language: arguments are constants and allowed variables, never code.
                self.value(element)
            found.append(element)
        return found

    def symbolic_command(self, node: Node) -> Symbolic:
        self.count(node)
        arguments = self.arguments(node)
        text = self.source.node_text(node)
        if self.command_name(node) != "join-path":
            return Symbolic(text)
        return Symbolic(text, join_path(self, arguments))


def _key_text(key: Any) -> str:
    """A key as PowerShell's parser compares keys for duplicates: its text, case ignored."""
    if isinstance(key, float) and key.is_integer() and abs(key) < 1e15:
        text = str(int(key))
    elif isinstance(key, Decimal):
        text = format(key, "f")
    else:
        text = str(key)
    return text.casefold()


def _statements(statement_list: Node) -> list[Node]:
    return [node for node in children(statement_list) if node.type != "empty_statement"]
