"""Module manifests (``.psd1``): the keys PowerShell reads and what each form means.

A manifest is a data file (see :mod:`amkit.powershell.psd1`); this module gives its
documented keys their meaning: the root module and the module type it implies,
dependency specifications (:class:`~amkit.package.module_spec.ModuleSpec`), export
lists with their ``*`` / ``@()`` / unset semantics, and ``PrivateData.PSData``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from amkit.limits import Limits
from amkit.package.module_spec import ModuleSpec, as_path, as_text
from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.psd1 import read_psd1
from amkit.powershell.symbolic import Symbolic
from amkit.powershell.version import PSVersion
from amkit.powershell.wildcard import has_wildcard, wildcard_match

__all__ = ["DOCUMENTED_KEYS", "ExportList", "Manifest", "module_type_of"]

#: The keys ``New-ModuleManifest`` documents; PowerShell refuses a manifest with others.
DOCUMENTED_KEYS = (
    "RootModule",
    "ModuleToProcess",
    "ModuleVersion",
    "CompatiblePSEditions",
    "GUID",
    "Author",
    "CompanyName",
    "Copyright",
    "Description",
    "PowerShellVersion",
    "PowerShellHostName",
    "PowerShellHostVersion",
    "DotNetFrameworkVersion",
    "CLRVersion",
    "ProcessorArchitecture",
    "RequiredModules",
    "RequiredAssemblies",
    "ScriptsToProcess",
    "TypesToProcess",
    "FormatsToProcess",
    "NestedModules",
    "FunctionsToExport",
    "CmdletsToExport",
    "VariablesToExport",
    "AliasesToExport",
    "DscResourcesToExport",
    "ModuleList",
    "FileList",
    "PrivateData",
    "HelpInfoURI",
    "DefaultCommandPrefix",
)
_DOCUMENTED = frozenset(key.casefold() for key in DOCUMENTED_KEYS)
_MODULE_TYPES = {
    ".psm1": "Script",
    ".ps1": "Script",
    ".dll": "Binary",
    ".exe": "Binary",
    ".cdxml": "CIM",
    ".xaml": "Workflow",
    ".psd1": "Manifest",
}


def module_type_of(root_module: str | None) -> str:
    """The module type PowerShell reports for a root module file name.

    ``.psm1``/``.ps1`` is Script, ``.dll``/``.exe`` Binary, ``.cdxml`` CIM,
    ``.xaml`` Workflow; no root module (or another manifest) is Manifest.
    PowerShell finds a bare name without extension by trying ``.psd1``,
    ``.psm1``, ``.cdxml``, ``.xaml`` and ``.dll`` in the module folder
    (:attr:`ModuleVersion.module_type <amkit.ModuleVersion.module_type>` looks
    the file up); from the name alone amkit reports Script.
    """
    if not root_module:
        return "Manifest"
    _, extension = os.path.splitext(root_module.replace("\\", "/").rsplit("/", 1)[-1])
    return _MODULE_TYPES.get(extension.casefold(), "Script")


@dataclass(frozen=True)
class ExportList:
    """A ``*ToExport`` key: what the module may export.

    ``declared`` says how the key was written: ``absent``, ``null``
    (``$null``), ``wildcard`` (``'*'``), ``empty`` (``@()`` or ``''``) or
    ``list``. Absent and ``$null`` leave the decision to the root module
    (everything it exports); PowerShell must then load the module to learn
    its commands, which is why both are discouraged.
    """

    declared: str
    patterns: tuple[str, ...] = ()

    @classmethod
    def from_value(cls, present: bool, value: Any) -> ExportList:
        """Build from a manifest value; ``present`` says whether the key was there."""
        if not present:
            return cls("absent")
        if value is None:
            return cls("null")
        items = value if isinstance(value, list) else [value]
        patterns = tuple(str(item) for item in items if item is not None and str(item) != "")
        if not patterns:
            return cls("empty")
        if patterns == ("*",) and not isinstance(value, list):
            return cls("wildcard", patterns)
        return cls("list", patterns)

    @property
    def restricts(self) -> bool:
        """Whether the manifest limits exports (``False`` for absent and ``$null``)."""
        return self.declared not in ("absent", "null")

    @property
    def uses_wildcards(self) -> bool:
        """Whether any pattern is a wildcard (discovery then needs to load the module)."""
        return any(has_wildcard(pattern) for pattern in self.patterns)

    def allows(self, name: str) -> bool:
        """Whether a command or variable called ``name`` is exported under this key."""
        if not self.restricts:
            return True
        return any(wildcard_match(pattern, name) for pattern in self.patterns)


class Manifest:
    """A module manifest read without running it.

    Parameters
    ----------
    data
        The manifest's top-level hashtable, as :func:`amkit.read_psd1` returns it.
    file
        Where it came from, for messages.

    Every documented key is a property (``None`` when absent); the raw value
    of any key is ``manifest["Key"]`` (case-insensitive).
    """

    def __init__(self, data: Mapping[str, Any], *, file: str | None = None) -> None:
        self.data = data if isinstance(data, PSHashtable) else PSHashtable(data)
        self.file = file

    @classmethod
    def read(
        cls,
        source: str | bytes | os.PathLike[str],
        *,
        file: str | None = None,
        limits: Limits | None = None,
        edition: str | None = None,
    ) -> Manifest:
        """Read a manifest from a path, bytes or text (see :func:`amkit.read_psd1`), within ``limits``.

        ``edition`` (``"Desktop"`` or ``"Core"``) decides the ``if`` statements
        on ``$PSEdition``; without one they stay :class:`~amkit.Symbolic`.
        """
        data = read_psd1(source, file=file, limits=limits, edition=edition)
        return cls(data, file=file or (os.fspath(source) if isinstance(source, os.PathLike) else None))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def position(self, key: str) -> tuple[int, int] | None:
        """The (line, column) where ``key`` is written in the manifest, or ``None``."""
        return self.data.position(key)

    def get(self, key: str, default: Any = None) -> Any:
        """The raw value of ``key`` (any case), or ``default``."""
        return self.data.get(key, default)

    def _items(self, key: str) -> list[Any]:
        """The entries of ``key``: its list, or its one value; ``None`` and empty entries left out."""
        value = self.data.get(key)
        items = value if isinstance(value, list) else [] if value is None else [value]
        return [item for item in items if item is not None and str(item) != ""]

    def _strings(self, key: str) -> tuple[str, ...]:
        return tuple(str(as_path(item)) for item in self._items(key))

    def _specs(self, key: str) -> tuple[ModuleSpec, ...]:
        return tuple(ModuleSpec.from_value(item) for item in self._items(key))

    def computed_files(self, key: str) -> tuple[str, ...]:
        """The entries of ``key`` computed at load time from more than ``$PSScriptRoot`` (``$env:X``), as written.

        amkit cannot tell which file they name, so it neither finds nor misses them.
        """
        return tuple(item.text for item in self._items(key) if isinstance(item, Symbolic) and not item.path)

    # Identity -------------------------------------------------------------
    @property
    def module_version(self) -> str | None:
        """``ModuleVersion`` as written."""
        return as_text(self.data.get("ModuleVersion"))

    @property
    def version(self) -> PSVersion | None:
        """``ModuleVersion`` with the PSData prerelease label; ``None`` when absent or invalid.

        A label PowerShell could not use (``beta_1``) is left off rather than
        losing the version itself.
        """
        if not self.module_version:
            return None
        return PSVersion.parse(self.module_version, self.prerelease) or PSVersion.parse(self.module_version)

    @property
    def root_module_key(self) -> str | None:
        """Which key names the root module: ``RootModule``, legacy ``ModuleToProcess``, or ``None``.

        PowerShell refuses a manifest that sets both, and uses
        ``ModuleToProcess`` when it goes on (``moduleToProcess ?? rootModule``).
        """
        for key in ("ModuleToProcess", "RootModule"):
            if self.data.get(key) not in (None, ""):
                return key
        return None

    @property
    def root_module(self) -> str | None:
        r"""The root module file (``RootModule``, else ``ModuleToProcess``); ``"$PSScriptRoot\\x.dll"`` as ``x.dll``."""
        key = self.root_module_key
        return as_path(self.data[key]) if key else None

    @property
    def module_type(self) -> str:
        """Script, Binary, Manifest, CIM or Workflow, from the root module's extension."""
        return module_type_of(self.root_module)

    @property
    def guid(self) -> str | None:
        """``GUID`` as written."""
        return as_text(self.data.get("GUID"))

    author = property(lambda self: as_text(self.data.get("Author")), doc="``Author``.")
    company_name = property(lambda self: as_text(self.data.get("CompanyName")), doc="``CompanyName``.")
    copyright = property(lambda self: as_text(self.data.get("Copyright")), doc="``Copyright``.")
    description = property(lambda self: as_text(self.data.get("Description")), doc="``Description``.")
    powershell_version = property(
        lambda self: as_text(self.data.get("PowerShellVersion")),
        doc="``PowerShellVersion``: the minimum engine.",
    )
    help_info_uri = property(lambda self: as_text(self.data.get("HelpInfoURI")), doc="``HelpInfoURI``.")
    default_command_prefix = property(
        lambda self: as_text(self.data.get("DefaultCommandPrefix")), doc="``DefaultCommandPrefix``."
    )
    processor_architecture = property(
        lambda self: as_text(self.data.get("ProcessorArchitecture")), doc="``ProcessorArchitecture``."
    )

    @property
    def compatible_ps_editions(self) -> tuple[str, ...]:
        """``CompatiblePSEditions`` (``Desktop`` and/or ``Core``); empty when absent."""
        return self._strings("CompatiblePSEditions")

    # Dependencies and files ----------------------------------------------
    @property
    def required_modules(self) -> tuple[ModuleSpec, ...]:
        """``RequiredModules``: modules that must be loaded first."""
        return self._specs("RequiredModules")

    @property
    def nested_modules(self) -> tuple[ModuleSpec, ...]:
        """``NestedModules``: modules (usually files of this one) loaded into it."""
        return self._specs("NestedModules")

    @property
    def module_list(self) -> tuple[ModuleSpec, ...]:
        """``ModuleList``: an inventory only, PowerShell loads nothing from it."""
        return self._specs("ModuleList")

    required_assemblies = property(lambda self: self._strings("RequiredAssemblies"), doc="``RequiredAssemblies``.")
    scripts_to_process = property(lambda self: self._strings("ScriptsToProcess"), doc="``ScriptsToProcess``.")
    types_to_process = property(lambda self: self._strings("TypesToProcess"), doc="``TypesToProcess``.")
    formats_to_process = property(lambda self: self._strings("FormatsToProcess"), doc="``FormatsToProcess``.")
    file_list = property(lambda self: self._strings("FileList"), doc="``FileList``.")

    # Exports ---------------------------------------------------------------
    def _exports(self, key: str) -> ExportList:
        return ExportList.from_value(key in self.data, self.data.get(key))

    functions_to_export = property(lambda self: self._exports("FunctionsToExport"), doc="``FunctionsToExport``.")
    cmdlets_to_export = property(lambda self: self._exports("CmdletsToExport"), doc="``CmdletsToExport``.")
    variables_to_export = property(lambda self: self._exports("VariablesToExport"), doc="``VariablesToExport``.")
    aliases_to_export = property(lambda self: self._exports("AliasesToExport"), doc="``AliasesToExport``.")
    dsc_resources_to_export = property(
        lambda self: self._exports("DscResourcesToExport"), doc="``DscResourcesToExport``."
    )

    # PrivateData -------------------------------------------------------------
    @property
    def private_data(self) -> Any:
        """``PrivateData`` as written (usually a hashtable)."""
        return self.data.get("PrivateData")

    @property
    def psdata(self) -> PSHashtable:
        """``PrivateData.PSData`` (empty when absent)."""
        private = self.private_data
        psdata = private.get("PSData") if isinstance(private, Mapping) else None
        if isinstance(psdata, PSHashtable):
            return psdata
        return PSHashtable(psdata) if isinstance(psdata, Mapping) else PSHashtable()

    @property
    def prerelease(self) -> str | None:
        """``PSData.Prerelease``; ``None`` when absent or empty."""
        value = self.psdata.get("Prerelease")
        return str(value) if value not in (None, "") else None

    @property
    def tags(self) -> tuple[str, ...]:
        """``PSData.Tags``."""
        value = self.psdata.get("Tags")
        items = value if isinstance(value, list) else [] if value is None else [value]
        return tuple(str(item) for item in items if item not in (None, ""))

    @property
    def external_module_dependencies(self) -> tuple[str, ...]:
        """``PSData.ExternalModuleDependencies``: modules declared as provided outside the package."""
        value = self.psdata.get("ExternalModuleDependencies")
        items = value if isinstance(value, list) else [] if value is None else [value]
        return tuple(str(item) for item in items if item not in (None, ""))

    license_uri = property(lambda self: as_text(self.psdata.get("LicenseUri")), doc="``PSData.LicenseUri``.")
    project_uri = property(lambda self: as_text(self.psdata.get("ProjectUri")), doc="``PSData.ProjectUri``.")
    icon_uri = property(lambda self: as_text(self.psdata.get("IconUri")), doc="``PSData.IconUri``.")
    release_notes = property(lambda self: as_text(self.psdata.get("ReleaseNotes")), doc="``PSData.ReleaseNotes``.")

    @property
    def unknown_keys(self) -> tuple[str, ...]:
        """Top-level keys that are not documented manifest keys (PowerShell refuses them)."""
        return tuple(str(key) for key in self.data if str(key).casefold() not in _DOCUMENTED)

    def __repr__(self) -> str:
        return f"Manifest(version={self.module_version!r}, root_module={self.root_module!r}, file={self.file!r})"
