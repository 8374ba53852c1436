"""PowerShell's hashtable: keys that ignore case, in the order they were written.

Data files, manifests and module specifications are all hashtables; this one
type carries them through amkit so ``manifest["moduleversion"]`` works as it
does in PowerShell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["PSHashtable"]


class PSHashtable(dict):
    """A hashtable as PowerShell reads it: string keys match case-insensitively, source order kept.

    It is a ``dict`` (so ``json.dumps`` and pandas take it as one) whose keys
    keep the case they were written in, while lookups ignore case:
    ``table["moduleversion"]`` finds ``ModuleVersion``.
    """

    def __init__(self, items: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()) -> None:
        super().__init__()
        self._index: dict[Any, Any] = {}
        self._positions: dict[Any, tuple[int, int]] = {}
        self.update(items)

    def position(self, key: Any) -> tuple[int, int] | None:
        """The 1-based (line, column) where ``key`` is written in the file it was read from, if known."""
        return self._positions.get(self._fold(key))

    def set_position(self, key: Any, line: int, column: int) -> None:
        """Record where ``key`` is written (the data-file reader does this for every key)."""
        self._positions[self._fold(key)] = (line, column)

    @staticmethod
    def _fold(key: Any) -> Any:
        return key.casefold() if isinstance(key, str) else key

    def _stored(self, key: Any) -> Any:
        return self._index.get(self._fold(key), key)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._stored(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        folded = self._fold(key)
        if folded in self._index:
            super().__setitem__(self._index[folded], value)
        else:
            self._index[folded] = key
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(self._stored(key))
        del self._index[self._fold(key)]

    def __contains__(self, key: object) -> bool:
        return self._fold(key) in self._index

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the value for ``key`` (any case), or ``default``."""
        return self[key] if key in self else default

    def pop(self, key: Any, *default: Any) -> Any:
        """Remove ``key`` (any case) and return its value."""
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """Return the value for ``key``, inserting ``default`` when absent."""
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Insert items, matching existing keys case-insensitively."""
        pairs = other.items() if isinstance(other, Mapping) else other
        for key, value in [*pairs, *kwargs.items()]:
            self[key] = value

    def copy(self) -> PSHashtable:
        """Return a shallow copy that keeps case-insensitive lookup."""
        return PSHashtable(self.items())

    def clear(self) -> None:
        """Remove every key."""
        super().clear()
        self._index.clear()

    def popitem(self) -> tuple[Any, Any]:
        """Remove and return the last inserted ``(key, value)``."""
        key, value = super().popitem()
        del self._index[self._fold(key)]
        return key, value

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None) -> PSHashtable:
        """Return a table of ``keys`` (matched case-insensitively), each mapped to ``value``."""
        return cls((key, value) for key in keys)

    def __or__(self, other: Any) -> PSHashtable:
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: Any) -> PSHashtable:
        if not isinstance(other, Mapping):
            return NotImplemented
        merged = PSHashtable(other)
        merged.update(self)
        return merged

    def __ior__(self, other: Any) -> PSHashtable:
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # dict's own pickling would rebuild the items without the case-insensitive index.
        return (PSHashtable, (list(self.items()),))

    def __repr__(self) -> str:
        return f"PSHashtable({dict.__repr__(self)})"
