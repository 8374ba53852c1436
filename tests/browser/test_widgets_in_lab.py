"""The widgets in a real browser: JupyterLab on localhost, a notebook showing each one, headless Chromium.

The test starts JupyterLab on a free port with a notebook that displays every
widget, runs the notebook in Debian's Chromium driven by Playwright, and
checks that every widget view rendered: no "Error displaying widget", no
"Loading widget..." left. It then picks another version in the
PackageExplorer and checks the commands table changed. Screenshots go to
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

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
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


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving a folder with the notebook; yields the notebook's URL."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)")
    root = tmp_path / "lab"
    root.mkdir()
    (root / "widgets.ipynb").write_text(json.dumps(_notebook()), encoding="utf-8")
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
        yield f"http://127.0.0.1:{port}/lab/tree/widgets.ipynb?token={token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_every_widget_renders_and_reacts(lab: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(lab)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            # The kernel must be idle before the cells run.
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                timeout=90_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            for name in WIDGETS:
                view = page.locator(f".amkit-test-{name}")
                expect(view).to_be_visible(timeout=120_000)
            page.wait_for_function("() => !document.body.innerText.includes('Loading widget...')", timeout=60_000)
            text = page.locator(".jp-Notebook").inner_text()
            assert "Error displaying widget" not in text
            assert "Loading widget..." not in text
            for name in WIDGETS:
                view = page.locator(f".amkit-test-{name}")
                view.scroll_into_view_if_needed()
                view.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

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
            package.screenshot(path=str(SCREENSHOTS / "package-version-1.0.0.png"))
        finally:
            browser.close()
    for name in (*WIDGETS, "package-version-1.0.0"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 1000
