"""``amkit.package.pack``: reproducible, importable zips of module folders, and nothing else."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from packages import SCRIPT, Members, gallery_nupkg, manifest, write_folder, write_zip

import amkit
from amkit import samples
from amkit.errors import LimitExceededError, PackageError
from amkit.limits import Limits
from amkit.package.pack import pack, write_module_zip


@pytest.fixture()
def side_by_side(tmp_path: Path) -> Path:
    return Path(shutil.copytree(samples.source("SideBySide"), tmp_path / "src" / "SideBySide"))


def test_pack_writes_name_zip_holding_the_module_folder_with_its_version_folders(
    side_by_side: Path, tmp_path: Path
) -> None:
    archive = pack(side_by_side, tmp_path / "out")
    assert archive == tmp_path / "out" / "SideBySide.zip"
    with zipfile.ZipFile(archive) as bundle:
        infos = bundle.infolist()
        assert [info.filename for info in infos] == [
            "SideBySide/1.0.0/SideBySide.psd1",
            "SideBySide/1.0.0/SideBySide.psm1",
            "SideBySide/2.0.0/SideBySide.psd1",
            "SideBySide/2.0.0/SideBySide.psm1",
        ]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.create_system == 3
            assert info.external_attr == 0o100644 << 16
            relative = info.filename.removeprefix("SideBySide/")
            assert bundle.read(info) == (side_by_side / relative).read_bytes()


def test_the_packed_zip_opens_and_checks_importable(side_by_side: Path, tmp_path: Path) -> None:
    archive = pack(side_by_side, tmp_path / "out")
    with amkit.open_package(archive) as package:
        assert package.kind == "zip"
        assert package.name == "SideBySide"
        assert [str(version.version) for version in package.versions] == ["1.0.0", "2.0.0"]
    report = amkit.check(archive)
    assert report.importable
    assert report.counts()["error"] == 0


def test_two_packs_are_byte_identical_whatever_the_file_times_and_modes(side_by_side: Path, tmp_path: Path) -> None:
    first = pack(side_by_side, tmp_path / "one").read_bytes()
    psm1 = side_by_side / "2.0.0" / "SideBySide.psm1"
    os.utime(psm1, (1_700_000_000, 1_700_000_000))
    psm1.chmod(0o600)
    assert pack(side_by_side, tmp_path / "two").read_bytes() == first


def test_entries_are_sorted_by_path_with_forward_slashes(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "Mod",
        {
            "Mod.psm1": SCRIPT,
            "Mod.psd1": manifest("1.0.0", root_module="Mod.psm1"),
            "en-US/about_Mod.help.txt": "help",
            "Private/b.ps1": "",
            "Private/a.ps1": "",
        },
    )
    with zipfile.ZipFile(pack(folder, tmp_path / "out")) as bundle:
        assert bundle.namelist() == [
            "Mod/Mod.psd1",
            "Mod/Mod.psm1",
            "Mod/Private/a.ps1",
            "Mod/Private/b.ps1",
            "Mod/en-US/about_Mod.help.txt",
        ]


def test_pack_replaces_an_older_zip_and_defaults_to_the_current_folder(
    side_by_side: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "here"
    out.mkdir()
    (out / "SideBySide.zip").write_bytes(b"old")
    monkeypatch.chdir(out)
    archive = pack(side_by_side)
    assert archive == out / "SideBySide.zip"
    assert zipfile.is_zipfile(archive)
    assert sorted(os.listdir(out)) == ["SideBySide.zip"]


def test_samples_build_writes_what_pack_writes(tmp_path: Path) -> None:
    built = samples.build(tmp_path / "samples", ["ContosoNotify"])["ContosoNotify"]
    packed = pack(samples.source("ContosoNotify"), tmp_path / "packed")
    assert built.read_bytes() == packed.read_bytes()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symlink_in_the_folder_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the module")
    folder = write_folder(tmp_path / "Mod", {"Mod.psd1": manifest("1.0.0", root_module=None)})
    (folder / "link.txt").symlink_to(secret)
    out = tmp_path / "out"
    with pytest.raises(PackageError, match=r"refusing symlink 'link\.txt'") as caught:
        pack(folder, out)
    assert caught.value.file == str(folder)
    assert not out.exists() or os.listdir(out) == []


def test_a_missing_folder_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="no such folder") as caught:
        pack(tmp_path / "Nope", tmp_path / "out")
    assert caught.value.file == str(tmp_path / "Nope")
    assert not (tmp_path / "out").exists()


def test_a_file_is_not_a_module_folder(tmp_path: Path) -> None:
    archive = samples.build(tmp_path, ["ContosoCore"])["ContosoCore"]
    with pytest.raises(PackageError, match=r"is not a folder or a \.nupkg; pack takes either"):
        pack(archive, tmp_path / "out")


def test_an_output_folder_inside_the_module_is_refused(side_by_side: Path) -> None:
    with pytest.raises(PackageError, match="inside the module folder"):
        pack(side_by_side, side_by_side / "dist")
    with pytest.raises(PackageError, match="inside the module folder"):
        pack(side_by_side, side_by_side)
    assert not (side_by_side / "dist").exists()
    assert not (side_by_side / "SideBySide.zip").exists()


def test_a_failure_while_writing_leaves_no_partial_zip_and_keeps_the_old_one(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "Mod", {"Mod.psd1": manifest("1.0.0", root_module=None), "big.bin": b"x" * 4096})
    out = tmp_path / "out"
    out.mkdir()
    (out / "Mod.zip").write_bytes(b"the previous zip")
    # big.bin passes the listing but not the per-member read limit, after Mod.psd1 has been written.
    with pytest.raises(LimitExceededError, match=r"'big\.bin' is over 1024 bytes"):
        write_module_zip(folder, out / "Mod.zip", limits=Limits(max_member_size=1024))
    assert os.listdir(out) == ["Mod.zip"]
    assert (out / "Mod.zip").read_bytes() == b"the previous zip"


def test_write_module_zip_takes_another_top_folder_name(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "source", {"Mod.psd1": manifest("1.0.0", root_module=None)})
    archive = write_module_zip(folder, tmp_path / "Mod.zip", name="Mod")
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == ["Mod/Mod.psd1"]


# .nupkg ---------------------------------------------------------------------------------------

WIDGETS = "Contoso.Widgets"


def widgets_module(**extra: str | bytes) -> Members:
    """A module that breaks no import rule, with a help file in a subfolder."""
    return {
        f"{WIDGETS}.psd1": manifest("1.2.0", root_module=f"{WIDGETS}.psm1"),
        f"{WIDGETS}.psm1": SCRIPT,
        "en-US/about_Contoso.Widgets.help.txt": "about the widgets",
        **extra,
    }


@pytest.fixture()
def nupkg(tmp_path: Path) -> Path:
    # The Gallery names the file in lower case; the module keeps its own spelling.
    return gallery_nupkg(tmp_path / "in" / "contoso.widgets.1.2.0.nupkg", widgets_module(), id=WIDGETS, version="1.2.0")


def test_pack_of_a_nupkg_holds_the_module_folder_without_nugets_bookkeeping(nupkg: Path, tmp_path: Path) -> None:
    archive = pack(nupkg, tmp_path / "out")
    assert archive == tmp_path / "out" / f"{WIDGETS}.zip"
    with zipfile.ZipFile(archive) as bundle, zipfile.ZipFile(nupkg) as source:
        assert bundle.namelist() == [
            f"{WIDGETS}/{WIDGETS}.psd1",
            f"{WIDGETS}/{WIDGETS}.psm1",
            f"{WIDGETS}/en-US/about_Contoso.Widgets.help.txt",
        ]
        for info in bundle.infolist():
            assert (info.date_time, info.external_attr) == ((1980, 1, 1, 0, 0, 0), 0o100644 << 16)
            assert bundle.read(info) == source.read(info.filename.removeprefix(f"{WIDGETS}/"))
    with amkit.open_package(archive) as package:
        assert (package.kind, package.name, package.versioned, package.problems) == ("zip", WIDGETS, False, ())
        assert [str(version.version) for version in package.versions] == ["1.2.0"]
        assert not any(
            marker in path
            for path in package.files["path"]
            for marker in ("nuspec", "_rels", "package/", "Content_Types", ".p7s")
        )
    assert amkit.check(archive).importable


def test_two_packs_of_a_nupkg_are_byte_identical(nupkg: Path, tmp_path: Path) -> None:
    first = pack(nupkg, tmp_path / "out").read_bytes()
    assert pack(nupkg, tmp_path / "out").read_bytes() == first  # replaced in place
    assert pack(nupkg, tmp_path / "again").read_bytes() == first
    assert os.listdir(tmp_path / "out") == [f"{WIDGETS}.zip"]


def test_the_manifest_names_the_module_folder(tmp_path: Path) -> None:
    source = gallery_nupkg(tmp_path / "x.nupkg", widgets_module(), id=WIDGETS.upper(), version="1.2.0")
    with zipfile.ZipFile(pack(source, tmp_path / "out")) as bundle:
        assert {name.split("/")[0] for name in bundle.namelist()} == {WIDGETS}
    assert os.listdir(tmp_path / "out") == [f"{WIDGETS}.zip"]


def test_a_folder_named_package_below_the_root_is_kept(tmp_path: Path) -> None:
    # Only NuGet's folders at the root are bookkeeping.
    source = gallery_nupkg(
        tmp_path / "w.nupkg", widgets_module(**{"Private/package/helper.ps1": ""}), id=WIDGETS, version="1.2.0"
    )
    with zipfile.ZipFile(pack(source, tmp_path / "out")) as bundle:
        assert f"{WIDGETS}/Private/package/helper.ps1" in bundle.namelist()


BAD_NUPKGS = {
    "not a zip": (b"<html>404</html>", "not a zip archive"),
    "no nuspec": ({f"{WIDGETS}.psd1": manifest("1.2.0", root_module=None)}, "exactly one <Name>.nuspec"),
    "no module": ({"README.md": "docs only"}, "there is no module to load"),
}


@pytest.mark.parametrize(("content", "message"), list(BAD_NUPKGS.values()), ids=list(BAD_NUPKGS))
def test_a_bad_nupkg_is_refused_and_nothing_is_written(tmp_path: Path, content: bytes | Members, message: str) -> None:
    source = tmp_path / "in" / "contoso.widgets.1.2.0.nupkg"
    if isinstance(content, bytes):
        source.parent.mkdir()
        source.write_bytes(content)
    elif "README.md" in content:
        gallery_nupkg(source, content, id=WIDGETS, version="1.2.0")
    else:
        write_zip(source, content)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{WIDGETS}.zip").write_bytes(b"the previous zip")
    with pytest.raises(PackageError, match=re.escape(message)) as caught:
        pack(source, out)
    assert str(source) in str(caught.value.file)
    assert os.listdir(out) == [f"{WIDGETS}.zip"]
    assert (out / f"{WIDGETS}.zip").read_bytes() == b"the previous zip"


def test_a_nupkg_member_over_the_limit_leaves_the_old_zip(nupkg: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{WIDGETS}.zip").write_bytes(b"the previous zip")
    source = gallery_nupkg(
        tmp_path / "big.nupkg", widgets_module(**{"big.bin": b"x" * 4096}), id=WIDGETS, version="1.2.0"
    )
    with pytest.raises(LimitExceededError, match=r"'big\.bin' is over 1024 bytes"):
        pack(source, out, limits=Limits(max_member_size=1024))
    assert os.listdir(out) == [f"{WIDGETS}.zip"]
    assert (out / f"{WIDGETS}.zip").read_bytes() == b"the previous zip"
