"""Gallery scale: scans and checks on any executor (a cluster's too), inventories as Parquet, rescans."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from packages import module, requires, spec, write_folder, write_zip

import amkit
import amkit.deps.parquet
import amkit.deps.scanning
from amkit.deps.scanning import POOL_AT
from amkit.package.summary import package_summary

R = TypeVar("R")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "scripts" / "files"


def mirror(root: Path, count: int) -> Path:
    """``count`` packages like a gallery mirror's: each requires the one before, one of them unreadable."""
    for number in range(count):
        name = f"Mirror.Module{number:03d}"
        needs = {"RequiredModules": requires(spec(f"Mirror.Module{number - 1:03d}", ModuleVersion="1.0"))}
        members = module(name, f"1.{number}.0", functions=(f"Get-Thing{number}",), **(needs if number else {}))
        write_zip(root / f"{name}.zip", members)
    write_folder(root / "folder" / "Folder.Module", module("Folder.Module", "0.3.0"))
    (root / "Broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    return root


def table(inventory: amkit.Inventory) -> list[dict[str, object]]:
    """Everything the records hold, in order, to compare scans."""
    return [record.to_data() for record in inventory.records]


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mirror(tmp_path_factory.mktemp("mirror"), POOL_AT + 4)


@pytest.fixture(scope="module")
def serial(shelf: Path) -> amkit.Inventory:
    with ThreadPoolExecutor(max_workers=1) as one:
        return amkit.scan(shelf, progress=False, executor=one)


def test_every_executor_gives_the_same_inventory_in_the_same_order(shelf: Path, serial: amkit.Inventory) -> None:
    assert len(serial) == POOL_AT + 6 and serial.records[0].error is not None  # Broken.zip, listed with why
    with ThreadPoolExecutor(max_workers=4) as threads:
        assert table(amkit.scan(shelf, progress=False, executor=threads)) == table(serial)
    with ProcessPoolExecutor(max_workers=2) as processes:
        assert table(amkit.scan(shelf, progress=False, executor=processes)) == table(serial)
    # Enough packages for a pool of its own: the default reads them on this machine's cores, with the same result.
    assert table(amkit.scan(shelf, progress=False)) == table(serial)
    few = amkit.scan(sorted(shelf.glob("*.zip"))[:3], progress=False)
    assert [record.name for record in few] == ["Broken", "Mirror.Module000", "Mirror.Module001"]


@pytest.mark.cluster
def test_a_dask_cluster_scans_the_same(shelf: Path, serial: amkit.Inventory) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert table(amkit.scan(shelf, progress=False, executor=client.get_executor())) == table(serial)
        zipped = sorted(shelf.glob("Mirror.*.zip"))[1]
        assert amkit.check(zipped, executor=client.get_executor()).to_dict() == amkit.check(zipped).to_dict()


def test_an_inventory_as_parquet(tmp_path: Path, serial: amkit.Inventory) -> None:
    path = tmp_path / "gallery.parquet"
    serial.to_parquet(path)
    again = amkit.Inventory.from_parquet(path)
    assert table(again) == table(serial) and again.names == serial.names
    assert amkit.dependencies(again).equals(amkit.dependencies(serial))
    frame = pd.read_parquet(path)  # one row per module version, as pandas (and dask) read it
    assert len(frame) == len(serial) and list(frame["name"]) == [record.name for record in serial]
    assert list(frame.loc[1, "commands"]) == list(serial.records[1].commands)
    dask_frame = pytest.importorskip("dask.dataframe").read_parquet(path)
    assert len(dask_frame.compute()) == len(serial)
    (tmp_path / "not.parquet").write_bytes(b"PAR1 but nothing else")
    with pytest.raises(amkit.AmkitError, match=r"not\.parquet: is not a Parquet inventory"):
        amkit.Inventory.from_parquet(tmp_path / "not.parquet")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(amkit.AmkitError, match="not an amkit inventory"):
        amkit.Inventory.from_parquet(tmp_path / "other.parquet")
    # An amkit file whose rows were changed by hand: refused with the file named, nothing half read.
    table_ = pq.read_table(path)
    for column, value in (("version", "one.two"), ("requirements", "[{")):
        values = table_.column(column).to_pylist()
        values[1] = value
        damaged = table_.set_column(table_.schema.get_field_index(column), column, pa.array(values, pa.string()))
        pq.write_table(damaged, tmp_path / "damaged.parquet")
        with pytest.raises(amkit.AmkitError, match=r"damaged\.parquet: "):
            amkit.Inventory.from_parquet(tmp_path / "damaged.parquet")


def test_a_rescan_reads_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = mirror(tmp_path / "mirror", 6)
    cache = tmp_path / "scan.parquet"
    opened: list[str] = []
    opening = amkit.deps.scanning.open_package

    def counted(path: Path, **kwargs: object) -> amkit.ModulePackage:
        opened.append(Path(path).name)
        return opening(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(amkit.deps.scanning, "open_package", counted)
    first = amkit.scan(root, progress=False, cache=cache)
    assert len(opened) == 8 and cache.exists()
    assert all(record.content_hash for record in first.records if record.error is None)
    opened.clear()
    again = amkit.scan(root, progress=False, cache=cache)
    assert opened == ["Broken.zip"]  # an unreadable package is read again: what it lacked may be there now
    assert table(again) == table(first)
    # One package changes, one moves: only the changed one is read, the moved one keeps its rows at its new path.
    write_zip(root / "Mirror.Module002.zip", module("Mirror.Module002", "2.0.0"))
    shutil.move(root / "Mirror.Module005.zip", root / "folder" / "Mirror.Module005.zip")
    opened.clear()
    changed = amkit.scan(root, progress=False, cache=cache)
    assert sorted(opened) == ["Broken.zip", "Mirror.Module002.zip"]
    assert [str(record.version) for record in changed.versions("Mirror.Module002")] == ["2.0.0"]
    assert changed.versions("Mirror.Module005")[0].source == str(root / "folder" / "Mirror.Module005.zip")
    # Other limits may read a package otherwise: everything is read again.
    opened.clear()
    amkit.scan(root, progress=False, cache=cache, limits=amkit.Limits(max_entries=5_000))
    assert len(opened) == 8
    # Without the unreadable package, a rescan of the unchanged mirror reads nothing and leaves the file as it was.
    (root / "Broken.zip").unlink()
    assert len(amkit.scan(root, progress=False, cache=cache)) == 7
    written = cache.stat().st_mtime_ns
    opened.clear()
    assert table(amkit.scan(root, progress=False, cache=cache)) == table(amkit.Inventory.from_parquet(cache))
    assert opened == [] and cache.stat().st_mtime_ns == written


def test_a_package_named_twice_is_read_and_listed_once(tmp_path: Path) -> None:
    root = mirror(tmp_path / "mirror", 2)
    first, second = sorted(root.glob("Mirror.*.zip"))
    cache = tmp_path / "scan.parquet"
    named = [first, second, Path(os.path.relpath(first)), root]  # the first package three times, spelled two ways
    fresh = amkit.scan(named, progress=False)
    assert [record.source for record in fresh.records].count(str(first)) == 1
    assert len(fresh) == len(amkit.scan(root, progress=False))
    for _ in range(3):  # a rescan gives what a fresh scan gives, every time
        again = amkit.scan(named, progress=False, cache=cache)
        assert [record.label for record in again] == [record.label for record in fresh]


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two versions of a module made of real scripts (generated ones without the corpus), one undecodable."""
    texts = [path.read_bytes() for path in sorted(CORPUS.glob("*.ps*1"))[:12]] if CORPUS.is_dir() else []
    texts = texts or [f"function Get-Thing{n} {{ param([string] $Name) $Name }}\n".encode() for n in range(12)]
    members: dict[str, str | bytes] = {}
    for version in ("1.0.0", "2.0.0"):
        nested = [f"Part{index}.psm1" for index in range(len(texts))]
        folder = f"Scripted/{version}"
        members[f"{folder}/Scripted.psd1"] = (
            f"@{{ ModuleVersion = '{version}'; RootModule = 'Scripted.psm1'; "
            f"NestedModules = @({', '.join(repr(name) for name in nested)}); FunctionsToExport = '*' }}"
        )
        members[f"{folder}/Scripted.psm1"] = ". $PSScriptRoot/Broken.ps1\n"
        members[f"{folder}/Broken.ps1"] = b"\xff\xfe\x00\xd8 not UTF-16 all the way"
        members.update({f"{folder}/{name}": text for name, text in zip(nested, texts, strict=True)})
    return write_zip(tmp_path_factory.mktemp("scripted") / "Scripted.zip", members)


def test_scripts_parsed_on_every_core_give_the_same_inspection_and_check(scripted: Path) -> None:
    with amkit.open_package(scripted) as package:
        alone, alone_report = package_summary(package), amkit.check(package).to_dict()
    with ProcessPoolExecutor(max_workers=2) as pool:
        with amkit.open_package(scripted, executor=pool) as package:
            package.parse_scripts()
            assert all(version.has_script(f"{version.folder}/Part0.psm1") for version in package.versions)
            assert not package.versions[0].has_script("Scripted/1.0.0/Broken.ps1")  # left for script() to refuse
            assert package_summary(package) == alone
            inspected = [script for version in package.versions for script in version.scripts.values()]
            assert inspected and not any(script.usage_read for script in inspected)  # no inspection reads them
            assert amkit.check(package).to_dict() == alone_report  # the check has them read again, on the pool
            assert all(script.usage_read for version in package.versions for script in version.scripts.values())
            assert not any(script.usage_read for script in inspected)  # the rules read the new ones
        assert amkit.check(scripted, executor=pool).to_dict() == alone_report


class Minimal(Executor):
    """An executor with only what the base class asks for: a ``map`` that takes no ``chunksize``."""

    def submit(self, fn: Callable[..., R], /, *args: object, **kwargs: object) -> Future[R]:
        future: Future[R] = Future()
        future.set_result(fn(*args, **kwargs))
        return future

    def map(self, fn: Callable[..., R], *iterables: Iterable[object], timeout: float | None = None) -> Iterator[R]:
        return iter([self.submit(fn, *items).result() for items in zip(*iterables, strict=True)])


def test_any_executor_parses_the_scripts(scripted: Path) -> None:
    with amkit.open_package(scripted) as package:
        alone = package_summary(package)
    with amkit.open_package(scripted, executor=Minimal()) as package:
        package.parse_scripts()
        assert all(version.has_script(f"{version.folder}/Part0.psm1") for version in package.versions)
        assert package_summary(package) == alone


def collecting(_: object) -> bool:
    return gc.isenabled()


def test_a_pool_first_used_by_an_inspection_keeps_its_workers_collecting(scripted: Path) -> None:
    # The inspection pauses the cycle collector; a worker forked then must not keep it paused for life.
    with ProcessPoolExecutor(max_workers=2) as pool:
        with amkit.open_package(scripted, executor=pool) as package:
            package_summary(package)
        assert all(pool.map(collecting, range(8)))
    assert gc.isenabled()


def test_a_cache_keeps_copies_and_unreadable_versions_as_a_fresh_scan_has_them(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    write_zip(root / "A.zip", module("A", "1.0.0"))
    shutil.copyfile(root / "A.zip", root / "A-copy.zip")  # the same bytes twice: one content hash
    write_zip(
        root / "B.zip",
        {**module("B", "1.0.0", versioned=True), "B/2.0.0/B.psd1": "@{ ModuleVersion = '2.0.0'; Oops = $(Get-Date) }"},
    )
    fresh = table(amkit.scan(root, progress=False))
    assert [(row["name"], row["version"], row["error"] is not None) for row in fresh][-2:] == [
        ("B", "1.0.0", False),
        ("B", "2.0.0", True),
    ]
    cache = tmp_path / "scan.parquet"
    for _ in range(3):
        assert strip(table(amkit.scan(root, progress=False, cache=cache))) == strip(fresh)
    with pytest.raises(amkit.AmkitError, match="its folder does not exist"):
        amkit.scan(root, progress=False, cache=tmp_path / "nowhere" / "scan.parquet")


def strip(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows without their content hash, which only a scan with a cache records."""
    return [{key: value for key, value in row.items() if key != "content_hash"} for row in rows]


def test_a_folder_s_content_hash_frames_every_file(tmp_path: Path) -> None:
    one = write_folder(tmp_path / "one", {"Mod/Mod.psd1": "X", "Mod/Mod.psm1": "Y"}) / "Mod"
    two = write_folder(tmp_path / "two", {"Mod/Mod.psd1": "X" + "Mod.psm1\0" + "Y"}) / "Mod"
    same = write_folder(tmp_path / "three", {"Mod/Mod.psd1": "X", "Mod/Mod.psm1": "Y"}) / "Mod"
    other = write_folder(tmp_path / "four", {"Other/Mod.psd1": "X", "Other/Mod.psm1": "Y"}) / "Other"
    hashes = [amkit.deps.parquet.content_hash(path) for path in (one, two, same, other)]
    assert hashes[0] == hashes[2] and len(set(hashes)) == 3


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_a_script_too_large_to_read_is_left_to_the_check_as_one_by_one(
    tmp_path: Path, pool: type[ThreadPoolExecutor | ProcessPoolExecutor]
) -> None:
    tools = {f"C/Tools/t{n}.ps1": "\n" * n + f"function Get-T{n} {{ }}\n" + "#" * 100 * n for n in range(1, 5)}
    path = write_zip(tmp_path / "C.zip", {**module("C", "1.0.0"), "C/Tools/big.ps1": "# " + "x" * 20_000, **tools})
    limits = amkit.Limits(max_member_size=10_000)
    alone = amkit.check(path, limits=limits).to_dict()
    with pool(max_workers=2) as executor:
        assert amkit.check(path, limits=limits, executor=executor).to_dict() == alone
        # Scripts go to the pool largest first: the one too large to read comes first, and each of the
        # others must still be kept as the parse of its own file.
        with amkit.open_package(path, limits=limits, executor=executor) as package:
            package.parse_scripts()
            version = package.latest
            assert not version.has_script("C/Tools/big.ps1")
            assert all(version.has_script(tool) for tool in tools)
            assert [version.script(tool) for tool in tools] == [
                amkit.parse_script(text, file=package.member_name(tool)) for tool, text in tools.items()
            ]
