"""Connection types and connection assets: validated against their type, secrets never kept in clear text.

An account knows Automation's built-in connection types and those its
imported modules define. A connection asset is checked against its type
(every required field given, no unknown ones, values of the field's type);
the values of encrypted fields are kept only as a salted scrypt digest, so
the account file, its tables and its reprs never hold them. amkit never needs
a secret back: it runs nothing. :meth:`Connection.matches` tells whether a
value is the one stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from amkit.account.store import Store, moment, time_text
from amkit.errors import AccountError
from amkit.package.connection import ConnectionField, ConnectionType

__all__ = ["BUILTIN_CONNECTION_TYPES", "HIDDEN", "Connection", "Connections", "seal", "validated_fields"]

#: What reprs, tables and widgets show instead of an encrypted value.
HIDDEN = "(encrypted)"


def _fields(*names: str) -> tuple[ConnectionField, ...]:
    return tuple(ConnectionField(name, "System.String") for name in names)


#: The connection types every Automation account has ("Connection assets in Azure Automation").
BUILTIN_CONNECTION_TYPES = (
    ConnectionType("Azure", "", _fields("AutomationCertificateName", "SubscriptionID")),
    ConnectionType(
        "AzureClassicCertificate", "", _fields("SubscriptionName", "SubscriptionId", "CertificateAssetName")
    ),
    ConnectionType(
        "AzureServicePrincipal", "", _fields("ApplicationId", "TenantId", "CertificateThumbprint", "SubscriptionId")
    ),
)
# scrypt's cost: about 16 MiB and a few milliseconds per value (RFC 7914's interactive setting).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def seal(value: str) -> dict[str, str]:
    """A salted scrypt digest of ``value``: what the account keeps of a secret."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(value.encode("utf-8"), salt=salt, **_SCRYPT)
    return {"scrypt": digest.hex(), "salt": salt.hex()}


#: The values each integer type of .NET holds.
_INTEGER_RANGES = {
    "byte": (0, 2**8 - 1),
    "sbyte": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}


