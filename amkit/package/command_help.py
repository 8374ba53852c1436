"""The help of an exported command, read where ``Get-Help`` reads it.

A function's help is its comment-based help
(:mod:`amkit.powershell.comment_help`). A binary cmdlet's help is in the MAML
file named after its assembly (:mod:`amkit.package.maml`), which PowerShell
looks for in the module folder (``ModuleBase``): in the folder of the current
UI culture, then of its parent cultures, then in the folder itself, with
``en-US`` and ``en`` as the last fallbacks (``CommandHelpProvider`` and
``MUIFileSearcher``). amkit prefers en-US, then en; as a module may ship
help for other cultures only, it then looks in every other culture folder (by
name), then in the module folder. A cmdlet's help is its entry in the first
of those files that has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amkit.errors import HelpFileError
from amkit.package.maml import help_file_name
from amkit.powershell.script import FunctionInfo

if TYPE_CHECKING:
    from amkit.package.commands import ExportedCommand
    from amkit.package.module_package import ModuleVersion

__all__ = ["CommandHelp", "command_help", "help_files"]

# The culture amkit prefers, then its parent culture.
_PREFERRED = ("en-us", "en")
# A culture folder: a two-letter language, or a three-letter one with a region or script
# (haw-US); a bare three-letter folder is more likely bin/ or lib/ than a language.
_CULTURE = re.compile(r"(?:[a-z]{2}|[a-z]{3}(?=-))(?:-[a-z0-9]{2,8})*", re.IGNORECASE)


@dataclass(frozen=True)
class CommandHelp:
    """What a command's help says, wherever it is written.

    Attributes
    ----------
    source
        ``"comment"`` for a function's comment-based help, ``"maml"`` for a
        binary cmdlet's help file.
    file
        The package path of the help: the script that defines the function,
        or the help file holding the cmdlet's entry (the preferred help file
        when none holds one); ``None`` for a cmdlet without a help file.
    found
        Whether there is help for the command: a comment block, or an entry
        in a help file.
    synopsis, description
        The texts ``Get-Help`` shows; ``None`` when absent.
    links
        The ``.LINK`` lines (a URI or a command name), or the URIs of the
        help file's related links.
    elsewhere
        Whether the comment-based help hands over to another place
        (``.EXTERNALHELP`` or ``.FORWARDHELPTARGETNAME``).
    error
        Why a help file that might hold the cmdlet's entry could not be read
        (malformed, too large, a DTD): ``Get-Help`` then shows no help from
        it, and amkit goes on to the next file, as neither stops an import.
    """

    source: str
    file: str | None
    found: bool = False
    synopsis: str | None = None
    description: str | None = None
    links: tuple[str, ...] = ()
    elsewhere: bool = False
    error: HelpFileError | None = None


def help_files(version: ModuleVersion, assembly: str) -> tuple[str, ...]:
    """The help files of the cmdlets in ``assembly`` (a package path) that ``version`` holds, preferred first.

    ``<Assembly>-help.xml``, matched ignoring case as Windows does, in the
    module folder's ``en-US/``, ``en/``, other culture folders by name, then
    the module folder itself.
    """
    name = help_file_name(assembly).casefold()
    prefix = f"{version.folder}/" if version.folder else ""
    ranked = []
    for entry in version.package.source.entries:
        folder, _, file = entry.path[len(prefix) :].rpartition("/")
        rank = _rank(folder) if entry.path.startswith(prefix) and file.casefold() == name else None
        if rank is not None:
            ranked.append((rank, folder.casefold(), entry.path))
    return tuple(path for *_, path in sorted(ranked))


def _rank(folder: str) -> int | None:
    """Where help files in ``folder`` (below the module folder) come in the search; ``None`` when not searched."""
    folded = folder.casefold()
    if folded in _PREFERRED:
        return _PREFERRED.index(folded)
    if _CULTURE.fullmatch(folder):
        return len(_PREFERRED)
    return len(_PREFERRED) + 1 if not folder else None


def command_help(version: ModuleVersion, command: ExportedCommand) -> CommandHelp:
    """The help of ``command``, an exported command of ``version``.

    An unreadable help file is passed over; its error is kept in
    :attr:`CommandHelp.error` when no other file has the cmdlet's entry.
    """
    definition = command.definition
    if isinstance(definition, FunctionInfo):
        comment = definition.help
        if comment is None:
            return CommandHelp("comment", command.file)
        elsewhere = bool(comment.external_help or comment.forward_help_target_name)
        return CommandHelp(
            "comment", command.file, True, comment.synopsis, comment.description, comment.links, elsewhere
        )
    unreadable: tuple[str, HelpFileError] | None = None
    for path in command.help_files:
        try:
            entries = version.read_help(path)
        except HelpFileError as error:
            unreadable = unreadable or (path, error)
            continue
        # The help file names the cmdlet as the assembly does, without DefaultCommandPrefix.
        entry = entries.get(definition.name)
        if entry is not None:
            return CommandHelp("maml", path, True, entry.synopsis, entry.description, entry.links)
    if unreadable is not None:
        return CommandHelp("maml", unreadable[0], error=unreadable[1])
    return CommandHelp("maml", command.help_files[0] if command.help_files else None)
