"""amkit's speed at gallery scale: each row as seconds, against a floor timed in the same run where one exists.

Rows (the goals of the speed issue in the last column):

- open a package and list its versions (the version folders: no manifest read),
  and the same plus each version's manifest (its prerelease label), at 2,312
  members and at 3,400 members in 200 versions; floor: ``zipfile``'s own
  ``ZipFile(path).infolist()``;
- full inspect (every manifest, command, help and parameter, as ``amkit inspect
  --json``) of 30 modules zipped together, made of the real scripts of
  ``../shared/corpus`` (generated ones without it); floor: decompressing every
  member and parsing every PowerShell file with tree-sitter, on one core;
- a rescan of 1,000 unchanged packages with ``cache=``, against the first scan;
- building an inventory of 10,000 modules, 50,000 versions and 200,000
  requirements from its records; ``dependencies`` of it (floor: a DataFrame
  of the same rows); ``plan_imports`` of the 1% of modules that need the most;
- ``import_timeline`` of 10,000 history rows drawn and rendered to PNG (floor:
  a plain scatter of the same points, rendered); ``ImportHistory`` on them:
  first draw, and a filter change (three changes of the modules picked,
  averaged, in the best of three rounds);
- ``AutomationAccount.open`` on a file of 100,000 history rows, its whole
  ``history()``, one module's, and one day's.

The open and the full inspect are timed in turns with their floors
(``measure.paired``): the machine's speed drifts by up to a third over
seconds, and in turns each slow spell slows both sides of a ratio.

Peak resident memory (the high-water mark of a fresh process, Linux's VmHWM) is printed for the
10,000-module plan and the 3,400-member open. Run: ``python benchmarks/bench_speed.py``
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import bench_deps
import bench_package
import matplotlib
import pandas as pd
from measure import measure, paired

import amkit
from amkit.charts import import_activity, import_timeline, version_history
from amkit.deps.table import DEPENDENCY_COLUMNS
from amkit.package.summary import package_summary
from amkit.powershell.syntax import SourceText
from amkit.widgets import ImportHistory

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpus" / "scripts" / "files"
GALLERY = 10_000  # modules, at 5 versions and 4 requirements each
HISTORY = 100_000
CHART_ROWS = 10_000


def row(label: str, seconds: float, floor: float | None, goal: str) -> None:
    ratio = f"{seconds / floor:6.2f}x" if floor else f"{'':>7}"
    floor_text = f"{floor:9.3f}" if floor else f"{'':>9}"
    print(f"{label:58} {seconds:9.3f} {floor_text} {ratio}   {goal}", flush=True)


def best(action: Callable[[], object], repeat: int = 3) -> float:
    return measure(action, repeat=repeat)[0]


# Packages ------------------------------------------------------------------------------------------


def thirty_modules(path: Path) -> Path:
    """30 modules in one zip, each with a manifest and real scripts as nested modules."""
    sources = sorted(CORPUS.glob("*.ps*1")) if CORPUS.is_dir() else []
    texts = [source.read_bytes() for source in sources] or [
        bench_package.FUNCTION.format(name=f"Get-Thing{n}", index=n, module="M").encode() for n in range(90)
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(30):
            mine = texts[number::30]
            nested = [f"Part{index}.psm1" for index in range(len(mine))]
            manifest = (
                f"@{{ ModuleVersion = '1.{number}.0'; RootModule = 'Bundle.psm1'; "
                f"NestedModules = @({', '.join(repr(name) for name in nested)}); FunctionsToExport = '*' }}"
            )
            folder = f"Bundle/1.{number}.0"
            archive.writestr(f"{folder}/Bundle.psd1", manifest)
            archive.writestr(f"{folder}/Bundle.psm1", "Set-StrictMode -Version Latest\n")
            for name, text in zip(nested, mine, strict=True):
                archive.writestr(f"{folder}/{name}", text)
    return path


def decompress_and_parse(path: Path) -> None:
    """The floor of a full inspect: every member decompressed, every PowerShell file parsed once."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename.casefold().endswith((".ps1", ".psm1", ".psd1")):
                SourceText(data.decode("utf-8-sig", errors="replace"))