def _whole_number(value: object) -> int | None:
    """An int, or text of one optional sign and digits, as a number; else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    return None


def _text(connection_type: ConnectionType, definition: ConnectionField, value: object) -> str:
    """A field's value as Automation stores it (text), checked against the field's type."""
    kind = definition.type_name.casefold().removeprefix("system.")
    problem = None
    if kind == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
            return value.strip().casefold()
        problem = "true or false"
    elif kind in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[kind]
        number = _whole_number(value)
        if number is not None and low <= number <= high:
            return str(number)
        problem = f"a whole number from {low} to {high}"
    elif isinstance(value, str):
        return value
    else:
        problem = "text"
    raise AccountError(
        f"connection type {connection_type.name}: field {definition.name} is {definition.type_name} "
        f"and takes {problem}, not {type(value).__name__}",
        code="connection",
    )


def validated_fields(connection_type: ConnectionType, values: Mapping[str, object]) -> dict[str, Any]:
    """The stored form of a connection's field ``values``: plain text, and encrypted ones sealed.

    Raises
    ------
    AccountError
        When a required field is missing, a field is not in the type, or a
        value is not of its field's type.
    """
    known = {definition.name.casefold(): definition for definition in connection_type.fields}
    unknown = sorted(name for name in values if name.casefold() not in known)
    if unknown:
        listed = ", ".join(definition.name for definition in connection_type.fields)
        raise AccountError(
            f"connection type {connection_type.name} has no field {', '.join(unknown)}; its fields are {listed}",
            code="connection",
        )
    given = {name.casefold(): value for name, value in values.items()}
    if len(given) < len(values):
        raise AccountError(
            f"connection type {connection_type.name}: a field is given twice (names ignore case)", code="connection"
        )
    missing = [
        definition.name
        for definition in connection_type.fields
        if not definition.is_optional and definition.name.casefold() not in given
    ]
    if missing:
        raise AccountError(f"connection type {connection_type.name} needs {', '.join(missing)}", code="connection")
    stored: dict[str, Any] = {}
    for key, value in given.items():
        definition = known[key]
        text = _text(connection_type, definition, value)
        stored[definition.name] = seal(text) if definition.is_encrypted else text
    return stored


@dataclass(frozen=True)
class Connection:
    """A connection asset: its type and field values, encrypted ones hidden."""

    name: str
    type_name: str
    values: Mapping[str, str] = field(default_factory=dict)
    encrypted: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)

    def shown(self) -> dict[str, str]:
        """Every field with its value, :data:`HIDDEN` for encrypted ones."""
        return {**self.values, **dict.fromkeys(self.encrypted, HIDDEN)}

    def matches(self, field_name: str, value: str) -> bool:
        """Whether ``value`` is the value stored for the field (encrypted ones compared by their digest)."""
        key = next((name for name in self.encrypted if name.casefold() == field_name.casefold()), None)
        if key is None:
            plain = next((text for name, text in self.values.items() if name.casefold() == field_name.casefold()), None)
            return plain == value
        sealed = self.encrypted[key]
        digest = hashlib.scrypt(value.encode("utf-8"), salt=bytes.fromhex(sealed["salt"]), **_SCRYPT)
        return hmac.compare_digest(digest.hex(), sealed["scrypt"])

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.shown().items())
        return f"Connection({self.name!r}, {self.type_name!r}, {fields})"


class Connections:
    """The connection types and connection assets of one account file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def types(self) -> list[ConnectionType]:
        """The built-in connection types, then those imported modules define."""
        imported = [
            ConnectionType(
                row["name"], row["module"], tuple(ConnectionField(**item) for item in json.loads(row["fields"]))
            )
            for row in self.store.rows("SELECT * FROM connection_types ORDER BY name_key")
        ]
        return [*BUILTIN_CONNECTION_TYPES, *imported]

    def types_frame(self) -> pd.DataFrame:
        """One row per field of every connection type (see :meth:`AutomationAccount.connection_types`)."""
        rows = [
            (item.name, item.module or None, part.name, part.type_name, part.is_encrypted, part.is_optional)
            for item in self.types()
            for part in item.fields
        ]
        columns = ["type", "module", "field", "type_name", "is_encrypted", "is_optional"]
        return pd.DataFrame(rows, columns=columns).astype(dict.fromkeys(columns[:4], "string"))

    def store_type(
        self, connection_type: ConnectionType, module_id: int | None = None, environment: str | None = None
    ) -> None:
        """Keep a connection type: one an imported module defines (its row's id), or one Azure lists."""
        fields = [field.__dict__ for field in connection_type.fields]
        self.store.connection.execute(
            "INSERT INTO connection_types (module_id, environment, name, name_key, module, fields) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                module_id,
                environment,
                connection_type.name,
                connection_type.name.casefold(),
                connection_type.module or None,
                json.dumps(fields),
            ),
        )

    def add(self, name: str, type_name: str, values: Mapping[str, object]) -> Connection:
        """Validate and store a connection asset (inside the caller's transaction)."""
        types = self.types()
        connection_type = next((item for item in types if item.name.casefold() == type_name.casefold()), None)
        if connection_type is None:
            known = ", ".join(item.name for item in types)
            raise AccountError(f"no connection type {type_name!r}; the account has {known}", code="connection")
        stored = validated_fields(connection_type, values)
        if self.store.rows("SELECT 1 FROM connections WHERE name_key = ?", (name.casefold(),)):
            raise AccountError(f"a connection named {name!r} already exists", code="exists")
        self.store.connection.execute(
            "INSERT INTO connections (name_key, name, type_name, fields, creation_time) VALUES (?, ?, ?, ?, ?)",
            (name.casefold(), name, connection_type.name, json.dumps(stored), time_text(moment())),
        )
        return self.get(name)

    def get(self, name: str) -> Connection:
        """The connection asset ``name``."""
        rows = self.store.rows("SELECT * FROM connections WHERE name_key = ?", (name.casefold(),))
        if not rows:
            raise AccountError(f"the account has no connection {name!r}", code="not-found")
        stored = json.loads(rows[0]["fields"])
        plain = {key: value for key, value in stored.items() if isinstance(value, str)}
        sealed = {key: value for key, value in stored.items() if not isinstance(value, str)}
        return Connection(rows[0]["name"], rows[0]["type_name"], plain, sealed)

    def frame(self) -> pd.DataFrame:
        """One row per field of every connection asset, encrypted values hidden."""
        rows = []
        for row in self.store.rows("SELECT name FROM connections ORDER BY name_key"):
            asset = self.get(row["name"])
            for key, value in asset.shown().items():
                rows.append((asset.name, asset.type_name, key, value, key in asset.encrypted))
        columns = ["name", "type", "field", "value", "is_encrypted"]
        return pd.DataFrame(rows, columns=columns).astype(dict.fromkeys(columns[:4], "string"))
