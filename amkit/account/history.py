"""The history of an account: every state change of every operation, with its time.

An operation (an import, a delete and its rollback, an update of the Az
modules) writes its rows inside its own transaction, so the history holds
whole operations only; a failed import is history too, though it changes no
module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd

from amkit.account.modules import times_utc
from amkit.account.provisioning import Failure
from amkit.account.runtimes import RuntimeEnvironment
from amkit.account.store import Store, moment, time_text

__all__ = [
    "HISTORY_COLUMNS",
    "OPERATIONS",
    "OPERATION_COLUMNS",
    "OUTCOMES",
    "Recorder",
    "history_frame",
    "operations",
    "outcome_of",
    "starts_between",
]

HISTORY_COLUMNS = [
    "time",
    "operation",
    "module",
    "version",
    "state",
    "error_code",
    "error_message",
    "runtime",
    "operation_id",
    "runtime_environment",
]
#: What an operation can be.
OPERATIONS = ("import", "delete", "rollback", "update-az", "update-default-packages")
_TEXT_COLUMNS = tuple(column for column in HISTORY_COLUMNS if column not in ("time", "operation_id"))

StateCallback = Callable[[str, datetime], None]


class Recorder:
    """Writes one operation's state changes into the history, and tells whoever listens."""

    def __init__(
        self,
        store: Store,
        operation: str,
        environment: RuntimeEnvironment,
        module: str,
        listener: StateCallback | None,
        operation_id: int | None = None,
    ) -> None:
        self.store = store
        self.operation = operation
        self.environment = environment
        self.runtime = environment.version
        self.module = module
        self.listener = listener
        if operation_id is None:  # a new operation; else one already in the history, going on
            operation_id = int(store.rows("SELECT COALESCE(MAX(operation_id), 0) + 1 FROM history")[0][0])
        self.operation_id = operation_id
        self.states: list[tuple[str, datetime]] = []

    def enter(self, state: str, time: datetime, version: str | None, failure: Failure | None = None) -> None:
        """Record that the operation reached ``state`` at ``time``."""
        self.store.connection.execute(
            "INSERT INTO history (operation_id, time, operation, runtime, environment, module, version, state, "
            "error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.operation_id,
                time_text(time),
                self.operation,
                self.runtime,
                self.environment.name,
                self.module,
                version,
                state,
                failure.code if failure else None,
                failure.message if failure else None,
            ),
        )
        self.states.append((state, time))
        if self.listener is not None:
            self.listener(state, time)


def last_time(store: Store) -> datetime | None:
    """When the history's latest entry happened; ``None`` while the history is empty."""
    value = store.rows("SELECT MAX(time) FROM history")[0][0]
    return None if value is None else moment(value)


def starts_between(store: Store, after: datetime, before: datetime) -> list[datetime]:
    """When the imports that started strictly between ``after`` and ``before`` began (``Creating``), oldest first."""
    rows = store.rows(
        "SELECT time FROM history WHERE state = 'Creating' AND time > ? AND time < ? ORDER BY time",
        (time_text(after), time_text(before)),
    )
    return [moment(row["time"]) for row in rows]


def history_frame(store: Store, module: str | None = None, start: object = None, end: object = None) -> pd.DataFrame:
    """The history in time order (see :data:`HISTORY_COLUMNS`), times in UTC, filtered when asked.

    Only ``module``'s rows (any case of its ASCII letters), and only those between
    ``start`` and ``end`` (both included), when given. The filters are the
    file's own indexes' (module ignoring case, time), so a long history is
    not read whole to show part of it.
    """
    clauses: list[str] = []
    parameters: list[str] = []
    if module is not None:
        clauses.append("module = ? COLLATE NOCASE")
        parameters.append(module)
    for bound, operator in ((start, ">="), (end, "<=")):
        if bound is not None:
            clauses.append(f"time {operator} ?")
            parameters.append(time_text(moment(bound)))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    selected = ", ".join("environment" if column == "runtime_environment" else column for column in HISTORY_COLUMNS)
    rows = store.tuples(f"SELECT {selected} FROM history{where} ORDER BY time, id", tuple(parameters))
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    times_utc(frame, "time")
    return frame.astype({"operation_id": "int64", **dict.fromkeys(_TEXT_COLUMNS, "string")})


#: How an operation ended, by its last state.
OUTCOMES = ("Succeeded", "Failed", "Cancelled", "In progress")
_CANCELLED = frozenset({"cancelled", "canceled"})
OPERATION_COLUMNS = [
    "operation_id",
    "operation",
    "module",
    "version",
    "runtime",
    "runtime_environment",
    "start",
    "end",
    "state",
    "outcome",
    "error_code",
]


def outcome_of(state: str) -> str:
    """``Succeeded``, ``Failed``, ``Cancelled`` (either spelling) or ``In progress``, from an operation's last state."""
    folded = str(state).casefold()
    if folded in _CANCELLED:
        return "Cancelled"
    if folded in ("succeeded", "failed"):
        return str(state).capitalize()
    return "In progress"


def operations(history: pd.DataFrame) -> pd.DataFrame:
    """One row per operation of a history table: when it started and ended, its last state and its outcome.

    ``history`` is :meth:`amkit.AutomationAccount.history` (or a filtered
    part of it). Columns: operation_id, operation, module, version, runtime,
    runtime_environment, start, end, state, outcome (see :data:`OUTCOMES`),
    error_code; in order of start.
    """
    missing = [column for column in ("operation_id", "time", "state", "module") if column not in history.columns]
    if missing:
        raise ValueError(f"a history table needs the columns {', '.join(missing)}; see {HISTORY_COLUMNS}")
    history = history.assign(time=pd.to_datetime(history["time"], utc=True))
    if history.empty:
        empty = pd.DataFrame({column: pd.Series(dtype="string") for column in OPERATION_COLUMNS})
        return empty.astype({"operation_id": "int64", "start": "datetime64[ns, UTC]", "end": "datetime64[ns, UTC]"})
    ordered = history.sort_values(["time"], kind="stable")
    grouped = ordered.groupby("operation_id", sort=False)
    first, last = grouped.first(), grouped.last()
    frame = pd.DataFrame(
        {
            "operation_id": first.index,
            "operation": first["operation"].to_numpy() if "operation" in first else "import",
            "module": first["module"].to_numpy(),
            "version": last["version"].to_numpy() if "version" in last else pd.NA,
            "runtime": first["runtime"].to_numpy() if "runtime" in first else pd.NA,
            "runtime_environment": (
                first["runtime_environment"].to_numpy() if "runtime_environment" in first else pd.NA
            ),
            "start": first["time"].array,  # with its zone: to_numpy() would make a Timestamp of each
            "end": last["time"].array,
            "state": last["state"].to_numpy(),
            "error_code": last["error_code"].to_numpy() if "error_code" in last else pd.NA,
        }
    )
    frame["outcome"] = frame["state"].map(outcome_of)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    return frame[OPERATION_COLUMNS].sort_values(["start", "operation_id"], kind="stable").reset_index(drop=True)
