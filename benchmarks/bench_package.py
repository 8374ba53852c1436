"""How fast amkit opens and inspects a large package, against merely decompressing it.

Builds a package shaped like a big rollup (many side-by-side versions, each with
a manifest, nested script modules and commands with help), then prints:

- open+list: open the zip, list versions and the files table (central directory only);
- full inspect: every manifest, script and command, as ``amkit inspect --json`` does;
- decompress: Python reading every member's bytes, the floor any reader pays;

with each as a ratio to decompress, and the peak memory (tracemalloc) of each.

Run: ``python benchmarks/bench_package.py [--versions N] [--scripts N] [--functions N]``
"""

from __future__ import annotations

import argparse
import tempfile
import zipfile
from pathlib import Path

from measure import measure

import amkit
from amkit.package.summary import package_summary

FUNCTION = """
function {name} {{
    <#
    .SYNOPSIS
    Does step {index} of the {module} workflow.
    .DESCRIPTION
    A generated function with help, parameters and a couple of calls.
    .PARAMETER Name
    The name to work on.
    .EXAMPLE
    {name} -Name demo
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByName', HelpUri = 'https://example.org/{name}')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ByName')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,
        [Parameter(ParameterSetName = 'ById')]
        [int] $Id = 0
    )
    $script:LastName = $Name
    Write-Verbose "running {name}"
    [pscustomobject]@{{ Name = $Name; Id = $Id }}
}}
"""


def build(path: Path, versions: int, scripts: int, functions: int) -> Path:
    """Write ``Rollup.zip`` with ``versions`` version folders of ``scripts`` nested modules each."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for major in range(versions):
            version = f"{1 + major // 100}.{major % 100}.0"
            folder = f"Rollup/{version}"
            nested = [f"Part{index:03d}.psm1" for index in range(scripts)]
            names = [f"Invoke-Part{index:03d}Step{step:02d}" for index in range(scripts) for step in range(functions)]
            manifest = (
                "@{\n"
                f"    ModuleVersion = '{version}'\n"
                "    GUID = '0f3b2c57-7d55-4a4e-9a7b-1d2a3b4c5d6e'\n"
                "    Author = 'Benchmarks'\n"
                "    RootModule = 'Rollup.psm1'\n"
                f"    NestedModules = @({', '.join(repr(name) for name in nested)})\n"
                f"    FunctionsToExport = @({', '.join(repr(name) for name in names)})\n"
                "    RequiredModules = @(@{ModuleName = 'Az.Accounts'; ModuleVersion = '2.7.0'})\n"
                "}\n"
            )
            archive.writestr(f"{folder}/Rollup.psd1", manifest)
            archive.writestr(f"{folder}/Rollup.psm1", "Set-StrictMode -Version Latest\n")
            for index, name in enumerate(nested):
                body = "".join(
                    FUNCTION.format(name=f"Invoke-Part{index:03d}Step{step:02d}", index=step, module="Rollup")
                    for step in range(functions)
                )
                archive.writestr(f"{folder}/{name}", body)
    return path


def decompress_all(path: Path) -> None:
    """Read every member, the least any reader of the package must do."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            archive.read(info)


def open_and_list(path: Path) -> None:
    """Open the package and list its versions and files."""
    with amkit.open_package(path) as package:
        _ = [str(version.version) for version in package.versions]
        _ = package.files


def inspect_all(path: Path) -> None:
    """Everything ``amkit inspect`` reports: manifests, scripts, commands."""
    with amkit.open_package(path) as package:
        package_summary(package)


def main() -> None:
    """Build the package, run the three measurements and print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--scripts", type=int, default=15)
    parser.add_argument("--functions", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = build(Path(folder) / "Rollup.zip", args.versions, args.scripts, args.functions)
        with zipfile.ZipFile(path) as archive:
            members = len(archive.infolist())
            size = sum(info.file_size for info in archive.infolist())
        print(
            f"package: {args.versions} versions, {members} files, {size / 2**20:.1f} MiB unpacked, "
            f"{path.stat().st_size / 2**20:.1f} MiB packed, "
            f"{args.versions * args.scripts * args.functions} functions"
        )
        baseline, baseline_peak = measure(lambda: decompress_all(path))
        rows = [("decompress", baseline, baseline_peak)]
        rows.append(("open+list", *measure(lambda: open_and_list(path))))
        rows.append(("full inspect", *measure(lambda: inspect_all(path))))
        print(f"{'step':<14}{'seconds':>10}{'x decompress':>14}{'peak MiB':>10}")
        for name, seconds, peak in rows:
            print(f"{name:<14}{seconds:>10.3f}{seconds / baseline:>14.2f}{peak / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
