"""The typed errors amkit raises for bad input.

Every error names where the problem is (file, and line and column when known)
and what is wrong, so a notebook user sees one readable line instead of a
traceback from deep inside a parser.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "AmkitError",
    "ConnectionTypeError",
    "DataFileError",
    "HelpFileError",
    "LayoutError",
    "LimitExceededError",
    "PackageError",
    "ScriptError",
]


class AmkitError(Exception):
    """Base class of every error amkit raises about its input.

    Parameters
    ----------
    message
        What is wrong and, where it helps, what to do about it.
    file
        The file (or package member) the problem is in.
    line, column
        1-based position in ``file``, when the problem has one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._formatted())

    def _formatted(self) -> str:
        where = [str(part) for part in (self.file, self.line, self.column) if part is not None]
        return f"{':'.join(where)}: {self.message}" if where else self.message

    def _keywords(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column}

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments do not survive the default Exception pickling,
        # which multiprocessing needs when a worker reports a bad package.
        return (_rebuild, (type(self), self.message, self._keywords()))


def _rebuild(cls: type[AmkitError], message: str, keywords: dict) -> AmkitError:
    return cls(message, **keywords)


class PackageError(AmkitError):
    """A package cannot be read: not a zip, unsafe entries, or an unusable layout."""


class LayoutError(PackageError):
    """A package has no module folder, several of them, or nothing PowerShell could load.

    ``reason`` is ``no-folder``, ``several-folders`` or ``no-module``, so
    checks can report each as the rule it breaks.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = reason
        super().__init__(message, file=file, line=line, column=column)

    def _keywords(self) -> dict[str, object]:
        return {**super()._keywords(), "reason": self.reason}


class LimitExceededError(PackageError):
    """A package exceeds a size, count or compression-ratio limit (a likely zip bomb)."""


class DataFileError(AmkitError):
    """A ``.psd1`` is not a data file PowerShell would accept.

    ``construct`` names the syntax that is not allowed (for example ``command``
    or ``script block``) when the problem is one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        construct: str | None = None,
    ) -> None:
        self.construct = construct
        super().__init__(message, file=file, line=line, column=column)

    def _keywords(self) -> dict[str, object]:
        return {**super()._keywords(), "construct": self.construct}


class ScriptError(AmkitError):
    """PowerShell source has a syntax error or cannot be decoded."""


class ConnectionTypeError(AmkitError):
    """A ``<Module>-Automation.json`` connection-type file is malformed."""


class HelpFileError(AmkitError):
    """A MAML help file (``<Assembly>.dll-help.xml``) is malformed, too large, or declares a DTD."""


#: The AccountError codes of refusals that pass: ``busy`` (another operation held the account file
#: longer than the timeout) and ``throttled`` (the import limit, until the time the message names).
_RETRYABLE_CODES = frozenset({"busy", "throttled"})


class AccountError(AmkitError):
    """An Automation account refuses an operation, or its file cannot be used.

    ``code`` names the kind of refusal (``read-only``, ``not-found``,
    ``default-module``, ``schema``, ``connection``, ``busy``, ``storage``...),
    so callers can tell them apart without parsing the message; ``retryable``
    says whether the same operation, tried again later, can succeed.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.code = code
        super().__init__(message, file=file, line=line, column=column)

    @property
    def retryable(self) -> bool:
        """Whether the refused operation changed nothing and may succeed later (a busy file, throttled imports)."""
        return self.code in _RETRYABLE_CODES

    def _keywords(self) -> dict[str, object]:
        return {**super()._keywords(), "code": self.code}
