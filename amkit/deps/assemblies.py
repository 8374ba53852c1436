"""The .NET assemblies modules ship, and the ones two modules ship at different versions.

One runbook job loads every module it uses into one process. Windows
PowerShell 5.1 has one AppDomain there: the first version of an assembly
loaded wins, and a module built against another version fails to bind it,
the most reported cause of "imported fine, fails at run time"
(Az.Accounts beside Microsoft.Graph.Authentication, say). PowerShell 7 loads
module assemblies into its default AssemblyLoadContext too: the first loaded
wins there as well, unless a module loads its dependencies into an
AssemblyLoadContext of its own (as recent Az.Accounts releases do).
"""

from __future__ import annotations

import pandas as pd

from amkit.deps.scanning import as_inventory

__all__ = ["ASSEMBLY_COLUMNS", "CONFLICT_COLUMNS", "assemblies", "assembly_conflicts"]

ASSEMBLY_COLUMNS = ["assembly", "version", "public_key_token", "target_framework", "module", "module_version", "path"]
CONFLICT_COLUMNS = ["assembly", "versions", "modules", "windows_powershell", "powershell_7"]
_WINDOWS_POWERSHELL = "one AppDomain: the version loaded first wins; modules built against another fail to bind it"
_POWERSHELL_7 = (
    "one default AssemblyLoadContext: the version loaded first wins, unless a module loads its own in an "
    "AssemblyLoadContext of its own"
)


def assemblies(source: object) -> pd.DataFrame:
    """One row per .NET assembly each module version ships (see :data:`ASSEMBLY_COLUMNS`), read from metadata.

    ``source`` is an inventory, an account, packages or anything
    :func:`amkit.deps.scanning.as_inventory` takes. Modules read from an
    account's module list (not from their packages) list none.
    """
    rows = [
        (name, version, token, framework, record.name, str(record.version), path)
        for record in as_inventory(source).records
        if record.usable
        for path, name, version, token, framework in record.assemblies
    ]
    frame = pd.DataFrame(rows, columns=ASSEMBLY_COLUMNS).astype("string")
    return frame.sort_values(["assembly", "module", "module_version"], key=lambda column: column.str.casefold())


def assembly_conflicts(source: object) -> pd.DataFrame:
    """The assemblies that modules able to load into one job ship at different versions.

    One row per assembly name (ignoring case) that two or more modules ship
    at two or more versions (see :data:`CONFLICT_COLUMNS`): the versions, the
    modules that bring each (``Az.Accounts 2.8.0: 4.0.0.0``), and what that
    means in Windows PowerShell 5.1 and in PowerShell 7. Versions of one
    module do not conflict with each other: a job loads one of them.
    """
    table = assemblies(source)
    rows = []
    for _, group in table.groupby(table["assembly"].str.casefold(), sort=True):
        if group["version"].nunique() < 2 or group["module"].str.casefold().nunique() < 2:
            continue
        versions = sorted(set(group["version"]), key=lambda text: tuple(int(part) for part in text.split(".")))
        brought = [
            f"{module} {module_version}: {version}"
            for module, module_version, version in group[["module", "module_version", "version"]].itertuples(
                index=False
            )
        ]
        rows.append(
            (group["assembly"].iloc[0], ", ".join(versions), "; ".join(brought), _WINDOWS_POWERSHELL, _POWERSHELL_7)
        )
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS).astype("string")
