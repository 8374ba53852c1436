"""The ``amkit`` command line: ``inspect``, ``check`` and ``pack``.

Exit status: 0 on success; 1 when ``check`` (or the check after ``pack``)
finds something at or above the ``--fail-on`` severity (default: error); 2
when the input or the arguments are unusable (the message names the file and
what is wrong; no traceback). A package that exists but is broken is a
finding, not unusable input.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from amkit.checks import RUNTIMES, Report, check
from amkit.checks.registry import SEVERITIES
from amkit.checks.sarif import sarif_log
from amkit.errors import AmkitError
from amkit.pack import pack
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


_MODULE_FILES = (".psd1", ".psm1", ".dll")
_PACKAGE_FILES = (".zip", ".nupkg")


def _is_module_folder(folder: Path) -> bool:
    """Whether ``folder`` holds ``<Name>.psd1``, ``.psm1`` or ``.dll``, directly or in a (version) folder."""
    wanted = {(folder.name + extension).casefold() for extension in _MODULE_FILES}
    places = [folder, *(child for child in folder.iterdir() if child.is_dir())]
    return any(item.name.casefold() in wanted for place in places for item in place.iterdir() if item.is_file())


def _packages(path: Path) -> list[Path]:
    """The packages to check for ``path``: itself, or the zips and nupkgs of a folder that is not a module."""
    if path.is_dir() and not _is_module_folder(path):
        archives = [item for item in path.iterdir() if item.is_file() and item.suffix.casefold() in _PACKAGE_FILES]
        if archives:
            return sorted(archives, key=lambda item: item.name)
    return [path]


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
        for line in _table(rows, ["RULE", "SEVERITY", "VERSION", "WHERE", "MESSAGE"]):
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
        packages = [package for path in paths for package in _packages(path)]
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
    archive = pack(args.module_dir, args.out_dir)
    report = check(archive)
    print(archive, file=out)
    _print_report(report, out)
    return 0 if report.importable else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amkit", description="See inside PowerShell module packages for Azure Automation."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    inspect = commands.add_parser("inspect", help="versions, module type, commands, dependencies and connection type")
    inspect.add_argument("path", metavar="PATH", help="a module .zip, .nupkg or folder")
    inspect.add_argument("--json", action="store_true", help="write JSON instead of a readable table")
    inspect.set_defaults(run=_inspect)

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
        help="write <Name>.zip of a module folder, as Automation imports it, and check it",
        description="Write a reproducible <Name>.zip of MODULE_DIR and check it. Exit 1 when it is not importable.",
    )
    packer.add_argument("module_dir", metavar="MODULE_DIR", help="the module folder (its name is the module's)")
    packer.add_argument("-o", "--out-dir", metavar="OUT_DIR", help="where to write the zip (default: here)")
    packer.set_defaults(run=_pack)
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
