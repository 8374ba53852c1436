"""Nothing a package holds is ever run: reading, checking, scanning and importing start no process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from packages import module, write_zip

import amkit


def test_nothing_in_a_package_is_ever_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    canary = tmp_path / "ran"
    write = f"Set-Content -Path '{canary}' -Value 'ran'"
    members = module("Trap", "1.0.0", functions=("Get-Trap",))
    members["Trap/Trap.psd1"] = members["Trap/Trap.psd1"].replace("@{", "@{\n    ScriptsToProcess = @('Setup.ps1')", 1)
    members["Trap/Setup.ps1"] = write + "\n"
    members["Trap/Trap.psm1"] = f"{write}\nfunction Get-Trap {{ {write} }}\n"
    fields = '[{"Name": "$(' + write.replace("'", "") + ')", "TypeName": "System.String", "IsEncrypted": false}]'
    members["Trap/Trap-Automation.json"] = (
        f'{{"ConnectionTypeName": "Trap", "IntegrationModuleName": "Trap", "ConnectionFields": {fields}}}'
    )
    package = write_zip(tmp_path / "Trap.zip", members)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"amkit started a process: {args}")

    for name in ("Popen", "run", "call", "check_call", "check_output"):
        monkeypatch.setattr(subprocess, name, refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "execv", refuse)

    with amkit.open_package(package) as opened:
        for version in opened.versions:
            _ = (version.manifest, version.files, version.commands, version.connection_type, version.scripts)
    amkit.check(package)
    amkit.scan([package], progress=False)
    amkit.check_runbook(members["Trap/Trap.psm1"].encode(), amkit.Inventory([]))
    with pytest.raises(amkit.DataFileError, match="sub-expression"):  # refused as written, not evaluated
        amkit.read_psd1(f'@{{ Description = "$({write})" }}')
    account = amkit.AutomationAccount.open(tmp_path / "account.db")
    account.import_package(package)
    account.close()
    assert not canary.exists()
