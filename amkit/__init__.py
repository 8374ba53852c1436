"""amkit: see inside PowerShell module packages before and after importing them into Azure Automation.

The main entry points:

- :func:`open_package` reads an Automation zip, a module folder or a ``.nupkg``
  into a :class:`ModulePackage` of :class:`ModuleVersion` objects;
- :func:`read_psd1` and :class:`Manifest` read data files and manifests without
  running them; :func:`parse_script` reads functions, help and parameters;
- :class:`PSVersion` orders versions as PowerShell does;
- :func:`check` tests a package against Automation's import rules and the
  authoring practices (:func:`rules` is the catalogue);
- :func:`scan` reads many packages into an :class:`Inventory`;
  :func:`dependencies`, :func:`reverse_dependencies` and :func:`plan_imports`
  tabulate, resolve and order what they need; :func:`commands_index` and
  :func:`runbook_requirements` tell which module provides a command;
- :class:`AutomationAccount` models an account (default modules, imports,
  precedence, rollback, history) in SQLite, or reads a real one's module list;
- :mod:`amkit.charts` draws them and :mod:`amkit.widgets` (or :func:`explore`)
  shows them in notebooks; both are imported on first use.
"""

import importlib
from typing import Any

from amkit import samples
from amkit.account import AutomationAccount, ImportRecord
from amkit.checks import Finding, Report, check, check_runbook, rules
from amkit.deps import (
    ImportPlan,
    Inventory,
    ModuleRecord,
    Requirement,
    assemblies,
    assembly_conflicts,
    commands_index,
    dependencies,
    migration_plan,
    plan_imports,
    reverse_dependencies,
    runbook_requirements,
    scan,
)
from amkit.errors import (
    AccountError,
    AmkitError,
    ConnectionTypeError,
    DataFileError,
    HelpFileError,
    LayoutError,
    LimitExceededError,
    PackageError,
    ScriptError,
)
from amkit.limits import Limits
from amkit.package import (
    ConnectionField,
    ConnectionType,
    ExportList,
    Manifest,
    ModulePackage,
    ModuleSpec,
    ModuleVersion,
    NuGetRange,
    NuspecInfo,
    module_type_of,
    open_package,
    parse_nuget_range,
    read_connection_type,
)
from amkit.powershell import (
    CommentHelp,
    FunctionInfo,
    ModuleReference,
    ParameterInfo,
    PSHashtable,
    PSVersion,
    ScriptInfo,
    Symbolic,
    parse_script,
    read_psd1,
    textfile,
)

__all__ = [
    "AccountError",
    "AmkitError",
    "AutomationAccount",
    "CommentHelp",
    "ConnectionField",
    "ConnectionType",
    "ConnectionTypeError",
    "DataFileError",
    "ExportList",
    "Finding",
    "FunctionInfo",
    "HelpFileError",
    "ImportPlan",
    "ImportRecord",
    "Inventory",
    "LayoutError",
    "LimitExceededError",
    "Limits",
    "Manifest",
    "ModulePackage",
    "ModuleRecord",
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
    "Requirement",
    "ScriptError",
    "ScriptInfo",
    "Symbolic",
    "assemblies",
    "assembly_conflicts",
    "charts",
    "check",
    "check_runbook",
    "commands_index",
    "dependencies",
    "explore",
    "migration_plan",
    "module_type_of",
    "open_package",
    "parse_nuget_range",
    "parse_script",
    "plan_imports",
    "read_connection_type",
    "read_psd1",
    "reverse_dependencies",
    "rules",
    "runbook_requirements",
    "samples",
    "scan",
    "textfile",
    "widgets",
]


def explore(obj: object, *, account: object = None) -> Any:
    """The notebook widget for a path, package, inventory, account, history or runbook (:func:`amkit.widgets.explore`).

    Imports ipywidgets on first use; the rest of amkit never does.
    """
    from amkit.widgets import explore as widget_for

    return widget_for(obj, account=account)


#: The front ends, imported on first use: they need matplotlib and ipywidgets, which the rest of amkit does not.
_LAZY_FRONT_ENDS = ("charts", "widgets")


def __getattr__(name: str) -> Any:
    if name in _LAZY_FRONT_ENDS:
        return importlib.import_module(f"amkit.{name}")
    raise AttributeError(f"module 'amkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_FRONT_ENDS})
