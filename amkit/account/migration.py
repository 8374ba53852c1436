"""The way from the old experience to runtime environments: which environments and packages runbooks need.

Automation's documented migration is: create a runtime environment, link the
runbooks to it, test them, publish. :func:`plan_environments` works out, for
the runbooks still in the system-generated environments, one new
environment per old one (at the same PowerShell version, 7.1 moving to 7.2,
which new environments no longer offer; or at a target version), the custom
packages their runbooks call into with everything those require, and which
of them cannot run there (PowerShellVersion, CompatiblePSEditions, a default
module the new environment does not have, AzureRM commands that autoloaded
from the old defaults). The plan is data (tables), and
the amkit calls that carry it out, which :meth:`EnvironmentPlan.apply` runs
on an account (a copy, to try it first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from amkit.account.modules import default_inventory
from amkit.account.runtimes import RuntimeEnvironment, chosen_default_packages
from amkit.checks.context import runtime_excludes
from amkit.defaults import command_family, is_builtin_module, module_family
from amkit.deps.inventory import Inventory, ModuleRecord
from amkit.deps.runbooks import runbook_requirements
from amkit.deps.table import resolve
from amkit.errors import AccountError

__all__ = ["PLAN_PACKAGE_COLUMNS", "EnvironmentPlan", "plan_environments"]

#: ``import``: a custom package to import into the new environment; ``default``: its default packages
#: provide it; ``cannot-run``: it does not load at the new version; ``unavailable``: a default module of
#: the old environment that the new one does not have; ``unchecked``: a custom package of an account read
#: from Azure, whose manifest and file amkit does not have (import it from its package, and check it then).
PLAN_STATUSES = ("import", "default", "cannot-run", "unavailable", "unchecked")
PLAN_PACKAGE_COLUMNS = ["environment", "module", "version", "status", "needed_by", "why", "problem", "source"]
_FOLLOWED = ("required", "nested")
# New environments offer no 7.1: its runbooks move to 7.2, the next version the service still creates.
_SUCCESSOR = {"7.1": "7.2"}


#: One call of the plan: an AutomationAccount method, its arguments and its keyword arguments.
Step = tuple[str, tuple[Any, ...], dict[str, Any]]


@dataclass
class EnvironmentPlan:
    """What moving runbooks to runtime environments takes; see :func:`plan_environments`."""

    #: One row per new environment: name, language, version, default_packages, from_environment, runbooks.
    environments: pd.DataFrame
    #: One row per package a new environment needs (see :data:`PLAN_PACKAGE_COLUMNS`).
    packages: pd.DataFrame
    #: One row per runbook: runbook, from_environment, to_environment.
    runbooks: pd.DataFrame
    steps: list[Step] = field(default_factory=list)

    @property
    def calls(self) -> tuple[str, ...]:
        """The amkit calls that carry the plan out, in order, as text (``account`` is the account)."""
        return tuple(
            "account.{}({})".format(
                method, ", ".join([*map(repr, arguments), *(f"{key}={value!r}" for key, value in keywords.items())])
            )
            for method, arguments, keywords in self.steps
        )

    @property
    def problems(self) -> pd.DataFrame:
        """The packages that cannot run where they must go, or that amkit could not check."""
        wanted = self.packages["status"].isin(["cannot-run", "unavailable", "unchecked"])
        return self.packages[wanted].reset_index(drop=True)

    def apply(self, account: Any, *, at: object = None) -> None:
        """Make the plan's calls on ``account`` (an :class:`~amkit.AutomationAccount`), in order, as one transaction.

        Packages are imported dependencies first, each when the import
        throttle admits it and the one before has ended, from ``at`` (now by
        default): a plan's imports take the time they take, so their states
        may lie after the call.

        Raises
        ------
        AccountError
            ``plan`` when an import does not succeed (naming it and Automation's
            error); nothing of the plan is then kept.
        """
        with account.transaction():
            start = account.next_import_start(at)
            for method, arguments, keywords in self.steps:
                if method != "import_package":
                    getattr(account, method)(*arguments, **keywords)
                    continue
                record = account.import_package(*arguments, **keywords, at=start)
                if not record.succeeded:
                    raise AccountError(
                        f"the plan's import of {record.module} into {record.runtime_environment} failed "
                        f"({record.error_code}): {record.error_message}",
                        code="plan",
                    )
                start = account.next_import_start(record.finished)

    def __repr__(self) -> str:
        imports = int((self.packages["status"] == "import").sum())
        return (
            f"<EnvironmentPlan: {len(self.environments)} environments, {len(self.runbooks)} runbooks, "
            f"{imports} packages to import, {len(self.problems)} problems>"
        )


def _closure(wanted: Iterable[ModuleRecord], inventory: Inventory) -> dict[str, tuple[ModuleRecord, str]]:
    """The records ``wanted`` and every one they require, each with why it is there, dependencies first.

    Name key -> (record, why), in an order where every module comes after
    the modules it requires (an order PowerShell and Automation can import them in).
    """
    edges: dict[int, list[tuple[ModuleRecord, str]]] = {}
    for item in resolve(inventory):
        if item.resolved is not None and item.requirement.kind in _FOLLOWED:
            edges.setdefault(id(item.record), []).append((item.resolved, f"required by {item.record.label}"))
    found: dict[str, tuple[ModuleRecord, str]] = {}
    ordered: dict[str, tuple[ModuleRecord, str]] = {}
    # Depth first without recursion: a record is placed once every record it requires is.
    pending: list[tuple[ModuleRecord, str, bool]] = [(record, "called", False) for record in reversed(list(wanted))]
    while pending:
        record, why, expanded = pending.pop()
        key = record.name.casefold()
        if expanded:
            ordered.setdefault(key, found[key])
            continue
        if key in found:
            continue
        found[key] = (record, why)
        pending.append((record, why, True))
        pending += [(needed, reason, False) for needed, reason in reversed(edges.get(id(record), []))]
    return ordered


@dataclass
class _Needs:
    """What the runbooks of one old environment load, and what the new environment's defaults lack."""

    #: The module versions the runbooks load.
    wanted: list[ModuleRecord] = field(default_factory=list)
    #: Module (name key) -> the runbooks that load it.
    needers: dict[str, list[str]] = field(default_factory=dict)
    #: Module (name key) -> what is wrong with the new default version of it for some runbook
    #: (``#Requires`` asking for another version, say); modules fine there are not in it.
    lacking: dict[str, str] = field(default_factory=dict)
    #: AzureRM command -> the runbooks calling it without any module here exporting it: the old
    #: environment's default AzureRM modules, autoloaded, whose command lists amkit does not have.
    azurerm: dict[str, list[str]] = field(default_factory=dict)


