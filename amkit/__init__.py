"""amkit: see inside PowerShell module packages before and after importing them into Azure Automation."""

from amkit.errors import (
    AmkitError,
    ConnectionTypeError,
    DataFileError,
    LimitExceededError,
    PackageError,
    ScriptError,
)
from amkit.psd1 import PSHashtable, Symbolic, read_psd1
from amkit.version import PSVersion

__all__ = [
    "AmkitError",
    "ConnectionTypeError",
    "DataFileError",
    "LimitExceededError",
    "PSHashtable",
    "PSVersion",
    "PackageError",
    "ScriptError",
    "Symbolic",
    "read_psd1",
]
