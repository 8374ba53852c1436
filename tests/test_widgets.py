"""The notebook widgets without a browser: set the controls, read the properties and what the views hold."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ipywidgets
import matplotlib
import pandas as pd
import PIL.Image
import pytest
import traitlets
from matplotlib.figure import Figure
from packages import module, requires, write_zip
from test_charts_history import synthetic_history

import amkit
from amkit.charts import import_timeline
from amkit.widgets import AccountDashboard, DependencyExplorer, ImportHistory, PackageExplorer, RunbookExplorer, explore
from amkit.widgets.common import show_figure

EVIL = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"

EVIL_SCRIPT = f"""
function Get-Evil {{
    <#
    .SYNOPSIS
    {EVIL}
    .DESCRIPTION
    Description with <b>markup</b> {EVIL}
    #>
    [CmdletBinding(HelpUri = 'javascript:alert(1)')]
    [OutputType([string])]
    param([Parameter(Mandatory, ParameterSetName = '{EVIL}')][string] $Name)
}}
"""


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return amkit.samples.build(tmp_path / "samples")


@pytest.fixture
def account(samples: dict[str, Path]) -> Iterator[amkit.AutomationAccount]:
    opened = amkit.AutomationAccount.open()
    opened.import_package(samples["ContosoCore"], at="2026-01-05T10:00:00Z")
    opened.import_package(samples["SideBySide"], at="2026-02-01T10:00:00Z")
    opened.import_package(samples["ContosoNotify"], at="2026-02-20T10:00:00Z")
    yield opened
    opened.close()


def upload(widget: ipywidgets.FileUpload, path: Path, name: str | None = None) -> None:
    content = path.read_bytes()
    widget.value = (
        {
            "name": path.name if name is None else name,
            "type": "application/zip",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        },
    )


# PackageExplorer ---------------------------------------------------------------------------------


def test_package_explorer_follows_the_version_selector(samples: dict[str, Path]) -> None:
    explorer = PackageExplorer(samples["SideBySide"])
    assert explorer.version == "2.0.0"  # the latest, as Automation shows
    assert explorer.version_selector.options == ("2.0.0", "1.0.0")
    assert list(explorer.commands["name"]) == ["ConvertFrom-Slug", "ConvertTo-Slug", "Format-Duration"]
    assert "ConvertFrom-Slug" in explorer.commands_view.value
    assert "SideBySide/2.0.0/SideBySide.psm1" not in explorer.files_view.value  # a tree, by parts
    assert "2.0.0/" in explorer.files_view.value and "SideBySide.psm1" in explorer.files_view.value
    assert "1.0.0/" in explorer.files_view.value  # the side-by-side version folders, beside each other
    assert "ModuleVersion" in explorer.manifest_view.value and "2.0.0" in explorer.manifest_view.value
    explorer.version_selector.value = "1.0.0"
    assert explorer.version == "1.0.0"
    assert list(explorer.commands["name"]) == ["ConvertTo-Slug", "Format-Duration"]
    assert "ConvertFrom-Slug" not in explorer.commands_view.value
    explorer.version = "2.0.0"
    assert explorer.version_selector.value == "2.0.0"
    with pytest.raises(traitlets.TraitError, match=r"has no version '9\.9'"):
        explorer.version = "9.9"


def test_package_explorer_selects_and_sorts_commands(samples: dict[str, Path]) -> None:
    explorer = PackageExplorer(samples["ContosoNotify"])
    assert explorer.selected_command is None
    assert "select a command" in explorer.command_detail.value
    explorer.command_list.value = "Send-ContosoNotification"
    assert explorer.selected_command == "Send-ContosoNotification"
    detail = explorer.command_detail.value
    assert "ByConnection" in detail and "ByParameters" in detail  # the parameter sets, side by side
    assert "Connection" in detail and "hashtable" in detail.casefold()
    explorer.selected_command = "get-contosonotificationstatus"
    assert explorer.selected_command == "Get-ContosoNotificationStatus"
    assert explorer.command_list.value == "Get-ContosoNotificationStatus"
    with pytest.raises(traitlets.TraitError, match="exports no command"):
        explorer.selected_command = "Nope"
    explorer.sort_by.value = "name"
    explorer.descending.value = True
    assert list(explorer.commands["name"]) == ["Send-ContosoNotification", "Get-ContosoNotificationStatus"]
    assert [value for _, value in explorer.command_list.options] == list(explorer.commands["name"])
    assert "ContosoNotify" in explorer.connection_view.value and "ApiKey" in explorer.connection_view.value


def test_package_explorer_findings_filter(samples: dict[str, Path]) -> None:
    sloppy = amkit.samples.build(samples["SideBySide"].parent, ["SloppyModule"])["SloppyModule"]
    explorer = PackageExplorer(sloppy)
    assert set(explorer.findings["severity"]) == {"warning", "info"}
    explorer.severity_filter.value = ("info",)
    assert explorer.severities == ("info",)
    assert set(explorer.findings["severity"]) == {"info"}
    assert "AM209" in explorer.findings_view.value and "AM201" not in explorer.findings_view.value
    explorer.severities = ("warning", "error")
    assert explorer.severity_filter.value == ("error", "warning")
    assert "AM201" in explorer.findings_view.value
    assert "NOT importable" not in explorer.header.value and "importable" in explorer.header.value


def test_package_explorer_dependencies_tab(samples: dict[str, Path]) -> None:
    explorer = PackageExplorer(samples["ContosoReports"])
    assert "ContosoCore" in explorer.dependencies_view.value and "missing" in explorer.dependencies_view.value


def test_everything_from_the_package_is_escaped(tmp_path: Path) -> None:
    members = module("Evil", "1.0.0", functions=("Get-Evil",), Description=f"'{EVIL}'")
    members["Evil/Evil.psm1"] = EVIL_SCRIPT
    explorer = PackageExplorer(write_zip(tmp_path / "Evil.zip", members))
    explorer.selected_command = "Get-Evil"
    views = [
        explorer.header.value,
        explorer.commands_view.value,
        explorer.command_detail.value,
        explorer.manifest_view.value,
        explorer.findings_view.value,
        explorer.files_view.value,
    ]
    for html in views:
        assert "<img" not in html
    assert ESCAPED in explorer.commands_view.value
    assert ESCAPED in explorer.command_detail.value
    assert ESCAPED in explorer.manifest_view.value
    assert "href='javascript" not in explorer.command_detail.value  # no link for a javascript: HelpUri
    assert "<b>markup</b>" not in explorer.command_detail.value


def test_a_package_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.zip"
    broken.write_bytes(b"not a zip")
    explorer = PackageExplorer(broken)
    assert explorer.error is not None and "Broken.zip" in explorer.error
    assert "amkit-bad" in explorer.header.value
    assert list(explorer.children) == [explorer.header, explorer.messages]


def test_a_failing_callback_shows_its_error_in_the_widget(
    samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    explorer = PackageExplorer(samples["SideBySide"])

    def broken(version: object) -> str:
        raise amkit.PackageError("the member went away", file="SideBySide.zip")

    monkeypatch.setattr(amkit.widgets.package, "key_values_html", broken)
    explorer.version_selector.value = "1.0.0"
    assert "SideBySide.zip: the member went away" in explorer.message
    monkeypatch.undo()
    explorer.version_selector.value = "2.0.0"
    assert explorer.message == ""


# DependencyExplorer ------------------------------------------------------------------------------------


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    write_zip(root / "Base.zip", module("Base", "1.0.0"))
    write_zip(root / "Mid.zip", module("Mid", "1.0.0", RequiredModules=requires("'Base'")))
    write_zip(root / "Top.zip", module("Top", "1.0.0", RequiredModules=requires("'Mid'", "'Gone'")))
    return root


def test_dependency_explorer_filters(shelf: Path) -> None:
    explorer = DependencyExplorer(amkit.scan(shelf, progress=False))
    assert explorer.frame[["module", "dependency", "status"]].values.tolist() == [
        ["Mid", "Base", "ok"],
        ["Top", "Mid", "ok"],
        ["Top", "Gone", "missing"],
    ]
    assert len(explorer.graph.outputs) == 1 and "image/png" in explorer.graph.outputs[0]["data"]
    explorer.status_filter.value = ("missing",)
    assert explorer.frame["dependency"].tolist() == ["Gone"]
    assert "Gone" in explorer.table_view.value and ">Base<" not in explorer.table_view.value
    assert explorer.figure is not None and len(explorer.figure.axes[0].texts) == 2  # Top and Gone
    explorer.status_filter.value = ("ok", "missing")
    explorer.search.value = "mid"
    assert explorer.frame["module"].tolist() == ["Mid", "Top"]
    explorer.kind_filter.value = ("nuspec",)
    assert explorer.frame.empty and "(none)" in explorer.table_view.value
    assert explorer.graph.outputs == ()


def test_dependency_explorer_filters_show_every_choice(shelf: Path) -> None:
    explorer = DependencyExplorer(shelf)
    assert explorer.status_filter.rows == len(explorer.status_filter.options)
    assert explorer.kind_filter.rows == len(explorer.kind_filter.options)


def test_dependency_explorer_reverse(shelf: Path) -> None:
    explorer = DependencyExplorer(shelf)  # a folder is scanned
    explorer.direction_toggle.value = "reverse"
    explorer.target_picker.value = "Base"
    assert explorer.direction == "reverse" and explorer.target == "Base"
    assert explorer.frame[["module", "depth", "path"]].values.tolist() == [
        ["Mid", 1, "Mid -> Base"],
        ["Top", 2, "Top -> Mid -> Base"],
    ]
    assert "who needs Base" in explorer.summary.value
    assert "2 of 2 rows: who needs Base" in explorer.summary.value  # counted in the reverse table
    explorer.target = "gone"
    assert explorer.target_picker.value == "Gone"
    assert explorer.frame["module"].tolist() == ["Top"]
    with pytest.raises(traitlets.TraitError, match="no module 'Nobody'"):
        explorer.target = "Nobody"


# ImportHistory ---------------------------------------------------------------------------------


def test_import_history_filters_and_charts(account: amkit.AutomationAccount) -> None:
    history = ImportHistory(account)
    assert len(history.frame) == len(account.history())
    assert history.modules_picker.options == ("ContosoCore", "ContosoNotify", "SideBySide")
    assert history.chart == "timeline"
    assert "image/png" in history.chart_view.outputs[0]["data"]
    assert [label.get_text() for label in history.figure.axes[0].get_yticklabels()] == list(
        history.modules_picker.options
    )
    history.modules_picker.value = ("SideBySide",)
    assert set(history.frame["module"]) == {"SideBySide"}
    assert [label.get_text() for label in history.figure.axes[0].get_yticklabels()] == ["SideBySide"]
    history.dates.value = (history.dates.options[0][1], history.dates.options[10][1])  # 5 to 15 January
    assert history.frame.empty and history.chart_view.outputs == ()
    assert not history.dates.readout  # it clipped two dates; the summary says which days are shown
    low, high = history.dates.label
    assert f"{low} to {high} (UTC)" in history.summary.value
    history.modules_picker.value = history.modules_picker.options
    assert set(history.frame["module"]) == {"ContosoCore"}
    history.dates.index = (0, len(history.dates.options) - 1)
    history.chart_picker.value = "activity"
    assert history.chart == "activity"
    assert history.figure.axes[0].get_title().startswith("3 imports, per week")
    history.chart = "version history"
    history.version_module.value = "SideBySide"
    assert history.figure.axes[0].get_title() == "SideBySide: version over time"


def test_import_history_axis_labels_stay_clear_of_the_tick_labels() -> None:
    history = ImportHistory(synthetic_history(20, 300))
    history.chart = "activity"  # its y axis is labelled "imports"
    ax = history.figure.axes[0]
    renderer = history.figure.canvas.get_renderer()
    label = ax.yaxis.label.get_window_extent(renderer)
    ticks = [tick.get_window_extent(renderer) for tick in ax.get_yticklabels() if tick.get_text()]
    assert ax.get_ylabel() == "imports" and ticks and all(label.x1 <= tick.x0 for tick in ticks)


def test_import_history_titles_stay_above_tick_labels_drawn_on_top() -> None:
    with matplotlib.rc_context({"xtick.labeltop": True, "xtick.top": True}):
        history = ImportHistory(synthetic_history(20, 300))
        ax = history.figure.axes[0]
        renderer = history.figure.canvas.get_renderer()
        history.figure.draw(renderer)
        dates = ax.xaxis.get_tightbbox(renderer)
        assert dates is not None and ax.title.get_window_extent(renderer).y0 >= dates.y1


def test_import_history_table_shows_the_filtered_rows_when_opened(account: amkit.AutomationAccount) -> None:
    history = ImportHistory(account)
    history.modules_picker.value = ("SideBySide",)
    assert history.views.selected_index == 0  # the chart is shown first
    history.views.selected_index = 1
    assert ">SideBySide<" in history.table_view.value and ">ContosoCore<" not in history.table_view.value
    history.modules_picker.value = ("ContosoCore",)  # while the table is shown, it follows the filters
    assert ">ContosoCore<" in history.table_view.value and ">SideBySide<" not in history.table_view.value


def test_import_history_takes_any_date_range_inside_its_history() -> None:
    history = ImportHistory(synthetic_history(20, 300))  # hourly imports, 5 to 17 January 2026
    history.dates.value = ("2026-01-09", "2026-01-07")  # text, and backwards
    assert history.dates.label == ("2026-01-07", "2026-01-09") and history.dates.index == (2, 4)
    days = history.frame["time"].dt.strftime("%Y-%m-%d")
    assert (days.min(), days.max()) == ("2026-01-07", "2026-01-09")
    # An aware time is taken to its day in UTC (23:00 in Berlin is 22:00 UTC, the same day).
    history.dates.value = (pd.Timestamp("2026-01-06 08:30"), pd.Timestamp("2026-01-09 23:00", tz="Europe/Berlin"))
    assert history.dates.label == ("2026-01-06", "2026-01-09")
    history.dates.value = (dt.date(2020, 1, 1), dt.datetime(2030, 1, 1))  # beyond it: its first and last day
    assert history.dates.label == ("2026-01-05", "2026-01-17") and len(history.frame) == len(history.history)
    history.dates.index = (4, 1)
    assert history.dates.label == ("2026-01-06", "2026-01-09")
    with pytest.raises(traitlets.TraitError, match="Unknown datetime string format"):
        history.dates.value = ("soon", "later")
    with pytest.raises(traitlets.TraitError, match=r"index \(0, 13\) is not two positions of 13 days"):
        history.dates.index = (0, 13)
    assert history.dates.label == ("2026-01-06", "2026-01-09")  # a refused range changes nothing


def test_import_history_of_a_table_and_an_empty_one(account: amkit.AutomationAccount) -> None:
    table = ImportHistory(account.history())
    assert len(table.frame) == len(account.history())
    empty = ImportHistory(amkit.AutomationAccount.open())
    assert empty.frame.empty and empty.dates.disabled
    assert empty.chart_view.outputs == ()


# AccountDashboard ------------------------------------------------------------------------------------


def test_dashboard_modules_upload_import_and_delete(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    dashboard = AccountDashboard(account)
    assert dashboard.account is account
    assert len(dashboard.modules) == len(account.modules())
    dashboard.kind_filter.value = "custom"
    assert dashboard.modules["name"].tolist() == ["ContosoCore", "ContosoNotify", "SideBySide"]
    assert "default" not in dashboard.modules_view.value.split("<tbody>")[1]
    assert dashboard.delete_picker.options == ("ContosoCore", "ContosoNotify", "SideBySide")
    upload(dashboard.upload, samples["ContosoReports"])
    assert dashboard.upload_check is not None and dashboard.upload_check.importable
    assert "ContosoReports.zip: importable" in dashboard.upload_report.value
    assert not dashboard.import_button.disabled
    seen: list[str] = []
    dashboard.progress.observe(lambda change: seen.append(dashboard.import_states[-1]), "value")
    dashboard.import_button.click()
    assert dashboard.last_import is not None and dashboard.last_import.succeeded
    assert seen == [state for state in amkit.account.IMPORT_STATES if state != "ConnectionTypeImported"]
    assert all(state in dashboard.states_view.value for state in seen)  # they appeared one by one
    assert dashboard.progress.value == dashboard.progress.max and dashboard.progress.bar_style == "success"
    assert dashboard.import_states == tuple(seen)
    assert "ContosoReports" in dashboard.modules_view.value
    assert "ContosoReports" in dashboard.history.modules_picker.options
    dashboard.delete_picker.value = "SideBySide"
    dashboard.delete_button.click()
    assert dashboard.confirmation.layout.display == "" and "Delete SideBySide" in dashboard.confirm_text.value
    dashboard.cancel_button.click()
    assert "SideBySide" in set(account.modules()["name"])
    dashboard.delete_button.click()
    dashboard.confirm_button.click()
    assert "SideBySide" not in set(account.modules()["name"])
    assert "deleted SideBySide" in dashboard.message
    assert "SideBySide" not in dashboard.delete_picker.options


def test_dashboard_deletes_only_the_module_its_confirmation_named(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    for name in ("ContosoCore", "SideBySide"):
        account.import_package(samples[name])
    dashboard = AccountDashboard(account)
    custom = set(account.modules().query("~is_global")["name"])
    dashboard.delete_picker.value = "SideBySide"
    dashboard.delete_button.click()
    dashboard.delete_picker.value = "ContosoCore"  # picking another withdraws the question
    assert dashboard.confirmation.layout.display == "none"
    dashboard.confirm_button.click()
    assert set(account.modules().query("~is_global")["name"]) == custom
    dashboard.delete_button.click()
    dashboard.confirm_button.click()
    assert set(account.modules().query("~is_global")["name"]) == custom - {"ContosoCore"}


def test_dashboard_shows_a_failed_import(account: amkit.AutomationAccount, tmp_path: Path) -> None:
    dashboard = AccountDashboard(account)
    needy = write_zip(tmp_path / "Needy.zip", module("Needy", "1.0.0", RequiredModules=requires("'Gone'")))
    upload(dashboard.upload, needy)
    assert "NOT importable" in dashboard.upload_report.value and "AM111" in dashboard.upload_report.value
    assert dashboard.import_button.disabled  # Import is for importable packages; the call below shows the service
    dashboard.import_button.click()
    assert dashboard.last_import is not None and dashboard.last_import.state == "Failed"
    assert dashboard.progress.bar_style == "danger"
    assert "The specified module &#x27;Gone&#x27; was not loaded" in dashboard.states_view.value


@pytest.mark.parametrize("name", ["../escape.zip", "notes.txt", ""])
def test_dashboard_refuses_odd_uploads(account: amkit.AutomationAccount, samples: dict[str, Path], name: str) -> None:
    dashboard = AccountDashboard(account)
    upload(dashboard.upload, samples["ContosoCore"], name=name)
    assert "is not a package file name" in dashboard.upload_report.value
    assert dashboard.uploaded is None and dashboard.import_button.disabled


def test_dashboard_of_a_read_only_account() -> None:
    dashboard = AccountDashboard(amkit.AutomationAccount.from_arm(amkit.samples.arm_module_list(), name="prod"))
    assert dashboard.upload.disabled and dashboard.import_button.disabled and dashboard.delete_button.disabled
    assert "read-only" in dashboard.message
    assert "Contoso.Archive" in dashboard.modules_view.value


def test_dashboard_works_in_the_runtime_environment_it_shows(
    account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    account.add_runbook("Nightly", b"Get-ContosoTenant\n", runtime_environment="PS74")
    dashboard = AccountDashboard(account)
    assert dashboard.runtime_environment == "PowerShell-5.1"
    assert "Python-3.10" not in dashboard.environment_picker.options and "PS74" in dashboard.environment_picker.options
    assert "Az 12.3.0, Azure CLI 2.64.0" in dashboard.environments_view.value
    assert "Nightly" in dashboard.environments_view.value
    upload(dashboard.upload, samples["ContosoReports"])
    assert dashboard.upload_check is not None and dashboard.upload_check.importable  # 5.1 holds ContosoCore
    dashboard.environment_picker.value = "PS74"
    # Checked again where it would go: PS74 has no ContosoCore yet.
    assert dashboard.upload_check is not None and not dashboard.upload_check.importable
    assert "AM111" in dashboard.upload_report.value and dashboard.import_button.disabled
    assert dashboard.modules.loc[dashboard.modules["name"] == "Az.Accounts", "version"].tolist() == ["3.0.4"]
    upload(dashboard.upload, samples["ContosoCore"])
    dashboard.import_button.click()
    assert dashboard.last_import is not None and dashboard.last_import.runtime_environment == "PS74"
    assert account.versions("ContosoCore", runtime_environment="PS74") == (amkit.PSVersion("1.2.0"),)
    assert dashboard.delete_picker.options == ("ContosoCore",)
    dashboard.delete_button.click()
    dashboard.confirm_button.click()
    assert account.versions("ContosoCore", runtime_environment="PS74") == ()
    assert account.versions("ContosoCore") == (amkit.PSVersion("1.2.0"),)  # 5.1's import is untouched


# explore --------------------------------------------------------------------------------------------------


def test_explore_picks_the_widget(tmp_path: Path, samples: dict[str, Path], shelf: Path) -> None:
    assert isinstance(explore(samples["SideBySide"]), PackageExplorer)
    with amkit.open_package(samples["SideBySide"]) as package:
        assert isinstance(amkit.explore(package), PackageExplorer)
    assert isinstance(explore(shelf), DependencyExplorer)
    assert isinstance(explore(amkit.scan(shelf, progress=False)), DependencyExplorer)
    assert isinstance(explore([shelf / "Base.zip", shelf / "Mid.zip"]), DependencyExplorer)
    account = amkit.AutomationAccount.open(tmp_path / "a.db")
    assert isinstance(explore(account), AccountDashboard)
    account.close()
    assert isinstance(explore(tmp_path / "a.db"), AccountDashboard)
    assert isinstance(explore(amkit.samples.arm_module_list()), AccountDashboard)
    assert isinstance(explore(amkit.AutomationAccount.open().history()), ImportHistory)
    with pytest.raises(TypeError, match="explore takes"):
        explore(42)


def test_widgets_describe_themselves_briefly(samples: dict[str, Path], account: amkit.AutomationAccount) -> None:
    # A notebook shows this text beside the widget; it stays short and stable.
    explorer = PackageExplorer(samples["SideBySide"])
    assert repr(explorer) == "PackageExplorer(SideBySide, version='2.0.0', selected_command=None)"
    inventory = amkit.scan(samples["SideBySide"].parent, progress=False)
    assert repr(DependencyExplorer(inventory)) == "DependencyExplorer(1 of 1 rows, direct)"
    assert (
        repr(ImportHistory(account))
        == f"ImportHistory({len(account.history())} of {len(account.history())} rows, chart='timeline')"
    )
    assert repr(AccountDashboard(account)) == "AccountDashboard(local, PowerShell-5.1: 102 modules, 3 custom)"


def test_import_history_takes_histories_from_files(tmp_path: Path, account: amkit.AutomationAccount) -> None:
    path = tmp_path / "history.csv"
    account.history()[["time", "module", "state", "operation_id"]].to_csv(path, index=False)
    import pandas as pd

    widget = explore(pd.read_csv(path))
    assert isinstance(widget, ImportHistory)
    assert len(widget.frame) == len(account.history())
    assert widget.chart_view.outputs
    with pytest.raises(ValueError, match="needs the columns"):
        ImportHistory(pd.DataFrame({"time": [], "state": [], "operation_id": []}))


def test_a_finished_import_fills_the_progress_bar(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    dashboard = AccountDashboard(account)
    upload(dashboard.upload, samples["ContosoReports"])
    dashboard.import_button.click()
    assert dashboard.progress.value == dashboard.progress.max


def test_dashboard_shows_every_usable_version(account: amkit.AutomationAccount) -> None:
    dashboard = AccountDashboard(account)
    listed = dashboard.modules.set_index("name")
    assert (listed.loc["SideBySide", "version"], listed.loc["SideBySide", "usable_versions"]) == (
        "2.0.0",
        "1.0.0, 2.0.0",
    )
    assert listed.loc["Microsoft.PowerShell.Utility", "usable_versions"] == "3.1.0.0"
    assert "1.0.0, 2.0.0" in dashboard.modules_view.value


def test_a_dashboard_over_a_closed_account_says_so_in_one_line(account: amkit.AutomationAccount) -> None:
    dashboard = AccountDashboard(account)
    account.close()
    dashboard.kind_filter.value = "custom"
    assert "the account is closed: open it again with amkit.AutomationAccount.open(...)" in dashboard.message
    assert "ProgrammingError" not in dashboard.message and "sqlite" not in dashboard.message.casefold()


def test_the_delete_tab_starts_on_a_custom_module(account: amkit.AutomationAccount, samples: dict[str, Path]) -> None:
    account.import_package(samples["ContosoCore"])
    dashboard = AccountDashboard(account)
    assert dashboard.delete_picker.value == dashboard.delete_picker.options[0]
    dashboard.delete_button.click()
    assert "no custom module" not in dashboard.message
    assert dashboard.confirmation.layout.display == ""


def test_each_upload_starts_a_clean_slate(
    account: amkit.AutomationAccount, samples: dict[str, Path], tmp_path: Path
) -> None:
    dashboard = AccountDashboard(account)
    upload(dashboard.upload, samples["ContosoCore"])
    dashboard.import_button.click()
    assert dashboard.progress.value == dashboard.progress.max and dashboard.states_view.value
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: Creating", dashboard.states_view.value)
    needy = write_zip(tmp_path / "Needy.zip", module("Needy", "1.0.0", RequiredModules=requires("'Gone'")))
    upload(dashboard.upload, needy)
    assert dashboard.import_button.disabled
    assert dashboard.states_view.value == "" and dashboard.import_states == ()
    assert dashboard.progress.value == 0 and dashboard.progress.bar_style == ""


def test_a_dashboard_keeps_its_upload_in_a_folder_it_removes(
    account: amkit.AutomationAccount, samples: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    dashboard = AccountDashboard(account)
    assert list(temporary.iterdir()) == []  # nothing is made before an upload
    upload(dashboard.upload, samples["ContosoCore"])
    upload(dashboard.upload, samples["ContosoNotify"])
    assert dashboard.uploaded is not None and dashboard.uploaded.is_file()
    assert [path.name for path in dashboard.uploaded.parent.iterdir()] == ["ContosoNotify.zip"]
    assert list(temporary.iterdir()) == [dashboard.uploaded.parent]
    assert dashboard.uploaded.parent.stat().st_mode & 0o777 == 0o700  # no other user reads what was uploaded
    dashboard.close()
    assert list(temporary.iterdir()) == []


def test_a_dashboard_never_closed_leaves_no_upload_behind(samples: dict[str, Path], tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    package = samples["ContosoCore"]
    script = f"""
