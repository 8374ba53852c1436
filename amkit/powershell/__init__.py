"""The PowerShell language, read without running it: the grammar, data files, scripts, parameters, help, versions.

This folder is the bottom layer of amkit: it knows PowerShell and nothing about
packages, accounts or Azure Automation. Its modules may import each other and
:mod:`amkit.errors`, and nothing else from amkit; everything above may import it.
"""

from amkit.powershell.comment_help import CommentHelp
from amkit.powershell.hashtable import PSHashtable
from amkit.powershell.psd1 import Symbolic, read_psd1
from amkit.powershell.script import FunctionInfo, ModuleReference, ParameterInfo, ScriptInfo, parse_script
from amkit.powershell.textfile import decode_source, load_source
from amkit.powershell.version import PSVersion
from amkit.powershell.wildcard import wildcard_match

__all__ = [
    "CommentHelp",
    "FunctionInfo",
    "ModuleReference",
    "PSHashtable",
    "PSVersion",
    "ParameterInfo",
    "ScriptInfo",
    "Symbolic",
    "decode_source",
    "load_source",
    "parse_script",
    "read_psd1",
    "wildcard_match",
]
