"""Read XML from a package, which is untrusted: no DTD, no entities, errors typed and located.

A document type declaration is where entity-expansion attacks ("billion
laughs") and external entities live, and the XML files a module package holds
(a ``.nuspec``, MAML help) never need one. Every reader of package XML goes
through :func:`parse_xml`, which stops at the ``<!DOCTYPE`` itself, before any
declaration in it is read, whatever the file's encoding (a byte search for
``<!DOCTYPE`` misses it in a UTF-16 file).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from amkit.errors import AmkitError

__all__ = ["local_name", "parse_xml"]


class _Doctype(Exception):
    """Raised by the tree builder at a ``<!DOCTYPE``, to stop the parse there."""


class _NoDoctypeBuilder(ElementTree.TreeBuilder):
    """A tree builder that refuses any document type declaration."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        """Stop the parse: expat calls this as the declaration starts, before its internal subset."""
        raise _Doctype(name)


def parse_xml(data: bytes, *, what: str, error: type[AmkitError], file: str | None = None) -> ElementTree.Element:
    """Parse ``data`` and return its root element, refusing any DTD.

    Parameters
    ----------
    data
        The file's bytes; expat reads its encoding from the byte-order mark or
        the XML declaration.
    what
        What the file is, for messages (``"nuspec"``, ``"help file"``).
    error
        The :class:`AmkitError` subclass to raise.
    file
        The name to report in errors.

    Raises
    ------
    AmkitError
        ``error``, when the XML declares a DOCTYPE or is not well-formed (an
        entity it never declares, say), with the line and column expat stopped at.
    """
    parser = ElementTree.XMLParser(target=_NoDoctypeBuilder())
    try:
        parser.feed(data)
        return parser.close()
    except _Doctype:
        raise error(
            f"the {what} declares a DOCTYPE, which package files never need and whose entities can expand "
            "without bound; amkit refuses it: remove the declaration",
            file=file,
        ) from None
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise error(f"the {what} is not well-formed XML: {exc}", file=file, line=line, column=column + 1) from None


def local_name(tag: str) -> str:
    """An element's name without its namespace: ``{http://...}para`` -> ``para``."""
    return tag.rsplit("}", 1)[-1]
