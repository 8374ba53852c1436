"""Dependencies across many packages: inventories, requirements, dependency tables, import plans, runbooks.

Here many packages become one :class:`Inventory` of module versions, whose
declared requirements are tabulated, resolved and ordered into import plans,
and matched against what runbooks call. Its modules may import
:mod:`amkit.package`, :mod:`amkit.powershell`, :mod:`amkit.errors` and
:mod:`amkit.defaults`; the checks, the account model and the front ends build on
it, never the other way round.
"""

from amkit.deps.assemblies import assemblies, assembly_conflicts
from amkit.deps.azurerm import migration_plan
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.plan import ImportPlan, plan_imports
from amkit.deps.requirements import Requirement
from amkit.deps.runbooks import commands_index, runbook_requirements
from amkit.deps.scanning import scan
from amkit.deps.table import dependencies, reverse_dependencies

__all__ = [
    "ImportPlan",
    "Inventory",
    "ModuleRecord",
    "Requirement",
    "assemblies",
    "assembly_conflicts",
    "commands_index",
    "dependencies",
    "migration_plan",
    "plan_imports",
    "reverse_dependencies",
    "runbook_requirements",
    "scan",
]
