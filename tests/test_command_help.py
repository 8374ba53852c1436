"""The help of binary cmdlets: MAML files found where PowerShell looks, read as untrusted XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from packages import MAML_NAMESPACES, maml, maml_command, manifest, write_folder, write_zip

import amkit
from amkit import samples
from amkit.package import maml as maml_module
from amkit.package.maml import read_maml

DLL = (samples.source("ContosoBinary") / "ContosoBinary.dll").read_bytes()
HELP = "ContosoBinary.dll-help.xml"
GET = "Get-ContosoWidget"
GET_URI = "https://docs.contoso.com/powershell/ContosoBinary/Get-ContosoWidget"
BINARY = {
    "TestModule/TestModule.psd1": manifest(
        "1.0.0", root_module="ContosoBinary.dll", FunctionsToExport="@()", CmdletsToExport="'*'"
    ),
    "TestModule/ContosoBinary.dll": DLL,
}
BILLION_LAUGHS = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE helpItems [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<helpItems schema="maml"><command:command {namespaces}><command:details><command:name>Get-ContosoWidget</command:name>
<maml:description><maml:para>&lol3;</maml:para></maml:description></command:details></command:command></helpItems>
"""


def open_binary(tmp_path: Path, help_files: dict[str, str | bytes], **keys: str) -> amkit.ModuleVersion:
    """The one version of a zip holding ContosoBinary.dll as TestModule's root module, with ``help_files``."""
    members = {**BINARY, **{f"TestModule/{path}": text for path, text in help_files.items()}}
    if keys:
        members["TestModule/TestModule.psd1"] = manifest(
            "1.0.0", root_module="ContosoBinary.dll", FunctionsToExport="@()", CmdletsToExport="'*'", **keys
        )
    return amkit.open_package(write_zip(tmp_path / "TestModule.zip", members)).latest


def rows(version: amkit.ModuleVersion) -> dict[str, dict]:
    return {row["name"]: row for row in version.commands.to_dict("records")}


# Where the help comes from ----------------------------------------------------------------------


def test_synopsis_and_description_come_from_the_en_us_help_file(tmp_path: Path) -> None:
    help_file = maml(maml_command(GET, "Gets widgets.", ("Gets a widget by id.", "Or by name.")))
    table = rows(open_binary(tmp_path, {f"en-US/{HELP}": help_file}))
    get = table[GET]
    assert (get["synopsis"], get["description"]) == ("Gets widgets.", "Gets a widget by id.\n\nOr by name.")
    # HelpUri and OutputType still come from the assembly's attributes, not from the help file.
    assert get["help_uri"] == GET_URI
    assert get["output_types"] == ("ContosoBinary.ContosoWidget",)
    assert table["Export-ContosoWidget"]["output_types"] == ("System.IO.FileInfo",)
    # A cmdlet the help file does not document has no help text.
    assert (table["Set-ContosoWidget"]["synopsis"], table["Set-ContosoWidget"]["description"]) == (None, None)


def test_the_module_folder_is_the_fallback(tmp_path: Path) -> None:
    # Named with -Help as Microsoft's modules write it: found ignoring case, as on Windows.
    help_file = maml(maml_command(GET, "Gets widgets from the module folder."))
    table = rows(open_binary(tmp_path, {"ContosoBinary.dll-Help.xml": help_file}))
    assert table[GET]["synopsis"] == "Gets widgets from the module folder."


@pytest.mark.parametrize(
    ("folders", "expected"),
    [
        (["", "de-DE", "en", "en-US"], "en-US"),
        (["", "de-DE", "en"], "en"),
        (["", "de-DE"], "de-DE"),
        (["", "fr", "de-DE"], "de-DE"),
        (["", "bin"], ""),
        (["bin", "en-US/old"], None),
    ],
    ids=["en-US-first", "then-en", "then-any-culture", "cultures-by-name", "not-bin", "not-searched"],
)
def test_which_help_file_wins(tmp_path: Path, folders: list[str], expected: str | None) -> None:
    files = {
        f"{folder}/{HELP}".lstrip("/"): maml(maml_command(GET, f"from {folder or 'the module folder'}"))
        for folder in folders
    }
    synopsis = rows(open_binary(tmp_path, files))[GET]["synopsis"]
    assert synopsis == (None if expected is None else f"from {expected or 'the module folder'}")


def test_a_cmdlet_missing_from_the_preferred_file_is_found_in_the_next(tmp_path: Path) -> None:
    files = {
        f"en-US/{HELP}": maml(maml_command(GET, "Gets widgets.")),
        f"de-DE/{HELP}": maml(maml_command("Set-ContosoWidget", "Benennt ein Widget um.")),
    }
    table = rows(open_binary(tmp_path, files))
    assert (table[GET]["synopsis"], table["Set-ContosoWidget"]["synopsis"]) == (
        "Gets widgets.",
        "Benennt ein Widget um.",
    )


