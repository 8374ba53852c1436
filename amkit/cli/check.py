"""``amkit check`` and ``amkit pack``: Automation's import rules and the authoring practices, offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from amkit.account import AutomationAccount
from amkit.checks import RUNTIMES, Report, check, check_runbook
from amkit.checks.registry import SEVERITIES
from amkit.checks.sarif import sarif_log
from amkit.cli.text import table
from amkit.deps.finding import find_packages
from amkit.package.pack import pack

__all__ = ["add_parsers"]

_RUNBOOK = ".ps1"


def _where(file: str | None, line: int | None) -> str:
    if file is None:
        return "-"
    return f"{file}:{line}" if line is not None else file


def _print_report(report: Report, out: TextIO) -> None:
    print(report.summary(), file=out)
    rows = [
        [item.rule, item.severity, item.version or "-", _where(item.file, item.line), item.message]
        for item in report.items
    ]
    if rows:
        for line in table(rows, ["RULE", "SEVERITY", "VERSION", "WHERE", "MESSAGE"]):
            print(f"  {line}", file=out)


def _failed(reports: Sequence[Report], fail_on: str) -> bool:
    """Whether any finding is at least as severe as ``fail_on``."""
    serious = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
    return any(item.severity in serious for report in reports for item in report.items)


def _inputs(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The packages and the runbooks (``.ps1`` files outside module folders) the paths stand for.

    Raises
    ------
    OSError
        When a folder cannot be listed.
    """
    packages: list[Path] = []
    runbooks: list[Path] = []
    for path in paths:
        if path.is_file() and path.suffix.casefold() == _RUNBOOK:
            runbooks.append(path)
            continue
        found = find_packages(path)
        folders = [item for item in found if item.is_dir()]
        scripts = (
            sorted(item for item in path.rglob("*") if item.suffix.casefold() == _RUNBOOK and item.is_file())
            if path.is_dir() and path not in folders
            else []
        )
        scripts = [item for item in scripts if not any(folder in item.parents for folder in folders)]
        runbooks += scripts
        # A folder with neither packages nor runbooks is checked as a package itself, so that it gets findings.
        packages += found or ([] if scripts else [path])
    return packages, runbooks


def _new_account(runtime: str | None) -> tuple[AutomationAccount, str | None]:
    """A new account in memory, and the environment of ``runtime`` in it: where runbooks run without ``--account``."""
    account = AutomationAccount.open()
    if runtime is None:
        return account, None
    name = f"PowerShell-{runtime}"
    if runtime not in account.runtime_environments()["version"].tolist():  # 7.4 has no system-generated one
        account.create_runtime_environment(name, "PowerShell", runtime)
    return account, name


def _check(args: argparse.Namespace, out: TextIO) -> int:
    paths = [Path(path) for path in args.paths]
    missing = [path for path in paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"amkit: error: {path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        packages, runbooks = _inputs(paths)
    except OSError as error:  # a folder that cannot be listed
        print(f"amkit: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    account = AutomationAccount.open(args.account) if args.account else None
    try:
        environment = args.runtime_environment
        if account is not None and environment is not None:
            account.runtime_environment(environment)  # an unknown name is unusable input
        reports = [check(package, account=account, runtime=args.runtime) for package in packages]
        if runbooks:
            where, environment = (account, environment) if account is not None else _new_account(args.runtime)
            reports += [check_runbook(path, where, runtime_environment=environment) for path in runbooks]
    finally:
        if account is not None:
            account.close()
    if args.format == "json":
        json.dump([report.to_dict() for report in reports], out, indent=2)
        out.write("\n")
    elif args.format == "sarif":
        json.dump(sarif_log(reports), out, indent=2)
        out.write("\n")
    else:
        for number, report in enumerate(reports):
            if number:
                print(file=out)
            _print_report(report, out)
    return 1 if _failed(reports, args.fail_on) else 0


def _pack(args: argparse.Namespace, out: TextIO) -> int:
    archive = pack(args.path, args.out_dir)
    report = check(archive)
    print(archive, file=out)
    _print_report(report, out)
    return 0 if report.importable else 1


def add_parsers(commands: Any) -> None:
    """Add ``check`` and ``pack`` to the ``amkit`` subcommands."""
    checker = commands.add_parser(
        "check",
        help="check packages against Automation's import rules and the authoring practices, and runbooks",
        description="Check packages and runbooks offline. Exit 0 when no finding is at or above --fail-on, 1 when "
        "one is, 2 for unusable input. See docs/rules.md for the rules.",
    )
    checker.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a module .zip, .nupkg or folder, a runbook .ps1, or a folder of them (each is checked)",
    )
    checker.add_argument(
        "--account",
        metavar="FILE",
        help="an account file (amkit.AutomationAccount): packages are checked against what it holds, runbooks "
        "against the environment they run in (default for runbooks: a new account)",
    )
    checker.add_argument(
        "--runtime-environment",
        metavar="NAME",
        help="the account's runtime environment runbooks are checked in (default: its runtime's system-generated one)",
    )
    checker.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format")
    checker.add_argument(
        "--fail-on", choices=SEVERITIES, default="error", help="lowest severity that fails (default: error)"
    )
    checker.add_argument("--runtime", choices=tuple(RUNTIMES), help="the Automation runtime to check against")
    checker.set_defaults(run=_check)
    packer = commands.add_parser(
        "pack",
        help="write <Name>.zip of a module folder or a Gallery .nupkg, as Automation imports it, and check it",
        description="Write a reproducible <Name>.zip of a module folder, or of the module in a PowerShell Gallery "
        "<Name>.<version>.nupkg, and check it. From a .nupkg the zip holds <Name>/ with the module's files and "
        "without NuGet's bookkeeping ([Content_Types].xml, _rels/, package/, the .nuspec, .signature.p7s), and "
        "without a version folder: the package holds one version, and Automation accepts the flat layout. "
        "Exit 1 when the zip is not importable, 2 when the input is unusable (nothing is written then).",
    )
    packer.add_argument(
        "path",
        metavar="PATH",
        help="the module folder (its name is the module's) or a <Name>.<version>.nupkg (its manifest names it)",
    )
    packer.add_argument("-o", "--out-dir", metavar="OUT_DIR", help="where to write the zip (default: here)")
    packer.set_defaults(run=_pack)
