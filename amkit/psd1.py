"""Read PowerShell data files (``.psd1``) without executing them.

``Import-PowerShellDataFile`` accepts one hashtable of constants: strings,
numbers, ``$true``/``$false``/``$null``, arrays and nested hashtables, and it
refuses anything that would run code. This reader walks the
tree-sitter-powershell syntax tree and applies the same rule, node by node;
nothing is evaluated. Module manifests are read by PowerShell in restricted
language mode, which also allows ``$PSScriptRoot``, ``$PSEdition`` and
``Join-Path``: those values are returned as :class:`Symbolic`, never resolved
by running anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amkit._syntax import SourceText, children, first_error, number_value, string_value, unwrap
from amkit.errors import DataFileError
from amkit.textfile import load_source

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["MAX_KEYS", "MAX_NODES", "PSHashtable", "Symbolic", "constant_value", "read_psd1"]

#: PowerShell's limits for ``Import-PowerShellDataFile`` (lifted by ``-SkipLimitCheck``).
MAX_KEYS = 500
MAX_NODES = 5000

_CONSTANT_VARIABLES = {"true": True, "false": False, "null": None}
# Restricted language mode, as used for module manifests: its variables and cmdlets.
_MANIFEST_VARIABLES = frozenset(
    {"psscriptroot", "psedition", "enabledexperimentalfeatures", "psculture", "psuiculture"}
)
_MANIFEST_COMMANDS = frozenset(
    {"join-path", "import-localizeddata", "convertfrom-stringdata", "write-host", "out-host"}
)

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


class PSHashtable(dict):
    """A hashtable as PowerShell reads it: string keys match case-insensitively, source order kept.

    It is a ``dict`` (so ``json.dumps`` and pandas take it as one) whose keys
    keep the case they were written in, while lookups ignore case:
    ``table["moduleversion"]`` finds ``ModuleVersion``.
    """

    def __init__(self, items: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__()
        self._index: dict[Any, Any] = {}
        self.update(items)

    @staticmethod
    def _fold(key: Any) -> Any:
        return key.casefold() if isinstance(key, str) else key

    def _stored(self, key: Any) -> Any:
        return self._index.get(self._fold(key), key)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._stored(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        folded = self._fold(key)
        if folded in self._index:
            super().__setitem__(self._index[folded], value)
        else:
            self._index[folded] = key
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(self._stored(key))
        del self._index[self._fold(key)]

    def __contains__(self, key: object) -> bool:
        return self._fold(key) in self._index

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the value for ``key`` (any case), or ``default``."""
        return self[key] if key in self else default

    def pop(self, key: Any, *default: Any) -> Any:
        """Remove ``key`` (any case) and return its value."""
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Return the value for ``key``, inserting ``default`` when absent."""
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Insert items, matching existing keys case-insensitively."""
        pairs = other.items() if isinstance(other, Mapping) else other
        for key, value in [*pairs, *kwargs.items()]:
            self[key] = value

    def copy(self) -> PSHashtable:
        """Return a shallow copy that keeps case-insensitive lookup."""
        return PSHashtable(self.items())

    def __repr__(self) -> str:
        return f"PSHashtable({dict.__repr__(self)})"


@dataclass(frozen=True)
class Symbolic:
    """A manifest value PowerShell computes at load time, kept as written.

    Module manifests may use ``$PSScriptRoot``, ``$PSEdition`` and a few
    cmdlets such as ``Join-Path``; amkit never runs them. ``text`` is the
    source as written; ``path`` is the package-relative path (``/``
    separators) when the value is ``$PSScriptRoot`` joined with literal
    strings, else ``None``.
    """

    text: str
    path: str | None = None

    def __str__(self) -> str:
        return self.text


