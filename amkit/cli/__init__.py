"""The ``amkit`` command line: ``inspect``, ``check``, ``pack``, ``deps``, ``plan``, ``migrate`` and ``samples``.

A front end: its modules may import every layer below (account, checks,
dependencies, package reader, language, base modules) but not the charts or
the widgets, and nothing below imports it.

Exit status: 0 on success; 1 when ``check`` (or the check after ``pack``)
finds something at or above the ``--fail-on`` severity (default: error), or
when ``plan`` finds modules it cannot import; 2 when the input or the
arguments are unusable (the message names the file and what is wrong; no
traceback). A package that exists but is broken is a finding, not unusable
input.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from amkit.cli import check, deps, inspect, samples
from amkit.errors import AmkitError

__all__ = ["main"]


def _version() -> str:
    try:
        return importlib.metadata.version("amkit")
    except importlib.metadata.PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``amkit`` parser, and each subcommand's own parser by name."""
    parser = argparse.ArgumentParser(
        prog="amkit", description="See inside PowerShell module packages for Azure Automation."
    )
    parser.add_argument("--version", action="version", version=f"amkit {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    inspect.add_parser(commands)
    check.add_parsers(commands)
    deps.add_parsers(commands)
    samples.add_parser(commands)
    return parser, dict(commands.choices)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    stream = out if out is not None else sys.stdout
    parser, subcommands = _parser()
    try:
        # --help goes to ``out``; usage errors go to stderr with status 2.
        with contextlib.redirect_stdout(stream):
            args, unknown = parser.parse_known_args(argv)
            if unknown:  # the subcommand's usage, not amkit's, says what it takes
                subcommands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.run(args, stream))
    except AmkitError as error:
        print(f"amkit: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (amkit check ... | head -1): stop quietly, as Unix tools do. Python flushes
        # stdout again at exit, so point it at /dev/null first (the recipe of Python's signal docs).
        if stream is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