def test_the_help_file_names_the_cmdlet_without_the_command_prefix(tmp_path: Path) -> None:
    help_file = maml(maml_command(GET.upper(), "Gets widgets."))
    table = rows(open_binary(tmp_path, {f"en-US/{HELP}": help_file}, DefaultCommandPrefix="'Fab'"))
    assert table["Get-FabContosoWidget"]["synopsis"] == "Gets widgets."


def test_a_module_folder_package_finds_its_help_too(tmp_path: Path) -> None:
    members = {path.removeprefix("TestModule/"): data for path, data in BINARY.items()}
    members[f"en-US/{HELP}"] = maml(maml_command(GET, "Gets widgets."))
    version = amkit.open_package(write_folder(tmp_path / "TestModule", members)).latest
    assert rows(version)[GET]["synopsis"] == "Gets widgets."


# Reading MAML -----------------------------------------------------------------------------------


def test_read_maml_reads_each_command_and_its_links() -> None:
    text = maml(
        maml_command(GET, "  Gets widgets.  ", ("One.", "", "Two."), links=(GET_URI, "")),
        maml_command("Set-ContosoWidget"),
        maml_command(GET, "A second entry for the same command."),
    )
    commands = read_maml(text.encode("utf-8"))
    assert list(commands) == [GET, "Set-ContosoWidget"]
    get = commands["get-contosowidget"]  # names match ignoring case
    assert (get.synopsis, get.description, get.links) == ("Gets widgets.", "One.\n\nTwo.", (GET_URI,))
    assert (commands["Set-ContosoWidget"].synopsis, commands["Set-ContosoWidget"].links) == (None, ())


def test_read_maml_takes_utf16_with_a_byte_order_mark() -> None:
    text = maml(maml_command(GET, "Lädt Widgets, größere zuerst.")).replace("utf-8", "utf-16")
    assert read_maml(text.encode("utf-16"))[GET].synopsis == "Lädt Widgets, größere zuerst."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_doctype_is_refused_before_any_entity_is_expanded(encoding: str) -> None:
    data = BILLION_LAUGHS.format(encoding=encoding, namespaces=MAML_NAMESPACES).encode(encoding)
    with pytest.raises(amkit.HelpFileError, match=r"^x\.dll-help\.xml: the help file declares a DOCTYPE"):
        read_maml(data, file="x.dll-help.xml")


@pytest.mark.parametrize(
    ("data", "problem", "line"),
    [
        (b"<helpItems><command:command>", r"not well-formed XML: unbound prefix", 1),
        (b"<helpItems>\n<command>&lol;</command>\n</helpItems>", r"not well-formed XML: undefined entity", 2),
        (b'<!ENTITY lol "lol"><helpItems/>', r"not well-formed XML: syntax error", 1),
        (b"<helpItems>\n<command>", r"not well-formed XML: no element found", 2),
        (b"", r"not well-formed XML: no element found", 1),
        (b"<html><body/></html>", r"not a MAML help file: its root element is <html>, not <helpItems>", None),
    ],
    ids=["unbound-prefix", "undeclared-entity", "entity-without-doctype", "truncated", "empty", "not-maml"],
)
def test_malformed_help_files_raise_a_typed_error(data: bytes, problem: str, line: int | None) -> None:
    with pytest.raises(amkit.HelpFileError, match=rf"^x\.dll-help\.xml:.*{problem}") as caught:
        read_maml(data, file="x.dll-help.xml")
    assert caught.value.line == line


def test_an_unreadable_help_file_leaves_the_commands_listed_without_its_help(tmp_path: Path) -> None:
    version = open_binary(tmp_path, {f"en-US/{HELP}": "<helpItems>\n<command:command>\n"})
    table = version.commands.set_index("name")
    assert table.loc[GET, "synopsis"] is None
    with pytest.raises(amkit.HelpFileError, match=r"not well-formed") as caught:
        version.read_help(f"TestModule/en-US/{HELP}")
    assert caught.value.file == f"{tmp_path / 'TestModule.zip'}!TestModule/en-US/{HELP}"
    assert caught.value.line == 2


def test_an_unreadable_help_file_gives_way_to_the_next_one(tmp_path: Path) -> None:
    version = open_binary(
        tmp_path, {f"en-US/{HELP}": "<helpItems>\n<command:command>\n", HELP: maml(maml_command(GET, "Gets widgets."))}
    )
    assert version.commands.set_index("name").loc[GET, "synopsis"] == "Gets widgets."


def test_a_help_file_over_the_bound_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = open_binary(tmp_path, {f"en-US/{HELP}": maml(maml_command(GET, "Gets widgets."))})
    monkeypatch.setattr(maml_module, "MAX_HELP_SIZE", 100)
    reads: list[str] = []
    read = version.package.read

    def recorded(path: str) -> bytes:
        reads.append(path)
        return read(path)

    monkeypatch.setattr(version.package, "read", recorded)
    with pytest.raises(amkit.HelpFileError, match=r"the help file is [0-9,]+ bytes, over amkit's bound of 100"):
        version.read_help(f"TestModule/en-US/{HELP}")
    assert version.commands.set_index("name").loc[GET, "synopsis"] is None
    assert not [path for path in reads if path.endswith(HELP)]
