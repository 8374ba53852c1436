"""The .NET assemblies modules ship, and conflicts between them, read from real assemblies built with mcs."""

from __future__ import annotations

from pathlib import Path

from packages import compile_assembly, module, needs_mcs, write_zip

import amkit
from amkit.deps.assemblies import ASSEMBLY_COLUMNS, CONFLICT_COLUMNS


def shared_lib(folder: Path, version: str) -> bytes:
    source = (
        f'[assembly: System.Reflection.AssemblyVersion("{version}")]\nnamespace Shared {{ public class Lib {{ }} }}\n'
    )
    return compile_assembly(folder / version, "Shared.Lib", source).read_bytes()


def shipping(tmp_path: Path, name: str, version: str, lib: bytes) -> Path:
    members = {**module(name, "1.0.0", functions=(f"Get-{name}",)), f"{name}/lib/Shared.Lib.dll": lib}
    return write_zip(tmp_path / "pkgs" / f"{name}.zip", members)


@needs_mcs
def test_two_modules_shipping_one_assembly_at_two_versions(tmp_path: Path) -> None:
    first = shipping(tmp_path, "First", "1.0.0", shared_lib(tmp_path / "build", "1.0.0.0"))
    second = shipping(tmp_path, "Second", "1.0.0", shared_lib(tmp_path / "build", "2.0.0.0"))
    inventory = amkit.scan([first, second], progress=False)
    table = amkit.assemblies(inventory)
    assert list(table.columns) == ASSEMBLY_COLUMNS
    assert table[["assembly", "version", "module", "path"]].values.tolist() == [
        ["Shared.Lib", "1.0.0.0", "First", "First/lib/Shared.Lib.dll"],
        ["Shared.Lib", "2.0.0.0", "Second", "Second/lib/Shared.Lib.dll"],
    ]
    conflicts = amkit.assembly_conflicts(inventory)
    assert list(conflicts.columns) == CONFLICT_COLUMNS
    (row,) = conflicts.to_dict("records")
    assert (row["assembly"], row["versions"]) == ("Shared.Lib", "1.0.0.0, 2.0.0.0")
    assert row["modules"] == "First 1.0.0: 1.0.0.0; Second 1.0.0: 2.0.0.0"
    assert "loaded first wins" in row["windows_powershell"]
    # One module alone, or two shipping the same version, is no conflict.
    assert amkit.assembly_conflicts(amkit.scan([first], progress=False)).empty


@needs_mcs
def test_a_package_whose_assembly_the_account_holds_at_another_version(
    tmp_path: Path, account: amkit.AutomationAccount
) -> None:
    first = shipping(tmp_path, "First", "1.0.0", shared_lib(tmp_path / "build", "1.0.0.0"))
    second = shipping(tmp_path, "Second", "1.0.0", shared_lib(tmp_path / "build", "2.0.0.0"))
    assert account.import_package(first).succeeded
    # What the import read survives in the account file.
    assert account.records("First")[0].assemblies[0][1:3] == ("Shared.Lib", "1.0.0.0")
    report = amkit.check(second, account=account)
    (finding,) = [item for item in report.items if item.rule == "AM113"]
    assert finding.message == "Shared.Lib 2.0.0.0 is also in the account at another version (First 1.0.0: 1.0.0.0)"
    assert (finding.file, finding.severity) == ("Second/lib/Shared.Lib.dll", "warning")
    assert "AM113" not in {item.rule for item in amkit.check(second).items}  # needs an account
