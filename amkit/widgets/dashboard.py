"""AccountDashboard: an account's runtime environments and modules, checked uploads and imports, deletes, history."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from amkit.account import IMPORT_STATES, AutomationAccount, ImportRecord
from amkit.checks import Report
from amkit.checks.import_rules import MAX_PACKAGE_SIZE
from amkit.widgets.common import SCROLLING, ExplorerBase, reporting
from amkit.widgets.history import ImportHistory
from amkit.widgets.html import frame_html, message_html

__all__ = ["AccountDashboard"]

_MODULE_COLUMNS = [
    "name",
    "source",
    "version",
    "usable_versions",
    "provisioning_state",
    "last_modified_time",
    "runtime_environment",
    "error_message",
]
_ENVIRONMENT_COLUMNS = [
    "name",
    "language",
    "version",
    "default_packages",
    "system_generated",
    "runbooks",
    "description",
]
_RUNBOOK_COLUMNS = ["name", "runtime_environment", "version", "source"]
_FINDING_COLUMNS = ["rule", "severity", "message", "version", "file", "line"]
_UPLOADABLE = (".zip", ".nupkg")


class AccountDashboard(ExplorerBase):
    """An Automation account at a glance, and the operations on it.

    A picker chooses the runtime environment the tabs work in (the one of
    the account's runtime at first). Tabs: Modules (the environment's default
    and custom modules, with the version runbooks get and their state),
    Import (upload a ``.zip``; its findings against the environment show at
    once, and the import's provisioning states appear one by one), Delete
    (with a confirmation), Environments (every runtime environment with its
    default packages, and the runbooks linked to each) and History
    (:class:`~amkit.widgets.ImportHistory`). ``account`` is the real
    :class:`~amkit.AutomationAccount`: what the dashboard does, it does to the account.
    """

    def __init__(self, account: AutomationAccount, **kwargs: Any) -> None:
        # Set before the widget exists, so that a close() while it is being made finds them.
        self._uploads: Path | None = None  # made on the first upload, see _upload_folder
        self._remove_uploads: weakref.finalize | None = None
        super().__init__(**kwargs)
        self.account = account
        self.environment_picker = widgets.Dropdown(description="Environment")
        self._picking = False
        self._pick_environment()
        self.environments_view = widgets.HTML(layout=SCROLLING)
        self.kind_filter = widgets.ToggleButtons(options=("all", "custom", "default"), value="all")
        self.modules_view = widgets.HTML(layout=SCROLLING)
        self.upload = widgets.FileUpload(accept=",".join(_UPLOADABLE), multiple=False, description="Package")
        self.upload_report = widgets.HTML(layout=SCROLLING)
        self.import_button = widgets.Button(description="Import", button_style="primary", disabled=True)
        self.progress = widgets.IntProgress(min=0, max=len(IMPORT_STATES), value=0, description="Import")
        self.states_view = widgets.HTML()
        self.delete_picker = widgets.Dropdown(options=[], description="Module")
        self.delete_button = widgets.Button(description="Delete...", button_style="warning")
        self.confirm_text = widgets.HTML()
        self.confirm_button = widgets.Button(description="Yes, delete", button_style="danger")
        self.cancel_button = widgets.Button(description="Cancel")
        self.confirmation = widgets.HBox([self.confirm_text, self.confirm_button, self.cancel_button])
        self.confirmation.layout.display = "none"
        self.history = ImportHistory(account)
        self.uploaded: Path | None = None
        self.upload_check: Report | None = None
        self.last_import: ImportRecord | None = None
        self._states: list[str] = []
        self._confirming: tuple[str, str] | None = None  # the module the shown confirmation asks about, and where
        self.tabs = widgets.Tab(
            children=(
                widgets.VBox([self.kind_filter, self.modules_view]),
                widgets.VBox([self.upload, self.upload_report, self.import_button, self.progress, self.states_view]),
                widgets.VBox([widgets.HBox([self.delete_picker, self.delete_button]), self.confirmation]),
                self.environments_view,
                self.history,
            ),
            titles=("Modules", "Import", "Delete", "Environments", "History"),
        )
        self.children = [self.environment_picker, self.tabs, self.messages]
        self.environment_picker.observe(self._on_environment, "value")
        self.kind_filter.observe(self._on_kind, "value")
        self.upload.observe(self._on_upload, "value")
        self.import_button.on_click(self._on_import)
        self.delete_button.on_click(self._on_delete)
        self.confirm_button.on_click(self._on_confirm)
        self.cancel_button.on_click(self._on_cancel)
        self.delete_picker.observe(self._on_pick, "value")
        if account.read_only:
            for control in (self.upload, self.import_button, self.delete_button):
                control.disabled = True
            self.show_message(f"account {account.name} is read-only: it shows what Azure reported", kind="info")
        self.refresh()

    def __repr__(self) -> str:
        modules = self.account.modules(runtime_environment=self.runtime_environment)
        custom = int((~modules["is_global"]).sum())
        shown = f"{self.runtime_environment}: {len(modules)} modules, {custom} custom"
        return f"AccountDashboard({self.account.name}, {shown})"

    @property
    def runtime_environment(self) -> str:
        """The runtime environment the tabs show and change."""
        return str(self.environment_picker.value)

    @property
    def modules(self) -> pd.DataFrame:
        """The environment's module list shown: all, custom or default modules, with ``source`` saying which.

        ``usable_versions`` are the versions runbooks can load: every side-by-side version of a custom import.
        """
        environment = self.runtime_environment
        frame = self.account.modules(runtime_environment=environment)
        frame.insert(1, "source", frame["is_global"].map({True: "default", False: "custom"}).astype("string"))
        usable = [
            ", ".join(str(version) for version in self.account.versions(str(name), runtime_environment=environment))
            for name in frame["name"]
        ]
        frame.insert(3, "usable_versions", pd.Series(usable, index=frame.index, dtype="string"))
        if self.kind_filter.value != "all":
            frame = frame[frame["source"] == self.kind_filter.value]
        return frame.reset_index(drop=True)

    def _pick_environment(self) -> None:
        """Offer the account's PowerShell environments as they are now, keeping the one picked while it exists."""
        names = tuple(self.account.runtime_environments().query("language == 'PowerShell'")["name"])
        picked = self.environment_picker.value
        fallback = self.account.runtime_environment(f"PowerShell-{self.account.runtime}").name
        if names == tuple(self.environment_picker.options):
            return
        self._picking = True  # a Dropdown picks its first option when they change: not the user's choice
        try:
            self.environment_picker.options = names
            self.environment_picker.value = picked if picked in names else fallback
        finally:
            self._picking = False

    def refresh(self) -> None:
        """Show the account as it is now: after changes made outside the dashboard, say."""
        self._pick_environment()
        self.modules_view.value = frame_html(self.modules, columns=_MODULE_COLUMNS)
        runbooks = self.account.runbooks()
        self.environments_view.value = frame_html(self.account.runtime_environments(), columns=_ENVIRONMENT_COLUMNS) + (
            frame_html(runbooks, columns=_RUNBOOK_COLUMNS) if not runbooks.empty else ""
        )
        frame = self.account.modules(runtime_environment=self.runtime_environment)
        # ipywidgets leaves a Dropdown empty when its options are set: pick the one picked before, or the first.
        picked = self.delete_picker.value
        options = sorted(frame.loc[~frame["is_global"], "name"], key=str.casefold)
        self.delete_picker.options = options
        self.delete_picker.value = picked if picked in options else (options[0] if options else None)
        self.history.refresh()

    @reporting
    def _on_kind(self, change: dict[str, Any]) -> None:
        self.modules_view.value = frame_html(self.modules, columns=_MODULE_COLUMNS)

    @reporting
    def _on_environment(self, change: dict[str, Any]) -> None:
        if self._picking:
            return
        # An upload was checked against the environment picked then: check it again against this one.
        self.refresh()
        if self.uploaded is not None:
            self._check_upload()

    @reporting
    def _on_upload(self, change: dict[str, Any]) -> None:
        # Each upload starts a clean slate: no verdict, no states or progress of an earlier import.
        self.clear_messages()
        self.import_button.disabled = True
        self.uploaded = None
        self.upload_check = None
        self._states = []
        self.states_view.value = ""
        self.progress.value = 0
        self.progress.bar_style = ""
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = str(item["name"])
        if Path(name).name != name or name in ("", ".", "..") or not name.casefold().endswith(_UPLOADABLE):
            self.upload_report.value = message_html(f"{name!r} is not a package file name: upload a .zip or .nupkg")
            return
        if int(item["size"]) > MAX_PACKAGE_SIZE:
            self.upload_report.value = message_html(
                f"{name} is {int(item['size']):,} bytes; Automation refuses packages over 100 MB (AM104)"
            )
            return
        folder = self._upload_folder()
        for earlier in folder.iterdir():  # the folder itself stays: mkdtemp made it readable by its owner alone
            earlier.unlink()
        target = folder / name
        target.write_bytes(bytes(item["content"]))
        self.uploaded = target
        self._check_upload()

    def _check_upload(self) -> None:
        assert self.uploaded is not None
        self.upload_check = self.account.check_package(self.uploaded, runtime_environment=self.runtime_environment)
        verdict = message_html(self.upload_check.summary(), kind="info" if self.upload_check.importable else "error")
        self.upload_report.value = verdict + frame_html(self.upload_check.findings, columns=_FINDING_COLUMNS)
        self.import_button.disabled = self.account.read_only or not self.upload_check.importable

    @property
    def import_states(self) -> tuple[str, ...]:
        """The states the last import went through, as far as it has gone."""
        return tuple(self._states)

    def _state(self, state: str, time: object) -> None:
        self._states.append(state)
        shown = time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(time, datetime) else str(time)
        self.states_view.value += message_html(f"{shown}: {state}", kind="error" if state == "Failed" else "info")
        self.progress.bar_style = "danger" if state == "Failed" else "success" if state == "Succeeded" else "info"
        # A finished import fills the bar, whether or not it had a connection type to import.
        done = state in ("Succeeded", "Failed")
        self.progress.value = self.progress.max if done else min(self.progress.max, self.progress.value + 1)

    @reporting
    def _on_import(self, button: widgets.Button) -> None:
        if self.uploaded is None:
            self.show_message("upload a package first")
            return
        self.progress.value = 0
        self._states = []
        self.states_view.value = ""
        self.import_button.disabled = True
        record = self.account.import_package(
            self.uploaded, runtime_environment=self.runtime_environment, on_state=self._state
        )
        self.last_import = record
        if not record.succeeded:
            self.states_view.value += message_html(str(record.error_message))
        self.refresh()

    @reporting
    def _on_delete(self, button: widgets.Button) -> None:
        name = self.delete_picker.value
        if not name:
            self.show_message("the account has no custom module to delete", kind="info")
            return
        where = f"{self.account.name} ({self.runtime_environment})"
        self.confirm_text.value = message_html(f"Delete {name} from {where}?", kind="info")
        self.confirmation.layout.display = ""
        self._confirming = (name, self.runtime_environment)

    @reporting
    def _on_confirm(self, button: widgets.Button) -> None:
        # The module asked about, where it was asked about, whatever the pickers show now.
        asked, self._confirming = self._confirming, None
        self.confirmation.layout.display = "none"
        if asked is None:
            return
        name, environment = asked
        self.account.delete_module(name, runtime_environment=environment)
        # The views first, so that whoever reads "deleted" sees the account without it.
        self.refresh()
        self.show_message(f"deleted {name}", kind="info")

    @reporting
    def _on_cancel(self, button: widgets.Button) -> None:
        self.confirmation.layout.display = "none"
        self._confirming = None

    @reporting
    def _on_pick(self, change: dict[str, Any]) -> None:
        # A confirmation is for the module it names: picking another withdraws it.
        self._on_cancel(self.cancel_button)

    def _upload_folder(self) -> Path:
        """The dashboard's own folder for the package uploaded last, made on the first upload.

        It is removed when the dashboard is closed, or else when it is collected or Python exits:
        a dashboard that never closes leaves nothing behind in the temporary folder.
        """
        if self._uploads is None:
            self._uploads = Path(tempfile.mkdtemp(prefix="amkit-upload-"))
            self._remove_uploads = weakref.finalize(self, shutil.rmtree, self._uploads, ignore_errors=True)
        return self._uploads

    def close(self) -> None:
        """Close the widget and remove its uploads; the account stays open."""
        if self._remove_uploads is not None:
            self._remove_uploads()
        self._uploads = self._remove_uploads = None
        super().close()
