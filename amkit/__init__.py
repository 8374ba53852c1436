"""amkit: see inside PowerShell module packages before and after importing them into Azure Automation.

The main entry points:

- :func:`open_package` reads an Automation zip, a module folder or a ``.nupkg``
  into a :class:`ModulePackage` of :class:`ModuleVersion` objects;
- :func:`read_psd1` and :class:`Manifest` read data files and manifests without
  running them; :func:`parse_script` reads functions, help and parameters;
- :class:`PSVersion` orders versions as PowerShell does.
"""

from amkit import samples, textfile
from amkit.archive import Limits
from amkit.checks import Finding, Report, check, rules
from amkit.comment_help import CommentHelp
from amkit.connection import ConnectionField, ConnectionType, read_connection_type
from amkit.errors import (
    AmkitError,
    ConnectionTypeError,
    DataFileError,
    LayoutError,
    LimitExceededError,
    PackageError,
    ScriptError,
)
from amkit.hashtable import PSHashtable
from amkit.manifest import ExportList, Manifest, ModuleSpec, module_type_of
from amkit.nuspec import NuGetRange, NuspecInfo, parse_nuget_range
from amkit.package import ModulePackage, ModuleVersion, open_package
from amkit.psd1 import Symbolic, read_psd1
from amkit.script import FunctionInfo, ModuleReference, ParameterInfo, ScriptInfo, parse_script
from amkit.version import PSVersion

__all__ = [
    "AmkitError",
    "CommentHelp",
    "ConnectionField",
    "ConnectionType",
    "ConnectionTypeError",
    "DataFileError",
    "ExportList",
    "Finding",
    "FunctionInfo",
    "LayoutError",
    "LimitExceededError",
    "Limits",
    "Manifest",
    "ModulePackage",
    "ModuleReference",
    "ModuleSpec",
    "ModuleVersion",
    "NuGetRange",
    "NuspecInfo",
    "PSHashtable",
    "PSVersion",
    "PackageError",
    "ParameterInfo",
    "Report",
    "ScriptError",
    "ScriptInfo",
    "Symbolic",
    "check",
    "module_type_of",
    "open_package",
    "parse_nuget_range",
    "parse_script",
    "read_connection_type",
    "read_psd1",
    "rules",
    "samples",
    "textfile",
]
