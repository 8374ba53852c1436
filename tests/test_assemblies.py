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


# Microsoft's public key, as `sn -p` writes it: every assembly signed with it has the public key token
# 31bf3856ad364e35 (System.Management.Automation's, for one). A delay-signed build carries the key unsigned.
MICROSOFT_PUBLIC_KEY = bytes.fromhex(
    "0024000004800000940000000602000000240000525341310004000001000100b5fc90e7027f67871e773a8fde8938c81dd402ba65b92"
    "01d60593e96c492651e889cc13f1415ebb53fac1131ae0bd333c5ee6021672d9718ea31a8aebd0da0072f25d87dba6fc90ffd598ed4da"
    "35e44c398c454307e8e33b8426143daec9f596836f97c8f74750e5975c64e2189f45def46b2a2b1247adc3652bf5c308055da9"
)


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


@needs_mcs
def test_the_public_key_token_of_a_strong_named_assembly(tmp_path: Path) -> None:
    key = tmp_path / "microsoft.pub"
    key.write_bytes(MICROSOFT_PUBLIC_KEY)
    source = "namespace Signed { public class Lib { } }\n"
    signed = compile_assembly(tmp_path / "signed", "Signed.Lib", source, "-delaysign+", f"-keyfile:{key}")
    members = {
        **module("Strong", "1.0.0", functions=("Get-Strong",)),
        "Strong/Signed.Lib.dll": signed.read_bytes(),
        "Strong/Shared.Lib.dll": shared_lib(tmp_path / "build", "1.0.0.0"),
    }
    table = amkit.assemblies(amkit.scan([write_zip(tmp_path / "Strong.zip", members)], progress=False))
    tokens = {
        row.assembly: row.public_key_token for row in table.astype(object).where(table.notna(), None).itertuples()
    }
    assert tokens == {"Shared.Lib": None, "Signed.Lib": "31bf3856ad364e35"}  # unsigned: no token
