"""Frozen dataclasses with slots that read back what was pickled before they had slots.

Requirements, module records, specifications and NuGet ranges are made by the
hundred thousand for a gallery; slots keep them small and quick to compare.
A pickle of one made before they had slots (an inventory kept with pickle or
joblib) holds its fields as a dict, which the ``__setstate__`` dataclasses
give such classes would pair with the fields in order, silently making
nonsense of every value.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["restore_fields"]


def restore_fields(self: Any, state: list[Any] | tuple[Any, ...] | dict[str, Any]) -> None:
    """``__setstate__`` for a frozen dataclass with slots: its fields' values in order, or by name.

    Raises
    ------
    TypeError
        When a field is missing from a dict without a default to take, or the values are too few or too many.
    """
    fields = dataclasses.fields(self)
    if isinstance(state, dict):
        state = [state[field.name] if field.name in state else _default(field) for field in fields]
    if len(state) != len(fields):
        raise TypeError(f"{type(self).__name__} has {len(fields)} fields, not {len(state)} values to restore")
    for field, value in zip(fields, state, strict=True):
        object.__setattr__(self, field.name, value)


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    raise TypeError(f"a pickled {field.name!r} is missing and has no default")