def _needed(members: list[tuple[str, str]], inventory: Inventory, arriving: Inventory) -> _Needs:
    """What the runbooks ``members`` need, judged against the old environment's modules and the new one's."""
    found = _Needs()
    wanted, needers, lacking = found.wanted, found.needers, found.lacking
    for runbook, script in members:
        there = runbook_requirements(script, arriving)
        for module, status, note in (
            there[["module", "status", "note"]].dropna(subset=["module"]).itertuples(index=False)
        ):
            if status in ("version-conflict", "missing") and not is_builtin_module(str(module)):
                lacking.setdefault(str(module).casefold(), f"{runbook}: {note}" if isinstance(note, str) else runbook)
        needs = runbook_requirements(script, inventory)
        unknown = needs.loc[needs["status"] == "unknown", "commands"]
        for command in (name for listed in unknown for name in str(listed).split(", ")):
            if command_family(command) == "AzureRM":
                found.azurerm.setdefault(command, []).append(runbook)
        # What the runbook itself loads; what those modules require comes with them (_closure says why).
        direct = needs[(needs["commands"] != "") | ~needs["statements"].str.startswith("RequiredModules of ")]
        for module, loaded in direct[["module", "version"]].dropna().itertuples(index=False):
            if is_builtin_module(str(module)):  # PowerShell and Automation themselves provide those
                continue
            versions = inventory.versions(str(module))
            record = next((item for item in versions if str(item.version) == str(loaded)), None)
            if record is not None:
                wanted.append(record)
                needers.setdefault(record.name.casefold(), []).append(runbook)
    return found


