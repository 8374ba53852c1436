"""``amkit inspect``: versions, module type, commands, dependencies and connection type of one package."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from amkit.cli.text import table
from amkit.deps.finding import find_packages, is_module_folder
from amkit.package.module_package import open_package
from amkit.package.summary import package_summary
from amkit.powershell.restricted import EDITIONS

__all__ = ["add_parser"]


def _dependency_text(dependency: dict[str, Any]) -> str:
    bounds = []
    if dependency["required_version"]:
        bounds.append(f"== {dependency['required_version']}")
    if dependency["version"]:
        bounds.append(f">= {dependency['version']}")
    if dependency["maximum_version"]:
        bounds.append(f"<= {dependency['maximum_version']}")
    return f"{dependency['name']} {', '.join(bounds)}".strip() + f" ({dependency['kind']})"


def _field_text(field: dict[str, Any]) -> str:
    notes = [note for note, flag in (("encrypted", field["is_encrypted"]), ("optional", field["is_optional"])) if flag]
    return field["name"] + (f" ({', '.join(notes)})" if notes else "")


def _print_summary(summary: dict[str, Any], out: TextIO) -> None:
    count = len(summary["versions"])
    print(
        f"{summary['name']} ({summary['kind']}): {count} version(s), latest {summary['latest']}",
        file=out,
    )
    print(f"  {summary['location']}", file=out)
    for problem in summary["problems"]:
        print(f"  ! {problem}", file=out)
    for version in summary["versions"]:
        print(
            f"\nVersion {version['version']}  [{version['module_type']}]  {version['folder'] or '.'}",
            file=out,
        )
        for problem in ([version["error"]] if version["error"] else []) + version.get("errors", []):
            print(f"  ! {problem}", file=out)
        if version["version_mismatch"]:
            print("  ! the manifest's ModuleVersion differs from the folder name", file=out)
        for dependency in version["dependencies"] or []:
            print(f"  requires {_dependency_text(dependency)}", file=out)
        connection = version["connection_type"]
        if connection:
            fields = ", ".join(_field_text(field) for field in connection["fields"])
            print(f"  connection type {connection['name']}: {fields}", file=out)
        commands = version["commands"] or []
        print(f"  {len(commands)} exported command(s)", file=out)
        rows = [
            [
                command["name"],
                command["kind"],
                ", ".join(command["parameter_sets"] or []),
                (command["synopsis"] or "")[:60],
            ]
            for command in commands
        ]
        if rows:
            for line in table(rows, ["NAME", "KIND", "PARAMETER SETS", "SYNOPSIS"]):
                print(f"    {line}", file=out)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    folder = Path(args.path)
    if folder.is_dir() and not is_module_folder(folder):
        found = [path for path in find_packages(folder) if path != folder]
        if found:
            shown = ", ".join(path.name for path in found[:5]) + (", ..." if len(found) > 5 else "")
            print(
                f"amkit: error: {folder} is a folder of {len(found)} packages ({shown}), not one module: "
                f"use 'amkit check {folder}' or 'amkit deps {folder}' for all of them, or inspect each",
                file=sys.stderr,
            )
            return 2
    with open_package(args.path, edition=args.edition) as package:
        summary = package_summary(package)
    if args.json:
        json.dump(summary, out, indent=2, default=str)
        out.write("\n")
    else:
        _print_summary(summary, out)
    return 0


def add_parser(commands: Any) -> None:
    """Add ``inspect`` to the ``amkit`` subcommands."""
    parser = commands.add_parser(
        "inspect",
        help="versions, module type, commands, dependencies and connection type",
        description="Read one package (a module .zip, .nupkg or folder) as PowerShell and Automation would and "
        "print its versions, module type, exported commands with their help, dependencies and connection type. "
        "For a folder of packages use check or deps.",
    )
    parser.add_argument("path", metavar="PATH", help="a module .zip, .nupkg or folder")
    parser.add_argument("--json", action="store_true", help="write JSON instead of a readable table")
    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        default="Desktop",
        help="the $PSEdition a manifest's if statements see: Desktop (5.1, the default) or Core (7.x)",
    )
    parser.set_defaults(run=_run)
