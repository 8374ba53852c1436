"""List the cmdlets of a binary module from its .NET metadata, without loading it.

A binary PowerShell module is a .NET assembly whose public classes carry
``[Cmdlet(verb, noun)]``. Which cmdlets it defines, with their parameters and
output types, is written in the assembly's metadata tables and
custom-attribute blobs (ECMA-335 II.22 and II.23.3). ``dnfile`` parses the
tables; this module decodes the blobs. Nothing is loaded or executed.

Attribute types are matched by name (``CmdletAttribute`` in namespace
``System.Management.Automation``), never by assembly identity, since modules
reference whichever ``System.Management.Automation`` they were built against.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import dnfile

from amkit.errors import PackageError
from amkit.package.metadata_blobs import Malformed, Signature

__all__ = [
    "DOTNET_FRAMEWORK",
    "AssemblyIdentity",
    "BinaryCmdlet",
    "BinaryParameter",
    "assembly_identity",
    "assembly_name",
    "is_dotnet_assembly",
    "read_cmdlets",
    "target_framework",
]

# dnfile logs what it cannot parse; amkit raises a PackageError for that instead, so
# keep those records from reaching Python's last-resort stderr handler.
logging.getLogger("dnfile").addHandler(logging.NullHandler())

ALL_PARAMETER_SETS = "__AllParameterSets"
#: How ``[TargetFramework]`` names .NET Framework (as opposed to .NETStandard and .NETCoreApp).
DOTNET_FRAMEWORK = ".NETFramework"
# The public key token of .NET Framework's own mscorlib (ECMA's b77a5c561934e089).
_DESKTOP_TOKEN = bytes.fromhex("b77a5c561934e089")
_T = TypeVar("_T")
_SMA = "System.Management.Automation"
_TARGET_FRAMEWORK = "System.Runtime.Versioning.TargetFrameworkAttribute"
_ATTRIBUTES = frozenset({"CmdletAttribute", "ParameterAttribute", "OutputTypeAttribute", "AliasAttribute"})
_CLR_DIRECTORY = dnfile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR"]
_UNSET_POSITION = -(2**31)  # ParameterAttribute.Position's default, int.MinValue

# Named arguments amkit reads, by attribute, typed as PowerShell declares them; another type is a corrupt blob.
_NAMED = {"CmdletAttribute": {"DefaultParameterSetName": str, "HelpUri": str, "SupportsShouldProcess": bool}}
_NAMED["ParameterAttribute"] = {"ParameterSetName": str, "Mandatory": bool, "Position": int}

# A PowerShell attribute found in metadata: (name, constructor signature, value blob).
_Attribute = tuple[str, bytes, bytes]


@dataclass(frozen=True)
class BinaryParameter:
    """A cmdlet parameter: a public property carrying ``[Parameter]``.

    ``mandatory`` is true when the parameter is mandatory in at least one of
    its ``parameter_sets`` (``'__AllParameterSets'`` for a ``[Parameter]``
    without ``ParameterSetName``); ``position`` is the first one given, or
    ``None``; ``type`` is the property's .NET type name (``System.String``,
    ``ContosoBinary.ContosoWidget[]``), ``None`` when its signature cannot be
    decoded.
    """

    name: str
    type: str | None
    mandatory: bool
    parameter_sets: tuple[str, ...]
    position: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BinaryCmdlet:
    """A cmdlet class of a binary module, as its metadata declares it.

    ``output_types`` are the ``[OutputType]`` strings, or its types named as
    ``Type.FullName`` does (no assembly after the outer name: ``System.String``);
    ``parameters`` include those inherited from base classes in the same
    assembly, the class's own first.
    """

    name: str
    class_name: str
    output_types: tuple[str, ...] = ()
    parameters: tuple[BinaryParameter, ...] = ()
    default_parameter_set: str | None = None
    help_uri: str | None = None
    supports_should_process: bool = False


# What walking corrupt metadata raises: row indexes out of range surface from dnfile
# as IndexError or as None rows (AttributeError), and reference loops (a TypeRef
# nested in itself, say) as RecursionError.
_CORRUPT: tuple[type[Exception], ...] = (Malformed, struct.error, RecursionError)
_CORRUPT += (IndexError, KeyError, AttributeError, TypeError, ValueError)


def is_dotnet_assembly(data: bytes) -> bool:
    """Return whether ``data`` is a PE file with readable .NET metadata."""
    try:
        _Metadata(data, None)
    except PackageError:
        return False
    return True


def assembly_name(data: bytes, *, file: str | None = None) -> str | None:
    """Return the assembly's simple name (``ContosoBinary``), ``None`` for a bare .NET module.

    Raises
    ------
    PackageError
        When ``data`` is not a .NET assembly or its metadata is corrupt.
    """
    return _read(data, file, lambda meta: next((_text(row.Name) for row in _rows(meta.tables.Assembly)), None))


@dataclass(frozen=True)
class AssemblyIdentity:
    """Who an assembly is, as .NET binds it: name, version, public key token; and the framework it was built for."""

    name: str
    version: str
    public_key_token: str | None
    target_framework: str | None


def assembly_identity(data: bytes, *, file: str | None = None) -> AssemblyIdentity | None:
    """The identity of a .NET assembly, ``None`` for a bare .NET module (no Assembly row).

    The public key token is the last 8 bytes of the SHA-1 of the public key,
    reversed (ECMA-335 II.6.2.1.3); ``None`` for an unsigned assembly.

    Raises
    ------
    PackageError
        When ``data`` is not a .NET assembly or its metadata is corrupt.
    """

    def identity(meta: _Metadata) -> AssemblyIdentity | None:
        row = next(iter(_rows(meta.tables.Assembly)), None)
        if row is None:
            return None
        version = f"{row.MajorVersion}.{row.MinorVersion}.{row.BuildNumber}.{row.RevisionNumber}"
        key = getattr(row.PublicKey, "value", None)
        token = hashlib.sha1(key, usedforsecurity=False).digest()[-8:][::-1].hex() if key else None
        return AssemblyIdentity(_text(row.Name), version, token, meta.target_framework())

    return _read(data, file, identity)


def target_framework(data: bytes, *, file: str | None = None) -> str | None:
    """The framework the assembly was built for, as its ``[TargetFramework]`` names it; ``None`` when unknown.

    ``.NETFramework,Version=v4.7.2`` loads in Windows PowerShell 5.1 only;
    ``.NETStandard,Version=v2.0`` in both editions; ``.NETCoreApp,Version=v8.0``
    in PowerShell 7. An assembly without the attribute (built before .NET
    Framework 4, or by a compiler that does not add it) built against .NET
    Framework's ``mscorlib`` is ``.NETFramework (mscorlib 4.0.0.0)``.

    Raises
    ------
    PackageError
        When ``data`` is not a .NET assembly or its metadata is corrupt.
    """
    return _read(data, file, lambda meta: meta.target_framework())


def read_cmdlets(data: bytes, *, file: str | None = None) -> tuple[BinaryCmdlet, ...]:
    """List the cmdlets a .NET assembly defines, reading its metadata only.

    Parameters
    ----------
    data
        The bytes of the ``.dll``.
    file
        The name to report in errors (the package member, say).

    Returns
    -------
    tuple of BinaryCmdlet
        One per public, non-abstract class with ``[Cmdlet]``, in metadata
        order; empty for an assembly without cmdlets.

    Raises
    ------
    PackageError
        When ``data`` is not a .NET assembly (not a PE file, or a native one)
        or its metadata is corrupt.
    """
    return _read(data, file, lambda meta: tuple(meta.cmdlets()))


def _read(data: bytes, file: str | None, reading: Callable[[_Metadata], _T]) -> _T:
    """What ``reading`` takes from the assembly's metadata; corrupt metadata is a PackageError naming ``file``."""
    meta = _Metadata(data, file)
    try:
        return reading(meta)
    except _CORRUPT as exc:
        raise meta.damaged("corrupt .NET metadata", str(exc) or type(exc).__name__) from exc


