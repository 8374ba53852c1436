"""What a module's code meets in Azure Automation's sandbox, read from its syntax trees.

Three tables and the functions that apply them: the parameter types
PowerShell Workflow hands over intact (:func:`workflow_safe`), what a script
reaches on the host outside its module folder (:func:`host_references`), and
the commands that need a Hybrid Runbook Worker (:func:`sandbox_calls`). The
scripts are parsed into syntax trees and walked; patterns only ever see the
value of one string or argument. :mod:`amkit.checks.authoring` turns the
results into findings.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

from amkit.errors import ScriptError
from amkit.powershell import calls, recovery
from amkit.powershell.syntax import SourceText, string_value, unwrap, walk
from amkit.powershell.textfile import decode_source

if TYPE_CHECKING:
    from tree_sitter import Node

    from amkit.package.module_package import ModuleVersion

__all__ = [
    "HOST_VARIABLES",
    "SANDBOX_LIMITED_COMMANDS",
    "WORKFLOW_SAFE_TYPES",
    "function_of",
    "host_references",
    "sandbox_calls",
    "syntax_tree",
    "workflow_safe",
]

#: Parameter types that reach a command intact from a PowerShell Workflow runbook, lower case and without
#: ``System.``. Workflow keeps values deserialized: primitives stay primitives and PowerShell's serializer
#: rebuilds its other known types (string, date and time, GUID, TimeSpan, Uri, Version, XML, SecureString);
#: a Hashtable and a PSCredential convert back from their deserialized form. ``object``/``psobject`` (and
#: IDictionary, which the rebuilt Hashtable implements) take whatever arrives, with nothing to convert.
#: Arrays (``[string[]]``) and ``Nullable[...]`` of these are safe too.
WORKFLOW_SAFE_TYPES = frozenset(
    (
        # primitives
        "bool boolean byte sbyte char int16 short uint16 ushort int int32 uint uint32 long int64 ulong uint64 "
        "single float double decimal "
        # the serializer's other known types
        "string datetime guid timespan uri version xml xml.xmldocument securestring security.securestring "
        # types that convert back from their deserialized form
        "switch switchparameter management.automation.switchparameter hashtable collections.hashtable "
        "pscredential management.automation.pscredential "
        # types any value binds to without a conversion
        "object psobject pscustomobject management.automation.psobject collections.idictionary"
    ).split()
)

#: Environment variables that point into the host's installation or its users' folders: a module that
#: reads them depends on how the machine it runs on was set up.
HOST_VARIABLES = frozenset(
    (
        "programfiles programfiles(x86) programw6432 commonprogramfiles commonprogramfiles(x86) commonprogramw6432 "
        "programdata allusersprofile windir systemroot systemdrive appdata localappdata userprofile homedrive "
        "homepath public onedrive"
    ).split()
)

_NO_WMI = (
    "cloud jobs have no access to WMI/CIM on the sandbox machine "
    "(Runbook execution: 'Jobs running in sandboxes in the cloud do not have access to WMI')"
)
_CIM_MODULE = (
    "its module calls CIM on the local machine, which cloud jobs cannot reach (Runbook execution; "
    "Get-NetAdapter fails in a sandbox with 'Cannot connect to CIM server', EvotecIT/Mailozaurr#6)"
)
_NO_INTERACTION = "it prompts, and the sandbox supports no interactive operations (Runbook execution)"
_ON_PREMISES = (
    "it needs a domain controller, and a cloud job reaches only resources accessible from the public cloud "
    "(Runbook execution); the ActiveDirectory module is not in the sandbox"
)
_HYPER_V = "it manages the Hyper-V host it runs on; the sandbox is not one (Runbook execution: local services)"
_ELEVATION = "it changes the machine it runs on and needs elevation, which sandboxes do not allow (Runbook execution)"

#: Commands that do not work in Azure Automation's cloud sandbox, with why: a runbook that calls them needs
#: a Hybrid Runbook Worker. Keys are lower case; sources are Microsoft's "Runbook execution in Azure
#: Automation" (no WMI, no interaction, no elevation, only resources reachable from the public cloud) and,
#: where noted, a failure reported from a sandbox. Listed are commands made to act on the machine they run
#: on or on the local network; commands made to reach remote endpoints (Invoke-Command, New-PSDrive,
#: Invoke-RestMethod) are not, though their targets may need a Hybrid Runbook Worker too.
SANDBOX_LIMITED_COMMANDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "get-wmiobject invoke-wmimethod set-wmiinstance remove-wmiobject register-wmievent get-ciminstance "
            "get-cimclass get-cimassociatedinstance invoke-cimmethod new-ciminstance set-ciminstance "
            "remove-ciminstance register-cimindicationevent"
        ).split(),
        _NO_WMI,
    ),
    # CIM-based (CDXML) Windows modules
    **dict.fromkeys(
        (
            "get-netadapter get-netipaddress get-netipconfiguration get-netroute test-netconnection "
            "get-dnsclientserveraddress get-printer get-disk get-volume get-scheduledtask"
        ).split(),
        _CIM_MODULE,
    ),
    "resolve-dnsname": (
        "it queries the Windows DNS client of the local machine and fails in a sandbox with a Win32 error "
        "('Not enough storage is available', reported in EvotecIT/Mailozaurr#6)"
    ),
    **dict.fromkeys("read-host get-credential out-gridview show-command".split(), _NO_INTERACTION),
    **dict.fromkeys(
        (
            "get-aduser set-aduser new-aduser get-adgroup get-adgroupmember add-adgroupmember remove-adgroupmember "
            "get-adcomputer get-addomain get-adorganizationalunit"
        ).split(),
        _ON_PREMISES,
    ),
    # Hyper-V host cmdlets (names PowerCLI shares, such as Get-VM, are left out)
    **dict.fromkeys(
        "checkpoint-vm get-vmswitch new-vmswitch get-vmnetworkadapter get-vmharddiskdrive".split(), _HYPER_V
    ),
    **dict.fromkeys("restart-computer stop-computer rename-computer add-computer".split(), _ELEVATION),
}
#: Built-in aliases of the commands above.
_ALIASES = {
    "gwmi": "get-wmiobject",
    "iwmi": "invoke-wmimethod",
    "swmi": "set-wmiinstance",
    "rwmi": "remove-wmiobject",
    "gcim": "get-ciminstance",
    "icim": "invoke-cimmethod",
    "ncim": "new-ciminstance",
    "scim": "set-ciminstance",
    "rcim": "remove-ciminstance",
    "tnc": "test-netconnection",
    "ogv": "out-gridview",
    "shcm": "show-command",
}

_STRINGS = frozenset(
    {
        "verbatim_string_characters",
        "verbatim_here_string_characters",
        "expandable_string_literal",
        "expandable_here_string_literal",
    }
)
_REGISTRY_PREFIXES = (
    "hklm:",
    "hkcu:",
    "registry::",
    "microsoft.powershell.core\\registry::",
    "hkey_local_machine\\",
    "hkey_current_user\\",
    "hkey_classes_root\\",
    "hkey_users\\",
    "hkey_current_config\\",
)
_REGISTRY_TYPES = frozenset({"microsoft.win32.registry", "microsoft.win32.registrykey"})
_DRIVE_PATH = re.compile(r"[A-Za-z]:[\\/]")
_UNC_PATH = re.compile(r"\\\\[A-Za-z0-9][\w.-]*\\[\w.$-]+")
_SCRIPT_ROOTS = ("$psscriptroot", "${psscriptroot}")


# Syntax trees, parsed once per version and script: AM207 and AM209 walk the same ones.
_TREES: weakref.WeakKeyDictionary[ModuleVersion, dict[str, SourceText]] = weakref.WeakKeyDictionary()


def syntax_tree(version: ModuleVersion, path: str) -> SourceText:
    """The parsed script at package path ``path`` of ``version``.

    Raises
    ------
    ScriptError
        When the file cannot be read or decoded.
    """
    trees = _TREES.setdefault(version, {})
    if path not in trees:
        member = version.package.member_name(path)
        text = decode_source(version.package.read(path), file=member, error=ScriptError)[0]
        trees[path] = recovery.parse_source(text, member)[0]
    return trees[path]


def function_of(source: SourceText, node: Node) -> str | None:
    """The innermost function ``node`` is in (without a scope prefix), ``None`` at script level."""
    parent = node.parent
    while parent is not None:
        if parent.type == "function_statement":
            name = next((child for child in parent.named_children if child.type == "function_name"), None)
            written = source.node_text(name) if name is not None else ""
            prefix, colon, bare = written.partition(":")
            return bare if colon and prefix.casefold() in calls.SCOPES else written
        parent = parent.parent
    return None


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def workflow_safe(type_name: str) -> bool:
    """Whether a parameter of type ``type_name`` (as written) reaches a command intact from PowerShell Workflow.

    The one test of :data:`WORKFLOW_SAFE_TYPES`: any case, with or without ``System.``, as an array or a
    ``Nullable[...]``.
    """
    name = "".join(type_name.split()).casefold()
    while True:
        name = name.removeprefix("system.")
        if name.endswith("[]"):
            name = name[:-2]
        elif name.startswith("nullable[") and name.endswith("]"):
            name = name[len("nullable[") : -1]
        else:
            return name in WORKFLOW_SAFE_TYPES


def _climbs(relative: str, depth: int) -> bool:
    """Whether ``relative``, taken ``depth`` folders below the version folder, goes above it."""
    level = depth
    for part in relative.replace("\\", "/").split("/"):
        if part == "..":
            level -= 1
            if level < 0:
                return True
        elif part not in ("", "."):
            level += 1
    return False


def _outside(value: str, depth: int) -> str | None:
    """What a path written as ``value`` reaches outside the module, ``None`` when nothing."""
    text = value.strip()
    folded = text.casefold()
    if folded.startswith(_REGISTRY_PREFIXES):
        return "a registry path of the host"
    if _UNC_PATH.match(text):
        return "a network (UNC) path"
    if _DRIVE_PATH.match(text):
        return "an absolute path on the host"
    root = next((root for root in _SCRIPT_ROOTS if folded.startswith(root)), None)
    if root is not None:
        leaves = _climbs(text[len(root) :], depth)
    else:
        leaves = not text.startswith(("$", "(")) and _climbs(text, 0)
    return "a path that leaves the module folder" if leaves else None


def _literal(source: SourceText, node: Node) -> str:
    """A string literal's value; for an expandable string with variables, its text between the quotes."""
    value = string_value(node, source)
    if value is not None:
        return value
    text = source.node_text(node)
    if text.startswith("@"):
        return "\n".join(text.split("\n")[1:-1])
    return text[1:-1]


