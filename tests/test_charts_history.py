"""The import history charts, checked for what they show: lanes, marks, counts and steps."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from packages import module, write_zip

import amkit
from amkit.account.history import OUTCOMES, operations
from amkit.charts import OUTCOME_COLORS, import_activity, import_timeline, version_history

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def synthetic_history(modules: int, events: int) -> pd.DataFrame:
    """A history table of ``events`` imports spread over ``modules`` modules (busier ones first)."""
    rows = []
    for number in range(events):
        name = (
            f"Module{min(number % (modules + 3), modules - 1):03d}" if number % 4 else f"Module{number % modules:03d}"
        )
        start = T0 + timedelta(hours=number)
        state = "Failed" if number % 10 == 0 else "Succeeded"
        rows.append(
            (start, "import", name, f"1.{number % 7}.0", "Creating", None, None, "5.1", number + 1, "PowerShell-5.1")
        )
        error = ("ModuleImportException", "x") if state == "Failed" else (None, None)
        rows.append(
            (
                start + timedelta(minutes=2),
                "import",
                name,
                f"1.{number % 7}.0",
                state,
                *error,
                "5.1",
                number + 1,
                "PowerShell-5.1",
            )
        )
    frame = pd.DataFrame(rows, columns=amkit.account.HISTORY_COLUMNS)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


@pytest.fixture
def account(tmp_path: Path) -> Iterator[amkit.AutomationAccount]:
    samples = amkit.samples.build(tmp_path / "samples")
    account = amkit.AutomationAccount.open()
    other = write_zip(tmp_path / "v3" / "SideBySide.zip", module("SideBySide", "3.0.0"))
    account.import_package(samples["SideBySide"], at=T0)
    account.import_package(samples["ContosoReports"], at=T0 + timedelta(days=1))  # fails: no ContosoCore
    account.import_package(samples["ContosoCore"], at=T0 + timedelta(days=2))
    account.import_package(other, at=T0 + timedelta(days=10))
    account.delete_module("SideBySide", at=T0 + timedelta(days=20))
    account.import_package(samples["SideBySide"], at=T0 + timedelta(days=30))
    yield account
    account.close()


def marks(ax: plt.Axes) -> dict[str, list[tuple[float, float]]]:
    return {
        str(item.get_label()): [tuple(point) for point in item.get_offsets()]
        for item in ax.collections
        if isinstance(item, PathCollection)
    }


def test_timeline_lanes_and_marks(account: amkit.AutomationAccount) -> None:
    ax = import_timeline(account.history(), ax=Figure().subplots())
    lanes = [label.get_text() for label in ax.get_yticklabels()]
    assert lanes == ["ContosoCore", "ContosoReports", "SideBySide"]
    found = marks(ax)
    assert set(found) == {"Succeeded", "Failed"}
    assert [lane for _, lane in found["Failed"]] == [1.0]
    assert sorted(lane for _, lane in found["Succeeded"]) == [0.0, 2.0, 2.0, 2.0]
    assert mdates.num2date(found["Failed"][0][0]).replace(tzinfo=UTC) == T0 + timedelta(days=1)
    texts = [text.get_text() for text in ax.texts]
    assert "1.0.0 ModuleImportException" in texts  # a failure says what failed
    assert texts.count("2.0.0") == 2 and "3.0.0" in texts
    assert ax.get_title() == "5 imports of 3 modules, 1 failed"  # every failure counted, labelled or not


def test_timeline_groups_the_quiet_modules_beyond_the_top() -> None:
    history = synthetic_history(200, 10_000)
    ax = import_timeline(history, ax=Figure(figsize=(8, 8)).subplots(), top=30)  # 31 lanes of 14 points
    lanes = [label.get_text() for label in ax.get_yticklabels()]
    assert len(lanes) == 31
    assert lanes[-1] == "(170 other modules)"
    counted = sum(len(points) for points in marks(ax).values())
    assert counted == 10_000
    counts = operations(history).groupby("module").size().to_dict()
    busiest = sorted(counts, key=lambda name: (-counts[name], name))[:30]  # ties go to the first by name
    assert set(lanes[:-1]) == set(busiest)
    # Every failure keeps its mark and is counted; labels go only where they fit: none runs into another in its lane.
    failed = int((operations(history)["outcome"] == "Failed").sum())
    assert len(marks(ax)["Failed"]) == failed and ax.get_title().endswith(f", {failed} failed")
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    lanes_of: dict[float, list[tuple[float, float]]] = {}
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        lanes_of.setdefault(text.xy[1], []).append((extent.x0, extent.x1))
    assert ax.texts and all(
        later[0] >= earlier[1] for spans in lanes_of.values() for earlier, later in itertools.pairwise(sorted(spans))
    )


def test_timeline_labels_nothing_when_lanes_are_closer_than_a_label_is_tall() -> None:
    history = synthetic_history(200, 10_000)
    ax = import_timeline(history, ax=Figure().subplots(), top=30)  # 31 lanes of 8.6 points, labels of 10.5
    failed = int((operations(history)["outcome"] == "Failed").sum())
    assert not ax.texts
    assert len(marks(ax)["Failed"]) == failed and ax.get_title().endswith(f", {failed} failed")


@pytest.mark.parametrize("x_on_top", [False, True])
def test_titles_sit_above_the_axes_and_what_tops_them(x_on_top: bool) -> None:
    history = synthetic_history(12, 200)
    for chart in (import_timeline, lambda frame, ax: version_history(frame, "Module001", ax=ax)):
        ax = Figure(figsize=(8, 4)).subplots()
        if x_on_top:  # the dates along the top: the title goes above their labels
            ax.xaxis.tick_top()
        chart(history, ax=ax)
        renderer = FigureCanvasAgg(ax.figure).get_renderer()
        ax.figure.draw(renderer)
        title = ax.title.get_window_extent(renderer)
        covered = ax.xaxis.get_tightbbox(renderer) if x_on_top else ax.get_window_extent(renderer)
        assert covered is not None and covered.y1 <= title.y0 <= covered.y1 + 10


def test_activity_counts_per_period_by_outcome(account: amkit.AutomationAccount) -> None:
    ax = import_activity(account.history(), "W", ax=Figure().subplots())
    bars = {
        str(item.get_label()): [patch.get_height() for patch in item]
        for item in ax.containers
        if isinstance(item, BarContainer)
    }
    assert list(bars) == ["Succeeded", "Failed"]
    weeks = len(bars["Succeeded"])
    assert weeks == 5  # from the week of the first import to that of the last, empty weeks included
    assert bars["Succeeded"] == [2, 1, 0, 0, 1]
    assert bars["Failed"] == [1, 0, 0, 0, 0]
    assert mcolors.to_hex(ax.containers[1][0].get_facecolor()) == OUTCOME_COLORS["Failed"]
    assert ax.get_title() == "5 imports, per week"


def test_activity_of_a_large_history() -> None:
    history = synthetic_history(200, 10_000)
    ax = import_activity(history, "D", ax=Figure().subplots())
    heights = [patch.get_height() for container in ax.containers for patch in container]
    assert sum(heights) == 10_000
    assert {str(container.get_label()) for container in ax.containers} == {"Succeeded", "Failed"}


def test_version_history_steps(account: amkit.AutomationAccount) -> None:
    ax = version_history(account.history(), "sidebyside", ax=Figure().subplots())
    assert [label.get_text() for label in ax.get_yticklabels()] == ["(none)", "2.0.0", "3.0.0"]
    (line,) = ax.get_lines()
    assert line.get_label() == "version"
    assert list(line.get_ydata()) == [1, 2, 0, 1, 1]  # 2.0.0, 3.0.0, deleted, 2.0.0 again, to the end
    days = [mdates.num2date(value).replace(tzinfo=UTC).date() for value in line.get_xdata()]
    assert days[2] == (T0 + timedelta(days=20)).date()


def test_version_history_of_a_default_module_rolls_back(tmp_path: Path) -> None:
    account = amkit.AutomationAccount.open()
    account.import_package(write_zip(tmp_path / "Az.Accounts.zip", module("Az.Accounts", "2.12.1")), at=T0)
    account.delete_module("Az.Accounts", at=T0 + timedelta(days=3))
    ax = version_history(account.history(), "Az.Accounts", ax=Figure().subplots())
    assert [label.get_text() for label in ax.get_yticklabels()] == ["(none)", "2.8.0", "2.12.1"]
    (line,) = ax.get_lines()
    assert list(line.get_ydata())[:3] == [2, 0, 1]  # 2.12.1, deleted, and at once the default 2.8.0


def test_failed_attempts_are_crosses_at_their_version(account: amkit.AutomationAccount) -> None:
    ax = version_history(account.history(), "ContosoReports", ax=Figure().subplots())
    assert [label.get_text() for label in ax.get_yticklabels()] == ["(none)", "1.0.0"]
    assert [lane for _, lane in marks(ax)["Failed"]] == [1.0]
    assert len(ax.get_lines()) == 0  # it never succeeded: no version to step through


def test_charts_need_a_history_table() -> None:
    with pytest.raises(ValueError, match="needs the columns"):
        import_timeline(pd.DataFrame({"module": ["x"]}), ax=Figure().subplots())


def test_new_figures_and_outcome_names() -> None:
    assert OUTCOMES == ("Succeeded", "Failed", "Cancelled", "In progress")
    account = amkit.AutomationAccount.from_arm(amkit.samples.arm_module_list(), name="contoso-prod")
    for draw in (import_timeline, import_activity):
        ax = draw(account.history())
        try:
            assert {str(item.get_label()) for item in [*ax.collections, *ax.containers]} >= {"Succeeded", "Failed"}
        finally:
            plt.close(ax.figure)


def test_charts_of_an_empty_history() -> None:
    history = amkit.AutomationAccount.open().history()
    for draw in (import_timeline, import_activity):
        ax = draw(history, ax=Figure().subplots())
        assert ax.get_title().startswith("0 imports")
    assert version_history(history, "Nothing", ax=Figure().subplots()).get_lines() == []


@pytest.mark.parametrize("freq", ["ME", "M", "MS"])
def test_month_periods_hold_their_own_days(freq: str) -> None:
    rows = [
        (T0.replace(month=1, day=31), "import", "A", "1.0.0", "Succeeded", None, None, "5.1", 1, "PowerShell-5.1"),
        (T0.replace(month=2, day=15), "import", "A", "1.0.0", "Succeeded", None, None, "5.1", 2, "PowerShell-5.1"),
    ]
    history = pd.DataFrame(rows, columns=amkit.account.HISTORY_COLUMNS)
    ax = import_activity(history, freq, ax=Figure().subplots())
    (bars,) = ax.containers
    assert [patch.get_height() for patch in bars] == [1, 1]
    assert ax.get_title() == "2 imports, per month"