class _Metadata:
    """The metadata tables of one assembly and the lookups the cmdlet reader needs."""

    def __init__(self, data: bytes, file: str | None) -> None:
        self.file = file
        if bytes(data[:2]) != b"MZ":
            raise PackageError("not a .NET assembly: it is not a PE file (no MZ header)", file=file)
        try:
            with _root_logger_guarded():
                pe = dnfile.dnPE(data=bytes(data), fast_load=True)
                pe.parse_data_directories(directories=[_CLR_DIRECTORY])
        except Exception as exc:  # pefile and dnfile raise many types on damaged input
            raise self.damaged("damaged PE file", str(exc)) from exc
        ends = [s.PointerToRawData + s.SizeOfRawData for s in pe.sections]
        if max([pe.OPTIONAL_HEADER.SizeOfHeaders, *ends]) > len(data):
            raise self.damaged("truncated PE file", "it is shorter than its headers say")
        directories = pe.OPTIONAL_HEADER.DATA_DIRECTORY
        if len(directories) <= _CLR_DIRECTORY or not directories[_CLR_DIRECTORY].VirtualAddress:
            raise PackageError(
                "not a .NET assembly: a native PE file without a CLR header; it may be a library "
                "the module loads, but it cannot define cmdlets",
                file=file,
            )
        net = pe.net
        if net is None or net.metadata is None or net.mdtables is None or net.strings is None:
            raise self.damaged("corrupt .NET metadata", "the CLR header or streams cannot be read")
        if any(warning.startswith("Unable to parse stream") for warning in pe.get_warnings()):
            raise self.damaged("corrupt .NET metadata", "; ".join(pe.get_warnings()))
        self.tables: Any = net.mdtables
        self._enclosing: dict[int, int] | None = None

    def damaged(self, what: str, detail: str) -> PackageError:
        return PackageError(f"{what}: {detail}; rebuild the assembly or download the module again", file=self.file)

    # --- names -------------------------------------------------------------------------

    def typedef_name(self, index: int) -> str:
        if self._enclosing is None:
            self._enclosing = {
                row.NestedClass.row_index: row.EnclosingClass.row_index for row in _rows(self.tables.NestedClass)
            }
        row = self.tables.TypeDef.get_with_row_index(index)
        if index in self._enclosing:
            return f"{self.typedef_name(self._enclosing[index])}+{_text(row.TypeName)}"
        return _join(_text(row.TypeNamespace), _text(row.TypeName))

    def typeref_name(self, index: int) -> str:
        row = self.tables.TypeRef.get_with_row_index(index)
        scope = row.ResolutionScope
        if scope.table is not None and scope.table.name == "TypeRef":
            return f"{self.typeref_name(scope.row_index)}+{_text(row.TypeName)}"
        return _join(_text(row.TypeNamespace), _text(row.TypeName))

    def coded_type_name(self, table: str, index: int) -> str:
        if table == "TypeDef":
            return self.typedef_name(index)
        if table == "TypeRef":
            return self.typeref_name(index)
        if table == "TypeSpec":
            spec = self.tables.TypeSpec.get_with_row_index(index)
            return Signature(_blob(spec.Signature), self).type_name()
        raise Malformed(f"a type token points into the {table} table")

    # --- attributes --------------------------------------------------------------------

    def attributes(self) -> dict[tuple[str, int], list[_Attribute]]:
        """Map each parent (table, row) to its PowerShell attributes."""
        found: dict[tuple[str, int], list[_Attribute]] = {}
        for row in _rows(self.tables.CustomAttribute):
            # Attributes of another assembly (as SMA's are) have a MemberRef constructor.
            ctor = row.Type
            if ctor.table is None or ctor.table.name != "MemberRef":
                continue
            method = ctor.table.get_with_row_index(ctor.row_index)
            parent = method.Class
            if parent.table is None or parent.table.name not in ("TypeRef", "TypeDef"):
                continue
            name = self.coded_type_name(parent.table.name, parent.row_index)
            namespace, _, short = name.rpartition(".")
            if namespace == _SMA and short in _ATTRIBUTES and row.Parent.table is not None:
                key = (row.Parent.table.name, row.Parent.row_index)
                entry = (short, _blob(method.Signature), _blob(row.Value))
                found.setdefault(key, []).append(entry)
        return found

    def target_framework(self) -> str | None:
        """The first argument of the assembly's ``System.Runtime.Versioning.TargetFrameworkAttribute``."""
        for row in _rows(self.tables.CustomAttribute):
            ctor = row.Type
            if row.Parent.table is None or row.Parent.table.name != "Assembly":
                continue
            if ctor.table is None or ctor.table.name != "MemberRef":
                continue
            owner = ctor.table.get_with_row_index(ctor.row_index).Class
            if owner.table is None or owner.table.name not in ("TypeRef", "TypeDef"):
                continue
            if self.coded_type_name(owner.table.name, owner.row_index) != _TARGET_FRAMEWORK:
                continue
            reader = Signature(_blob(row.Value), self)
            if reader.read("<H") != 1:
                raise Malformed("a custom attribute blob lacks its 0x0001 prolog")
            return reader.ser_string()
        return self.framework_of_core_library()

    def framework_of_core_library(self) -> str | None:
        """``.NETFramework (mscorlib X)`` for an assembly without ``[TargetFramework]`` built against .NET Framework.

        Such an assembly (built before .NET Framework 4, or by a compiler that
        does not add the attribute) references the desktop ``mscorlib`` (public
        key token b77a5c561934e089, not retargetable, as portable libraries'
        is); .NET and .NET Standard assemblies reference ``System.Runtime``
        or ``netstandard`` instead, and say nothing here.
        """
        for row in _rows(self.tables.AssemblyRef):
            token = _blob(row.PublicKey)
            retargetable = bool(getattr(row.Flags, "afRetargetable", False))
            if _text(row.Name) == "mscorlib" and token == _DESKTOP_TOKEN and not retargetable:
                version = f"{row.MajorVersion}.{row.MinorVersion}.{row.BuildNumber}.{row.RevisionNumber}"
                return f"{DOTNET_FRAMEWORK} (mscorlib {version})"
        return None

    def decode(self, attribute: str, signature: bytes, blob: bytes) -> tuple[list[Any], dict[str, Any]]:
        """Decode the blob of a PowerShell attribute into its fixed and named arguments (II.23.3)."""
        kinds = Signature(signature, self).parameter_kinds()
        reader = Signature(blob, self)
        if reader.read("<H") != 1:
            raise Malformed("a custom attribute blob lacks its 0x0001 prolog")
        fixed = [reader.value(kind) for kind in kinds]
        named: dict[str, Any] = {}
        for _ in range(reader.read("<H")):
            if reader.byte() not in (0x53, 0x54):  # FIELD, PROPERTY
                raise Malformed("a named attribute argument is neither a field nor a property")
            kind = reader.serialized_kind()
            name = reader.ser_string() or ""
            named[name] = value = reader.value(kind)
            if value is not None and not isinstance(value, _NAMED.get(attribute, {}).get(name, object)):
                raise Malformed(f"the named argument {name} has the wrong type, {type(value).__name__}")
        return fixed, named

    # --- cmdlets -----------------------------------------------------------------------

    def cmdlets(self) -> Iterator[BinaryCmdlet]:
        self.found = self.attributes()
        self.properties: dict[int, list[int]] = {
            row.Parent.row_index: [prop.row_index for prop in row.PropertyList]
            for row in _rows(self.tables.PropertyMap)
        }
        for index, row in enumerate(_rows(self.tables.TypeDef), 1):
            own = self.found.get(("TypeDef", index), [])
            cmdlet = [entry for entry in own if entry[0] == "CmdletAttribute"]
            flags = row.Flags
            if not cmdlet or flags.tdAbstract or not (flags.tdPublic or flags.tdNestedPublic):
                continue
            (verb, noun, *_), named = self.decode(*cmdlet[0])
            outputs: list[str] = []
            for name, sig, blob in own:
                if name == "OutputTypeAttribute":
                    for value in _flatten(self.decode(name, sig, blob)[0]):
                        if value and _unqualified(value) not in outputs:
                            outputs.append(_unqualified(value))
            yield BinaryCmdlet(
                name=f"{verb}-{noun}",
                class_name=self.typedef_name(index),
                output_types=tuple(outputs),
                parameters=tuple(self.parameters(index)),
                default_parameter_set=named.get("DefaultParameterSetName"),
                help_uri=named.get("HelpUri"),
                supports_should_process=bool(named.get("SupportsShouldProcess", False)),
            )

    def parameters(self, index: int) -> Iterator[BinaryParameter]:
        seen: set[str] = set()
        visited: set[int] = set()
        # The class's own properties, then those of its base classes in this assembly.
        while index not in visited:
            visited.add(index)
            for prop_index in self.properties.get(index, []):
                prop = self.tables.Property.get_with_row_index(prop_index)
                name = _text(prop.Name)
                own = self.found.get(("Property", prop_index), [])
                if name.casefold() in seen or not any(a == "ParameterAttribute" for a, *_ in own):
                    continue
                seen.add(name.casefold())
                yield self.parameter(name, _blob(prop.Type), own)
            extends = self.tables.TypeDef.get_with_row_index(index).Extends
            if extends.table is None or extends.table.name != "TypeDef":
                break
            index = extends.row_index

    def parameter(self, name: str, signature: bytes, own: list[_Attribute]) -> BinaryParameter:
        sets: list[str] = []
        mandatory = False
        position: int | None = None
        aliases: list[str] = []
        for attribute, sig, blob in own:
            fixed, named = self.decode(attribute, sig, blob)
            if attribute == "AliasAttribute":
                aliases.extend(str(alias) for alias in _flatten(fixed) if alias)
            elif attribute == "ParameterAttribute":
                sets.append(named.get("ParameterSetName") or ALL_PARAMETER_SETS)
                mandatory = mandatory or bool(named.get("Mandatory", False))
                if position is None and named.get("Position", _UNSET_POSITION) != _UNSET_POSITION:
                    position = named["Position"]
        try:
            type_name: str | None = Signature(signature, self).property_type()
        except _CORRUPT:
            type_name = None
        return BinaryParameter(name, type_name, mandatory, tuple(sets), position, tuple(aliases))


@contextlib.contextmanager
def _root_logger_guarded() -> Iterator[None]:
    # On some corrupt tables dnfile 0.18 calls logging.warning(), which runs
    # logging.basicConfig() on the caller's root logger when it has no handler.
    guard = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(guard)
    try:
        yield
    finally:
        root.removeHandler(guard)


def _unqualified(type_name: str) -> str:
    """Drop the assembly from an assembly-qualified name, keeping generic arguments."""
    depth = 0
    for position, char in enumerate(type_name):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            return type_name[:position].strip()
    return type_name.strip()


def _flatten(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _join(namespace: str, name: str) -> str:
    return f"{namespace}.{name}" if namespace else name


def _text(item: object) -> str:
    return "" if item is None else str(item)


def _blob(item: object) -> bytes:
    value = getattr(item, "value", item)
    if not isinstance(value, bytes):
        raise Malformed("a blob index points outside the #Blob heap")
    return value


def _rows(table: Any) -> list[Any]:
    return list(table.rows) if table is not None else []
