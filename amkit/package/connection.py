"""Connection types: the ``<Module>-Automation.json`` file of an integration module.

Azure Automation reads this file at import and creates a connection type named
``ConnectionTypeName`` whose fields runbooks receive from
``Get-AutomationConnection``. The file is JSON with ``ConnectionFields``
(each with ``Name``, ``TypeName``, ``IsEncrypted``, ``IsOptional``),
``ConnectionTypeName`` and ``IntegrationModuleName``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amkit.errors import ConnectionTypeError
from amkit.jsontext import parse_json
from amkit.powershell.textfile import decode_source

__all__ = ["ConnectionField", "ConnectionType", "connection_type_file", "read_connection_type"]


def connection_type_file(module: str) -> str:
    """The file name Automation looks for: ``<Module>-Automation.json``."""
    return f"{module}-Automation.json"


@dataclass(frozen=True)
class ConnectionField:
    """One field of a connection type. Encrypted fields hold secrets."""

    name: str
    type_name: str
    is_encrypted: bool = False
    is_optional: bool = False


@dataclass(frozen=True)
class ConnectionType:
    """A connection type an integration module defines."""

    name: str
    module: str
    fields: tuple[ConnectionField, ...]
    file: str | None = None

    def field(self, name: str) -> ConnectionField:
        """The field called ``name`` (case-insensitive), as Automation matches field names."""
        for field in self.fields:
            if field.name.casefold() == name.casefold():
                return field
        raise KeyError(name)


def read_connection_type(
    source: bytes | str | os.PathLike[str], *, file: str | None = None, module: str | None = None
) -> ConnectionType:
    """Read and validate a ``<Module>-Automation.json`` file.

    Parameters
    ----------
    source
        A path, the file's bytes (BOMs honoured: these files are often
        UTF-16), or its text.
    file
        The name to report in errors.
    module
        The module the file ships in; ``IntegrationModuleName`` must equal it.

    Raises
    ------
    ConnectionTypeError
        When the file is not JSON, misses ``ConnectionFields``,
        ``ConnectionTypeName`` or ``IntegrationModuleName``, has a field
        without ``Name`` or ``TypeName``, duplicate field names, a
        non-boolean ``IsEncrypted``/``IsOptional``, or names another module.
    """
    if isinstance(source, os.PathLike):
        file = file or os.fspath(source)
        try:
            source = Path(source).read_bytes()
        except OSError as exc:
            raise ConnectionTypeError(f"cannot read the file: {exc.strerror}", file=file) from None
    text = decode_source(source, file=file, error=ConnectionTypeError)[0] if isinstance(source, bytes) else source
    document = parse_json(
        text, lambda problem, line, column: ConnectionTypeError(problem, file=file, line=line, column=column)
    )
    if not isinstance(document, dict):
        raise ConnectionTypeError("the connection type must be a JSON object", file=file)
    return _connection_type(_folded(document), file, module)


def _folded(document: dict[str, Any]) -> dict[str, Any]:
    # Automation matches these property names without regard to case.
    return {str(key).casefold(): value for key, value in document.items()}


def _required_text(document: dict[str, Any], key: str, where: str, file: str | None) -> str:
    value = document.get(key.casefold())
    if not isinstance(value, str) or not value.strip():
        raise ConnectionTypeError(f"{where}: {key} is missing or not a non-empty string", file=file)
    return value


def _boolean(document: dict[str, Any], key: str, where: str, file: str | None) -> bool:
    value = document.get(key.casefold(), False)
    if not isinstance(value, bool):
        raise ConnectionTypeError(f"{where}: {key} must be true or false, not {json.dumps(value)}", file=file)
    return value


def _connection_type(document: dict[str, Any], file: str | None, module: str | None) -> ConnectionType:
    name = _required_text(document, "ConnectionTypeName", "the connection type", file)
    integration_module = _required_text(document, "IntegrationModuleName", "the connection type", file)
    if module is not None and integration_module.casefold() != module.casefold():
        raise ConnectionTypeError(
            f"IntegrationModuleName is {integration_module!r} but the file ships in module {module!r}; "
            "they must be the same",
            file=file,
        )
    raw_fields = document.get("connectionfields")
    if not isinstance(raw_fields, list):
        raise ConnectionTypeError("ConnectionFields is missing or not a list", file=file)
    fields: list[ConnectionField] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_fields):
        where = f"ConnectionFields[{index}]"
        if not isinstance(raw, dict):
            raise ConnectionTypeError(f"{where} must be an object", file=file)
        folded = _folded(raw)
        field = ConnectionField(
            name=_required_text(folded, "Name", where, file),
            type_name=_required_text(folded, "TypeName", where, file),
            is_encrypted=_boolean(folded, "IsEncrypted", where, file),
            is_optional=_boolean(folded, "IsOptional", where, file),
        )
        if field.name.casefold() in seen:
            raise ConnectionTypeError(f"{where}: duplicate field name {field.name!r}", file=file)
        seen.add(field.name.casefold())
        fields.append(field)
    return ConnectionType(name=name, module=integration_module, fields=tuple(fields), file=file)
