"""``amkit check`` and ``amkit pack``: Automation's import rules and the authoring practices, offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from amkit.checks import RUNTIMES, Report, check
from amkit.checks.registry import SEVERITIES
from amkit.checks.sarif import sarif_log
from amkit.cli.text import table
from amkit.deps.inventory import find_packages
from amkit.package.pack import pack

__all__ = ["add_parsers"]


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


def _check(args: argparse.Namespace, out: TextIO) -> int:
    paths = [Path(path) for path in args.paths]
    missing = [path for path in paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"amkit: error: {path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        # A folder without any package in it is checked as a package itself, so that it gets findings.
        packages = [package for path in paths for package in find_packages(path) or [path]]
    except OSError as error:  # a folder that cannot be listed
        print(f"amkit: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    reports = [check(package, runtime=args.runtime) for package in packages]
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
        help="check packages against Automation's import rules and the authoring practices",
        description="Check packages offline. Exit 0 when no finding is at or above --fail-on, 1 when one is, "
        "2 for unusable input. See docs/rules.md for the rules.",
    )
    checker.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a module .zip, .nupkg or folder, or a folder of .zip/.nupkg files (each is checked)",
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
