"""Build real module packages (zips, nupkgs, folders) for the tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

Members = dict[str, str | bytes]


def write_zip(path: Path, members: Members) -> Path:
    """Write a zip holding ``members`` (name -> text or bytes) in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_folder(path: Path, members: Members) -> Path:
    """Write ``members`` as files below ``path``."""
    for name, content in members.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def manifest(version: str, *, root_module: str | None = "TestModule.psm1", **keys: str) -> str:
    """A small module manifest; extra keys are written verbatim as ``Key = value``."""
    lines = [
        "@{",
        f"    ModuleVersion = '{version}'",
        "    GUID = 'a3c1c9f4-2d7b-4a63-9b58-0d4f2f5c1e11'",
    ]
    if root_module is not None:
        lines.append(f"    RootModule = '{root_module}'")
    lines += [f"    {key} = {value}" for key, value in keys.items()]
    lines.append("}")
    return "\n".join(lines) + "\n"


SCRIPT = """
function Get-Thing {
    <#
    .SYNOPSIS
    Gets a thing.
    .DESCRIPTION
    Gets the thing by name.
    #>
    [CmdletBinding(HelpUri = 'https://example.org/get-thing')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ByName')]
        [string] $Name
    )
    "thing $Name"
}

function Set-Thing {
    param([string] $Value)
}

function Private-Helper { }
"""

# One exported function with everything the authoring rules ask for (help, HelpUri, [OutputType()]),
# so that only the findings a test sets up occur.
CLEAN_SCRIPT = """
function Get-Thing {
    <#
    .SYNOPSIS
    Gets a thing.
    .DESCRIPTION
    Gets the thing by name.
    #>
    [CmdletBinding(HelpUri = 'https://example.org/get-thing')]
    [OutputType([string])]
    param([Parameter(Mandatory)][string] $Name)
    "thing $Name"
}
"""