def _in_attribute(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in ("attribute", "statement_list"):
        parent = parent.parent
    return parent is not None and parent.type == "attribute"


def _arguments(source: SourceText, command: Node) -> Iterator[tuple[Node, str]]:
    r"""Each bare-word argument of ``command`` (first node, text), glued pieces joined: ``$PSScriptRoot\\..\\x``."""
    elements = next((child for child in command.named_children if child.type == "command_elements"), None)
    group: list[Node] = []
    for child in [*elements.children, None] if elements is not None else []:
        if child is not None and child.type not in ("command_argument_sep", "command_parameter", "comment"):
            group.append(child)
            continue
        if group and not (len(group) == 1 and unwrap(group[0]).type in (*_STRINGS, "variable")):
            start, end = group[0].start_byte, group[-1].end_byte
            yield group[0], source.data[start:end].decode("utf-8", errors="replace")
        group = []


def host_references(source: SourceText, depth: int) -> Iterator[tuple[Node, str]]:
    """(node, what it reaches) for every place the file reaches outside its module folder.

    ``depth`` is how many folders below the version folder the file is, for
    paths built from ``$PSScriptRoot``. Found are absolute, UNC, registry and
    escaping (``..``) paths in strings and bare-word arguments, ``$env:``
    variables of :data:`HOST_VARIABLES`, and the registry classes of .NET.
    """
    for node in walk(source.root):
        kind = node.type
        if kind in _STRINGS and not _in_attribute(node):
            value = _literal(source, node)
            what = _outside(value, depth)
            if what is not None:
                yield node, f"'{_shown(value)}', {what}"
        elif kind == "command":
            for first, text in _arguments(source, node):
                what = _outside(text, depth)
                if what is not None:
                    yield first, f"{_shown(text)}, {what}"
        elif kind == "variable":
            written = source.node_text(node)
            drive, colon, name = written.lstrip("$@").strip("{}").partition(":")
            if colon and drive.casefold() == "env" and name.casefold() in HOST_VARIABLES:
                yield node, f"{written}, which points into the host's installation"
        elif kind == "type_literal":
            spec = next((child for child in node.named_children if child.type == "type_spec"), node)
            written = source.node_text(spec).strip("[]")
            if "".join(written.split()).casefold() in _REGISTRY_TYPES:
                yield node, f"[{written}], the registry of the host"


def sandbox_calls(source: SourceText) -> Iterator[tuple[Node, str, str]]:
    """(command node, name as written, why) for every call of a command in :data:`SANDBOX_LIMITED_COMMANDS`."""
    for node in walk(source.root):
        if node.type != "command":
            continue
        written = calls.command_name(source, node)
        folded = (written or "").rpartition("\\")[2].casefold()  # DnsClient\Resolve-DnsName
        reason = SANDBOX_LIMITED_COMMANDS.get(_ALIASES.get(folded, folded))
        if written is not None and reason is not None:
            yield node, written, reason
