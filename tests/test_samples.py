import json
import zipfile

import pytest

import amkit
from amkit import samples
from amkit.errors import PackageError

EXPECTED_ENTRIES = {
    "SideBySide": [
        "SideBySide/1.0.0/SideBySide.psd1",
        "SideBySide/1.0.0/SideBySide.psm1",
        "SideBySide/2.0.0/SideBySide.psd1",
        "SideBySide/2.0.0/SideBySide.psm1",
    ],
    "ContosoNotify": [
        "ContosoNotify/ContosoNotify-Automation.json",
        "ContosoNotify/ContosoNotify.psd1",
        "ContosoNotify/ContosoNotify.psm1",
    ],
    "ContosoBinary": [
        "ContosoBinary/ContosoBinary.dll",
        "ContosoBinary/ContosoBinary.psd1",
        "ContosoBinary/en-US/ContosoBinary.dll-help.xml",
    ],
    "ContosoCore": [
        "ContosoCore/ContosoCore.psd1",
        "ContosoCore/ContosoCore.psm1",
    ],
    "ContosoReports": [
        "ContosoReports/ContosoReports.psd1",
        "ContosoReports/ContosoReports.psm1",
    ],
}
FAULTY_ENTRIES = {
    "BrokenLayout": [
        "BrokenLayout/1.0.0/BrokenLayout-Automation.json",
        "BrokenLayout/1.0.0/BrokenLayout.psd1",
    ],
    "SloppyModule": [
        "SloppyModule/SloppyModule.psd1",
        "SloppyModule/SloppyModule.psm1",
    ],
}

# (manifest path inside the sample folder, ModuleVersion)
MANIFESTS = [
    ("SideBySide", "1.0.0/SideBySide.psd1", "1.0.0"),
    ("SideBySide", "2.0.0/SideBySide.psd1", "2.0.0"),
    ("ContosoNotify", "ContosoNotify.psd1", "1.4.0"),
    ("ContosoBinary", "ContosoBinary.psd1", "1.0.0"),
    ("ContosoCore", "ContosoCore.psd1", "1.2.0"),
    ("ContosoReports", "ContosoReports.psd1", "1.0.0"),
]

CORE_GUID = "d9a4c334-3bd4-4fa2-80c0-e1d661854ed8"


def manifest(name, relative):
    return amkit.read_psd1(samples.source(name) / relative)


def test_names_are_the_documented_samples_in_order():
    assert samples.names() == (
        "SideBySide",
        "ContosoNotify",
        "ContosoBinary",
        "ContosoCore",
        "ContosoReports",
    )


def test_faulty_names_are_separate_from_the_good_samples():
    assert samples.faulty_names() == ("BrokenLayout", "SloppyModule")
    assert not set(samples.faulty_names()) & set(samples.names())


def test_source_is_the_module_folder():
    folder = samples.source("ContosoCore")
    assert folder.is_dir()
    assert folder.name == "ContosoCore"
    assert sorted(p.name for p in folder.iterdir()) == ["ContosoCore.psd1", "ContosoCore.psm1"]


def test_build_writes_one_zip_per_sample_with_exactly_the_module_folder(tmp_path):
    dest = tmp_path / "out" / "zips"  # created by build
    built = samples.build(dest)
    assert built == {name: dest / f"{name}.zip" for name in samples.names()}
    for name, archive in built.items():
        with zipfile.ZipFile(archive) as bundle:
            infos = bundle.infolist()
            assert [info.filename for info in infos] == EXPECTED_ENTRIES[name]
            assert all("\\" not in info.filename for info in infos)
            assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
            assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
            assert bundle.testzip() is None
            for info in infos:
                relative = info.filename.split("/", 1)[1]
                assert bundle.read(info) == (samples.source(name) / relative).read_bytes()


def test_build_is_byte_identical(tmp_path):
    first = samples.build(tmp_path / "a")
    second = samples.build(tmp_path / "b")
    for name in samples.names():
        assert first[name].read_bytes() == second[name].read_bytes()