import datetime
import amkit
from amkit.widgets import AccountDashboard
dashboard = AccountDashboard(amkit.AutomationAccount.open())
content = open({str(package)!r}, "rb").read()
dashboard.upload.value = ({{"name": {package.name!r}, "type": "application/zip", "size": len(content),
    "content": memoryview(content), "last_modified": datetime.datetime.now(datetime.UTC)}},)
assert dashboard.uploaded.is_file()
print(dashboard.uploaded)
"""
    environment = {**os.environ, "TMPDIR": str(temporary)}
    done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    assert Path(done.stdout.strip()).parent.parent == temporary
    assert list(temporary.iterdir()) == []


def test_tables_fit_their_box(tmp_path: Path) -> None:
    long_synopsis = "Gets the evil thing, " * 10
    members = module("Wide", "1.0.0", functions=("Get-Wide",), Description=f"'{'&' * 500}'")
    members["Wide/Wide.psm1"] = f"function Get-Wide {{\n<#\n.SYNOPSIS\n{long_synopsis}\n#>\nparam()\n}}\n"
    explorer = PackageExplorer(write_zip(tmp_path / "Wide.zip", members))
    for html in (explorer.commands_view.value, explorer.manifest_view.value):
        assert "<div class='amkit-scroll'><table>" in html  # a wide table scrolls inside its box
        assert "white-space:nowrap" in html  # short cells (times, versions) keep one line
    assert f"<span class='amkit-long'>{long_synopsis.strip()}</span>" in explorer.commands_view.value
    # A long value is cut before escaping: 400 whole entities, none cut in half.
    assert "&amp;" * 400 + "…</span>" in explorer.manifest_view.value
    assert "&amp;" * 401 not in explorer.manifest_view.value


def test_dashboard_follows_environments_made_and_removed_outside_it(account: amkit.AutomationAccount) -> None:
    dashboard = AccountDashboard(account)
    account.create_runtime_environment("Later", "PowerShell", "7.4")
    dashboard.refresh()
    dashboard.environment_picker.value = "Later"
    assert dashboard.runtime_environment == "Later" and "Later" in dashboard.environments_view.value
    account.delete_runtime_environment("Later")
    dashboard.refresh()  # the picked environment is gone: back to the account runtime's
    assert dashboard.runtime_environment == "PowerShell-5.1" and "Later" not in dashboard.environment_picker.options
    assert "error" not in dashboard.message.casefold()


# RunbookExplorer -----------------------------------------------------------------------------------


def test_runbook_explorer_follows_the_environment_it_reads_against(
    tmp_path: Path, account: amkit.AutomationAccount, samples: dict[str, Path]
) -> None:
    account.create_runtime_environment("PS74", "PowerShell", "7.4")
    runbook = tmp_path / "Tenant.ps1"
    runbook.write_text("# AzureRM era\nImport-Module Az.Accounts\nGet-ContosoTenant\n", encoding="utf-8")
    explorer = amkit.explore(runbook, account=account)
    assert isinstance(explorer, RunbookExplorer) and explorer.runtime_environment == "PowerShell-5.1"
    assert explorer.requirements.set_index("module").loc["ContosoCore", "status"] == "ok"
    assert explorer.report is not None and [item.rule for item in explorer.report.items] == ["AM301"]
    assert "AM301" in explorer.findings_view.value and "may fail at run time" in explorer.findings_view.value
    assert explorer.migration.empty and "(none)" in explorer.migration_view.value  # no AzureRM cmdlet called
    explorer.environment_picker.value = "PS74"  # ContosoCore is not imported there
    assert explorer.runtime_environment == "PS74"
    assert "Get-ContosoTenant" in explorer.requirements.query("status == 'unknown'")["commands"].tolist()
    inventory_only = RunbookExplorer(runbook, account.inventory())
    assert inventory_only.environment_picker.layout.display == "none" and inventory_only.report is not None
    assert repr(inventory_only).startswith("RunbookExplorer(Tenant.ps1: may fail at run time")


def shown(figure: Figure) -> PIL.Image.Image:
    """The image :func:`show_figure` puts into an Output for ``figure``."""
    output = ipywidgets.Output()
    show_figure(output, figure)
    data = output.outputs[0]["data"]["image/png"]
    return PIL.Image.open(io.BytesIO(data if isinstance(data, bytes) else base64.b64decode(data)))


def saved_tight(figure: Figure) -> PIL.Image.Image:
    """``figure`` as ``savefig(bbox_inches="tight")`` writes it at a screen's resolution."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return PIL.Image.open(buffer)


