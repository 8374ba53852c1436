"""amkit's PowerShell grammar: built from the committed sources, and reading valid PowerShell without errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import amkit.powershell.syntax

GRAMMAR = Path(amkit.powershell.syntax.__file__).parent / "grammar"


def test_the_committed_parser_was_generated_from_the_committed_grammar() -> None:
    recorded = {}
    for line in (GRAMMAR / "src" / "generated-from.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        recorded[name] = digest
    current = {name: hashlib.sha256((GRAMMAR / name).read_bytes()).hexdigest() for name in recorded}
    assert recorded == current, "grammar.js or src/scanner.c changed without `make grammar`"
    assert set(recorded) == {"grammar.js", "src/scanner.c"}
