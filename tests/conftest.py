"""Fixtures shared by the account tests: a new account in a real SQLite file, and the sample packages built."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import amkit


@pytest.fixture
def account(tmp_path: Path) -> Iterator[amkit.AutomationAccount]:
    opened = amkit.AutomationAccount.open(tmp_path / "account.db", name="contoso-dev")
    yield opened
    opened.close()


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return amkit.samples.build(tmp_path / "samples")
