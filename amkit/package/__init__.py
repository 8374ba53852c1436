"""Module packages read as PowerShell and Azure Automation read them: archives, layout, manifests, commands.

Here an Automation ``.zip``, a module folder or a ``.nupkg`` becomes a
:class:`ModulePackage` of :class:`ModuleVersion` objects: safe archive reading,
version folders, manifests, nuspecs, .NET metadata, MAML help files,
connection types, the exported commands and their help, and reproducible
packing. Its modules may import :mod:`amkit.powershell`, :mod:`amkit.errors`
and :mod:`amkit.defaults`; they never import the dependency, check, account or
front-end layers.
"""

from amkit.package.connection import ConnectionField, ConnectionType, read_connection_type
from amkit.package.dsc import DscResource, dsc_resources
from amkit.package.manifest import ExportList, Manifest, module_type_of
from amkit.package.module_package import ModulePackage, ModuleVersion, open_package
from amkit.package.module_spec import ModuleSpec
from amkit.package.nuspec import NuGetRange, NuspecInfo, parse_nuget_range
from amkit.package.pack import pack

__all__ = [
    "ConnectionField",
    "ConnectionType",
    "DscResource",
    "ExportList",
    "Manifest",
    "ModulePackage",
    "ModuleSpec",
    "ModuleVersion",
    "NuGetRange",
    "NuspecInfo",
    "dsc_resources",
    "module_type_of",
    "open_package",
    "pack",
    "parse_nuget_range",
    "read_connection_type",
]