def open_and_list(path: Path, manifests: bool) -> None:
    with amkit.open_package(path) as package:
        _ = [str(version.version) if manifests else version.folder for version in package.versions]


def packages(folder: Path) -> None:
    print("\npackages")
    small = bench_package.build(folder / "Small.zip", 136, 15, 2)  # 136 x 17 = 2,312 members
    large = bench_package.build(folder / "Rollup.zip", 200, 15, 2)  # 200 x 17 = 3,400 members
    for path, members in ((small, "2,312"), (large, "3,400")):
        label = f"open {members} members, list versions"
        listed, floor = paired(
            lambda path=path: open_and_list(path, False), lambda path=path: zipfile.ZipFile(path).infolist(), repeat=10
        )
        row(label, listed, floor, "<= 1.5x")
        row(f"{label} + manifests", best(lambda path=path: open_and_list(path, True)), floor, "")
    bundle = thirty_modules(folder / "Bundle.zip")

    def inspect(executor: Executor | None = None) -> None:
        with amkit.open_package(bundle, executor=executor) as package:
            package_summary(package)

    row("full inspect of 30 modules (one core)", *paired(inspect, lambda: decompress_and_parse(bundle)), "<= 2x")
    shelf = bench_deps.az_like(folder / "mirror", 1_000)
    cache = folder / "mirror.parquet"

    def first_scan() -> None:
        cache.unlink(missing_ok=True)
        amkit.scan(shelf, progress=False, cache=cache)

    first = best(first_scan, repeat=1)
    again = best(lambda: amkit.scan(shelf, progress=False, cache=cache))
    row("rescan of 1,000 unchanged packages (first scan: floor)", again, first, "<= 0.05x")
    with ProcessPoolExecutor(max_workers=2) as pool:
        inspect(pool)  # the workers start and import amkit once, as in a session that keeps its pool
        seconds, floor = paired(lambda: inspect(pool), lambda: decompress_and_parse(bundle))
        row("full inspect of 30 modules (2 processes)", seconds, floor, "<= 1.0x")


# Dependencies --------------------------------------------------------------------------------------


def dependency_rows() -> None:
    print(f"\ndependencies: {GALLERY:,} modules")
    records = bench_deps.gallery_records(GALLERY)
    build = best(lambda: amkit.Inventory(records), repeat=1)
    inventory = amkit.Inventory(records)
    table = best(lambda: amkit.dependencies(inventory), repeat=1)
    made = amkit.dependencies(inventory)
    rows = list(made.astype(object).where(made.notna(), None).itertuples(index=False, name=None))  # the same rows
    floor = best(lambda: pd.DataFrame(rows, columns=DEPENDENCY_COLUMNS), repeat=1)
    targets = bench_deps.targets(inventory)
    plan = best(lambda: amkit.plan_imports(targets, inventory), repeat=1)
    row(f"inventory from {len(records):,} records", build, None, "< 2 s")
    row(f"dependencies ({len(rows):,} requirements)", table, floor, "")
    row(f"plan_imports ({len(targets)} targets)", plan, None, "")
    row("inventory + dependencies + plan", build + table + plan, floor, "< 2 s")


# History -------------------------------------------------------------------------------------------


