"""The runtime environments of an account file: create, read, change default packages, delete.

Each environment owns a module list (:mod:`amkit.account.modules`): its
default packages' modules as default (global) rows, and the packages
imported into it. The system-generated environments mirror the old
experience's per-runtime lists and cannot be edited or deleted; the rules
of what an environment may be are in :mod:`amkit.account.runtimes`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from amkit.account.modules import ModuleList, times_utc
from amkit.account.runtimes import (
    SYSTEM_ENVIRONMENTS,
    RuntimeEnvironment,
    environment_name_problem,
    system_default_packages,
    system_environment_name,
)
from amkit.account.store import Store, time_text
from amkit.errors import AccountError

__all__ = ["ENVIRONMENT_COLUMNS", "Environments", "packages_text"]

ENVIRONMENT_COLUMNS = [
    "name",
    "language",
    "version",
    "default_packages",
    "description",
    "system_generated",
    "runbooks",
    "creation_time",
    "last_modified_time",
]


def packages_text(packages: Mapping[str, str]) -> str:
    """``Az 12.3.0, Azure CLI 2.64.0``: default packages as one cell."""
    return ", ".join(f"{name} {version}" for name, version in packages.items())


def _environment(row: sqlite3.Row) -> RuntimeEnvironment:
    return RuntimeEnvironment(
        row["name"],
        row["language"],
        row["version"],
        json.loads(row["default_packages"]),
        row["description"],
        bool(row["system_generated"]),
    )


class Environments:
    """The ``runtime_environments`` table of one account file; writes run inside the caller's transaction."""

    def __init__(self, store: Store, modules: ModuleList) -> None:
        self.store = store
        self.modules = modules

    def find(self, name: str) -> RuntimeEnvironment | None:
        """The environment called ``name`` (any case), or ``None``."""
        rows = self.store.rows("SELECT * FROM runtime_environments WHERE name_key = ?", (str(name).casefold(),))
        return _environment(rows[0]) if rows else None

    def get(self, name: str) -> RuntimeEnvironment:
        """The environment called ``name``.

        Raises
        ------
        AccountError
            ``not-found`` when the account has none of that name.
        """
        found = self.find(name)
        if found is None:
            known = ", ".join(environment.name for environment in self.all())
            raise AccountError(
                f"the account has no runtime environment {name!r} (it has: {known or 'none'})", code="not-found"
            )
        return found

    def all(self) -> list[RuntimeEnvironment]:
        """Every environment: system-generated ones first, then by name."""
        rows = self.store.rows("SELECT * FROM runtime_environments ORDER BY system_generated DESC, name_key")
        return [_environment(row) for row in rows]

    def frame(self) -> pd.DataFrame:
        """One row per environment (see :data:`ENVIRONMENT_COLUMNS`), with the number of runbooks linked to it."""
        rows = self.store.rows(
            "SELECT e.*, (SELECT COUNT(*) FROM runbooks r WHERE r.environment = e.name_key) AS runbooks "
            "FROM runtime_environments e ORDER BY e.system_generated DESC, e.name_key"
        )
        frame = pd.DataFrame(
            [
                [
                    row["name"],
                    row["language"],
                    row["version"],
                    packages_text(json.loads(row["default_packages"])),
                    row["description"],
                    bool(row["system_generated"]),
                    row["runbooks"],
                    row["creation_time"],
                    row["last_modified_time"],
                ]
                for row in rows
            ],
            columns=ENVIRONMENT_COLUMNS,
        )
        times_utc(frame, "creation_time", "last_modified_time")
        text = ("name", "language", "version", "default_packages", "description")
        return frame.astype({"system_generated": bool, "runbooks": "int64", **dict.fromkeys(text, "string")})

    def create(
        self, environment: RuntimeEnvironment, at: datetime, *, with_defaults: bool = True, check_name: bool = True
    ) -> RuntimeEnvironment:
        """Add ``environment``, with its default modules unless an account read from Azure lists its own.

        ``check_name=False`` takes a name as Azure reports it, whatever it is.

        Raises
        ------
        AccountError
            ``exists`` when the name is taken (names ignore case).
        ValueError
            For a name Automation does not take.
        """
        problem = environment_name_problem(environment.name) if check_name else None
        if problem is not None:
            raise ValueError(problem)
        if self.find(environment.name) is not None:
            raise AccountError(f"the account already has a runtime environment {environment.name}", code="exists")
        self.store.connection.execute(
            "INSERT INTO runtime_environments (name_key, name, language, version, default_packages, description, "
            "system_generated, creation_time, last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                environment.key,
                environment.name,
                environment.language,
                environment.version,
                json.dumps(dict(environment.default_packages)),
                environment.description,
                int(environment.system_generated),
                time_text(at),
                time_text(at),
            ),
        )
        if with_defaults:
            self.modules.provision(environment, at)
        return environment

    def ensure_defaults(self, at: datetime) -> None:
        """Give the account every system-generated environment, and every environment the default modules it lacks.

        An environment an older amkit made from a runtime's module list may lack
        default modules that list never held (a 7.2 list written before its
        defaults were known, a 7.4 list whose 5.1 defaults were dropped): they
        are added, and nothing held is changed.
        """
        for language, version in SYSTEM_ENVIRONMENTS:
            name = system_environment_name(language, version)
            if self.find(name) is None:
                packages = system_default_packages(language, version)
                self.create(RuntimeEnvironment(name, language, version, packages, system_generated=True), at)
        for environment in self.all():
            self.modules.provision(environment, at, missing_only=True)

    def editable(self, name: str, action: str) -> RuntimeEnvironment:
        """The user-created environment ``name``, which ``action`` may change.

        Raises
        ------
        AccountError
            ``system-environment`` for a system-generated one ("You can't edit
            these runtime environments"), ``not-found`` for none.
        """
        environment = self.get(name)
        if environment.system_generated:
            raise AccountError(
                f"{environment.name} is system-generated: Automation does not let you {action} it "
                "(its packages follow the account's modules)",
                code="system-environment",
            )
        return environment

    def set_default_packages(self, environment: RuntimeEnvironment, packages: Mapping[str, str], at: datetime) -> None:
        """Give ``environment`` these default packages, and the default modules they bring."""
        changed = RuntimeEnvironment(
            environment.name,
            environment.language,
            environment.version,
            dict(packages),
            environment.description,
            environment.system_generated,
        )
        self.store.connection.execute(
            "UPDATE runtime_environments SET default_packages = ?, last_modified_time = ? WHERE name_key = ?",
            (json.dumps(dict(packages)), time_text(at), environment.key),
        )
        self.modules.replace_defaults(changed, at)

    def replace(self, environment: RuntimeEnvironment, at: datetime) -> None:
        """Make the environment of that name hold these name spelling, default packages and description."""
        self.store.connection.execute(
            "UPDATE runtime_environments SET name = ?, default_packages = ?, description = ?, last_modified_time = ? "
            "WHERE name_key = ?",
            (
                environment.name,
                json.dumps(dict(environment.default_packages)),
                environment.description,
                time_text(at),
                environment.key,
            ),
        )

    def delete(self, environment: RuntimeEnvironment) -> None:
        """Remove ``environment`` with its packages (the caller has checked that no runbook uses it)."""
        self.store.connection.execute("DELETE FROM modules WHERE environment = ?", (environment.key,))
        self.store.connection.execute("DELETE FROM runtime_environments WHERE name_key = ?", (environment.key,))
