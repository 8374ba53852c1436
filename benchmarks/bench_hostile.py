"""What a single hostile input costs amkit: seconds and peak memory to read it or refuse it.

Each row is one input, built here, fed to the public reader it targets with the
default ``amkit.Limits``; the goal (issue: hostile input) is that any input of up
to 10 MB is read or refused in under 2 s with under 200 MB of peak memory. Inputs:

- data files: over the manifest size limit (refused before parsing); just under it,
  as dense as a data file gets (many small constants: the worst case for the
  parser), and one long string; nested past the nesting limit;
- scripts: real PowerShell (the corpus scripts of ``../shared``, or the bundled
  samples, repeated) at 1, 2 and 10 MB; 10 MB of tiny functions; 1 MB of syntax
  errors inside one unclosed function;
- packages: a 10 MB zip of one deflated script, opened and its script parsed.

Peak memory is what tracemalloc sees, tree-sitter's trees included (its allocations
go through Python's allocator). For each input that is read, the last columns show
the floor: tree-sitter alone parsing the same bytes, which no reader built on the
grammar can go below (on a 2-core machine its 10 MB parse already takes about 2 s
and 300 MB). Run: ``python benchmarks/bench_hostile.py``
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from measure import measure

import amkit
from amkit.powershell.syntax import SourceText

MB = 1024 * 1024
CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpus" / "scripts" / "files"


def refused_or_read(action: Callable[[], object]) -> Callable[[], str]:
    """``action`` run, answering ``read`` or the refusal's first words."""

    def run() -> str:
        try:
            action()
        except amkit.AmkitError as error:
            return "refused: " + str(error).split(": ", 1)[-1][:60]
        return "read"

    return run


def real_script(size: int) -> bytes:
    """``size`` bytes of real PowerShell: whole scripts, repeated."""
    sources = sorted(CORPUS.glob("*.ps*1")) if CORPUS.is_dir() else []
    if not sources:
        modules = Path(amkit.samples.source("ContosoCore")).parent
        sources = sorted(modules.rglob("*.psm1"))
    blob = b"\n".join(path.read_bytes().removeprefix(b"\xef\xbb\xbf") for path in sources)
    blob = blob.decode("utf-8", errors="replace").encode("utf-8")
    return (blob * (size // len(blob) + 1))[:size].rsplit(b"\n", 1)[0]


def dense_data_file(size: int) -> bytes:
    """A manifest of about ``size`` bytes that is nothing but small constants: the most syntax nodes per byte."""
    head, tail = b"@{ ModuleVersion = '1.0'\n FunctionsToExport = @(", b")}"
    items = (b"'F%d'" % number for number in range(size))
    body = bytearray()
    for item in items:
        if len(head) + len(body) + len(item) + 1 + len(tail) > size:
            break
        body += item + b","
    return head + bytes(body).rstrip(b",") + tail


def zipped_script(size: int) -> Path:
    """A package holding one deflated script of ``size`` bytes of real PowerShell."""
    folder = Path(tempfile.mkdtemp(prefix="amkit-bench-"))
    manifest = "@{ ModuleVersion = '1.0.0'; RootModule = 'Big.psm1'; FunctionsToExport = @('*') }"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Big/Big.psd1", manifest)
        archive.writestr("Big/Big.psm1", real_script(size))
    path = folder / "Big.zip"
    path.write_bytes(out.getvalue())
    return path


def read_package(path: Path) -> None:
    with amkit.open_package(path) as package:
        version = package.versions[0]
        version.script(str(version.root_module_path))


def parse_floor(data: bytes) -> str:
    """Seconds and peak MB of tree-sitter alone parsing ``data``: what any reader on the grammar pays."""
    text = data.decode("utf-8", errors="replace")
    seconds, peak = measure(lambda: SourceText(text), repeat=1)
    return f"{seconds:8.2f} {peak / MB:8.0f}"


def main() -> None:
    # Inputs are built first: what is measured is amkit reading them, not Python building them.
    dense_10, dense_2 = dense_data_file(10 * MB), dense_data_file(2 * MB - 64)
    long_string = b"@{ A = '" + b"x" * (2 * MB - 16) + b"' }"
    nested = b"@{A=" + b"@(" * 100_000 + b")" * 100_000 + b"}"
    real_1, real_2, real_10 = real_script(MB), real_script(2 * MB), real_script(10 * MB)
    tiny = b"function F { 1 }\n" * (10 * MB // 17)
    # An unclosed brace makes the rest one statement holding every later error: once quadratic to recover from.
    broken = b"function Open {\n" + b"if ($x) { ) }\nfunction F { 1 }\n" * (MB // 32)
    over = b"Write-Output 1\n" * (20 * MB // 15)
    package = zipped_script(10 * MB)
    with zipfile.ZipFile(package) as archive:  # the floor of reading the package is parsing its script
        script_package = archive.read("Big/Big.psm1")
    rows: list[tuple[str, Callable[[], object], bytes]] = [
        ("data file, 10 MB (over the limit)", lambda: amkit.read_psd1(dense_10), b""),
        ("data file, 2 MB of small constants", lambda: amkit.read_psd1(dense_2, skip_limit_check=True), dense_2),
        ("data file, 2 MB string", lambda: amkit.read_psd1(long_string), long_string),
        ("data file, nested 100,000 deep", lambda: amkit.read_psd1(nested), b""),
        ("script, real, 1 MB", lambda: amkit.parse_script(real_1), real_1),
        ("script, real, 2 MB", lambda: amkit.parse_script(real_2), real_2),
        ("script, real, 10 MB", lambda: amkit.parse_script(real_10), real_10),
        ("script, 10 MB of tiny functions", lambda: amkit.parse_script(tiny), tiny),
        ("script, 1 MB of errors in one statement", lambda: amkit.parse_script(broken), broken),
        ("script, 20 MB (over the limit)", lambda: amkit.parse_script(over), b""),
        ("package, 10 MB script zipped", lambda: read_package(package), script_package),
    ]
    print(f"{'input':40} {'seconds':>8} {'peak MB':>8}  goal  {'parse s':>8} {'tree MB':>8}  outcome")
    for label, action, parsed in rows:
        read = refused_or_read(action)
        outcomes: list[str] = []
        seconds, peak = measure(lambda read=read, outcomes=outcomes: outcomes.append(read()), repeat=1)
        goal = "met" if seconds < 2 and peak < 200 * MB else "MISSED"
        floor = parse_floor(parsed) if parsed else f"{'-':>8} {'-':>8}"
        print(f"{label:40} {seconds:8.2f} {peak / MB:8.0f}  {goal:5} {floor}  {outcomes[0]}", flush=True)


if __name__ == "__main__":
    main()
