"""The ``amkit`` command line.

Exit status: 0 on success, 2 when the input or the arguments are unusable
(the message names the file and what is wrong; no traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from amkit.errors import AmkitError
from amkit.package import open_package
from amkit.summary import package_summary

__all__ = ["main"]


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


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return lines


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
            for line in _table(rows, ["NAME", "KIND", "PARAMETER SETS", "SYNOPSIS"]):
                print(f"    {line}", file=out)


def _inspect(args: argparse.Namespace, out: TextIO) -> int:
    with open_package(args.path) as package:
        summary = package_summary(package)
    if args.json:
        json.dump(summary, out, indent=2, default=str)
        out.write("\n")
    else:
        _print_summary(summary, out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amkit", description="See inside PowerShell module packages for Azure Automation."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    inspect = commands.add_parser("inspect", help="versions, module type, commands, dependencies and connection type")
    inspect.add_argument("path", metavar="PATH", help="a module .zip, .nupkg or folder")
    inspect.add_argument("--json", action="store_true", help="write JSON instead of a readable table")
    inspect.set_defaults(run=_inspect)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    stream = out if out is not None else sys.stdout
    parser = _parser()
    try:
        # --help goes to ``out``; usage errors go to stderr with status 2.
        with contextlib.redirect_stdout(stream):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.run(args, stream))
    except AmkitError as error:
        print(f"amkit: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
