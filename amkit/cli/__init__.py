"""The ``amkit`` command line: ``inspect``, ``check``, ``pack``, ``deps`` and ``plan``.

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
import sys
from collections.abc import Sequence
from typing import TextIO

from amkit.cli import check, deps, inspect
from amkit.errors import AmkitError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amkit", description="See inside PowerShell module packages for Azure Automation."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    inspect.add_parser(commands)
    check.add_parsers(commands)
    deps.add_parsers(commands)
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