def test_build_selected_names_only(tmp_path):
    built = samples.build(tmp_path, ["ContosoReports", "ContosoCore"])
    assert list(built) == ["ContosoReports", "ContosoCore"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ContosoCore.zip", "ContosoReports.zip"]


def test_build_accepts_a_single_name_string(tmp_path):
    assert list(samples.build(tmp_path, "SideBySide")) == ["SideBySide"]


def test_build_writes_the_faulty_samples_by_name(tmp_path):
    built = samples.build(tmp_path, samples.faulty_names())
    assert list(built) == ["BrokenLayout", "SloppyModule"]
    for name, archive in built.items():
        assert samples.source(name).name == name
        with zipfile.ZipFile(archive) as bundle:
            assert bundle.namelist() == FAULTY_ENTRIES[name]
            for info in bundle.infolist():
                relative = info.filename.split("/", 1)[1]
                assert bundle.read(info) == (samples.source(name) / relative).read_bytes()


def test_faulty_samples_are_faulty_as_documented():
    broken = manifest("BrokenLayout", "1.0.0/BrokenLayout.psd1")
    assert broken["ModuleVersion"] == "1.0.1"  # in folder 1.0.0
    assert not (samples.source("BrokenLayout") / "1.0.0" / broken["RootModule"]).exists()
    connection = json.loads((samples.source("BrokenLayout") / "1.0.0" / "BrokenLayout-Automation.json").read_text())
    assert connection["IntegrationModuleName"] != "BrokenLayout"
    sloppy = manifest("SloppyModule", "SloppyModule.psd1")
    assert sloppy["FunctionsToExport"] == "*"
    assert "CmdletsToExport" not in sloppy
    assert sloppy["RequiredModules"] == [{"ModuleName": "Az.Accounts", "ModuleVersion": "2.10.0"}]
    script = (samples.source("SloppyModule") / "SloppyModule.psm1").read_text()
    for written in (
        "AzureRM",
        "$script:LastReport",
        "HKLM:\\",
        "C:\\Temp",
        "Resolve-DnsName",
        "Import-Module Az.Accounts\n",
    ):
        assert written in script
    assert "<#" not in script and "OutputType" not in script and "RequiredVersion" not in script
    # Strict mode: what Import-PowerShellDataFile itself accepts.
    for name, relative in (("BrokenLayout", "1.0.0/BrokenLayout.psd1"), ("SloppyModule", "SloppyModule.psd1")):
        assert amkit.read_psd1(samples.source(name) / relative, manifest=False) == manifest(name, relative)


@pytest.mark.parametrize("bad", ["NoSuchModule", "sidebyside", ""])
def test_unknown_name_raises_package_error_listing_samples(tmp_path, bad):
    with pytest.raises(
        PackageError,
        match=r"no sample named .*samples: SideBySide, ContosoNotify.*; faulty samples: BrokenLayout, SloppyModule",
    ):
        samples.build(tmp_path, ["ContosoCore", bad])
    assert list(tmp_path.iterdir()) == []  # nothing written
    with pytest.raises(PackageError):
        samples.source(bad)


@pytest.mark.parametrize(("name", "relative", "version"), MANIFESTS)
def test_every_manifest_is_a_valid_data_file(name, relative, version):
    data = manifest(name, relative)
    assert data["ModuleVersion"] == version
    assert data["PowerShellVersion"] == "5.1"
    assert data["Author"] == "Contoso Automation Team"
    assert data["Description"]
    # Strict mode: what Import-PowerShellDataFile itself accepts.
    assert amkit.read_psd1(samples.source(name) / relative, manifest=False) == data


def test_guids_are_distinct_per_module_and_shared_across_versions():
    guids = {(name, manifest(name, relative)["GUID"]) for name, relative, _ in MANIFESTS}
    assert len({guid for _, guid in guids}) == len({name for name, _ in guids}) == 5
    assert manifest("ContosoCore", "ContosoCore.psd1")["GUID"] == CORE_GUID


def test_side_by_side_versions_differ_by_one_command():
    old = manifest("SideBySide", "1.0.0/SideBySide.psd1")
    new = manifest("SideBySide", "2.0.0/SideBySide.psd1")
    assert old["FunctionsToExport"] == ["ConvertTo-Slug", "Format-Duration"]
    assert new["FunctionsToExport"] == ["ConvertFrom-Slug", "ConvertTo-Slug", "Format-Duration"]
    old_script = (samples.source("SideBySide") / "1.0.0" / "SideBySide.psm1").read_text()
    new_script = (samples.source("SideBySide") / "2.0.0" / "SideBySide.psm1").read_text()
    assert "[int] $Seconds" in old_script and "$Duration" not in old_script
    assert "[TimeSpan] $Duration" in new_script and "$Seconds" not in new_script


def test_contoso_reports_requires_contoso_core_by_name_version_and_guid():
    required = manifest("ContosoReports", "ContosoReports.psd1")["RequiredModules"]
    assert required == [{"ModuleName": "ContosoCore", "ModuleVersion": "1.2.0", "GUID": CORE_GUID}]
    core = manifest("ContosoCore", "ContosoCore.psd1")
    script = (samples.source("ContosoReports") / "ContosoReports.psm1").read_text()
    for command in ("Invoke-ContosoRequest", "ConvertTo-ContosoQueryString"):
        assert command in core["FunctionsToExport"]
        assert command in script


def test_contoso_binary_manifest_names_the_dll_and_its_cmdlets():
    data = manifest("ContosoBinary", "ContosoBinary.psd1")
    assert data["RootModule"] == "ContosoBinary.dll"
    assert data["CmdletsToExport"] == [
        "Get-ContosoWidget",
        "Set-ContosoWidget",
        "Export-ContosoWidget",
    ]
    assert (samples.source("ContosoBinary") / "ContosoBinary.dll").read_bytes()[:2] == b"MZ"


def test_contoso_notify_connection_type_file():
    path = samples.source("ContosoNotify") / "ContosoNotify-Automation.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "ConnectionFields": [
            {
                "IsEncrypted": False,
                "IsOptional": False,
                "Name": "ApiUri",
                "TypeName": "System.String",
            },
            {
                "IsEncrypted": True,
                "IsOptional": False,
                "Name": "ApiKey",
                "TypeName": "System.String",
            },
            {
                "IsEncrypted": False,
                "IsOptional": False,
                "Name": "Username",
                "TypeName": "System.String",
            },
            {
                "IsEncrypted": False,
                "IsOptional": True,
                "Name": "Region",
                "TypeName": "System.String",
            },
        ],
        "ConnectionTypeName": "ContosoNotify",
        "IntegrationModuleName": "ContosoNotify",
    }


def test_contoso_notify_functions_take_both_parameter_sets():
    script = (samples.source("ContosoNotify") / "ContosoNotify.psm1").read_text()
    assert script.count("DefaultParameterSetName = 'ByConnection'") == 2
    connection = "ParameterSetName = 'ByConnection')]\n        [hashtable] $Connection"
    assert script.count(connection) == 2
    for field in ("ApiUri", "ApiKey", "Username", "Region"):
        assert script.count(f"] ${field},") == 2
