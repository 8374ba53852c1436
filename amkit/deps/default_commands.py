"""What the modules of a default package (an Az release) export, as far as amkit has read it.

Package data (``data/default-module-commands.json``), each entry with its
source: a manifest's CmdletsToExport, FunctionsToExport and AliasesToExport at
exactly the version the release holds (complete), or, where no copy of that
manifest could be read, the cmdlets the release's reference documentation lists
on the module's page (``complete: false``: that page names no aliases).
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files

from amkit.defaults import AZ_RELEASES

_Entry = tuple[tuple[str, ...], bool]


@functools.cache
def _table() -> dict[str, dict[str, _Entry]]:
    """Module (lower case) -> version -> (commands, whether the list is complete)."""
    data = json.loads((files("amkit.deps") / "data" / "default-module-commands.json").read_text(encoding="utf-8"))
    return {
        name.casefold(): {
            version: (tuple(item["commands"]), item.get("complete", True)) for version, item in found.items()
        }
        for name, found in data["modules"].items()
    }


def default_commands(name: str, version: str) -> _Entry | None:
    """The commands module ``name`` exports at ``version``, and whether that list is complete; ``None`` if unread."""
    return _table().get(name.casefold(), {}).get(version)


@functools.cache
def release_exporters(release: str) -> dict[str, str]:
    """Command (lower case) -> the module of Az ``release`` that exports it, where amkit has read the module.

    Built once per release and shared: read it, never change it.
    """
    exporters: dict[str, str] = {}
    for name, version in AZ_RELEASES[release]:
        entry = default_commands(name, version)
        for command in entry[0] if entry is not None else ():
            exporters.setdefault(command.casefold(), name)
    return exporters
