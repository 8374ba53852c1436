"""What a module version declares it needs, labelled with the semantics of where it was declared.

A manifest's ``RequiredModules``, the ``NestedModules`` that are other modules
rather than files of the package, and ``PSData.ExternalModuleDependencies``
follow PowerShell's rules (:class:`amkit.ModuleSpec`); a ``.nupkg``'s nuspec
``<dependency>`` ranges follow NuGet's (:class:`amkit.NuGetRange`). The two
are kept apart, and a nuspec range that disagrees with the manifest it was
made from is noted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amkit.package.manifest import Manifest
from amkit.package.module_package import ModuleVersion
from amkit.package.module_spec import ModuleSpec
from amkit.package.nuspec import NuGetRange, NuspecDependency, nuget_version_key, parse_nuget_range
from amkit.powershell.version import PSVersion
from amkit.slotted import restore_fields

if TYPE_CHECKING:
    from amkit.deps.inventory import ModuleRecord

__all__ = ["REQUIREMENT_KINDS", "Requirement", "declared_requirements"]

#: The kinds of requirement, in the order a version declares them.
REQUIREMENT_KINDS = ("required", "nested", "external", "nuspec")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One module that a module version declares it needs.

    Attributes
    ----------
    name
        The module needed.
    kind
        ``required`` (``RequiredModules``), ``nested`` (a ``NestedModules``
        name that is not a file of the package, so PowerShell looks for the
        module elsewhere), ``external`` (``PSData.ExternalModuleDependencies``
        naming a module the manifest needs no other way) or ``nuspec`` (a
        ``<dependency>`` of a ``.nupkg``'s nuspec).
    written
        The declaration as written (``Az.Accounts[RequiredVersion=2.2.8]``,
        ``[2.2.8, )``).
    spec
        PowerShell's specification, for every kind but ``nuspec``.
    range
        NuGet's range, for ``nuspec``; ``None`` there when unreadable.
    provided_outside
        Whether ``ExternalModuleDependencies`` says the module comes from
        outside the gallery: when no package provides it, the dependency is
        ``external`` rather than ``missing``.
    note
        What is odd about the declaration: a nuspec range that disagrees with
        the manifest it was made from, an unusable specification.
    """

    name: str
    kind: str
    written: str
    spec: ModuleSpec | None = None
    range: NuGetRange | None = None
    provided_outside: bool = False
    note: str | None = None

    __setstate__ = restore_fields  # pickles made before slots, too

    def __hash__(self) -> int:
        # Equal requirements have equal fields, so two of them hash alike: the name and declaration are
        # enough (their texts keep their hashes), where hashing every field, the specification's too,
        # was most of looking up a gallery's requirements.
        return hash((self.name, self.written))

    @property
    def semantics(self) -> str:
        """``NuGet`` for a range (a nuspec's, or a plan target's prerelease), ``PowerShell`` for a specification."""
        return "NuGet" if self.range is not None else "PowerShell"

    @property
    def min_version(self) -> str | None:
        """The lowest version accepted, as written (``ModuleVersion``, or the range's lower bound)."""
        if self.range is not None:
            return None if self.range.is_exact else self.range.minimum
        return self.spec.version if self.spec is not None else None

    @property
    def required_version(self) -> str | None:
        """The one version accepted, as written (``RequiredVersion``, or ``[x]``)."""
        if self.range is not None:
            return self.range.minimum if self.range.is_exact else None
        return self.spec.required_version if self.spec is not None else None

    @property
    def max_version(self) -> str | None:
        """The highest version accepted, as written (``MaximumVersion``, or the range's upper bound)."""
        if self.range is not None:
            return None if self.range.is_exact else self.range.maximum
        return self.spec.maximum_version if self.spec is not None else None

    @property
    def guid(self) -> str | None:
        """The GUID the module must have, as written."""
        return self.spec.guid if self.spec is not None else None

    @property
    def _ranged(self) -> bool:
        """Whether versions are compared as NuGet does: a nuspec's dependency, or a range."""
        return self.range is not None or self.kind == "nuspec"

    def accepts_version(self, version: PSVersion) -> bool:
        """Whether ``version`` meets the declared versions, under the declaration's own semantics."""
        if self._ranged:
            return self.range is not None and self.range.accepts(version)
        return self.spec is not None and self.spec.accepts(version)

    def accepts_guid(self, guid: str | None) -> bool:
        """Whether a module with ``guid`` meets the declared GUID (a nuspec declares none)."""
        return self.spec is None or self.spec.accepts_guid(guid)

    def to_data(self) -> dict[str, Any]:
        """The requirement as JSON-ready data (see :meth:`from_data`)."""
        spec: Any = None
        if self.spec is not None:
            keys = {
                "ModuleVersion": self.spec.version,
                "RequiredVersion": self.spec.required_version,
                "MaximumVersion": self.spec.maximum_version,
                "GUID": self.spec.guid,
            }
            given = {key: value for key, value in keys.items() if value is not None}
            spec = (
                {"ModuleName": self.spec.path or self.spec.name, **given} if given else self.spec.path or self.spec.name
            )
        return {
            "name": self.name,
            "kind": self.kind,
            "written": self.written,
            "spec": spec,
            "range": self.range.text if self.range is not None else None,
            "provided_outside": self.provided_outside,
            "note": self.note,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Requirement:
        """A requirement from :meth:`to_data`'s data."""
        spec = _spec_from_data(data["spec"]) if data["spec"] is not None else None
        nuget: NuGetRange | None = None
        if data["range"] is not None:
            try:
                nuget = parse_nuget_range(data["range"])
            except ValueError:
                nuget = None
        return cls(
            data["name"], data["kind"], data["written"], spec, nuget, bool(data["provided_outside"]), data["note"]
        )

    def accepts(self, record: ModuleRecord) -> bool:
        """Whether the module version ``record`` satisfies this requirement (versions and GUID)."""
        return self.acceptor()(record)

    def acceptor(self) -> Callable[[ModuleRecord], bool]:
        """:meth:`accepts` as a function, made once for the requirements asked most recently.

        A gallery asks each requirement of many versions, and a plan asks the
        same few again and again: the test is made once, not on every call.
        """
        return _acceptor(self)


@functools.lru_cache(maxsize=4096)
def _acceptor(requirement: Requirement) -> Callable[[ModuleRecord], bool]:
    if requirement._ranged or requirement.spec is None:
        return lambda record: (
            record.version is not None
            and requirement.accepts_version(record.version)
            and requirement.accepts_guid(record.guid)
        )
    within, spec = requirement.spec.release_test(), requirement.spec
    if spec.guid is None:
        return lambda record: record.version is not None and within(record.version.release_key)
    return lambda record: (
        record.version is not None and within(record.version.release_key) and spec.accepts_guid(record.guid)
    )


def _spec_from_data(written: Any) -> ModuleSpec:
    """The specification :meth:`Requirement.to_data` wrote as ``spec``: a name, or a hashtable of texts.

    Those are read once per distinct value. Anything else (a damaged file's)
    is read as it is, uncached: a cache would take ``1``, ``1.0`` and ``True``
    for one key.
    """
    if isinstance(written, str):
        return _spec_of(written)
    if isinstance(written, dict) and all(isinstance(item, str) for pair in written.items() for item in pair):
        return _spec_of(tuple(sorted(written.items())))
    return ModuleSpec.from_value(written)


@functools.lru_cache(maxsize=65536)  # specifications are immutable; a gallery's are mostly the same few
def _spec_of(written: str | tuple[tuple[str, str], ...]) -> ModuleSpec:
    return ModuleSpec.from_value(dict(written) if isinstance(written, tuple) else written)


def _names_a_file(version: ModuleVersion, spec: ModuleSpec, kind: str) -> bool:
    r"""Whether ``spec`` names a file (of this module, usually) rather than another module by name.

    A path (``.\Sub\Sub.psm1``, ``Helpers.dll``, ``Join-Path $PSScriptRoot ...``)
    is a file PowerShell loads from where it says, never a module it looks
    up by name: when the file is missing, AM107 says so. A bare
    RequiredModules name is a module; a bare NestedModules name is first
    looked up as a file of the version, as PowerShell does.
    """
    if spec.path is not None:
        return True
    return kind == "nested" and version.resolve(spec.name) is not None


def _nuspec_note(dependency: NuspecDependency, spec: ModuleSpec | None) -> str | None:
    """How a nuspec ``<dependency>`` disagrees with the manifest's RequiredModules entry it came from."""
    if dependency.range is None:
        return f"{dependency.version!r} is not a NuGet version range"
    if spec is None:
        return "the nuspec requires this module but the manifest's RequiredModules does not"
    nuget = dependency.range
    if spec.required_version is not None:
        if nuget.is_exact and nuget_version_key(nuget.minimum or "") == nuget_version_key(spec.required_version):
            return None
        return (
            f"the manifest requires exactly {spec.required_version} (RequiredVersion) "
            f"but the nuspec range {nuget.text!r} accepts other versions"
        )
    problems = []
    if spec.version is not None and (
        nuget.minimum is None or nuget_version_key(nuget.minimum) != nuget_version_key(spec.version)
    ):
        problems.append(f"the manifest's minimum is {spec.version} but the nuspec's is {nuget.minimum or 'none'}")
    if spec.maximum_version is not None:
        if nuget.maximum is None:
            problems.append(f"the manifest's MaximumVersion {spec.maximum_version} is missing from the nuspec")
        elif "*" not in spec.maximum_version and nuget_version_key(nuget.maximum) != nuget_version_key(
            spec.maximum_version
        ):
            problems.append(f"the manifest's maximum is {spec.maximum_version} but the nuspec's is {nuget.maximum}")
    elif nuget.maximum is not None:
        problems.append(f"the nuspec has a maximum ({nuget.maximum}) the manifest does not")
    return "; ".join(problems) or None


def _manifest_requirements(version: ModuleVersion, manifest: Manifest) -> list[Requirement]:
    outside = {name.casefold() for name in manifest.external_module_dependencies}
    found: list[Requirement] = []
    for kind, specs in (("required", manifest.required_modules), ("nested", manifest.nested_modules)):
        for spec in specs:
            if _names_a_file(version, spec, kind):
                continue
            note = f"unusable specification: {'; '.join(spec.problems)}" if spec.problems else None
            found.append(Requirement(spec.name, kind, spec.written, spec, None, spec.name.casefold() in outside, note))
    declared = {item.name.casefold() for item in found}
    for name in manifest.external_module_dependencies:
        if name.casefold() not in declared:
            declared.add(name.casefold())
            found.append(Requirement(name, "external", name, ModuleSpec.from_value(name), None, True))
    return found


def _nuspec_requirements(version: ModuleVersion, manifest: Manifest | None) -> list[Requirement]:
    nuspec = version.package.nuspec
    if nuspec is None:
        return []
    specs = {spec.name.casefold(): spec for spec in manifest.required_modules} if manifest is not None else {}
    return [
        Requirement(
            dependency.id,
            "nuspec",
            dependency.version or "(any version)",
            None,
            dependency.range,
            False,
            _nuspec_note(dependency, specs.get(dependency.id.casefold())) if manifest is not None else None,
        )
        for dependency in nuspec.dependencies
    ]


def declared_requirements(version: ModuleVersion) -> tuple[Requirement, ...]:
    """Everything ``version`` declares it needs from other modules, in declaration order.

    Manifest entries that name files of the version itself (``NestedModules
    = 'Private/Helpers.psm1'``) are part of the module, not dependencies.
    For a ``.nupkg`` the nuspec's dependencies follow, each with a ``note``
    when its range disagrees with the manifest (publishing to the gallery is
    known to turn exact versions into minimums and to drop maximums), and
    every RequiredModules entry the nuspec leaves out is noted too.

    Raises
    ------
    AmkitError
        When the manifest cannot be read.
    """
    manifest = version.manifest
    found = _manifest_requirements(version, manifest) if manifest is not None else []
    nuspec = _nuspec_requirements(version, manifest)
    if version.package.nuspec is not None:
        listed = {item.name.casefold() for item in nuspec}
        found = [
            item
            if item.kind != "required" or item.name.casefold() in listed
            else Requirement(
                item.name, item.kind, item.written, item.spec, None, item.provided_outside, "not in the nuspec"
            )
            for item in found
        ]
    return (*found, *nuspec)
