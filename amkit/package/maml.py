"""MAML help files: how a binary module documents its cmdlets for ``Get-Help``.

A cmdlet's help is not in its assembly but in an XML file beside it, named
after the assembly (``Contoso.Tools.dll-help.xml``), in MAML::

    <helpItems schema="maml" xmlns="http://msh">
      <command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10"
                       xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10">
        <command:details>
          <command:name>Get-Widget</command:name>
          <maml:description><maml:para>The synopsis.</maml:para></maml:description>
        </command:details>
        <maml:description><maml:para>The description, one paragraph per para.</maml:para></maml:description>
        <command:relatedLinks>
          <maml:navigationLink>
            <maml:linkText>Online Version:</maml:linkText>
            <maml:uri>https://example.org/get-widget</maml:uri>
          </maml:navigationLink>
        </command:relatedLinks>
      </command:command>
    </helpItems>

Elements are matched by local name, as PowerShell's help loader matches
``helpItems`` and ``command``. The file is untrusted: it is parsed by
:func:`amkit.package.xmlfile.parse_xml` (no DTD, no entities) and refused
above :data:`MAX_HELP_SIZE`.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass

from amkit.errors import HelpFileError
from amkit.package.xmlfile import local_name, parse_xml
from amkit.powershell.hashtable import PSHashtable

__all__ = ["MAX_HELP_SIZE", "MamlCommand", "check_help_size", "help_file_name", "read_maml"]

#: The largest help file amkit parses, in bytes: a bound on the memory the parse takes.
MAX_HELP_SIZE = 64 * 1024**2


@dataclass(frozen=True)
class MamlCommand:
    """The help of one command in a MAML file.

    ``synopsis`` is the ``<maml:description>`` of ``<command:details>``,
    ``description`` the one of ``<command:command>``, each with its
    paragraphs stripped and separated by a blank line (``None`` when absent
    or empty); ``links`` are the URIs of the related links
    (``<maml:navigationLink><maml:uri>``), in order, those without one left out.
    """

    name: str
    synopsis: str | None = None
    description: str | None = None
    links: tuple[str, ...] = ()


def help_file_name(assembly: str) -> str:
    """The help file of the cmdlets in ``assembly`` (a package path): ``Contoso.Tools.dll-help.xml``."""
    return f"{posixpath.basename(assembly)}-help.xml"


def check_help_size(size: int, *, file: str | None = None) -> None:
    """Refuse a help file larger than :data:`MAX_HELP_SIZE` bytes, before it is read.

    Raises
    ------
    HelpFileError
        When ``size`` is over the bound.
    """
    if size > MAX_HELP_SIZE:
        raise HelpFileError(
            f"the help file is {size:,} bytes, over amkit's bound of {MAX_HELP_SIZE:,} bytes for help files; "
            "split it, or check that it is the help file it claims to be",
            file=file,
        )


def read_maml(data: bytes, *, file: str | None = None) -> Mapping[str, MamlCommand]:
    """Read the commands a MAML help file documents.

    Parameters
    ----------
    data
        The bytes of the ``-help.xml`` file.
    file
        The name to report in errors (the package member, say).

    Returns
    -------
    Mapping of str to MamlCommand
        By command name, matched ignoring case as PowerShell does; the first
        entry for a name wins.

    Raises
    ------
    HelpFileError
        When the file is too large (:func:`check_help_size`), declares a
        DOCTYPE, is not well-formed XML, or its root is not ``<helpItems>``.
    """
    check_help_size(len(data), file=file)
    root = parse_xml(data, what="help file", error=HelpFileError, file=file)
    if local_name(root.tag).casefold() != "helpitems":
        raise HelpFileError(
            f"not a MAML help file: its root element is <{local_name(root.tag)}>, not <helpItems>", file=file
        )
    commands: PSHashtable = PSHashtable()
    for node in root:
        if local_name(node.tag).casefold() != "command":
            continue
        details = _child(node, "details")
        name = _text(_child(details, "name"))
        if name and name not in commands:
            commands[name] = MamlCommand(
                name=name,
                synopsis=_paragraphs(_child(details, "description")),
                description=_paragraphs(_child(node, "description")),
                links=tuple(_links(_child(node, "relatedLinks"))),
            )
    return commands


def _child(node: ElementTree.Element | None, name: str) -> ElementTree.Element | None:
    """The first child of ``node`` called ``name`` (local name, any case)."""
    if node is None:
        return None
    folded = name.casefold()
    return next((child for child in node if local_name(child.tag).casefold() == folded), None)


def _text(node: ElementTree.Element | None) -> str:
    return "".join(node.itertext()).strip() if node is not None else ""


def _paragraphs(node: ElementTree.Element | None) -> str | None:
    if node is None:
        return None
    texts = [_text(para) for para in node if local_name(para.tag).casefold() == "para"]
    return "\n\n".join(text for text in texts if text) or None


def _links(node: ElementTree.Element | None) -> list[str]:
    if node is None:
        return []
    links = [_text(_child(link, "uri")) for link in node if local_name(link.tag).casefold() == "navigationlink"]
    return [link for link in links if link]
