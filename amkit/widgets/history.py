"""ImportHistory: an account's import history, filtered by module and dates, as one of three charts."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from amkit.account import HISTORY_COLUMNS, AutomationAccount
from amkit.account.history import operations
from amkit.charts.history import import_activity, import_timeline, version_history
from amkit.widgets.common import SCROLLING, ExplorerBase, draw_chart, reporting
from amkit.widgets.html import frame_html, message_html

__all__ = ["CHARTS", "DayRangeSlider", "ImportHistory"]

#: The charts the selector offers.
CHARTS = ("timeline", "activity", "version history")
_SHOWN = ["time", "operation", "module", "version", "state", "error_code", "error_message"]


def _normalised(history: pd.DataFrame) -> pd.DataFrame:
    """A history table with every column the views use and times in UTC (a CSV file gives text, say).

    Raises
    ------
    ValueError
        Without the columns a history needs (operation_id, time, state, module).
    """
    operations(history)  # says which columns are missing
    frame = history.assign(time=pd.to_datetime(history["time"], utc=True))
    for column in HISTORY_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    return frame


class DayRangeSlider(widgets.SelectionRangeSlider):
    """A slider over days (UTC midnights) whose range can be set to any two times, as pandas reads them.

    ``value`` takes text (``"2026-01-07"``), dates, datetimes or timestamps,
    with or without a zone: each end becomes its day in UTC, an end outside
    the days becomes the first or last day (as slicing a sorted pandas index
    does), and a range given backwards, by value or by index, is turned round.
    """

    @traitlets.validate("value")
    def _validate_value(self, proposal: Any) -> tuple[Any, ...]:
        days: tuple[Any, ...] = self._options_values
        if len(proposal.value) != 2:
            raise traitlets.TraitError(f"Invalid selection: a range is two days, not {proposal.value!r}")
        if not all(isinstance(day, pd.Timestamp) for day in days):  # no history: the placeholder option only
            if not all(end in days for end in proposal.value):
                raise traitlets.TraitError(f"Invalid selection: {proposal.value!r} is not among the options")
            return tuple(proposal.value)
        try:
            wanted = [pd.Timestamp(end) for end in proposal.value]
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(f"Invalid selection: {error}") from None
        as_days = sorted((end.tz_convert(None) if end.tzinfo else end).floor("D") for end in wanted)  # UTC days
        first, last = days[0], days[-1]
        return tuple(days[days.index(min(max(end, first), last))] for end in as_days)

    @traitlets.validate("index")
    def _validate_index(self, proposal: Any) -> tuple[int, ...]:
        index = tuple(sorted(proposal.value)) if len(proposal.value) == 2 else proposal.value
        if len(index) != 2 or not all(0 <= position < len(self._options_labels) for position in index):
            raise traitlets.TraitError(
                f"Invalid selection: index {proposal.value!r} is not two positions of {len(self._options_labels)} days"
            )
        return index


class ImportHistory(ExplorerBase):
    """Filter an account's history by module and date range, and chart it.

    Parameters
    ----------
    account_or_history
        An :class:`~amkit.AutomationAccount`, or a history table (its ``history()``).

    ``frame`` is the history as filtered. :meth:`refresh` reads an
    account's history again (after an import, say). The table of rows
    (``table_view``, the ``views`` tab "Table") is made when it is shown.
    """

    chart = traitlets.Enum(CHARTS, "timeline", help="The chart shown: timeline, activity or version history.")

    def __init__(self, account_or_history: AutomationAccount | pd.DataFrame, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._quiet = False
        self.account = account_or_history if isinstance(account_or_history, AutomationAccount) else None
        self._history = (
            _normalised(account_or_history) if isinstance(account_or_history, pd.DataFrame) else pd.DataFrame()
        )
        self.modules_picker = widgets.SelectMultiple(options=[], description="Modules", rows=8)
        self.dates = DayRangeSlider(
            options=["-"],
            index=(0, 0),
            description="Dates",
            continuous_update=False,
            # The slider's own readout clips two dates; the summary line says which days are shown.
            readout=False,
            layout=widgets.Layout(width="95%"),
        )
        self.chart_picker = widgets.ToggleButtons(options=CHARTS, value="timeline")
        self.version_module = widgets.Dropdown(options=[], description="Module")
        self.freq = widgets.Dropdown(
            options=(("day", "D"), ("week", "W"), ("month", "MS")), value="W", description="Per"
        )
        self.summary = widgets.HTML()
        self.chart_view = widgets.Output()
        self.table_view = widgets.HTML(layout=SCROLLING)
        self.figure: Figure | None = None
        self.views = widgets.Tab(children=(self.chart_view, self.table_view), titles=("Chart", "Table"))
        self._table_stale = True
        self.children = [
            widgets.HBox([self.modules_picker, widgets.VBox([self.chart_picker, self.version_module, self.freq])]),
            self.dates,
            self.summary,
            self.views,
            self.messages,
        ]
        for control in (self.modules_picker, self.dates, self.version_module, self.freq):
            control.observe(self._on_filter, "value")
        self.chart_picker.observe(self._on_picker, "value")
        self.views.observe(self._on_view, "selected_index")
        self.observe(self._on_chart, "chart")
        self.refresh()

    def __repr__(self) -> str:
        return f"ImportHistory({len(self.frame)} of {len(self._history)} rows, chart={self.chart!r})"

    def refresh(self) -> None:
        """Read the account's history again and reset the filters to everything."""
        if self.account is not None:
            self._history = self.account.history()
        history = self._history
        names = sorted(set(history["module"].dropna()), key=str.casefold) if not history.empty else []
        days: list[pd.Timestamp] = []
        if not history.empty:  # days in UTC, without a zone, as the slider's options
            utc = history["time"].dt.tz_convert(None)
            days = list(pd.date_range(utc.min().floor("D"), utc.max().floor("D"), freq="D"))
        with self.hold_trait_notifications():
            self._quiet = True
            self.modules_picker.options = names
            self.modules_picker.value = tuple(names)
            self.dates.options = [(day.strftime("%Y-%m-%d"), day) for day in days] or ["-"]
            self.dates.index = (0, max(0, len(days) - 1))
            self.dates.disabled = not days
            self.version_module.options = names
            self.version_module.value = names[0] if names else None
            self._quiet = False
        self._redraw()

    @property
    def history(self) -> pd.DataFrame:
        """The whole history, unfiltered."""
        return self._history

    @property
    def frame(self) -> pd.DataFrame:
        """The history of the chosen modules within the chosen days (both ends included)."""
        history = self._history
        if history.empty:
            return history
        keep = history["module"].isin(self.modules_picker.value)
        low, high = self.dates.value
        if isinstance(low, pd.Timestamp) and isinstance(high, pd.Timestamp):
            days = history["time"].dt.tz_convert(None).dt.floor("D")
            keep &= (days >= low) & (days <= high)
        return history[keep].reset_index(drop=True)

    def _redraw(self) -> None:
        if self._quiet:  # refresh() is setting several controls: draw once, when it is done
            return
        self.clear_messages()
        frame = self.frame
        low, high = self.dates.label if not self.dates.disabled else ("", "")
        days = f", {low} to {high} (UTC)" if low else ""
        self.summary.value = message_html(f"{len(frame)} of {len(self._history)} history rows{days}", kind="info")
        self._table_stale = True
        self._show_table(frame)
        self.version_module.layout.display = "" if self.chart == "version history" else "none"
        self.freq.layout.display = "" if self.chart == "activity" else "none"
        self.figure = draw_chart(self.chart_view, (11, 5), None if frame.empty else lambda ax: self._chart(frame, ax))

    def _show_table(self, frame: pd.DataFrame | None = None) -> None:
        """Fill the table with the filtered history, when it is the view shown and out of date.

        Up to hundreds of rows of HTML on every change of a control would
        mostly go unseen: the table is made when its tab is opened instead.
        """
        if self._table_stale and self.views.selected_index == 1:
            self.table_view.value = frame_html(self.frame if frame is None else frame, columns=_SHOWN)
            self._table_stale = False

    def _chart(self, frame: pd.DataFrame, ax: Axes) -> None:
        if self.chart == "timeline":
            import_timeline(frame, ax=ax)
        elif self.chart == "activity":
            import_activity(frame, self.freq.value, ax=ax)
        else:
            version_history(frame, self.version_module.value or "", ax=ax)

    @reporting
    def _on_filter(self, change: dict[str, Any]) -> None:
        self._redraw()

    @reporting
    def _on_view(self, change: dict[str, Any]) -> None:
        self._show_table()

    @reporting
    def _on_picker(self, change: dict[str, Any]) -> None:
        self.chart = change["new"]

    @reporting
    def _on_chart(self, change: dict[str, Any]) -> None:
        if self.chart_picker.value != self.chart:
            self.chart_picker.value = self.chart
        self._redraw()
