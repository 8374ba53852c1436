"""Build real module packages (zips, nupkgs, folders) for the tests."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest

from amkit import samples

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


def guid_of(name: str) -> str:
    """A GUID of its own for each module name, the same in every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"amkit-test:{name.casefold()}"))


def module(
    name: str,
    version: str,
    *,
    versioned: bool = False,
    guid: str | None = None,
    functions: tuple[str, ...] = (),
    **keys: str,
) -> Members:
    """The files of module ``name`` at ``version``: a manifest (extra ``keys`` verbatim) and a script module.

    ``versioned`` puts them in a version folder (``Name/1.0.0/``); ``functions``
    are defined in the script and listed in FunctionsToExport.
    """
    exported = ", ".join(f"'{function}'" for function in functions)
    lines = [
        "@{",
        f"    ModuleVersion = '{version.split('-')[0]}'",
        f"    GUID = '{guid or guid_of(name)}'",
        f"    RootModule = '{name}.psm1'",
        f"    FunctionsToExport = @({exported})",
        *(f"    {key} = {value}" for key, value in keys.items()),
        "}",
    ]
    if "-" in version:
        label = version.split("-", 1)[1]
        lines.insert(-1, f"    PrivateData = @{{ PSData = @{{ Prerelease = '{label}' }} }}")
    prefix = f"{name}/{version.split('-')[0]}/" if versioned else f"{name}/"
    script = "\n".join(f"function {function} {{ }}" for function in functions) + "\n"
    return {f"{prefix}{name}.psd1": "\n".join(lines) + "\n", f"{prefix}{name}.psm1": script}


def requires(*entries: str) -> str:
    """A RequiredModules value from entries written as PowerShell would (``'Name'`` or ``@{...}``)."""
    return "@(" + ", ".join(entries) + ")"


def spec(name: str, **versions: str) -> str:
    """One RequiredModules hashtable: ``spec('Az.Accounts', ModuleVersion='2.0.0')``."""
    parts = [f"ModuleName = '{name}'", *(f"{key} = '{value}'" for key, value in versions.items())]
    return "@{" + "; ".join(parts) + "}"


# Binary modules ------------------------------------------------------------------------------

DOTNET_SRC = Path(samples.__file__).parent / "dotnet_src"
needs_mcs = pytest.mark.skipif(shutil.which("mcs") is None, reason="needs Mono's mcs (make tools)")


def compile_assembly(folder: Path, name: str, source: str, *options: str) -> Path:
    """Compile the C# ``source`` into ``folder/<name>.dll`` with Mono's mcs, as the binary sample is built.

    It references ``folder/System.Management.Automation.dll``, compiled first from the sample's
    stand-in for the PowerShell SDK (amkit/samples/dotnet_src); ``options`` go to mcs as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sma = folder / "System.Management.Automation.dll"
    mcs = ["mcs", "-nologo", "-target:library"]
    if not sma.exists():
        subprocess.run([*mcs, f"-out:{sma}", str(DOTNET_SRC / "System.Management.Automation.cs")], check=True)
    code = folder / f"{name}.cs"
    code.write_text(source)
    target = folder / f"{name}.dll"
    subprocess.run([*mcs, *options, f"-r:{sma}", f"-out:{target}", str(code)], check=True)
    return target


# Two cmdlets of a dotted assembly, Contoso.Tools.dll: Get-Gadget declares its output type (a string in
# one parameter set), Remove-Gadget none; both give HelpUri after other named arguments of several types.
CONTOSO_TOOLS = """
using System.Management.Automation;

namespace Contoso.Tools
{
    [Cmdlet(VerbsCommon.Get, "Gadget", DefaultParameterSetName = "ByName", HelpUri = "https://example.org/get-gadget")]
    [OutputType("Contoso.Tools.Gadget", ParameterSetName = new[] { "ByName" })]
    [OutputType(typeof(int))]
    public class GetGadgetCommand : PSCmdlet
    {
        [Parameter(ParameterSetName = "ByName", Position = 0)]
        public string Name { get; set; }
    }

    [Cmdlet(VerbsCommon.Remove, "Gadget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        HelpUri = "https://example.org/remove-gadget")]
    public class RemoveGadgetCommand : PSCmdlet
    {
    }
}
"""

# MAML help files -----------------------------------------------------------------------------

MAML_NAMESPACES = (
    'xmlns:maml="http://schemas.microsoft.com/maml/2004/10" '
    'xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" '
    'xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10"'
)


def maml_command(
    name: str, synopsis: str | None = None, description: tuple[str, ...] = (), links: tuple[str, ...] = ()
) -> str:
    """One ``<command:command>`` of a MAML help file, as PlatyPS writes it; sections not given are left out."""
    details = f"<command:name>{name}</command:name>"
    if synopsis is not None:
        details += f"<maml:description><maml:para>{synopsis}</maml:para></maml:description>"
    parts = [f"<command:details>{details}</command:details>"]
    if description:
        paras = "".join(f"<maml:para>{para}</maml:para>" for para in description)
        parts.append(f"<maml:description>{paras}</maml:description>")
    if links:
        navigation = "".join(
            f"<maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>{uri}</maml:uri>"
            "</maml:navigationLink>"
            for uri in links
        )
        parts.append(f"<command:relatedLinks>{navigation}</command:relatedLinks>")
    body = "\n    ".join(parts)
    return f"  <command:command {MAML_NAMESPACES}>\n    {body}\n  </command:command>\n"


def maml(*commands: str) -> str:
    """A MAML help file (``<Assembly>.dll-help.xml``) holding ``commands`` (see :func:`maml_command`)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<helpItems schema="maml" xmlns="http://msh">\n'
        + "".join(commands)
        + "</helpItems>\n"
    )


def gallery_nupkg(path: Path, module: Members, *, id: str, version: str) -> Path:
    """Write ``path`` as the PowerShell Gallery would: the ``module`` files at the root, beside NuGet's bookkeeping.

    The bookkeeping is what ``nuget pack`` and the Gallery add: ``_rels/.rels``, ``<id>.nuspec``,
    ``package/services/metadata/core-properties/*.psmdcp``, ``[Content_Types].xml`` and the
    Gallery's ``.signature.p7s``.
    """
    nuspec = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">\n'
        f"  <metadata><id>{id}</id><version>{version}</version><authors>Contoso</authors>"
        "<description>A module.</description></metadata>\n"
        "</package>\n"
    )
    psmdcp = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    members: Members = {
        "_rels/.rels": '<?xml version="1.0" encoding="utf-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/{id}.nuspec" '
        'Id="R1" /></Relationships>',
        f"{id}.nuspec": nuspec,
        **module,
        f"package/services/metadata/core-properties/{psmdcp}.psmdcp": "<coreProperties/>",
        "[Content_Types].xml": '<?xml version="1.0" encoding="utf-8"?><Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="psd1" ContentType="application/octet" /></Types>',
        ".signature.p7s": b"0\x82\x01\x00 a PKCS#7 signature",
    }
    return write_zip(path, members)
