import logging
import struct
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packages import CONTOSO_TOOLS, DOTNET_SRC, compile_assembly, needs_mcs

from amkit import samples
from amkit.errors import PackageError
from amkit.package.dotnet import (
    BinaryCmdlet,
    BinaryParameter,
    assembly_name,
    is_dotnet_assembly,
    read_cmdlets,
    target_framework,
)

DLL = samples.source("ContosoBinary") / "ContosoBinary.dll"
ALL = "__AllParameterSets"
SWITCH = "System.Management.Automation.SwitchParameter"
SERVICE_URI = BinaryParameter("ServiceUri", "System.String", False, (ALL,))

EXPECTED = (
    BinaryCmdlet(
        name="Get-ContosoWidget",
        class_name="ContosoBinary.GetContosoWidgetCommand",
        output_types=("ContosoBinary.ContosoWidget",),
        parameters=(
            BinaryParameter("Id", "System.Int32", True, ("ById",), 0),
            BinaryParameter("Name", "System.String", False, ("ByName",), 0, ("WidgetName",)),
            BinaryParameter("Category", "System.String", False, (ALL,)),
            SERVICE_URI,
        ),
        default_parameter_set="ByName",
        help_uri="https://docs.contoso.com/powershell/ContosoBinary/Get-ContosoWidget",
        supports_should_process=False,
    ),
    BinaryCmdlet(
        name="Set-ContosoWidget",
        class_name="ContosoBinary.SetContosoWidgetCommand",
        output_types=("ContosoBinary.ContosoWidget",),
        parameters=(
            BinaryParameter("Id", "System.Int32", True, ("ById",)),
            BinaryParameter("InputObject", "ContosoBinary.ContosoWidget", True, ("ByObject",), 0),
            BinaryParameter("NewName", "System.String", True, ("ById", "ByObject"), 1),
            BinaryParameter("PassThru", SWITCH, False, (ALL,)),
            SERVICE_URI,
        ),
        default_parameter_set="ByObject",
        help_uri=None,
        supports_should_process=True,
    ),
    BinaryCmdlet(
        name="Export-ContosoWidget",
        class_name="ContosoBinary.ExportContosoWidgetCommand",
        output_types=("System.IO.FileInfo",),
        parameters=(
            BinaryParameter("Path", "System.String", True, (ALL,), 0, ("FilePath",)),
            BinaryParameter("InputObject", "ContosoBinary.ContosoWidget[]", True, (ALL,)),
            BinaryParameter("Force", SWITCH, False, (ALL,)),
            SERVICE_URI,
        ),
        default_parameter_set=None,
        help_uri=None,
        supports_should_process=True,
    ),
)


@pytest.fixture(scope="module")
def dll():
    return DLL.read_bytes()


def patched(data, old, new):
    assert data.count(old) == 1, old
    return data.replace(old, new)


