"""Every real script in ../shared/corpus/scripts: no syntax error, and exactly the functions expected.csv lists.

PowerShell 7 parses every one of these files; 60 of them use valid syntax that the
upstream tree-sitter grammar rejected (notes in expected.csv say which).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import amkit
from amkit.powershell.syntax import SourceText
from amkit.powershell.textfile import decode_source

SCRIPTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "scripts"

if not SCRIPTS.is_dir():
    pytest.skip(f"the shared corpus is not beside the checkout ({SCRIPTS} is absent)", allow_module_level=True)

with open(SCRIPTS / "expected.csv", newline="", encoding="utf-8") as handle:
    ROWS = list(csv.DictReader(handle))

#: What expected.csv lists: functions, filters and workflows (configurations and class methods are not).
LISTED_KINDS = ("function", "filter", "workflow")


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_script_parses_without_error_and_yields_its_functions(row: dict[str, str]) -> None:
    path = SCRIPTS / "files" / row["file"]
    text, _ = decode_source(path.read_bytes())
    assert not SourceText(text, str(path)).root.has_error, "the grammar itself reports an error"
    info = amkit.parse_script(path, strict=True)
    assert info.errors == ()
    names = [function.name for function in info.functions if function.kind in LISTED_KINDS]
    assert names == [name for name in row["functions"].split(";") if name]
    assert len(names) == int(row["function_count"])


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_usage_read_later_is_what_is_read_at_once(row: dict[str, str]) -> None:
    path = SCRIPTS / "files" / row["file"]
    later = amkit.parse_script(path, defer_usage=True)
    at_once = amkit.parse_script(path)
    assert (later.module_references, later.exports, later.aliases) == (
        at_once.module_references,
        at_once.exports,
        at_once.aliases,
    )
    assert not later.usage_read
    assert (later.commands, later.variables, later.script_assignments, later.scope_writes) == (
        at_once.commands,
        at_once.variables,
        at_once.script_assignments,
        at_once.scope_writes,
    )
    for deferred, read in zip(later.functions, at_once.functions, strict=True):
        assert (deferred.commands, deferred.variables, deferred.free_variables, deferred.scope_writes) == (
            read.commands,
            read.variables,
            read.free_variables,
            read.scope_writes,
        )
    assert later == at_once


def test_the_corpus_is_all_there() -> None:
    assert len(ROWS) == 80
    assert {path.name for path in (SCRIPTS / "files").iterdir()} == {row["file"] for row in ROWS}


def test_a_configuration_is_found_with_its_body_on_the_next_line() -> None:
    row = next(row for row in ROWS if row["file"].endswith("IisConfigurationPathFormat.ps1"))
    info = amkit.parse_script(SCRIPTS / "files" / row["file"])
    assert [(function.name, function.kind) for function in info.functions] == [("Example", "configuration")]
    assert info.functions[0].help.synopsis.startswith("This example will install the IIS Windows Feature")
