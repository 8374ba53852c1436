"""Azure Automation accounts, modelled offline: runtime environments, default modules, imports, runbooks, history.

:class:`AutomationAccount` keeps an account in SQLite (a file, or memory);
:meth:`AutomationAccount.from_arm` reads what Azure reports about a real one.
Its modules may import the checks, the dependency layer, the package reader,
the language layer and the base modules (``errors``, ``defaults``, ``limits``,
``markup``); the charts, the command line and the widgets build on it.
"""

from amkit.account.account import WARNING_COLUMNS, AutomationAccount
from amkit.account.connections import Connection
from amkit.account.environment_api import PACKAGE_COLUMNS
from amkit.account.environments import ENVIRONMENT_COLUMNS
from amkit.account.history import HISTORY_COLUMNS
from amkit.account.importing import ImportRecord
from amkit.account.modules import MODULE_COLUMNS
from amkit.account.provisioning import IMPORT_STATES
from amkit.account.runbooks import RUNBOOK_LIST_COLUMNS
from amkit.account.runtimes import RuntimeEnvironment

__all__ = [
    "ENVIRONMENT_COLUMNS",
    "HISTORY_COLUMNS",
    "IMPORT_STATES",
    "MODULE_COLUMNS",
    "PACKAGE_COLUMNS",
    "RUNBOOK_LIST_COLUMNS",
    "WARNING_COLUMNS",
    "AutomationAccount",
    "Connection",
    "ImportRecord",
    "RuntimeEnvironment",
]