def clr_directory_offset(data):
    """File offset of the CLR (COM descriptor, index 14) data-directory entry."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    return directories + 14 * 8


def test_read_cmdlets_on_the_sample_dll(dll):
    assert read_cmdlets(dll, file="ContosoBinary/ContosoBinary.dll") == EXPECTED


def test_sample_cmdlets_match_the_manifest(dll):
    from amkit import read_psd1

    manifest = read_psd1(samples.source("ContosoBinary") / "ContosoBinary.psd1")
    assert [c.name for c in read_cmdlets(dll)] == manifest["CmdletsToExport"]


def test_assembly_name_and_detection(dll):
    assert assembly_name(dll) == "ContosoBinary"
    assert is_dotnet_assembly(dll) is True
    assert is_dotnet_assembly(b"MZ not really") is False
    assert is_dotnet_assembly(b"") is False


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"@{ ModuleVersion = '1.0.0' }",
        (samples.source("ContosoCore") / "ContosoCore.psd1").read_bytes(),
        b"PK\x03\x04" + bytes(100),
    ],
    ids=["empty", "text", "manifest", "zip"],
)
def test_not_a_pe_file(data):
    with pytest.raises(PackageError, match=r"^Foo\.dll: not a \.NET assembly: .*not a PE file"):
        read_cmdlets(data, file="Foo.dll")
    with pytest.raises(PackageError, match=r"not a \.NET assembly"):
        assembly_name(data)


def test_pe_without_clr_header_is_a_native_library(dll):
    at = clr_directory_offset(dll)
    assert struct.unpack_from("<II", dll, at)[0] != 0  # the real entry is there
    native = dll[:at] + bytes(8) + dll[at + 8 :]
    with pytest.raises(PackageError, match=r"^lib/native\.dll: not a \.NET assembly: a native PE"):
        read_cmdlets(native, file="lib/native.dll")
    assert is_dotnet_assembly(native) is False


@pytest.mark.parametrize("keep", [2, 64, 0x80, 0x100, 0x200, 0x1000, -0x300, -1])
def test_truncated_dll_raises_package_error(dll, keep):
    with pytest.raises(PackageError, match=r"^x\.dll: (damaged|truncated) PE file") as caught:
        read_cmdlets(dll[:keep], file="x.dll")
    assert "download the module again" in str(caught.value)


def test_corrupt_metadata_signature(dll):
    broken = patched(dll, b"BSJB", b"XXXX")
    with pytest.raises(PackageError, match=r"^x\.dll: corrupt \.NET metadata: "):
        read_cmdlets(broken, file="x.dll")


def test_corrupt_attribute_blob(dll):
    blob = b"\x01\x00\x03Get\x0dContosoWidget"
    broken = patched(dll, blob, b"\x02\x00" + blob[2:])
    with pytest.raises(PackageError, match=r"corrupt \.NET metadata: .*0x0001 prolog"):
        read_cmdlets(broken)


def test_attributes_are_matched_by_name(dll):
    # Another CmdletAttribute (same length, so the heaps stay intact) is not PowerShell's.
    renamed = patched(dll, b"CmdletAttribute\x00", b"CmdletAttributX\x00")
    assert read_cmdlets(renamed) == ()
    assert assembly_name(renamed) == "ContosoBinary"


def huge_first_table(data):
    """Claim 16M rows for the Module table, more than the #~ stream holds."""
    root = data.index(b"BSJB")
    (version_length,) = struct.unpack_from("<I", data, root + 12)
    headers = root + 16 + version_length + 4
    (offset,) = struct.unpack_from("<I", data, headers)
    assert data[headers + 8 : headers + 11] == b"#~\x00"
    rows = root + offset + 24
    assert struct.unpack_from("<I", data, rows) == (1,)
    return data[:rows] + struct.pack("<I", 0xFFFFFF) + data[rows + 4 :]


def test_dnfile_does_not_configure_the_root_logger(dll, monkeypatch):
    # dnfile calls logging.warning() for such a table, which would run basicConfig()
    # on a root logger without handlers (pytest's own are set aside here).
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    with pytest.raises(PackageError, match=r"corrupt \.NET metadata: Unable to parse stream b'#~'"):
        read_cmdlets(huge_first_table(dll))
    assert root.handlers == []


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_corruption_never_escapes_as_a_raw_exception(dll, data):
    corrupt = bytearray(dll)
    for _ in range(data.draw(st.integers(1, 8))):
        corrupt[data.draw(st.integers(0, len(dll) - 1))] = data.draw(st.integers(0, 255))
    try:
        result = read_cmdlets(bytes(corrupt))
    except PackageError:
        return
    assert all(isinstance(cmdlet, BinaryCmdlet) for cmdlet in result)


@needs_mcs
def test_build_script_reproduces_the_shipped_dll(tmp_path):
    subprocess.run(["sh", str(DOTNET_SRC / "build.sh"), str(tmp_path)], check=True)
    assert (tmp_path / "ContosoBinary.dll").read_bytes() == DLL.read_bytes()


INLINE = """
using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Inline
{
    public enum Shade { Light, Dark }

    public class Outer
    {
        [Cmdlet(VerbsCommon.Get, "Nested")]
        [OutputType(typeof(string))]
        [OutputType(typeof(int), typeof(List<string>))]
        public class GetNestedCommand : Cmdlet
        {
            [Parameter(Position = 0, Mandatory = true, HelpMessage = "Colour")]
            [Alias("S", "Tone")]
            public Shade Shade { get; set; }

            [Parameter(ValueFromPipeline = true)]
            public List<string> Names { get; set; }

            public string NotAParameter { get; set; }
        }
    }

    [Cmdlet(VerbsCommon.Get, "Internal")]
    internal class GetInternalCommand : Cmdlet { }

    [Cmdlet(VerbsCommon.Get, "Abstract")]
    public abstract class GetAbstractCommand : Cmdlet { }

    [Cmdlet("Invoke", "Bare")]
    public class InvokeBareCommand : PSCmdlet { }
}
"""


