"""Charts of an account's import history: a timeline per module, activity per period, a module's versions.

Each takes the table :meth:`amkit.AutomationAccount.history` returns (or
part of it) and reads it operation by operation
(:func:`amkit.account.history.operations`). They stay readable with hundreds
of modules and thousands of events: the timeline shows the busiest modules
and groups the rest in one lane, and labels versions only where they fit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from amkit.account.history import OUTCOMES, operations
from amkit.charts.style import OUTCOME_COLORS, OUTCOME_MARKERS
from amkit.powershell.version import PSVersion

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["OTHERS", "import_activity", "import_timeline", "version_history"]

#: The lane that holds the modules beyond the ``top`` busiest.
OTHERS = "({count} other modules)"
_IMPORTS = ("import", "update-az")
#: Lanes with at most this many imports get a version label at each (where it fits).
_LABELLED = 12
#: Version labels: font size and offset from their mark, in points, and a generous average glyph width.
_LABEL_SIZE = 6.5
_LABEL_OFFSET = 4.0
_CHAR_WIDTH = 0.62 * _LABEL_SIZE
_PERIODS = {"D": "day", "W": "week", "MS": "month", "QS": "quarter", "YS": "year"}
_STARTS = {"M": "MS", "ME": "MS", "Q": "QS", "QE": "QS", "Y": "YS", "YE": "YS", "A": "YS"}


def _new_axes(width: float, height: float) -> Axes:
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))[1]


def _imports(history: pd.DataFrame) -> pd.DataFrame:
    found = operations(history)
    return found[found["operation"].isin(_IMPORTS)].reset_index(drop=True)


def _legend(ax: Axes, outcomes: set[str], *, bars: bool = False) -> None:
    handles: list[Artist] = [
        Patch(color=OUTCOME_COLORS[outcome], label=outcome)
        if bars
        else Line2D([], [], linestyle="", marker=OUTCOME_MARKERS[outcome], color=OUTCOME_COLORS[outcome], label=outcome)
        for outcome in OUTCOMES
        if outcome in outcomes
    ]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)


def import_timeline(history: pd.DataFrame, *, ax: Axes | None = None, top: int = 40) -> Axes:
    """One lane per module, a mark per import at its start, coloured (and shaped) by its outcome.

    Parameters
    ----------
    history
        An account's history table (:meth:`amkit.AutomationAccount.history`), filtered or not.
    ax
        Axes to draw into; a new figure sized to the lanes when ``None``.
    top
        Lanes for the modules with the most imports (ties go to the first by
        name); the others share one last lane.

    Returns
    -------
    matplotlib.axes.Axes
        One scatter per outcome (``label`` is the outcome), lane names as
        y tick labels from the top, version labels beside the marks of quiet
        lanes and beside every failure, where they fit.
    """
    imports = _imports(history)
    counts = imports.groupby("module").size().sort_values(ascending=False, kind="stable")
    shown = list(counts.index[:top])
    others = len(counts) - len(shown)
    lanes = sorted(shown, key=str.casefold) + ([OTHERS.format(count=others)] if others else [])
    lane_of = {name: number for number, name in enumerate(lanes)}
    imports["lane"] = [lane_of.get(module, len(lanes) - 1) for module in imports["module"]]
    if ax is None:
        ax = _new_axes(11.0, min(30.0, max(2.5, 0.28 * len(lanes) + 1.2)))
    for outcome in OUTCOMES:
        part = imports[imports["outcome"] == outcome]
        if not part.empty:
            # Arrays, not Series: matplotlib iterates a Series to see what its first value is,
            # and a Series of times makes ten thousand Timestamps to give that one.
            ax.scatter(
                part["start"].dt.tz_convert(None).to_numpy(),
                part["lane"].to_numpy(),
                c=OUTCOME_COLORS[outcome],
                marker=OUTCOME_MARKERS[outcome],
                s=36 if outcome == "Failed" else 24,
                label=outcome,
                zorder=3,
            )
    sizes = imports["lane"].value_counts()
    quiet = {lane for lane, size in zip(sizes.index.tolist(), sizes.tolist(), strict=True) if size <= _LABELLED}
    _label_versions(ax, imports, quiet - {len(shown)}, len(lanes))  # the others' lane is never quiet
    ax.set_yticks(range(len(lanes)), lanes, fontsize=7 if len(lanes) > 25 else 8)
    ax.set_ylim(max(len(lanes), 1) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    failed = int((imports["outcome"] == "Failed").sum())
    title = f"{len(imports)} imports of {len(counts)} modules" + (f", {failed} failed" if failed else "")
    ax.set_title(title, fontsize=10)
    _legend(ax, set(imports["outcome"]))
    return ax


def _label_versions(ax: Axes, imports: pd.DataFrame, quiet: set[int], lanes: int) -> None:
    """Label each failure, and every import of the ``quiet`` lanes, with its version where the label fits.

    Going through the imports in time order, a label is drawn only where it
    does not run into the one before it in its lane; and none is drawn when
    the ``lanes`` are closer than a label and its offset are tall, where each
    would cover the marks of the lane above (many modules in a small figure:
    filter fewer, or give the chart more height). Overlapping labels are
    unreadable, and drawing text is what a chart of thousands of imports
    spends its time on. Every failure keeps its mark, whether labelled or not.
    """
    wanted = ((imports["outcome"] == "Failed") | imports["lane"].isin(quiet)) & imports["version"].notna()
    lane_height = ax.bbox.height / ax.figure.dpi * 72 / max(lanes, 1)  # in points
    if not wanted.any() or lane_height < _LABEL_SIZE + _LABEL_OFFSET:
        return
    starts = mdates.date2num(imports["start"].dt.tz_convert(None).to_numpy()).tolist()
    low, high = min(starts), max(starts)
    # Days per inch of the axes: their data span (matplotlib adds 5% margins each side) over their width.
    days_per_inch = ((high - low) * 1.1 or 1.0) / (ax.bbox.width / ax.figure.dpi)
    free: dict[int, float] = {}  # per lane, where the next label may start
    columns = ("lane", "version", "outcome", "error_code")
    rows = zip(starts, wanted.tolist(), *(imports[column].tolist() for column in columns), strict=True)
    for start, labelled, lane, version, outcome, code in rows:
        if not labelled or start < free.get(lane, -math.inf):
            continue
        failed = outcome == "Failed"
        text = f"{version} {code}" if failed and pd.notna(code) else str(version)
        free[lane] = start + (_LABEL_OFFSET + len(text) * _CHAR_WIDTH) / 72 * days_per_inch
        ax.annotate(
            text,
            (start, lane),
            xytext=(_LABEL_OFFSET, 4),
            textcoords="offset points",
            fontsize=_LABEL_SIZE,
            color=OUTCOME_COLORS["Failed"] if failed else "#333333",
        )


def import_activity(history: pd.DataFrame, freq: str = "W", *, ax: Axes | None = None) -> Axes:
    """Imports per period (``freq``, a pandas frequency such as ``'D'``, ``'W'``, ``'MS'``), stacked by outcome.

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per outcome (``label`` is the outcome), the
        periods' starts on the x axis.
    """
    imports = _imports(history)
    if ax is None:
        ax = _new_axes(11.0, 3.5)
    # Periods labelled by their start: month, quarter and year ends become their starts.
    freq = _STARTS.get(freq.upper(), freq)
    present = [outcome for outcome in OUTCOMES if outcome in set(imports["outcome"])]
    marks = pd.DataFrame({outcome: imports["outcome"] == outcome for outcome in present}, dtype="int64")
    marks.index = pd.DatetimeIndex(imports["start"].dt.tz_convert(None))
    # Every period from the first import to the last, empty ones too, each labelled by its start.
    counts = marks.resample(freq, label="left", closed="left").sum() if not marks.empty else marks
    positions = [mdates.date2num(start) for start in counts.index.tolist()]
    width = (positions[1] - positions[0]) * 0.8 if len(positions) > 1 else 0.8
    bottom = [0] * len(counts)
    for outcome in counts.columns:
        values = counts[outcome].tolist()
        ax.bar(
            positions, values, width=width, bottom=bottom, color=OUTCOME_COLORS[outcome], label=outcome, align="edge"
        )
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylabel("imports")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    period = _PERIODS.get(freq.upper(), f"period of {freq}")
    ax.set_title(f"{len(imports)} imports, per {period}", fontsize=10)
    _legend(ax, set(counts.columns), bars=True)
    return ax


def version_history(history: pd.DataFrame, module: str, *, ax: Axes | None = None) -> Axes:
    """The version of ``module`` runbooks get over time, as a step chart; failed attempts as crosses.

    A successful import sets the version, a delete removes it, a rollback
    goes back to the default module's version.

    Returns
    -------
    matplotlib.axes.Axes
        The step line (label ``version``), failures (label ``Failed``) and
        the versions as y tick labels, lowest at the bottom.
    """
    found = operations(history)
    found = found[found["module"].str.casefold() == module.casefold()]
    if ax is None:
        ax = _new_axes(9.0, 3.0)
    events: list[tuple[pd.Timestamp, str | None]] = []
    columns = ("operation", "outcome", "end", "version")
    for operation, outcome, end, version in zip(*(found[column].tolist() for column in columns), strict=True):
        if outcome != "Succeeded":
            continue
        if operation == "delete":
            events.append((end, None))
        elif operation in (*_IMPORTS, "rollback"):
            events.append((end, None if pd.isna(version) else str(version)))
    failed = found[found["outcome"] == "Failed"]
    versions = {version for _, version in events if version is not None}
    versions |= {str(version) for version in failed["version"].dropna()}
    ordered = sorted(versions, key=lambda text: PSVersion.parse(text) or PSVersion("0.0"))
    level = {version: number + 1 for number, version in enumerate(ordered)}
    if events:
        # The line goes on to the end of the history: the version is still the last one set.
        last = max(events[-1][0], pd.Timestamp(history["time"].max()))
        times = [mdates.date2num(time.tz_convert(None)) for time, _ in [*events, (last, None)]]
        values = [level[version] if version is not None else 0 for _, version in events]
        ax.step(times, [*values, values[-1]], where="post", color=OUTCOME_COLORS["Succeeded"], label="version")
        ax.xaxis_date()
    if not failed.empty:
        ax.scatter(
            failed["start"].dt.tz_convert(None).to_numpy(),  # an array, as in import_timeline
            [level.get(str(version), 0) for version in failed["version"]],
            marker=OUTCOME_MARKERS["Failed"],
            c=OUTCOME_COLORS["Failed"],
            label="Failed",
            zorder=3,
        )
    ax.set_yticks(range(len(ordered) + 1), ["(none)", *ordered], fontsize=8)
    ax.set_ylim(-0.5, len(ordered) + 0.5)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{module}: version over time", fontsize=10)
    return ax
