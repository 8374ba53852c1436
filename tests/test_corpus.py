"""Every real manifest and connection type in ../shared/corpus, read and compared with its expected row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import amkit

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MANIFESTS = CORPUS / "manifests"
CONNECTION_TYPES = CORPUS / "connection_types"

if not CORPUS.is_dir():
    pytest.skip(
        f"the shared corpus is not beside the checkout ({CORPUS} is absent)",
        allow_module_level=True,
    )


def _rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "expected.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _exports(manifest: amkit.Manifest) -> str:
    exports = manifest.functions_to_export
    if exports.declared == "absent":
        return "absent"
    if exports.declared == "null":
        return "null"
    if exports.declared == "wildcard":
        return "*"
    return str(len(exports.patterns))


def _required(manifest: amkit.Manifest) -> str:
    if "RequiredModules" not in manifest:
        return "absent"
    specs = manifest.required_modules
    return " | ".join(spec.written for spec in specs) if specs else "(empty)"


def _prerelease(manifest: amkit.Manifest) -> str:
    value = manifest.psdata.get("Prerelease")
    if value is None:
        return ""
    return "(empty)" if value == "" else str(value)


@pytest.mark.parametrize("row", _rows(MANIFESTS), ids=lambda row: row["file"])
def test_manifest_matches_expected(row: dict[str, str]) -> None:
    manifest = amkit.Manifest.read(MANIFESTS / row["file"])
    assert (manifest.module_version or "") == row["ModuleVersion"]
    assert (manifest.root_module or "") == row["RootModule"]
    assert (manifest.root_module_key or "absent") == row["RootModuleKey"]
    assert (manifest.guid or "") == row["GUID"]
    assert _required(manifest) == row["RequiredModules"]
    assert _exports(manifest) == row["FunctionsToExport"]
    assert _prerelease(manifest) == row["Prerelease"]


def test_corpus_encodings_are_honoured() -> None:
    rows = _rows(MANIFESTS)
    assert {row["encoding"] for row in rows} >= {"ascii", "utf-16le-bom"}
    for row in rows:
        data = (MANIFESTS / row["file"]).read_bytes()
        _, encoding = amkit.powershell.textfile.decode_source(data)
        expected = {"ascii": "utf-8"}.get(row["encoding"], row["encoding"])
        assert encoding == expected, row["file"]


def test_symbolic_required_modules_resolve_to_relative_paths() -> None:
    manifest = amkit.Manifest.read(MANIFESTS / "BackupValidationTool-1.0.0.0.psd1")
    paths = [spec.path for spec in manifest.required_modules]
    assert paths == [
        "Unprotect-AzsBackup.psd1",
        "IBCAdapterClientPkg/Microsoft.AzureStack.Fabric.Backup.Common.Client.Cmdlets.psd1",
    ]
    assert [spec.name for spec in manifest.required_modules] == [
        "Unprotect-AzsBackup",
        "Microsoft.AzureStack.Fabric.Backup.Common.Client.Cmdlets",
    ]


def test_corpus_manifests_refuse_strict_data_file_mode_only_for_restricted_values() -> None:
    with pytest.raises(amkit.DataFileError) as caught:
        amkit.read_psd1(MANIFESTS / "BackupValidationTool-1.0.0.0.psd1", manifest=False)
    assert caught.value.construct == "command Join-Path"
    assert caught.value.line == 28


def _field_text(field: amkit.ConnectionField) -> str:
    return f"{field.name}:{field.type_name}:enc={str(field.is_encrypted).lower()}:opt={str(field.is_optional).lower()}"


@pytest.mark.parametrize("row", _rows(CONNECTION_TYPES), ids=lambda row: row["file"])
def test_connection_type_matches_expected(row: dict[str, str]) -> None:
    module = row["file"].split("-Automation")[0]
    connection_type = amkit.read_connection_type(CONNECTION_TYPES / row["file"], module=module)
    assert connection_type.name == row["ConnectionTypeName"]
    assert connection_type.module == row["IntegrationModuleName"]
    assert len(connection_type.fields) == int(row["field_count"])
    assert " | ".join(_field_text(field) for field in connection_type.fields) == row["fields"]