@needs_mcs
def test_nested_generic_and_hidden_cmdlet_classes(tmp_path):
    target = compile_assembly(tmp_path, "Inline", INLINE)
    sma = tmp_path / "System.Management.Automation.dll"

    assert read_cmdlets(sma.read_bytes()) == ()
    assert assembly_name(sma.read_bytes()) == "System.Management.Automation"
    list_of_string = (
        "System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, "
        "Culture=neutral, PublicKeyToken=b77a5c561934e089]]"
    )
    assert read_cmdlets(target.read_bytes()) == (
        BinaryCmdlet(
            name="Get-Nested",
            class_name="Inline.Outer+GetNestedCommand",
            output_types=("System.String", "System.Int32", list_of_string),
            parameters=(
                BinaryParameter("Shade", "Inline.Shade", True, (ALL,), 0, ("S", "Tone")),
                BinaryParameter("Names", "System.Collections.Generic.List`1[System.String]", False, (ALL,)),
            ),
        ),
        BinaryCmdlet(name="Invoke-Bare", class_name="Inline.InvokeBareCommand"),
    )


@needs_mcs
def test_help_uri_and_output_types_come_from_the_attributes(tmp_path):
    # HelpUri follows a bool, an enum (ConfirmImpact) and a string among the named arguments of
    # [Cmdlet], and OutputType takes a string with a named string[] argument: each value must be
    # decoded by its own serialized type (ECMA-335 II.23.3) for the next one to be found.
    target = compile_assembly(tmp_path, "Contoso.Tools", CONTOSO_TOOLS)
    get, remove = read_cmdlets(target.read_bytes())
    assert (get.name, get.help_uri, get.default_parameter_set) == (
        "Get-Gadget",
        "https://example.org/get-gadget",
        "ByName",
    )
    assert get.output_types == ("Contoso.Tools.Gadget", "System.Int32")
    assert (remove.name, remove.help_uri, remove.supports_should_process) == (
        "Remove-Gadget",
        "https://example.org/remove-gadget",
        True,
    )
    assert remove.output_types == ()


def test_a_named_argument_of_another_type_is_corrupt(dll):
    # HelpUri serialized as an int32 (0x08) instead of a string (0x0e): refused, never passed on as a number.
    broken = patched(dll, b"\x54\x0e\x07HelpUri", b"\x54\x08\x07HelpUri")
    with pytest.raises(PackageError, match=r"corrupt \.NET metadata: the named argument HelpUri has the wrong type"):
        read_cmdlets(broken, file="x.dll")


FRAMEWORK = """
[assembly: System.Runtime.Versioning.TargetFramework(
    ".NETFramework,Version=v4.7.2", FrameworkDisplayName = ".NET Framework 4.7.2")]
namespace Old { public class Thing { } }
"""


@needs_mcs
def test_the_target_framework_comes_from_the_assembly_attribute(tmp_path):
    built = compile_assembly(tmp_path, "Old", FRAMEWORK)
    assert target_framework(built.read_bytes()) == ".NETFramework,Version=v4.7.2"
    bare = compile_assembly(tmp_path, "Bare", "namespace Bare { public class Thing { } }")
    # No attribute (mcs adds none): built against .NET Framework's own mscorlib says it.
    assert target_framework(bare.read_bytes()) == ".NETFramework (mscorlib 4.0.0.0)"
    desktop = bytes.fromhex("b77a5c561934e089")
    assert bare.read_bytes().count(desktop) == 1
    # The same reference to Silverlight's mscorlib (as portable libraries have) says nothing.
    silverlight = bare.read_bytes().replace(desktop, bytes.fromhex("7cec85d7bea7798e"))
    assert target_framework(silverlight) is None
    with pytest.raises(PackageError, match="not a PE file"):
        target_framework(b"not an assembly", file="x.dll")
