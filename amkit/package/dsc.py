"""The DSC resources a module version exports, found as PowerShell's DSC finds them, without running anything.

Three kinds: a MOF-based resource is ``DSCResources/<Name>/<Name>.schema.mof``
(with its ``.psm1``); a composite resource is ``DSCResources/<Name>/<Name>.schema.psm1``;
a class-based resource is a ``class`` marked ``[DscResource()]`` in one of the
module's scripts. ``DscResourcesToExport``, when the manifest lists it,
limits which are exported. A configuration that runs in Automation State
Configuration names them with ``Import-DscResource``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from amkit.errors import ScriptError
from amkit.powershell.syntax import SourceText, walk
from amkit.powershell.textfile import decode_source

if TYPE_CHECKING:
    from amkit.package.module_package import ModuleVersion

__all__ = ["DSC_COLUMNS", "DscResource", "dsc_resources"]

DSC_COLUMNS = ["name", "kind", "path"]
_RESOURCES_FOLDER = "dscresources"
_SUFFIXES = ((".schema.mof", "mof"), (".schema.psm1", "composite"))


@dataclass(frozen=True)
class DscResource:
    """One DSC resource: its name, ``mof``, ``composite`` or ``class``, and the package path that defines it."""

    name: str
    kind: str
    path: str


def _folder_resources(version: ModuleVersion) -> list[DscResource]:
    found = []
    base = version.folder.casefold() + "/" if version.folder else ""
    for path in version.files["path"]:
        folded = str(path).casefold()
        if not folded.startswith(base):
            continue
        parts = folded[len(base) :].split("/")
        if len(parts) != 3 or parts[0] != _RESOURCES_FOLDER:
            continue
        for suffix, kind in _SUFFIXES:
            if parts[2] == parts[1] + suffix:
                name = posixpath.basename(str(path))[: -len(suffix)]
                found.append(DscResource(name, kind, str(path)))
    return found


def _class_resources(version: ModuleVersion) -> list[DscResource]:
    found = []
    for path in version.scripts:
        member = version.package.member_name(path)
        text, _ = decode_source(version.package.read(path), file=member, error=ScriptError)
        source = SourceText(text, member)
        for node in walk(source.root):
            if node.type != "class_statement":
                continue
            attributes = next((child for child in node.named_children if child.type == "attribute_list"), None)
            name = next((child for child in node.named_children if child.type == "simple_name"), None)
            marked = attributes is not None and any(
                source.node_text(attribute).strip("[]() \t").casefold().startswith("dscresource")
                for attribute in attributes.named_children
            )
            if marked and name is not None:
                found.append(DscResource(source.node_text(name), "class", path))
    return found


def dsc_resources(version: ModuleVersion) -> pd.DataFrame:
    """The DSC resources ``version`` exports: name, kind (mof, composite, class), path; by name.

    Raises
    ------
    ScriptError
        When a module script cannot be decoded.
    """
    listed = version.manifest.dsc_resources_to_export if version.manifest is not None else None
    resources = [
        resource
        for resource in (*_folder_resources(version), *_class_resources(version))
        if listed is None or listed.allows(resource.name)
    ]
    frame = pd.DataFrame([(item.name, item.kind, item.path) for item in resources], columns=DSC_COLUMNS)
    return frame.astype("string").sort_values("name", key=lambda column: column.str.casefold()).reset_index(drop=True)
