"""The widgets in a real browser: JupyterLab on localhost, a notebook showing each one, headless Chromium.

The test starts JupyterLab on a free port with a notebook that displays every
widget, runs the notebook in Debian's Chromium driven by Playwright, and
checks that every widget view rendered: no "Error displaying widget", no
"Loading widget..." left. It then picks another version in the
PackageExplorer and checks the commands table changed. A second test runs
tutorial 05 as a reader would (Run All) and then uses its dashboard: an
upload and an import, a confirmed delete, the history. Screenshots go to
``build/screenshots``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "build" / "screenshots"
TUTORIAL = REPOSITORY / "notebooks" / "05-account-and-import-history.ipynb"
#: The widgets the notebook shows, each under a CSS class of its own.
WIDGETS = ("package", "dependencies", "history", "dashboard")
# Chromium as root in a container, on a machine with no way out: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

NOTEBOOK_CELLS = [
    """import amkit
from amkit.widgets import AccountDashboard, DependencyExplorer, ImportHistory, PackageExplorer
samples = amkit.samples.build("samples")
account = amkit.AutomationAccount.open()
for name, day in (("ContosoCore", 5), ("SideBySide", 6), ("ContosoReports", 7)):
    account.import_package(samples[name], at=f"2026-01-{day:02d}T10:00:00Z")""",
    """package = PackageExplorer(samples["SideBySide"])
package.add_class("amkit-test-package")
package""",
    """dependencies = DependencyExplorer(amkit.scan("samples", progress=False))
dependencies.add_class("amkit-test-dependencies")
dependencies""",
    """history = ImportHistory(account)
history.add_class("amkit-test-history")
history""",
    """dashboard = AccountDashboard(account)
