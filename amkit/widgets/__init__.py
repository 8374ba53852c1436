"""Notebook front ends over amkit, built from ipywidgets 8; they compose library calls and hold no rules.

A front end: its modules may import the charts and every layer below them,
but not the command line, and nothing below imports them (the core's own
rich HTML views live beside their objects). ``import amkit`` loads them on
first use, through :func:`amkit.explore` or ``amkit.widgets``.

- :class:`PackageExplorer`: a package's versions, files, manifest, commands, connection type,
  dependencies and findings;
- :class:`DependencyExplorer`: the dependency table of many packages, filtered, reversed, drawn;
- :class:`ImportHistory`: an account's history, filtered, as a timeline, activity or version chart;
- :class:`AccountDashboard`: an account's modules, with upload-check-import, delete and history;
- :class:`RunbookExplorer`: a runbook's requirements and findings where it runs;
- :func:`explore`: the widget for a path, package, inventory, account, history or runbook.

Every widget works from plain Python: set the controls' values and read the
properties (``version``, ``selected_command``, ``findings``, ``frame``...).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from amkit.account import AutomationAccount
from amkit.deps.finding import find_packages, is_module_folder
from amkit.deps.inventory import Inventory
from amkit.package.module_package import ModulePackage
from amkit.widgets.common import ExplorerBase
from amkit.widgets.dashboard import AccountDashboard
from amkit.widgets.dependencies import DependencyExplorer
from amkit.widgets.history import ImportHistory
from amkit.widgets.package import PackageExplorer
from amkit.widgets.runbook import RunbookExplorer

__all__ = ["AccountDashboard", "DependencyExplorer", "ImportHistory", "PackageExplorer", "RunbookExplorer", "explore"]

_ACCOUNT_FILES = (".db", ".sqlite", ".sqlite3")


def explore(obj: object, *, account: object = None) -> ExplorerBase:
    """The widget for ``obj``.

    A runbook (a ``.ps1`` file) opens a :class:`RunbookExplorer`, against
    ``account`` (an account or inventory; a new account by default). A
    package file or module folder opens a :class:`PackageExplorer`; another
    folder, several paths or an inventory a :class:`DependencyExplorer`; an
    account, an account file (``.db``, ``.sqlite``) or a module list from
    Azure (``.json``) an :class:`AccountDashboard`; a history table an
    :class:`ImportHistory`.

    Raises
    ------
    TypeError
        For anything else.
    """
    if isinstance(obj, ModulePackage):
        return PackageExplorer(obj)
    if isinstance(obj, Inventory):
        return DependencyExplorer(obj)
    if isinstance(obj, AutomationAccount):
        return AccountDashboard(obj)
    if isinstance(obj, pd.DataFrame) and {"operation_id", "state", "time"} <= set(obj.columns):
        return ImportHistory(obj)
    if isinstance(obj, str | os.PathLike):
        path = Path(obj)
        suffix = path.suffix.casefold()
        if path.is_file() and suffix == ".ps1":
            return RunbookExplorer(path, account)
        if path.is_file() and suffix in _ACCOUNT_FILES:
            return AccountDashboard(AutomationAccount.open(path))
        if path.is_file() and suffix == ".json":
            return AccountDashboard(AutomationAccount.from_arm(path, name=path.stem))
        if path.is_dir() and not is_module_folder(path) and find_packages(path) != [path]:
            return DependencyExplorer(path)
        return PackageExplorer(path)
    if isinstance(obj, list | tuple):
        return DependencyExplorer(list(obj))
    raise TypeError(f"explore takes a path, package, inventory, account or history table, not {type(obj).__name__}")
