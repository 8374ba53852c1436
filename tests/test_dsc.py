"""The DSC resources a module exports: MOF-based, composite and class-based, from real zips."""

from __future__ import annotations

from pathlib import Path

from packages import write_zip

import amkit
from amkit.package import dsc_resources

CLASS_RESOURCE = """
[DscResource()]
class WebSite {
    [DscProperty(Key)] [string] $Name
    [WebSite] Get() { return $this }
    [bool] Test() { return $true }
    [void] Set() { }
}
class NotAResource { }
"""


def test_every_kind_of_resource_is_listed_and_the_manifest_limits_them(tmp_path: Path) -> None:
    members = {
        "WebDsc/WebDsc.psd1": "@{ ModuleVersion = '1.0.0'; RootModule = 'WebDsc.psm1' }",
        "WebDsc/WebDsc.psm1": CLASS_RESOURCE,
        "WebDsc/DSCResources/MSFT_File/MSFT_File.schema.mof": "class MSFT_File : OMI_BaseResource {};",
        "WebDsc/DSCResources/MSFT_File/MSFT_File.psm1": "function Get-TargetResource { }",
        "WebDsc/DSCResources/Baseline/Baseline.schema.psm1": "Configuration Baseline { }",
        "WebDsc/DSCResources/Notes/readme.txt": "not a resource",
    }
    with amkit.open_package(write_zip(tmp_path / "WebDsc.zip", members)) as package:
        table = dsc_resources(package.latest)
    assert table.values.tolist() == [
        ["Baseline", "composite", "WebDsc/DSCResources/Baseline/Baseline.schema.psm1"],
        ["MSFT_File", "mof", "WebDsc/DSCResources/MSFT_File/MSFT_File.schema.mof"],
        ["WebSite", "class", "WebDsc/WebDsc.psm1"],
    ]
    members["WebDsc/WebDsc.psd1"] = (
        "@{ ModuleVersion = '1.0.0'; RootModule = 'WebDsc.psm1'; DscResourcesToExport = @('WebSite', 'MSFT_*') }"
    )
    with amkit.open_package(write_zip(tmp_path / "limited" / "WebDsc.zip", members)) as package:
        assert dsc_resources(package.latest)["name"].tolist() == ["MSFT_File", "WebSite"]
        assert package.latest.dsc_resources.equals(dsc_resources(package.latest))
