"""What amkit is fuzzed on: each target feeds one input to a public reader and lets only typed errors through.

A target takes the input's bytes and returns nothing. An :class:`amkit.AmkitError`
is the reader saying no, and is swallowed; anything else (RecursionError,
UnicodeError, struct.error, zlib.error, sqlite3.Error, an assertion) escapes, and
is a finding. ``tests/test_fuzz.py`` runs the targets under Hypothesis in every
test run; ``tests/fuzz_main.py`` runs one under atheris, coverage-guided, for as
long as ``make fuzz`` asks.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import amkit
from amkit.cli import main as cli_main

#: Seeds are small and inputs grow from them, so these bounds keep every example quick.
LIMITS = amkit.Limits(max_script_size=256 * 1024, max_manifest_size=256 * 1024, max_data_file_size=256 * 1024)


def _typed(call: Callable[[], object]) -> None:
    try:
        call()
    except amkit.AmkitError:
        pass


def read_manifest(data: bytes) -> None:
    """``read_psd1`` as a manifest, then as ``Import-PowerShellDataFile`` would, with and without its limits."""
    _typed(lambda: amkit.read_psd1(data, file="Fuzz.psd1", limits=LIMITS))
    _typed(lambda: amkit.read_psd1(data, file="Fuzz.psd1", manifest=False, skip_limit_check=True, limits=LIMITS))


def parse_script(data: bytes) -> None:
    """``parse_script``, and the runbook reading of the same text (requirements, migration)."""
    _typed(lambda: amkit.parse_script(data, file="Fuzz.psm1", limits=LIMITS))
    _typed(lambda: amkit.runbook_requirements(data, amkit.Inventory([])))
    _typed(lambda: amkit.migration_plan(data))


def read_connection_type(data: bytes) -> None:
    """A ``<Module>-Automation.json`` connection type."""
    _typed(lambda: amkit.read_connection_type(data, file="Fuzz-Automation.json", module="Fuzz"))


def from_arm(data: bytes) -> None:
    """An account's module list as Azure returns it (its bytes, and the JSON a caller would pass), read."""
    _typed(lambda: amkit.AutomationAccount.from_arm(data, name="fuzz").modules())
    try:
        parsed = json.loads(data)
    except ValueError:
        return
    _typed(lambda: amkit.AutomationAccount.from_arm(parsed, name="fuzz").modules())


def open_package(data: bytes) -> None:
    """A package's bytes: opened, every version read, checked, imported, and read from the command line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Fuzz.zip"
        path.write_bytes(data)
        _typed(lambda: _read_everything(path))
        _typed(lambda: amkit.check(path, limits=LIMITS))
        # What an import stores of the package (names, descriptions, commands) goes into SQLite.
        _typed(lambda: _import(path))
        # The command line turns every error into a message and an exit status.
        for command in (["inspect", str(path)], ["check", "--format", "sarif", str(path)], ["deps", str(path)]):
            status = cli_main(command, out=io.StringIO())
            assert status in (0, 1, 2), (command, status)


def _import(path: Path) -> None:
    with amkit.AutomationAccount.open(None) as account:
        account.import_package(path)


def _read_everything(path: Path) -> None:
    with amkit.open_package(path, limits=LIMITS) as package:
        for version in package.versions:
            # Reading is the point: each property reads and parses its part of the package.
            _ = (version.manifest, version.files, version.commands, version.connection_type, version.dsc_resources)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "read_manifest": read_manifest,
    "parse_script": parse_script,
    "read_connection_type": read_connection_type,
    "from_arm": from_arm,
    "open_package": open_package,
}


@functools.cache
def seeds(target: str) -> tuple[bytes, ...]:
    """Real inputs each target starts from: the bundled samples (modules, their packages, an account's list)."""
    modules = Path(amkit.samples.source("ContosoCore")).parent
    if target == "read_manifest":
        return tuple(path.read_bytes() for path in sorted(modules.rglob("*.psd1")))
    if target == "parse_script":
        return tuple(path.read_bytes() for path in sorted(modules.rglob("*.psm1")))
    if target == "read_connection_type":
        return tuple(path.read_bytes() for path in sorted(modules.rglob("*-Automation.json")))
    if target == "from_arm":
        return (amkit.samples.arm_module_list().read_bytes(),)
    with tempfile.TemporaryDirectory() as folder:
        built = amkit.samples.build(folder, ["ContosoCore", "ContosoNotify", "SideBySide"])
        return tuple(_stored(path.read_bytes()) for path in built.values())


def _stored(data: bytes) -> bytes:
    """The zip rewritten with its members stored, not deflated, so that byte mutations reach their contents."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stored:
        for info in source.infolist():
            stored.writestr(info.filename, source.read(info))
    return out.getvalue()