@dataclass
class _Planner:
    """Builds the plan's rows and steps, one old environment at a time."""

    inventory_of: Callable[[RuntimeEnvironment], Inventory]
    custom_of: Callable[[RuntimeEnvironment], set[str]]
    environments: list[tuple[str, ...]] = field(default_factory=list)
    packages: list[tuple[str | None, ...]] = field(default_factory=list)
    runbooks: list[tuple[str, ...]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def add(self, source: RuntimeEnvironment, members: list[tuple[str, str]], version: str) -> None:
        name = f"Migrated-{source.name}" + (f"-to-{version}" if version != source.version else "")
        defaults = chosen_default_packages("PowerShell", version, None)
        new = RuntimeEnvironment(name, "PowerShell", version, defaults)
        runbook_names = [runbook for runbook, _ in members]
        shown = ", ".join(f"{package} {release}" for package, release in defaults.items())
        self.environments.append((name, "PowerShell", version, shown, source.name, ", ".join(runbook_names)))
        self.steps.append(("create_runtime_environment", (name, "PowerShell", version), {"default_packages": defaults}))
        inventory, custom = self.inventory_of(source), self.custom_of(source)
        arriving = default_inventory(new)
        needs = _needed(members, inventory, arriving)
        for folded, (record, why) in _closure(needs.wanted, inventory).items():
            users = ", ".join(sorted(set(needs.needers.get(folded, [])))) or "(dependency)"
            there = None if folded in custom else arriving.versions(record.name)
            status, problem = _judge(record, folded in custom, there, needs.lacking.get(folded), version)
            self.packages.append((name, record.name, str(record.version), status, users, why, problem, record.source))
            if status == "import":
                self.steps.append(("import_package", (record.source,), {"runtime_environment": name}))
        if needs.azurerm and not any(module_family(record.name) == "AzureRM" for record in arriving):
            users = ", ".join(sorted({runbook for runbooks in needs.azurerm.values() for runbook in runbooks}))
            commands = ", ".join(needs.azurerm)
            problem = f"the default packages ({shown}) hold no AzureRM module, which cannot share a session with Az"
            if version != "5.1":
                problem += f" and does not run on PowerShell {version}"
            problem += ": amkit.migration_plan(runbook) gives the Az command that replaces each"
            self.packages.append((name, "AzureRM", None, "unavailable", users, f"called: {commands}", problem, None))
        for runbook in runbook_names:
            self.runbooks.append((runbook, source.name, name))
            self.steps.append(("link_runbook", (runbook, name), {}))

    def plan(self) -> EnvironmentPlan:
        columns = ["name", "language", "version", "default_packages", "from_environment", "runbooks"]
        return EnvironmentPlan(
            pd.DataFrame(self.environments, columns=columns, dtype="string"),
            pd.DataFrame(self.packages, columns=PLAN_PACKAGE_COLUMNS, dtype="string"),
            pd.DataFrame(self.runbooks, columns=["runbook", "from_environment", "to_environment"], dtype="string"),
            self.steps,
        )


def plan_environments(
    runbooks: list[tuple[str, str, RuntimeEnvironment]],
    inventory_of: Callable[[RuntimeEnvironment], Inventory],
    custom_of: Callable[[RuntimeEnvironment], set[str]],
    *,
    target: str | None = None,
) -> EnvironmentPlan:
    """Plan runtime environments for runbooks of system-generated PowerShell environments.

    Parameters
    ----------
    runbooks
        (name, script, environment) of every runbook; those in user-created
        environments, or in Python ones, are left where they are.
    inventory_of, custom_of
        An environment's modules, and the names (lower case) of its custom imports.
    target
        The PowerShell version of every new environment (``"7.4"``); by
        default each old one's own (7.1 becomes 7.2).
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    sources: dict[str, RuntimeEnvironment] = {}
    for name, script, environment in runbooks:
        if environment.system_generated and environment.is_powershell:
            groups.setdefault(environment.key, []).append((name, script))
            sources[environment.key] = environment
    planner = _Planner(inventory_of, custom_of)
    for key, members in sorted(groups.items()):
        source = sources[key]
        planner.add(source, members, target or _SUCCESSOR.get(source.version, source.version))
    return planner.plan()


def _judge(
    record: ModuleRecord,
    is_custom: bool,
    there: tuple[ModuleRecord, ...] | None,
    lacking: str | None,
    version: str,
) -> tuple[str, str]:
    """A needed module's status in the new environment, and what is wrong, if anything.

    ``there`` are the new environment's default versions of a module that is
    not a custom import; ``lacking`` what a runbook finds wrong with them.
    """
    if not is_custom:
        if not there:
            return (
                "unavailable",
                f"{record.label} is a default module of the old environment, not of PowerShell {version}",
            )
        if lacking is not None:
            held = ", ".join(str(item.version) for item in there)
            return "unavailable", f"PowerShell {version}'s default packages hold {record.name} {held}; {lacking}"
        return "default", ""
    if record.source is None:
        return "unchecked", f"{record.label} was read from Azure: import it from its package, which amkit checks then"
    reasons = runtime_excludes(record.powershell_version, record.editions, version, record.frameworks)
    if reasons:
        return "cannot-run", "; ".join(message for _, message in reasons)
    return "import", ""
