"""Binder's environment, rebuilt: binder/requirements.txt in a fresh virtual environment runs every tutorial.

repo2docker ignores the root pyproject.toml once binder/ exists, so what
binder/requirements.txt installs is all the tutorials get. This test installs
it from the repository's root (as repo2docker does) into a new virtual
environment and executes each notebook there, top to bottom.

The environment is kept under ``build/binder-env/`` for the next run while
``binder/`` and ``pyproject.toml`` are unchanged (their hash names it);
amkit itself is reinstalled into it every run, so the tutorials always run
the code of this checkout.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ENVIRONMENTS = ROOT / "build" / "binder-env"


def _pip(python: Path, *arguments: str) -> None:
    """Run pip in the environment from the repository's root, as repo2docker does ("." is this project)."""
    run = subprocess.run([str(python), "-m", "pip", *arguments], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def binder_environment() -> Path:
    """A virtual environment holding what binder/requirements.txt installs, and this checkout's amkit."""
    inputs = [*sorted(BINDER.iterdir()), ROOT / "pyproject.toml"]
    key = hashlib.sha256(b"".join(path.name.encode() + path.read_bytes() for path in inputs)).hexdigest()[:16]
    environment = ENVIRONMENTS / key
    python = environment / "bin" / "python"
    if not (environment / ".complete").exists():
        shutil.rmtree(ENVIRONMENTS, ignore_errors=True)  # older keys are stale
        subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
        _pip(python, "install", "--quiet", "-r", str(BINDER / "requirements.txt"))
        (environment / ".complete").touch()
    else:
        _pip(python, "install", "--quiet", "--no-deps", "--force-reinstall", ".")
    return environment


def test_binder_files_are_declarative() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    requirements = [
        line.strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert requirements == [".[lab]"]  # this repository itself, with JupyterLab
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(item.startswith("jupyterlab") for item in project["project"]["optional-dependencies"]["lab"])


def test_the_readme_badge_opens_the_tutorials_in_jupyterlab() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    repository = project["project"]["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", repository)
    assert match is not None, repository
    owner, name = match.groups()
    badge = f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath=lab/tree/notebooks)"
    assert badge in (ROOT / "README.md").read_text()


def test_the_tutorials_run_in_the_binder_environment(tmp_path: Path) -> None:
    environment = binder_environment()
    python = environment / "bin" / "python"
    work = tmp_path / "notebooks"
    work.mkdir()
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, work / notebook.name)
    assert len(NOTEBOOKS) == 7
    for notebook in NOTEBOOKS:
        run = subprocess.run(
            [
                str(python),
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--output-dir",
                str(tmp_path / "executed"),
                "--ExecutePreprocessor.timeout=120",
                str(work / notebook.name),
            ],
            cwd=work,
            capture_output=True,
            text=True,
            env={"PATH": f"{environment / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "MPLBACKEND": "Agg"},
        )
        assert run.returncode == 0, f"{notebook.name} failed in the Binder environment:\n{run.stderr[-3000:]}"
        assert (tmp_path / "executed" / notebook.name).stat().st_size > 0
