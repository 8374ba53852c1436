"""The tutorials as files: named without spaces, committed with outputs, and unchanged by opening them in JupyterLab."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_a_tutorial_stores_what_jupyterlab_writes_so_opening_it_changes_nothing(path: Path) -> None:
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    # The kernelspec JupyterLab writes for ipykernel's default kernel; another one would make autosave dirty git.
    assert metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    assert "widgets" not in metadata


def test_the_tutorials_are_named_without_spaces_and_carry_outputs() -> None:
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert " " not in path.name
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert any(cell.get("outputs") for cell in cells if cell["cell_type"] == "code"), path.name