def history_table(rows: int) -> pd.DataFrame:
    """``rows`` history rows of 300 modules (a few busy ones), 8% of imports failing."""
    frame = pd.DataFrame(
        {
            "operation_id": [number // 4 + 1 for number in range(rows)],
            "state": [("Creating", "ContentDownloaded", "ModuleDataStored", "Succeeded")[n % 4] for n in range(rows)],
        }
    )
    operation = frame["operation_id"]
    frame["state"] = frame["state"].where(~((operation % 12 == 0) & (frame["state"] == "Succeeded")), "Failed")
    frame["time"] = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(operation * 1200 + frame.index % 4 * 15, "s")
    frame["operation"] = "import"
    frame["module"] = [f"Contoso.Mod{(n * n) % 300:03d}" for n in operation]
    frame["version"] = [f"1.{n % 50}.0" for n in operation]
    frame["error_code"] = frame["state"].map({"Failed": "ModuleImportFailed"})
    frame["error_message"] = frame["error_code"]
    frame["runtime"], frame["runtime_environment"] = "5.1", "PowerShell-5.1"
    return frame


def history_rows() -> None:
    print(f"\nhistory: {CHART_ROWS:,} rows charted, an account file of {HISTORY:,}")
    history = history_table(CHART_ROWS)

    def png(ax: Axes) -> None:
        ax.figure.savefig(io.BytesIO(), format="png")
        plt.close(ax.figure)

    def scatter() -> None:
        ax = plt.subplots(figsize=(11, 12))[1]
        ax.scatter(history["time"].dt.tz_convert(None), history["operation_id"] % 41)
        png(ax)

    floor = best(scatter)
    row("import_timeline drawn and rendered", best(lambda: png(import_timeline(history))), floor, "< 1 s")
    row("import_activity drawn and rendered", best(lambda: png(import_activity(history))), floor, "< 1 s")
    module = history["module"].iloc[0]
    versions = best(lambda: png(version_history(history, module)))
    row("version_history drawn and rendered", versions, floor, "< 1 s")
    widget = ImportHistory(history)
    row("ImportHistory first draw", best(lambda: ImportHistory(history), repeat=1), None, "< 1 s")
    names = list(widget.modules_picker.options)
    choices = [tuple(names[:20]), tuple(names[10:40]), tuple(names)]
    change = best(lambda: [setattr(widget.modules_picker, "value", choice) for choice in choices]) / 3
    row("ImportHistory filter change", change, None, "< 0.2 s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.db"
        amkit.AutomationAccount.open(path).close()
        big = history_table(HISTORY)
        stored = big.assign(time=big["time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), environment="PowerShell-5.1")
        columns = ["operation_id", "time", "operation", "runtime", "environment", "module", "version", "state"]
        with sqlite3.connect(path) as connection:
            connection.executemany(
                f"INSERT INTO history ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                stored[columns].itertuples(index=False),
            )
        row("AutomationAccount.open", best(lambda: amkit.AutomationAccount.open(path).close()), None, "< 0.5 s")
        account = amkit.AutomationAccount.open(path)
        row("history(), whole", best(account.history), None, "")
        row("history(module)", best(lambda: account.history(module)), None, "indexed")
        day = best(lambda: account.history(start="2025-02-01", end="2025-02-01T23:59:59"))
        row("history(start, end), one day", day, None, "indexed")
        account.close()


# Peak memory --------------------------------------------------------------------------------------


#: Run in a fresh interpreter: the peak resident memory after the imports, then at the end, in KiB. It is the
#: new program's own high-water mark (VmHWM): ru_maxrss would keep the forking parent's across exec.
PEAK = """
import sys
from pathlib import Path
sys.path.insert(0, {here!r})
import amkit, bench_deps, bench_speed
def peak():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
before = peak()
if {task!r} == "plan":
    inventory = bench_deps.gallery({modules})
    amkit.plan_imports(inventory.names[-{modules} // 100 :], inventory)
else:
    bench_speed.open_and_list(Path({path!r}), True)
print(before, peak())
"""


def peak_memory(folder: Path) -> None:
    print("\npeak resident memory (a fresh process: after its imports, and at its peak)")
    large = bench_package.build(folder / "Rollup.zip", 200, 15, 2)
    for label, task in ((f"plan of {GALLERY:,} modules", "plan"), ("open 3,400 members + manifests", "open")):
        code = PEAK.format(here=str(Path(__file__).parent), task=task, modules=GALLERY, path=str(large))
        found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        before, after = (int(value) for value in found.stdout.split())
        print(f"{label:58} {before / 1024:7.0f} MB -> {after / 1024:5.0f} MB")


def main() -> None:
    print(f"{'':58} {'seconds':>9} {'floor':>9} {'ratio':>7}   goal")
    with tempfile.TemporaryDirectory() as folder:
        packages(Path(folder))
        dependency_rows()
        history_rows()
        peak_memory(Path(folder))


if __name__ == "__main__":
    main()
