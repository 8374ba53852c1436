"""Reading the blobs of .NET metadata: signatures and custom-attribute values (ECMA-335 II.23.2, II.23.3).

A :class:`Signature` is a cursor over one blob; it names the types a blob
refers to through the metadata tables that own it (:class:`TypeNames`).
:mod:`amkit.package.dotnet` reads cmdlets and assembly attributes with it.
"""

from __future__ import annotations

import struct
from typing import Any, Protocol

__all__ = ["Malformed", "Signature", "TypeNames"]

# Signature element types (II.23.1.16) -> (type name, custom-attribute value kind); the
# kind is a struct format, or how amkit reads the value, or "" when attributes cannot hold it.
# fmt: off
ELEMENTS = {
    0x01: ("System.Void", ""), 0x02: ("System.Boolean", "?"), 0x03: ("System.Char", "char"),
    0x04: ("System.SByte", "b"), 0x05: ("System.Byte", "B"), 0x06: ("System.Int16", "h"),
    0x07: ("System.UInt16", "H"), 0x08: ("System.Int32", "i"), 0x09: ("System.UInt32", "I"),
    0x0A: ("System.Int64", "q"), 0x0B: ("System.UInt64", "Q"), 0x0C: ("System.Single", "f"),
    0x0D: ("System.Double", "d"), 0x0E: ("System.String", "string"),
    0x16: ("System.TypedReference", ""), 0x18: ("System.IntPtr", ""),
    0x19: ("System.UIntPtr", ""), 0x1C: ("System.Object", "object"),
    0x50: ("System.Type", "type"),  # in custom attributes only
    0x51: ("System.Object", "object"),  # in custom attributes only: a boxed value
}
# fmt: on
_KINDS = {name: kind for name, kind in ELEMENTS.values() if kind}


class Malformed(Exception):
    """A signature or custom-attribute blob that does not decode."""


class TypeNames(Protocol):
    """What a signature needs of the metadata it belongs to: the name behind a type token."""

    def coded_type_name(self, table: str, index: int) -> str:
        """The full name of row ``index`` of ``table`` (TypeDef, TypeRef or TypeSpec)."""
        ...


class Signature:
    """A cursor over a signature or custom-attribute blob (II.23.2, II.23.3)."""

    def __init__(self, data: bytes, meta: TypeNames) -> None:
        self.data = data
        self.pos = 0
        self.meta = meta

    def read(self, fmt: str) -> Any:
        """Read one ``struct`` value at the cursor."""
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise Malformed("a signature or attribute blob ends too early")
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return value

    def byte(self) -> int:
        """Read one byte."""
        return int(self.read("<B"))

    def compressed(self) -> int:
        """Read a compressed unsigned integer (II.23.2)."""
        first = self.byte()
        if first < 0x80:
            return first
        if first < 0xC0:
            return (first & 0x3F) << 8 | self.byte()
        if first < 0xE0:
            return (first & 0x1F) << 24 | self.read(">H") << 8 | self.byte()
        raise Malformed(f"0x{first:02x} does not start a compressed integer")

    def ser_string(self) -> str | None:
        """Read a SerString: ``None`` for the null string (0xFF)."""
        if self.pos < len(self.data) and self.data[self.pos] == 0xFF:
            self.pos += 1
            return None
        size = self.compressed()
        if self.pos + size > len(self.data):
            raise Malformed("a string in an attribute blob ends too early")
        text = self.data[self.pos : self.pos + size].decode("utf-8", "replace")
        self.pos += size
        return text

    def token_name(self) -> str:
        """Read a TypeDefOrRefOrSpec token and return the type's name."""
        token = self.compressed()
        table = ("TypeDef", "TypeRef", "TypeSpec", "")[token & 3]
        return self.meta.coded_type_name(table, token >> 2)

    def type_name(self) -> str:
        """Read one Type (II.23.2.12) and return its name."""
        code = self.byte()
        if code in ELEMENTS:
            return ELEMENTS[code][0]
        if code in (0x11, 0x12):  # VALUETYPE, CLASS
            return self.token_name()
        if code == 0x1D:  # SZARRAY
            return f"{self.type_name()}[]"
        if code in (0x1F, 0x20):  # CMOD_REQD, CMOD_OPT
            self.compressed()
            return self.type_name()
        if code == 0x15:  # GENERICINST
            self.byte()
            generic = self.token_name()
            arguments = [self.type_name() for _ in range(self.compressed())]
            return f"{generic}[{','.join(arguments)}]"
        raise Malformed(f"unsupported element type 0x{code:02x} in a signature")

    def property_type(self) -> str:
        """Read a property signature (II.23.2.5) and return the property's type."""
        if self.byte() & 0x0F != 0x08:  # PROPERTY, with or without HASTHIS
            raise Malformed("not a property signature")
        self.compressed()  # parameter count: non-zero only for indexers
        return self.type_name()

    def parameter_kinds(self) -> list[str]:
        """Return how each parameter of a constructor signature is serialized."""
        self.byte()  # calling convention
        count = self.compressed()
        self.type_name()  # return type: void
        return [kind_of(self.type_name()) for _ in range(count)]

    def serialized_kind(self) -> str:
        """Read a FieldOrPropType (II.23.3) and return its kind."""
        code = self.byte()
        if code == 0x1D:
            return self.serialized_kind() + "[]"
        if code == 0x55:  # an enum, named by its type; amkit assumes int32 underneath
            self.ser_string()
            return "i"
        if code in ELEMENTS and ELEMENTS[code][1]:
            return ELEMENTS[code][1]
        raise Malformed(f"unsupported attribute argument type 0x{code:02x}")

    def value(self, kind: str) -> Any:
        """Read one custom-attribute value of ``kind``: a struct format, string, type, object, char, or an array."""
        if kind.endswith("[]"):
            count = self.read("<I")
            if count == 0xFFFFFFFF:
                return None
            return [self.value(kind[:-2]) for _ in range(count)]
        if kind in ("string", "type"):
            return self.ser_string()
        if kind == "object":
            return self.value(self.serialized_kind())
        if kind == "char":
            return chr(self.read("<H"))
        return self.read("<" + kind)


def kind_of(type_name: str) -> str:
    if type_name.endswith("[]"):
        return kind_of(type_name[:-2]) + "[]"
    # Attribute constructors take primitives, strings, Type, object, arrays and
    # enums; any other value type here is an enum, assumed int32-based.
    return _KINDS.get(type_name, "i")