def test_a_chart_is_cropped_to_what_it_draws_as_a_tight_save_would() -> None:
    for settings in ({}, {"figure.autolayout": True}, {"figure.constrained_layout.use": True}):
        with matplotlib.rc_context(settings):
            figure = Figure(figsize=(6, 3))
            import_timeline(synthetic_history(8, 40), ax=figure.subplots())
            expected = saved_tight(figure).size
            size = shown(figure).size
        assert all(abs(a - b) <= 8 for a, b in zip(size, expected, strict=True)), (settings, size, expected)


def test_a_chart_drawn_past_its_canvas_is_shown_whole() -> None:
    figure = Figure(figsize=(3, 2))
    ax = figure.subplots()
    ax.set_yticks([0, 1], ["Short", "A module name far longer than the room left of the axes " * 2])
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):  # as widgets draw text
        expected = saved_tight(figure).size[0]
    width = shown(figure).size[0]
    assert width > 3 * 96 and abs(width - expected) <= 8  # the whole label, as a tight save holds it


def test_a_chart_is_shown_as_savefig_would_show_it() -> None:
    figure = Figure(figsize=(3, 2), dpi=100)
    figure.subplots().plot([0, 1])
    figure.text(1.2, 0.5, "wholly past the right edge")  # draws no pixel of the canvas
    assert shown(figure).size[0] > 1.2 * 3 * 96
    assert figure.dpi == 100  # the figure keeps its own resolution
    with matplotlib.rc_context({"savefig.transparent": True}):
        plain = Figure(figsize=(3, 2))
        plain.subplots().plot([0, 1])
        assert shown(plain).convert("RGBA").getpixel((0, 0))[3] == 0
