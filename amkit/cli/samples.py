"""``amkit samples``: write the bundled sample modules as the zips Automation imports."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from amkit import samples

__all__ = ["add_parser"]


def _run(args: argparse.Namespace, out: TextIO) -> int:
    wanted = list(samples.names()) + (list(samples.faulty_names()) if args.faulty else [])
    for path in samples.build(args.dest, args.names or wanted).values():
        print(path, file=out)
    return 0


def add_parser(commands: Any) -> None:
    """Add ``samples`` to the ``amkit`` subcommands."""
    parser = commands.add_parser(
        "samples",
        help="write the bundled sample modules as zips",
        description="Write the sample modules that come with amkit (the ones the tutorials use) as "
        "<Name>.zip files into DEST, byte for byte as Automation expects them; --faulty adds the "
        "deliberately broken ones that show the checks at work.",
    )
    parser.add_argument("dest", metavar="DEST", help="the folder to write to (created when missing)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these samples (default: all good ones)")
    parser.add_argument("--faulty", action="store_true", help="also write the deliberately broken samples")
    parser.set_defaults(run=_run)
