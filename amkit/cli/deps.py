"""``amkit deps`` and ``amkit plan``: dependency tables and import plans for many packages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from amkit.account import AutomationAccount
from amkit.cli.text import table
from amkit.deps.azurerm import migration_plan
from amkit.deps.inventory import Inventory
from amkit.deps.plan import plan_imports
from amkit.deps.scanning import scan
from amkit.deps.table import dependencies, reverse_dependencies
from amkit.errors import AccountError

__all__ = ["add_parsers"]

_FORMATS = ("table", "csv", "json")
_DEPENDENCY_SHOWN = ["module", "version", "dependency", "kind", "written", "resolved_version", "status", "note"]
_REVERSE_SHOWN = ["module", "version", "depth", "dependency", "kind", "status", "path"]
_WAVE_SHOWN = ["wave", "not_before_seconds", "step", "module", "version", "source"]
#: How an incomplete plan's search ended, for people (see ImportPlan.search).
_SEARCHES = {
    "narrowing": "a dependency cycle",
    "complete": "a dependency cycle",
    "impossible": "no choice of versions meets every requirement",
    "cut short": "the search for versions that meet every requirement ran out of time; there may be one",
}
_MIGRATION_SHOWN = ["runbook", "line", "azurerm", "az", "parameter_renames", "removed_parameters", "note"]


def _inventory(paths: list[str], cache: str | None) -> Inventory | None:
    """Scan ``paths`` (again only what changed since ``cache``); ``None`` (after saying why) when one does not exist."""
    missing = [path for path in paths if not Path(path).exists()]
    for path in missing:
        print(f"amkit: error: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return None
    inventory = scan(paths, progress=sys.stderr.isatty(), cache=cache)
    if not len(inventory):
        print(f"amkit: error: no module package in {', '.join(map(str, paths))}", file=sys.stderr)
        return None
    for record in inventory:
        if record.error is not None:
            print(f"amkit: warning: {record.error}", file=sys.stderr)
    return inventory


def _write(frame: pd.DataFrame, shown: list[str], form: str, out: TextIO) -> None:
    if form == "csv":
        frame.to_csv(out, index=False)
    elif form == "json":
        json.dump(frame.astype(object).where(frame.notna(), None).to_dict("records"), out, indent=2)
        out.write("\n")
    elif frame.empty:
        print("(none)", file=out)
    else:
        rows = [["" if pd.isna(value) else str(value) for value in row] for row in frame[shown].itertuples(index=False)]
        for line in table(rows, [column.upper() for column in shown]):
            print(line, file=out)


def _deps(args: argparse.Namespace, out: TextIO) -> int:
    inventory = _inventory(args.paths, args.cache)
    if inventory is None:
        return 2
    if args.reverse:
        _write(reverse_dependencies(inventory, args.reverse), _REVERSE_SHOWN, args.format, out)
    else:
        _write(dependencies(inventory), _DEPENDENCY_SHOWN, args.format, out)
    return 0


def _account(path: str | None) -> AutomationAccount | None:
    """The account ``--account`` names: an account file, or a module list from Azure (``.json``)."""
    if path is None:
        return None
    if not Path(path).is_file():
        raise AccountError("no such account file", code="not-found", file=path)
    if Path(path).suffix.casefold() == ".json":
        return AutomationAccount.from_arm(path, name=Path(path).stem)
    return AutomationAccount.open(path)


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    inventory = _inventory(args.sources, args.cache)
    if inventory is None:
        return 2
    account = _account(args.account)
    try:
        plan = plan_imports(args.targets, inventory, account=account, allow_prerelease=args.allow_prerelease)
    except ValueError as error:
        print(f"amkit: error: {error}", file=sys.stderr)
        return 2
    finally:
        if account is not None:
            account.close()
    waves = plan.waves()
    if args.format == "json":
        data: dict[str, Any] = {
            name: frame.astype(object).where(frame.notna(), None).to_dict("records")
            for name, frame in (("steps", plan.steps), ("waves", waves), ("unsatisfiable", plan.unsatisfiable))
        }
        data["cycles"], data["search"] = plan.cycles, plan.search
        json.dump(data, out, indent=2)
        out.write("\n")
    elif args.format == "csv":
        waves.to_csv(out, index=False)
    else:
        print(plan.summary(), file=out)
        _write(waves, _WAVE_SHOWN, "table", out)
        if not plan.complete:
            print(f"\ncannot be imported ({_SEARCHES[plan.search]}):", file=out)
            _write(plan.unsatisfiable, ["module", "reason", "required_by"], "table", out)
    return 0 if plan.complete else 1


def add_parsers(commands: Any) -> None:
    """Add ``deps`` and ``plan`` to the ``amkit`` subcommands."""
    parser = commands.add_parser(
        "deps",
        help="tabulate what each module version needs and whether the packages given satisfy it",
        description="One row per declared dependency of every module version in PATH..., resolved against "
        "the same packages. A package that cannot be read is named on stderr.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="packages, module folders, or folders of them")
    parser.add_argument("--reverse", metavar="NAME", help="list who depends on module NAME, directly and not")
    _add_cache(parser)
    _add_format(parser)
    parser.set_defaults(run=_deps)

    planner = commands.add_parser(
        "plan",
        help="plan the imports that bring TARGET modules into an account, dependencies first",
        description="Pick a version of every module the targets need from the packages in --from, order them "
        "dependencies first and group them into waves of at most 5 imports per 30 seconds, skipping what "
        "--account holds. Exit 1 when a module cannot be imported.",
    )
    planner.add_argument("targets", nargs="+", metavar="TARGET", help="a module name, or NAME==VERSION")
    planner.add_argument(
        "--from",
        dest="sources",
        action="append",
        required=True,
        metavar="FOLDER",
        help="packages to take modules from (a folder of them, or one; may be repeated)",
    )
    planner.add_argument(
        "--account",
        metavar="FILE",
        help="an account file (amkit's SQLite) or an account's module list from Azure (.json): "
        "what it holds at an accepted version is skipped",
    )
    planner.add_argument(
        "--allow-prerelease",
        action="store_true",
        help="take the highest version even when it is a prerelease (by default, only when no release fits "
        "or a TARGET names it: NAME==2.0.0-beta1)",
    )
    _add_cache(planner)
    _add_format(planner)
    planner.set_defaults(run=_plan)

    migrator = commands.add_parser(
        "migrate",
        help="list the AzureRM cmdlets runbooks call, with the Az cmdlet and parameters that replace them",
        description="Read runbooks (never run them) and list every AzureRM cmdlet they call, with the Az cmdlet "
        "that replaces it and the parameter renames, from the mapping Microsoft publishes with Az.Tools.Migration. "
        "Exit 0, or 2 when a path does not exist.",
    )
    migrator.add_argument("paths", nargs="+", metavar="RUNBOOK", help="a runbook .ps1, or a folder of them")
    _add_format(migrator)
    migrator.set_defaults(run=_migrate)


def _add_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache",
        metavar="FILE",
        help="a Parquet file of the last scan: packages whose content is unchanged are not read again, "
        "and the new scan is written back to it",
    )


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=_FORMATS, default="table", help="output format (default: table)")


def _migrate(args: argparse.Namespace, out: TextIO) -> int:
    paths = [Path(path) for path in args.paths]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        print(f"amkit: error: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return 2
    runbooks = [
        found
        for path in paths
        for found in (sorted(path.rglob("*.ps1"), key=lambda item: str(item).casefold()) if path.is_dir() else [path])
    ]
    _write(migration_plan(runbooks), _MIGRATION_SHOWN, args.format, out)
    return 0
