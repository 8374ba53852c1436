"""The PowerShell grammar compiled into amkit (sources in ``amkit/powershell/grammar``)."""

def language() -> object:
    """The grammar, as the capsule :class:`tree_sitter.Language` takes."""
