"""Comment-based help, found and read by PowerShell's own rules.

``Get-Help`` reads a function's help from a comment block in one of three
places: just before the ``function`` keyword (at most one blank line between),
first thing in the body, or last thing in the body. A block is a block comment
``<# ... #>`` or a run of comments on consecutive lines. A block is help only
when every non-blank line before its first keyword is blank and every keyword
is a valid one (``.SYNOPSIS``, ``.PARAMETER Name`` ...): this module repeats
those rules (from PowerShell's ``HelpCommentsParser``) so the same comments
count as help here as in ``Get-Help``. Regular expressions only ever see the
text of one comment, never PowerShell source.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from amkit.powershell.hashtable import PSHashtable

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.powershell.syntax import SourceText

__all__ = ["CommentHelp", "CommentIndex", "parse_help"]

# PowerShell's own patterns (HelpCommentsParser.directive and .blankline).
_DIRECTIVE = re.compile(r"^\s*\.(\w+)(\s+(\S.*))?\s*$")
_BLANK = re.compile(r"^\s*$")
#: Keywords that take their text from the following lines.
_SECTIONS = frozenset(
    {
        "SYNOPSIS",
        "DESCRIPTION",
        "NOTES",
        "LINK",
        "EXAMPLE",
        "INPUTS",
        "OUTPUTS",
        "COMPONENT",
        "ROLE",
        "FUNCTIONALITY",
    }
)
#: Keywords that take an argument on their own line.
_WITH_ARGUMENT = frozenset(
    {
        "PARAMETER",
        "FORWARDHELPTARGETNAME",
        "FORWARDHELPCATEGORY",
        "REMOTEHELPRUNSPACE",
        "EXTERNALHELP",
    }
)
#: Lines between a comment block and the ``function`` keyword it documents, plus one.
PROXIMITY = 2
_WHITESPACE = b" \t\r\n\f\v"


@dataclass(frozen=True)
class CommentHelp:
    """The sections of one comment-based help block.

    Section texts are as ``Get-Help`` shows them: the lines after the keyword
    up to the next keyword, each stripped of as much leading whitespace as the
    first line has (PowerShell's rule), trailing blank lines dropped. A
    keyword present with no text gives ``""``.

    Attributes
    ----------
    synopsis, description, notes
        ``.SYNOPSIS``, ``.DESCRIPTION``, ``.NOTES``; ``None`` when absent.
    parameters
        ``.PARAMETER Name`` texts by name; lookups ignore case and the first
        section for a name wins, as in PowerShell.
    examples, inputs, outputs
        Every ``.EXAMPLE``, ``.INPUTS`` and ``.OUTPUTS`` section, in order.
    links
        The first non-blank line of each ``.LINK`` section (a URI or a
        command name); the full text is in ``keywords["LINK"]``.
    component, role, functionality, external_help
        ``.COMPONENT``, ``.ROLE``, ``.FUNCTIONALITY`` (stripped) and the file
        named by ``.EXTERNALHELP``.
    forward_help_target_name, forward_help_category, remote_help_runspace
        The arguments of those keywords.
    keywords
        Every keyword found (upper case) with the text of each occurrence, in
        order; for ``.PARAMETER`` the section texts (names are in
        ``parameters``), for keywords with an argument the argument.
    """

    synopsis: str | None = None
    description: str | None = None
    parameters: Mapping[str, str] = field(default_factory=PSHashtable, hash=False)
    examples: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    notes: str | None = None
    component: str | None = None
    role: str | None = None
    functionality: str | None = None
    external_help: str | None = None
    forward_help_target_name: str | None = None
    forward_help_category: str | None = None
    remote_help_runspace: str | None = None
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


def parse_help(text: str | Sequence[str]) -> CommentHelp | None:
    """Read comment-based help from the text of a comment block.

    Parameters
    ----------
    text
        One comment as written (``<# ... #>`` or ``# ...`` lines), or a
        sequence of such comments forming one block.

    Returns
    -------
    CommentHelp or None
        ``None`` when PowerShell would not take the block as help: no
        keyword, an unknown keyword, text before the first keyword, or a
        keyword such as ``.SYNOPSIS`` with text on its own line.
    """
    comments = [text] if isinstance(text, str) else list(text)
    lines = [line for comment in comments for line in comment_lines(comment)]
    return _analyze(lines)


def comment_lines(comment: str) -> list[str]:
    """Split one comment into lines without its ``<#``/``#>`` or leading ``#`` characters."""
    if comment.startswith("<#"):
        body = comment[2:-2] if comment.endswith("#>") else comment[2:]
        return body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [comment.lstrip("#").rstrip("\r")]


def section_text(lines: Sequence[str], start: int) -> tuple[str, int]:
    """Collect a section from ``lines[start]`` up to the next keyword line.

    Returns the text and the index of the first line not consumed. Leading
    blank lines are skipped; each line loses at most as much leading
    whitespace as the first one had.
    """
    out: list[str] = []
    indent = -1
    index = start
    while index < len(lines):
        line = lines[index]
        if indent < 0 and _BLANK.match(line):
            index += 1
            continue
        if _DIRECTIVE.match(line):
            break
        leading = len(line) - len(line.lstrip(" \t\u00a0"))
        if indent < 0:
            indent = leading
        out.append(line[min(indent, leading) :].rstrip())
        index += 1
    while out and not out[-1]:
        out.pop()
    return "\n".join(out), index


def _analyze(lines: list[str]) -> CommentHelp | None:
    found: dict[str, list[str]] = {}
    parameters = PSHashtable()
    single: dict[str, str] = {}
    index = 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        if match is None:
            if not _BLANK.match(lines[index]):
                return None
            index += 1
            continue
        keyword, argument = match.group(1).upper(), match.group(3)
        if argument is not None:
            if keyword not in _WITH_ARGUMENT:
                return None
            index += 1
            if keyword == "PARAMETER":
                text, index = section_text(lines, index)
                parameters.setdefault(argument.strip(), text)
                found.setdefault(keyword, []).append(text)
            else:
                single[keyword] = argument.strip()
                found.setdefault(keyword, []).append(argument.strip())
            continue
        if keyword not in _SECTIONS:
            return None
        text, index = section_text(lines, index + 1)
        found.setdefault(keyword, []).append(text)
    if not found:
        return None

    def last(keyword: str, *, strip: bool = False) -> str | None:
        texts = found.get(keyword)
        if not texts:
            return None
        return texts[-1].strip() if strip else texts[-1]

    return CommentHelp(
        synopsis=last("SYNOPSIS"),
        description=last("DESCRIPTION"),
        parameters=parameters,
        examples=tuple(found.get("EXAMPLE", ())),
        links=tuple(_first_line(text) for text in found.get("LINK", ()) if text.strip()),
        inputs=tuple(found.get("INPUTS", ())),
        outputs=tuple(found.get("OUTPUTS", ())),
        notes=last("NOTES"),
        component=last("COMPONENT", strip=True),
        role=last("ROLE", strip=True),
        functionality=last("FUNCTIONALITY", strip=True),
        external_help=single.get("EXTERNALHELP"),
        forward_help_target_name=single.get("FORWARDHELPTARGETNAME"),
        forward_help_category=single.get("FORWARDHELPCATEGORY"),
        remote_help_runspace=single.get("REMOTEHELPRUNSPACE"),
        keywords={keyword: tuple(texts) for keyword, texts in found.items()},
    )


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


class CommentIndex:
    """The comments of one parsed file, to find the help blocks PowerShell would use.

    Parameters
    ----------
    source
        The parsed file.
    comments
        Its ``comment`` nodes in source order.
    """

    def __init__(self, source: SourceText, comments: Sequence[Node]) -> None:
        self.source = source
        self.comments = list(comments)
        self._starts = [comment.start_byte for comment in self.comments]
        self._ends = [comment.end_byte for comment in self.comments]

    def _skip_space(self, offset: int, step: int) -> int:
        """Return the offset of the next non-whitespace byte (the previous one if step < 0)."""
        data = self.source.data
        if step > 0:
            while offset < len(data) and data[offset] in _WHITESPACE:
                offset += 1
            return offset
        while offset > 0 and data[offset - 1] in _WHITESPACE:
            offset -= 1
        return offset

    def preceding(self, offset: int, line: int, proximity: int) -> list[Node]:
        """Return the comment block ending just before ``offset``, on ``line`` (as ``SourceText.start_line`` counts).

        The last comment must end no more than ``proximity - 1`` lines above
        ``line``, each earlier one on the line before the next; only
        whitespace may separate them (``GetPrecedingCommentBlock``).
        """
        block: list[Node] = []
        min_end = line - proximity
        index = bisect.bisect_right(self._ends, offset) - 1
        while index >= 0:
            comment = self.comments[index]
            if self.source.end_line(comment) < min_end or self._skip_space(offset, -1) != comment.end_byte:
                break
            block.append(comment)
            min_end = self.source.start_line(comment) - 1
            offset = comment.start_byte
            index -= 1
        block.reverse()
        return block

    def following(self, offset: int) -> Iterator[list[Node]]:
        """Yield the comment blocks from ``offset`` up to the first token that is not a comment.

        Blocks are split where a blank line separates comments (``GetCommentBlock``).
        """
        index = bisect.bisect_left(self._starts, offset)
        block: list[Node] = []
        next_max = -1
        while index < len(self.comments):
            comment = self.comments[index]
            if self._skip_space(offset, 1) != comment.start_byte:
                break
            if block and self.source.start_line(comment) > next_max:
                yield block
                block = []
            block.append(comment)
            next_max = self.source.end_line(comment) + 1
            offset = comment.end_byte
            index += 1
        if block:
            yield block

    def help_of(self, block: Sequence[Node]) -> CommentHelp | None:
        """Read ``block`` as comment help, or return ``None`` when it is not help."""
        return parse_help([self.source.node_text(comment) for comment in block]) if block else None

    def function_help(self, statement: Node, open_brace: Node | None, close_brace: Node | None) -> CommentHelp | None:
        """Return a function's help: before its ``statement``, else first in its body, else last in it.

        Before the statement is before its keyword, or before the attributes a configuration may have.
        """
        found = self.help_of(self.preceding(statement.start_byte, self.source.start_line(statement), PROXIMITY))
        if found is not None or open_brace is None or close_brace is None:
            return found
        for block in self.following(open_brace.end_byte):
            found = self.help_of(block)
            if found is not None:
                return found
        return self.help_of(self.preceding(close_brace.start_byte, self.source.start_line(close_brace), 1 << 30))

    def script_help(self, first_function: Node | None) -> CommentHelp | None:
        """Return the whole script's help: first at the top of the file, else last in it.

        A help block at the top belongs to the script unless a function
        starts within :data:`PROXIMITY` lines after it (``first_function``,
        when the file's first statement is one); then it is that function's.
        """
        for block in self.following(0):
            found = self.help_of(block)
            if found is None:
                continue
            if (
                first_function is not None
                and self.source.start_line(first_function) - self.source.end_line(block[-1]) <= PROXIMITY
            ):
                break
            return found
        end = len(self.source.data)
        return self.help_of(self.preceding(end, self.source.end_line(self.source.root), 1 << 30))

    def parameter_comment(self, parameter: Node) -> str | None:
        """Return the comments on one parameter: just above it, inside it, and right after it."""
        comments = self.preceding(parameter.start_byte, self.source.start_line(parameter), PROXIMITY)
        first = bisect.bisect_left(self._starts, parameter.start_byte)
        last = bisect.bisect_left(self._starts, parameter.end_byte)
        comments += self.comments[first:last]
        comments += next(self.following(parameter.end_byte), [])
        lines = [line for comment in comments for line in comment_lines(self.source.node_text(comment))]
        text = section_text(lines, 0)[0]
        return text or None