dashboard.add_class("amkit-test-dashboard")
dashboard""",
]


def _notebook() -> dict[str, object]:
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
            for source in NOTEBOOK_CELLS
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """``build/screenshots``, emptied once for the tests of this file."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving a folder with the widgets notebook and tutorial 05; yields the URL of its tree."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)")
    root = tmp_path / "lab"
    root.mkdir()
    (root / "widgets.ipynb").write_text(json.dumps(_notebook()), encoding="utf-8")
    shutil.copy(TUTORIAL, root / TUTORIAL.name)
    port, token = _free_port(), secrets.token_hex(16)
    settings = tmp_path / "settings"
    # No "would you like news?" toast over the widgets in the screenshots.
    notification = settings / "lab-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(settings / "config"),
        "JUPYTER_RUNTIME_DIR": str(settings / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(settings / "workspaces"),
        "MPLBACKEND": "Agg",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/status?token={token}", 90)
        yield f"http://127.0.0.1:{port}/lab/tree/{{}}?token={token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


#: True once the open notebook's kernel is idle.
KERNEL_IDLE = (
    "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
    " && window.jupyterapp.shell.currentWidget.sessionContext"
    " && window.jupyterapp.shell.currentWidget.sessionContext.session"
    " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
    " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'"
)


def _run_all(page: Page, url: str) -> None:
    """Open the notebook at ``url`` and run all its cells once its kernel is idle."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _no_error_in(page: Page) -> None:
    """No traceback, no stderr, no widget that failed to show, no amkit error message in the notebook."""
    notebook = page.locator(".jp-Notebook")
    text = notebook.inner_text()
    for error in ("Error displaying widget", "Loading widget...", "Traceback"):
        assert error not in text
    for selector in ("[data-mime-type='application/vnd.jupyter.stderr']", ".amkit-bad"):
        shown = [item for item in notebook.locator(selector).all() if item.is_visible()]
        assert not shown, [item.inner_text() for item in shown]


def test_every_widget_renders_and_reacts(lab: str, screenshots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            _run_all(page, lab.format("widgets.ipynb"))
            for name in WIDGETS:
                view = page.locator(f".amkit-test-{name}")
                expect(view).to_be_visible(timeout=120_000)
            page.wait_for_function("() => !document.body.innerText.includes('Loading widget...')", timeout=60_000)
            _no_error_in(page)
            for name in WIDGETS:
                view = page.locator(f".amkit-test-{name}")
                view.scroll_into_view_if_needed()
                view.screenshot(path=str(screenshots / f"{name}.png"))

            package = page.locator(".amkit-test-package")
            commands = package.locator(".jp-OutputArea-output table, .widget-html-content table").filter(
                has_text="parameter_sets"
            )
            package.locator(".widget-tab .lm-TabBar-tab", has_text="Commands").click()
            expect(commands.first).to_contain_text("ConvertFrom-Slug", timeout=30_000)
            before = commands.first.inner_text()
            package.locator(".widget-dropdown select").first.select_option("1.0.0")
            expect(commands.first).not_to_contain_text("ConvertFrom-Slug", timeout=30_000)
            after = commands.first.inner_text()
            assert before != after
            assert "ConvertTo-Slug" in after
            # Picking a command shows its help and parameter sets.
            package.locator(".widget-select:not(.widget-select-multiple) select").select_option(index=0)
            expect(package.locator(".widget-html-content", has_text="Help:")).to_contain_text(
                "Output types", timeout=30_000
            )
            package.screenshot(path=str(screenshots / "package-version-1.0.0.png"))
        finally:
            browser.close()
    for name in (*WIDGETS, "package-version-1.0.0"):
        assert (screenshots / f"{name}.png").stat().st_size > 1000


def test_the_dashboard_after_running_tutorial_05(lab: str, tmp_path: Path, screenshots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            _run_all(page, lab.format(TUTORIAL.name))
            tabs = page.locator(".widget-tab").filter(has=page.locator(".lm-TabBar-tab", has_text="Delete"))
            expect(tabs).to_be_visible(timeout=180_000)
            page.wait_for_function(KERNEL_IDLE, timeout=180_000)
            dashboard = tabs.first
            messages = dashboard.locator("xpath=..")  # the dashboard's messages sit below its tabs
            dashboard.scroll_into_view_if_needed()
            _no_error_in(page)
            dashboard.screenshot(path=str(screenshots / "dashboard-modules.png"))

            # Import: upload a package the tutorial built, read its verdict, import it, watch the states.
            dashboard.locator(".lm-TabBar-tab", has_text="Import").click()
            package = tmp_path / "lab" / "build" / "samples" / "ContosoCore.zip"
            with page.expect_file_chooser() as chooser:
                dashboard.locator(".widget-upload").click()
            chooser.value.set_files(str(package))
            expect(dashboard).to_contain_text("ContosoCore.zip: importable", timeout=60_000)
            dashboard.get_by_role("button", name="Import", exact=True).click()
            expect(dashboard).to_contain_text("Succeeded", timeout=60_000)
            _no_error_in(page)
            dashboard.screenshot(path=str(screenshots / "dashboard-import.png"))

            # Delete: the picker starts on a custom module; the delete asks first, then says what it did, once.
            dashboard.locator(".lm-TabBar-tab", has_text="Delete").click()
            picked = dashboard.locator(".widget-dropdown select").first.input_value()
            assert picked
            dashboard.get_by_role("button", name="Delete...").click()
            expect(dashboard).to_contain_text(f"Delete {picked} from contoso-dev (PowerShell-5.1)?", timeout=30_000)
            dashboard.get_by_role("button", name="Yes, delete").click()
            expect(messages).to_contain_text(f"deleted {picked}", timeout=30_000)
            assert messages.inner_text().count(f"deleted {picked}") == 1
            expect(dashboard.locator(".widget-dropdown select").first).not_to_contain_text(picked, timeout=10_000)
            _no_error_in(page)
            messages.screenshot(path=str(screenshots / "dashboard-delete.png"))

            # History: the delete just made is in it, and its charts are drawn.
            dashboard.locator(".lm-TabBar-tab", has_text="History").click()
            expect(dashboard.locator("img").first).to_be_visible(timeout=60_000)
            _no_error_in(page)
            dashboard.screenshot(path=str(screenshots / "dashboard-history.png"))
        finally:
            browser.close()
    for name in ("modules", "import", "delete", "history"):
        assert (screenshots / f"dashboard-{name}.png").stat().st_size > 1000
