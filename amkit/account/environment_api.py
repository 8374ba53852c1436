"""The runtime environments and runbooks of an account, as :class:`~amkit.AutomationAccount` offers them.

Automation's current experience gives each runbook one runtime environment:
a language and version, default packages, and the packages imported into it
alone. These methods create, change and delete environments, list their
packages, and keep runbooks linked to them, so "does this runbook's
environment have what it needs" is one call (:meth:`runbook_requirements`).
Their rules are in :mod:`amkit.account.runtimes`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from amkit.account.environments import Environments
from amkit.account.history import Recorder
from amkit.account.importing import Importer
from amkit.account.migration import EnvironmentPlan, plan_environments
from amkit.account.modules import ModuleList
from amkit.account.runbooks import Runbooks, runbook_name_problem
from amkit.account.runtimes import RuntimeEnvironment, check_language_version, chosen_default_packages
from amkit.account.store import Store, moment
from amkit.checks import Report
from amkit.deps.runbooks import runbook_requirements
from amkit.errors import AccountError, ScriptError
from amkit.package.module_package import ModulePackage
from amkit.powershell.textfile import load_source, source_path

__all__ = ["PACKAGE_COLUMNS", "EnvironmentOperations"]

#: The columns of :meth:`EnvironmentOperations.packages`: the REST API's Package properties.
PACKAGE_COLUMNS = [
    "name",
    "is_default",
    "version",
    "size_in_bytes",
    "provisioning_state",
    "creation_time",
    "last_modified_time",
    "error_code",
    "error_message",
    "runtime_environment",
]


class EnvironmentOperations:
    """Runtime environments and runbooks; mixed into :class:`~amkit.AutomationAccount`, which holds the tables."""

    _store: Store
    _modules: ModuleList
    _environments: Environments
    _runbooks: Runbooks
    _importer: Importer

    if TYPE_CHECKING:

        @property
        def name(self) -> str:
            """The account's name."""

        def _writable(self) -> None: ...

        def _environment(self, runtime: str | None, runtime_environment: str | None) -> RuntimeEnvironment: ...

    # Environments ----------------------------------------------------------------------------

    def runtime_environments(self) -> pd.DataFrame:
        """One row per runtime environment, system-generated ones first.

        Columns: name, language, version, default_packages (``Az 12.3.0,
        Azure CLI 2.64.0``), description, system_generated, runbooks (how
        many are linked to it), creation_time, last_modified_time (UTC).
        """
        return self._environments.frame()

    def runtime_environment(self, name: str) -> RuntimeEnvironment:
        """The runtime environment ``name`` (names ignore case)."""
        return self._environments.get(name)

    def create_runtime_environment(
        self,
        name: str,
        language: str,
        version: str,
        *,
        default_packages: Mapping[str, str] | None = None,
        description: str | None = "",
        at: object = None,
    ) -> RuntimeEnvironment:
        """Create a runtime environment, with its default packages' modules as default modules.

        Parameters
        ----------
        name
            A letter, then letters, digits, ``-``, ``_`` and ``.``.
        language, version
            ``PowerShell`` 5.1, 7.2 or 7.4, or ``Python`` 3.8 or 3.10, as
            Automation offers them for new environments.
        default_packages
            ``{"Az": "12.3.0"}``; by default the version's documented ones
            (see :data:`amkit.account.runtimes.DEFAULT_PACKAGE_CHOICES`).
        description
            Free text.
        at
            When it is created; now by default.

        Raises
        ------
        ValueError
            For a name, language, version or default package Automation does not offer.
        AccountError
            ``exists`` when the name is taken.
        """
        self._writable()
        spelt = check_language_version(language, version)
        packages = chosen_default_packages(spelt, version, default_packages)
        environment = RuntimeEnvironment(
            name, spelt, version, packages, "" if description is None else str(description)
        )
        with self._store.write():
            return self._environments.create(environment, moment(at))

    def update_default_packages(
        self, runtime_environment: str, default_packages: Mapping[str, str], *, at: object = None
    ) -> RuntimeEnvironment:
        """Change an environment's default packages, as ``Set-AzAutomationRuntimeEnvironment -DefaultPackage`` does.

        Its default modules become the new packages' modules; each changed
        package is one ``update-default-packages`` entry in the history.
        Packages imported into the environment stay, and keep precedence.

        Raises
        ------
        AccountError
            ``system-environment`` for a system-generated environment, which cannot be edited.
        ValueError
            For a package or version the environment's language and version do not offer.
        """
        self._writable()
        time = moment(at)
        with self._store.write():
            environment = self._environments.editable(runtime_environment, "change the default packages of")
            current = environment.default_packages
            packages = chosen_default_packages(environment.language, environment.version, default_packages, current)
            self._environments.set_default_packages(environment, packages, time)
            for package, version in packages.items():
                if current.get(package) != version:
                    Recorder(self._store, "update-default-packages", environment, package, None).enter(
                        "Succeeded", time, version
                    )
            return self._environments.get(environment.name)

    def delete_runtime_environment(self, runtime_environment: str) -> None:
        """Delete a user-created runtime environment and its packages.

        Raises
        ------
        AccountError
            ``in-use`` while runbooks are linked to it (link them elsewhere
            first with :meth:`link_runbook`); ``system-environment`` for a
            system-generated one; ``not-found``.
        """
        self._writable()
        with self._store.write():
            environment = self._environments.editable(runtime_environment, "delete")
            linked = self._runbooks.linked(environment.key)
            if linked:
                raise AccountError(
                    f"runtime environment {environment.name} is used by {len(linked)} runbook(s) "
                    f"({', '.join(linked)}): link them to another environment first",
                    code="in-use",
                )
            self._environments.delete(environment)

    def packages(self, runtime_environment: str) -> pd.DataFrame:
        """The packages of an environment as the REST API lists them (see :data:`PACKAGE_COLUMNS`).

        One row per module runbooks get there: imported packages, and the
        default packages' modules they do not hide (``is_default``).
        """
        environment = self._environments.get(runtime_environment)
        frame = self._modules.frame(environment.key).rename(columns={"is_global": "is_default"})
        return frame[PACKAGE_COLUMNS].reset_index(drop=True)

    def check_package(
        self,
        pkg_or_path: ModulePackage | str | os.PathLike[str],
        *,
        runtime_environment: str | None = None,
        runtime: str | None = None,
    ) -> Report:
        """Check a package as an import into an environment of this account would, without importing it.

        :func:`amkit.check` against the environment's modules (AM111), at its
        PowerShell version (AM112): the report :meth:`import_package` would act on.
        """
        return self._importer.check(pkg_or_path, self._environment(runtime, runtime_environment))

    # Runbooks --------------------------------------------------------------------------------

    def add_runbook(
        self,
        name: str,
        script: str | bytes | os.PathLike[str],
        *,
        runtime_environment: str | None = None,
        at: object = None,
    ) -> None:
        """Add runbook ``name`` (or replace its script), linked to ``runtime_environment``.

        ``script`` is a path, the script's bytes or its text; it is kept, never
        run. Without ``runtime_environment`` a new runbook runs in the
        system-generated environment of the account's runtime, and a runbook
        that exists keeps its environment (and the spelling of its name).

        Raises
        ------
        ValueError
            For a name Automation does not take.
        ScriptError
            When the script cannot be read or decoded.
        """
        self._writable()
        problem = runbook_name_problem(name)
        if problem is not None:
            raise ValueError(problem)
        text, file = load_source(script, file=f"runbook {name}", error=ScriptError, caller="add_runbook")
        path = source_path(script)
        source = str(path) if path is not None else None
        with self._store.write():
            existing = self._runbooks.find(name)
            if existing is not None and runtime_environment is None:  # a new script: the link and name stay
                key, name = existing["environment"], existing["name"]
            else:
                key = self._environment(None, runtime_environment).key
            self._runbooks.add(name, text, source if source is not None else file, key, moment(at))

    def runbooks(self) -> pd.DataFrame:
        """One row per runbook: name, runtime_environment, language, version, source, creation_time."""
        return self._runbooks.frame()

    def link_runbook(self, name: str, runtime_environment: str, *, at: object = None) -> None:
        """Link runbook ``name`` to another environment (the portal's "Update Runtime Environment")."""
        self._writable()
        with self._store.write():
            self._runbooks.get(name)
            environment = self._environments.get(runtime_environment)
            self._runbooks.link(name, environment.key, moment(at))

    def delete_runbook(self, name: str) -> None:
        """Delete runbook ``name``."""
        self._writable()
        with self._store.write():
            self._runbooks.get(name)
            self._runbooks.delete(name)

    def runbook_environment(self, name: str) -> RuntimeEnvironment:
        """The runtime environment runbook ``name`` runs in."""
        return self._environments.get(self._runbooks.get(name)["environment"])

    def runbook_requirements(self, name: str) -> pd.DataFrame:
        """What runbook ``name`` needs, and whether its runtime environment has it.

        :func:`amkit.runbook_requirements` on the runbook's script against its
        environment's modules, with a ``runtime_environment`` column.

        Raises
        ------
        AccountError
            ``not-found`` for an unknown runbook; ``language`` for a Python
            runbook, whose needs amkit does not read.
        """
        row = self._runbooks.get(name)
        environment = self._environments.get(row["environment"])
        if not environment.is_powershell:
            raise AccountError(
                f"runbook {row['name']} runs in {environment.name} ({environment.label}): "
                "amkit reads the needs of PowerShell runbooks only",
                code="language",
            )
        needs = runbook_requirements(row["script"], self._modules.inventory(environment.key))
        return needs.assign(runtime_environment=pd.Series(environment.name, index=needs.index, dtype="string"))

    def plan_runtime_environments(self, *, target: str | None = None) -> EnvironmentPlan:
        """What moving the runbooks of the old experience to runtime environments takes.

        For each system-generated PowerShell environment that runbooks run in,
        a new environment (at ``target``, or at the same version; 7.1 moves to
        7.2), the custom packages its runbooks call into with everything those
        require, and those that cannot run there: a PowerShellVersion above the
        new version, CompatiblePSEditions without its edition, a default module
        of the old environment the new one lacks (AzureRM, the DSC modules).
        See :class:`amkit.account.migration.EnvironmentPlan`: tables, the amkit
        calls that carry the plan out, and ``apply`` to try them on a copy.

        Raises
        ------
        ValueError
            For a target version Automation does not offer for new PowerShell environments.
        """
        if target is not None:
            check_language_version("PowerShell", target)
        runbooks = [
            (row["name"], row["script"], self._environments.get(row["environment"])) for row in self._runbooks.all()
        ]
        return plan_environments(
            runbooks,
            lambda environment: self._modules.inventory(environment.key),
            lambda environment: self._modules.custom_names(environment.key),
            target=target,
        )
