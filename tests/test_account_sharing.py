"""Two processes using one account file: both operations land, neither is lost or half-written."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import amkit


def _import(path: str, package: str, minutes: int, barrier: object) -> str:
    barrier.wait()  # type: ignore[attr-defined]
    with amkit.AutomationAccount.open(path) as account:
        record = account.import_package(package, at=datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=minutes))
    return record.state


def test_two_processes_create_and_import_into_one_file(tmp_path: Path) -> None:
    samples = amkit.samples.build(tmp_path / "samples")
    path = str(tmp_path / "shared.db")
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    barrier = manager.Barrier(2)
    with context.Pool(2) as pool:
        # Both start on a file that does not exist yet: one creates it, the other must not add defaults twice.
        results = pool.starmap(
            _import, [(path, str(samples["ContosoCore"]), 0, barrier), (path, str(samples["SideBySide"]), 1, barrier)]
        )
    assert results == ["Succeeded", "Succeeded"]
    with amkit.AutomationAccount.open(path) as account:
        modules = account.modules()
        assert modules["name"].is_unique
        assert set(modules.loc[~modules["is_global"], "name"]) == {"ContosoCore", "SideBySide"}
        history = account.history()
        assert sorted(history["operation_id"].unique().tolist()) == [1, 2]
        assert history.groupby("operation_id")["state"].last().tolist() == ["Succeeded", "Succeeded"]
