"""How scanning, dependency tables and import plans grow with the size of the input.

Two inputs, each at 1x, 10x and 100x:

- scan: real zips shaped like the Az rollup (one Az.Accounts, the other modules
  requiring it and a few of each other), 80 modules at 1x;
- dependencies and plan: a synthetic gallery-sized graph in memory, 100
  modules, 500 versions and 2,000 requirements at 1x (10,000 modules, 50,000
  versions and 200,000 requirements at 100x), mixing minimums, exact versions,
  maximums and GUIDs; the plan brings in the 1% of modules that need the most.

For each size it prints seconds (the best of three runs) and peak memory
(tracemalloc, in a separate run) and the growth against the previous size:
10.0 is linear, 100.0 would be quadratic.

The dependency table and the plan are timed as a session makes them: the first
call on a new inventory, each run in a fresh process. Called again in the same
process, amkit's caches (each requirement's test of versions, say) hold all of a
small gallery but only part of a large one, so repeated calls are quicker at the
small sizes alone, and their growth overstates what any one call costs.

Run: ``python benchmarks/bench_deps.py [--largest 100] [--skip-scan]``
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from measure import measure

import amkit
from amkit.package.module_spec import ModuleSpec

AZ_MODULES = 80
GALLERY_MODULES = 100
VERSIONS_PER_MODULE = 5
REQUIREMENTS_PER_VERSION = 4
#: Runs of each step at every size, the best kept. The same at every size: the best of three
#: against a single run would count that run's bad luck (up to a third here) as growth.
REPEAT = 3


def az_like(folder: Path, modules: int) -> Path:
    """Write ``modules`` zips like the Az rollup: Az.Accounts, and modules that require it and each other."""
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    names = ["Az.Accounts"] + [f"Az.Module{number:05d}" for number in range(1, modules)]
    for number, name in enumerate(names):
        needs = ["@{ModuleName = 'Az.Accounts'; ModuleVersion = '2.7.0'}"] if number else []
        needs += (
            [f"'{names[other]}'" for other in rng.sample(range(1, number), min(2, number - 1))] if number > 1 else []
        )
        functions = ", ".join(f"'Get-{name.replace('.', '')}Item{index}'" for index in range(5))
        manifest = (
            "@{\n"
            "    ModuleVersion = '2.12.1'\n"
            f"    GUID = '{rng.randrange(16**32):032x}'\n"
            f"    RootModule = '{name}.psm1'\n"
            f"    RequiredModules = @({', '.join(needs)})\n"
            f"    FunctionsToExport = @({functions})\n"
            "}\n"
        )
        script = "".join(f"function Get-{name.replace('.', '')}Item{index} {{ }}\n" for index in range(5))
        with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}/{name}.psd1", manifest)
            archive.writestr(f"{name}/{name}.psm1", script)
    return folder


def gallery(modules: int) -> amkit.Inventory:
    """A synthetic gallery: every module at several versions, each requiring modules listed before it."""
    return amkit.Inventory(gallery_records(modules))


def gallery_sizes(modules: int) -> str:
    """The sizes of :func:`gallery`, counted from its rule rather than built (each timed run builds its own)."""
    versions = modules * VERSIONS_PER_MODULE
    requirements = (modules - 1) * VERSIONS_PER_MODULE * REQUIREMENTS_PER_VERSION  # the first module needs none
    return f"{modules} modules, {versions} versions, {requirements} requirements"


def gallery_records(modules: int) -> list[amkit.ModuleRecord]:
    """The records of :func:`gallery`: requirements are minimums, pins to the latest release, maximums and GUIDs."""
    rng = random.Random(11)
    records = []
    guids = [f"{rng.randrange(16**32):032x}" for _ in range(modules)]
    for number in range(modules):
        name = f"Gallery.Module{number:06d}"
        for minor in range(VERSIONS_PER_MODULE):
            requirements = []
            for _ in range(REQUIREMENTS_PER_VERSION if number else 0):
                other = rng.randrange(number)
                form = rng.randrange(4)
                keys: dict[str, str] = {"ModuleName": f"Gallery.Module{other:06d}"}
                if form == 0:
                    keys["ModuleVersion"] = f"1.{rng.randrange(VERSIONS_PER_MODULE)}.0"
                elif form == 1:
                    keys["RequiredVersion"] = f"1.{VERSIONS_PER_MODULE - 1}.0"  # pinned to the latest release
                elif form == 2:
                    keys["MaximumVersion"] = "1.*"
                else:
                    keys["ModuleVersion"] = "1.0.0"
                    keys["GUID"] = guids[other]
                spec = ModuleSpec.from_value(keys)
                requirements.append(amkit.Requirement(spec.name, "required", spec.written, spec))
            records.append(
                amkit.ModuleRecord(
                    name, amkit.PSVersion(f"1.{minor}.0"), guid=guids[number], requirements=tuple(requirements)
                )
            )
    return records


def growth(rows: list[tuple[int, float, int]]) -> list[str]:
    lines = []
    previous: tuple[int, float, int] | None = None
    for scale, seconds, peak in rows:
        ratio = f"{seconds / previous[1]:>9.1f}x" if previous and previous[1] > 0 else f"{'':>10}"
        memory = f"{peak / previous[2]:>9.1f}x" if previous and previous[2] > 0 else f"{'':>10}"
        lines.append(f"{scale:>6}x{seconds:>11.3f}{ratio}{peak / 2**20:>11.1f}{memory}")
        previous = (scale, seconds, peak)
    return lines


def report(title: str, rows: list[tuple[int, float, int]]) -> None:
    print(f"\n{title}")
    print(f"{'size':>7}{'seconds':>11}{'growth':>10}{'peak MiB':>11}{'growth':>10}")
    for line in growth(rows):
        print(line)


def targets(inventory: amkit.Inventory) -> list[str]:
    """The 1% of modules that need the most (the gallery's modules require only those before them)."""
    return list(inventory.names[-max(1, len(inventory.names) // 100) :])


#: The steps timed on a gallery, each as the call it makes on an inventory.
STEPS: dict[str, Callable[[amkit.Inventory], Callable[[], Any]]] = {
    "dependencies": lambda inventory: partial(amkit.dependencies, inventory),
    "plan_imports": lambda inventory: partial(amkit.plan_imports, targets(inventory), inventory),
}


def first_call(step: str, scale: int) -> tuple[float, int]:
    """The best seconds of ``REPEAT`` first calls of ``step`` on the gallery at ``scale``, each in a fresh process.

    Also the peak memory of the call (the largest of the runs').
    """
    runs = [
        subprocess.run(
            [sys.executable, __file__, "--first", step, str(scale)], check=True, capture_output=True, text=True
        ).stdout.split()
        for _ in range(REPEAT)
    ]
    return min(float(seconds) for seconds, _ in runs), max(int(peak) for _, peak in runs)


def main() -> None:
    """Measure each step at every size and print the figures and growth ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--largest", type=int, default=100, choices=(1, 10, 100), help="the largest scale to run")
    parser.add_argument("--skip-scan", action="store_true", help="leave out scanning real zips (the slowest step)")
    parser.add_argument("--first", nargs=2, metavar=("STEP", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first:  # one run of first_call: the call's seconds and peak bytes
        step, scale = args.first
        print(*measure(STEPS[step](gallery(GALLERY_MODULES * int(scale))), repeat=1))
        return
    scales = [scale for scale in (1, 10, 100) if scale <= args.largest]
    if not args.skip_scan:
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            for scale in scales:
                shelf = az_like(Path(folder) / f"x{scale}", AZ_MODULES * scale)
                rows.append((scale, *measure(partial(amkit.scan, shelf, progress=False), repeat=REPEAT)))
        report(f"scan: {AZ_MODULES} zips at 1x", rows)
    modules = GALLERY_MODULES * scales[-1]
    print(f"\ngallery at {scales[-1]}x: {gallery_sizes(modules)}")
    tables = [(scale, *first_call("dependencies", scale)) for scale in scales]
    report(f"dependencies: {GALLERY_MODULES * VERSIONS_PER_MODULE} versions at 1x", tables)
    plans = [(scale, *first_call("plan_imports", scale)) for scale in scales]
    report(f"plan_imports: 1% of {GALLERY_MODULES} modules as targets at 1x", plans)


if __name__ == "__main__":
    main()