def read_psd1(
    source: str | bytes | os.PathLike[str],
    *,
    manifest: bool = True,
    skip_limit_check: bool = False,
    file: str | None = None,
) -> PSHashtable:
    """Read a PowerShell data file as ``Import-PowerShellDataFile`` does, without running it.

    Parameters
    ----------
    source
        A path (``pathlib.Path``, or a one-line ``str`` naming an existing
        file), the file's bytes (any BOM honoured), or its text.
    manifest
        Also accept what module manifests may use in restricted language
        mode (``$PSScriptRoot``, ``$PSEdition``, ``Join-Path`` ...), returned
        as :class:`Symbolic`. ``False`` accepts exactly what
        ``Import-PowerShellDataFile`` accepts.
    skip_limit_check
        Lift PowerShell's limits of 500 keys and 5000 syntax nodes.
    file
        The name to report in errors when ``source`` is text or bytes.

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
    text, file = _load(source, file)
    reader = _DataFileReader(SourceText(text, file), manifest=manifest, limits=not skip_limit_check)
    return reader.read()


def _load(source: str | bytes | os.PathLike[str], file: str | None) -> tuple[str, str | None]:
    return load_source(source, file=file, error=DataFileError, caller="read_psd1")


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
    return _DataFileReader(source, manifest=manifest, limits=False).value(node)


class _DataFileReader:
    """Evaluate the constant subset of one parsed data file."""

    def __init__(self, source: SourceText, *, manifest: bool, limits: bool) -> None:
        self.source = source
        self.manifest = manifest
        self.limits = limits
        self.keys = 0
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
        error = first_error(root)
        if error is not None:
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
            raise DataFileError(
                f"the file holds no hashtable: a data file is one @{{ ... }}{found}",
                file=self.source.file,
                line=self.source.position(first)[0] if first is not None else None,
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

    def count(self, node: Node) -> None:
        self.nodes += 1
        if self.limits and self.nodes > MAX_NODES:
            raise self.fail(
                node,
                f"the file has more than {MAX_NODES} syntax nodes, PowerShell's limit for data files; "
                "pass skip_limit_check=True to read it anyway",
                "limit",
            )

    def value(self, node: Node) -> Any:
        node = unwrap(node)
        self.count(node)
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
        if kind in ("decimal_integer_literal", "hexadecimal_integer_literal", "real_literal"):
            number = number_value(self.source.node_text(node))
            if number is None:
                raise self.fail(node, f"{self.snippet(node)!r} is not a number", "number")
            return number
        if kind == "variable":
            return self.variable(node)
        if kind == "command" and self.manifest and self.command_name(node) in _MANIFEST_COMMANDS:
            return self.symbolic_command(node)
        raise self.disallowed(node)

    def disallowed(self, node: Node) -> DataFileError:
        kind = node.type
        operator = next((child for child in node.children if not child.is_named), None)
        if kind == "command":
            construct = f"command {self.command_name(node, keep_case=True)}"
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
        body = next((child for child in node.named_children if child.type == "hash_literal_body"), None)
        entries = children(body) if body is not None else []
        for entry in entries:
            if entry.type != "hash_entry":
                raise self.disallowed(entry)
            key_node, value_node = self.entry_parts(entry)
            key = self.key(key_node)
            if key in table:
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} in a hashtable (keys ignore case)",
                    "duplicate key",
                )
            self.keys += 1
            if self.limits and self.keys > MAX_KEYS:
                raise self.fail(
                    key_node,
                    f"the file has more than {MAX_KEYS} hashtable keys, PowerShell's limit for data files; "
                    "pass skip_limit_check=True to read it anyway",
                    "limit",
                )
            table[key] = self.value(value_node)
        return table

    def entry_parts(self, entry: Node) -> tuple[Node, Node]:
        parts = children(entry)
        if len(parts) != 2:
            raise self.fail(entry, f"malformed hashtable entry {self.snippet(entry)!r}", "hashtable entry")
        return parts[0], parts[1]

    def key(self, node: Node) -> Any:
        inner = unwrap(node)
        self.count(inner)
        if inner.type == "simple_name":
            return self.source.node_text(inner)
        key = self.value(inner)
        if isinstance(key, (str, int, float)) and not isinstance(key, bool):
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
                value = self.value(statement)
                # @( ) collects what each statement outputs, enumerating arrays.
                if isinstance(value, list):
                    items.extend(value)
                else:
                    items.append(value)
        return items

    def unary(self, node: Node) -> Any:
        operator = self.source.node_text(node.children[0])
        operands = children(node)
        if len(operands) != 1:
            raise self.disallowed(node)
        if operator == ",":
            return [self.value(operands[0])]
        value = self.value(operands[0])
        if (
            operator in ("-", "+", "\u2013", "\u2014")
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            return value if operator == "+" else -value
        raise self.fail(node, f"the operator {operator!r} is not allowed in a data file", "operator")

    def string(self, node: Node) -> Any:
        text = string_value(node, self.source)
        if text is not None:
            return text
        inner = unwrap(node)
        parts = [child for child in inner.named_children]
        if self.manifest and all(
            part.type == "variable" and self.variable_name(part) in _MANIFEST_VARIABLES for part in parts
        ):
            raw = self.source.node_text(inner)
            return Symbolic(raw, _script_root_path(raw[1:-1]))
        bad = next(
            part for part in parts if part.type != "variable" or self.variable_name(part) not in _MANIFEST_VARIABLES
        )
        what = "sub-expression $(...)" if bad.type == "sub_expression" else f"variable {self.snippet(bad)}"
        raise self.fail(bad, f"{what} inside a double-quoted string is not allowed in a data file", what)

    def variable_name(self, node: Node) -> str:
        name = self.source.node_text(node).lstrip("$@").strip("{}").casefold()
        return name.removeprefix("global:").removeprefix("script:")

    def variable(self, node: Node) -> Any:
        name = self.variable_name(node)
        if name in _CONSTANT_VARIABLES:
            return _CONSTANT_VARIABLES[name]
        if self.manifest and name in _MANIFEST_VARIABLES:
            text = self.source.node_text(node)
            return Symbolic(text, "" if name == "psscriptroot" else None)
        allowed = "$true, $false, $null" + (", $PSScriptRoot, $PSEdition" if self.manifest else "")
        raise self.fail(
            node,
            f"variable {self.source.node_text(node)} is not allowed in a data file; only {allowed} are",
            "variable",
        )

    def command_name(self, node: Node, *, keep_case: bool = False) -> str:
        name_node = next((child for child in node.named_children if child.type == "command_name"), None)
        name = self.source.node_text(name_node) if name_node is not None else self.snippet(node)
        return name if keep_case else name.casefold()

    def symbolic_command(self, node: Node) -> Symbolic:
        text = self.source.node_text(node)
        if self.command_name(node) != "join-path":
            return Symbolic(text)
        return Symbolic(text, self.join_path(node))

    def join_path(self, node: Node) -> str | None:
        """The relative path of ``Join-Path $PSScriptRoot 'a' 'b'`` (named or positional)."""
        elements = next((child for child in node.named_children if child.type == "command_elements"), None)
        if elements is None:
            return None
        named: dict[str, Node] = {}
        positional: list[Node] = []
        pending: str | None = None
        for element in children(elements):
            if element.type == "command_argument_sep":
                continue
            if element.type == "command_parameter":
                pending = self.source.node_text(element).lstrip("-").rstrip(":").casefold()
                continue
            if pending is not None:
                named[pending], pending = element, None
            else:
                positional.append(element)
        base = named.get("path") or (positional.pop(0) if positional else None)
        parts = [named[key] for key in ("childpath",) if key in named] + positional
        parts += [named[key] for key in ("additionalchildpath",) if key in named]
        if base is None or unwrap(base).type != "variable" or self.variable_name(unwrap(base)) != "psscriptroot":
            return None
        texts = [string_value(part, self.source) for part in parts]
        if not texts or any(text is None for text in texts):
            return None
        return _normalise("/".join(text for text in texts if text is not None))


def _statements(statement_list: Node) -> list[Node]:
    return [node for node in children(statement_list) if node.type != "empty_statement"]


def _script_root_path(body: str) -> str | None:
    r"""The relative path of ``"$PSScriptRoot\\x.psm1"``, or ``None`` for other strings."""
    for prefix in ("$psscriptroot", "${psscriptroot}"):
        if body.casefold().startswith(prefix):
            rest = body[len(prefix) :]
            return None if "$" in rest else _normalise(rest)
    return None


def _normalise(path: str) -> str:
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)
