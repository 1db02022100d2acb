"""Discovery lists a large folder's subfolders ahead with threads; what it finds,
and in which order, is what a plain walk finds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from atlaslint import discovery
from atlaslint.config import resolve_settings


def _atlas(root: Path) -> None:
    for i in range(90):
        folder = root / "souls" / f"occupation-{i:03d}"
        folder.mkdir(parents=True)
        (folder / "SOUL.md").write_text("# T\n", encoding="utf-8")
        (folder / "metadata.yaml").write_text("slug: x\n", encoding="utf-8")
    (root / "souls" / "occupation-005" / "nested").mkdir()
    (root / "souls" / "occupation-005" / "nested" / "SOUL.md").write_text("# N\n", encoding="utf-8")
    (root / "souls" / "drafts").mkdir()
    (root / "souls" / "drafts" / "SOUL.md").write_text("# D\n", encoding="utf-8")
    (root / "frameworks").mkdir()
    (root / "frameworks" / "a.framework.yaml").write_text("x: 1\n", encoding="utf-8")
    os.symlink(root / "souls" / "occupation-001", root / "souls" / "linked")
    (root / ".atlaslint.yaml").write_text("exclude: ['souls/drafts/**']\n", encoding="utf-8")


def _found(root: Path) -> list[tuple[str, str]]:
    settings = resolve_settings([root])
    return [(u.kind, u.display) for u in discovery.discover([(".", root)], settings).units]


def test_reading_ahead_finds_the_same_units_in_the_same_order(tmp_path, monkeypatch) -> None:
    _atlas(tmp_path)
    monkeypatch.setattr(discovery, "PREFETCH_FROM", 10**9)
    plain = _found(tmp_path)
    monkeypatch.setattr(discovery, "PREFETCH_FROM", 2)
    monkeypatch.setattr(discovery, "PREFETCH_CHUNK", 7)
    monkeypatch.setattr(discovery, "PROBE", 3)
    monkeypatch.setattr(discovery, "SLOW_LISTING", -1.0)  # every disk is slow
    submitted = []
    real = discovery._ReadAhead._read_ahead
    monkeypatch.setattr(
        discovery._ReadAhead, "_read_ahead", lambda self, f: submitted.append(f) or real(self, f)
    )
    ahead = _found(tmp_path)
    assert submitted and len(submitted[0]) == 90 - 3  # the rest after the probe
    assert ahead == plain
    displays = [display for _, display in plain]
    assert len(plain) == 92  # 90 profiles, the nested one, the framework
    assert "souls/occupation-005/nested" in displays
    assert not any("drafts" in d or "linked" in d for d in displays)
    assert displays == sorted(displays, key=lambda d: d.split("/"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder")
def test_an_unreadable_folder_read_ahead_is_skipped_as_before(tmp_path, monkeypatch) -> None:
    _atlas(tmp_path)
    locked = tmp_path / "souls" / "occupation-042"
    locked.chmod(0)
    try:
        monkeypatch.setattr(discovery, "PREFETCH_FROM", 10**9)
        plain = _found(tmp_path)
        monkeypatch.setattr(discovery, "PREFETCH_FROM", 2)
        monkeypatch.setattr(discovery, "PROBE", 3)
        monkeypatch.setattr(discovery, "SLOW_LISTING", -1.0)
        assert _found(tmp_path) == plain
    finally:
        locked.chmod(0o755)


def test_a_fast_disk_is_not_read_ahead(tmp_path, monkeypatch) -> None:
    _atlas(tmp_path)
    monkeypatch.setattr(discovery, "PREFETCH_FROM", 2)
    monkeypatch.setattr(discovery, "SLOW_LISTING", 3600.0)  # no listing is that slow
    monkeypatch.setattr(discovery._ReadAhead, "_read_ahead", lambda self, f: pytest.fail("read"))
    assert len(_found(tmp_path)) == 92


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_a_walked_profile_knows_which_of_its_files_are_files_as_isfile_does(tmp_path) -> None:
    """The run lists each profile's files (the summary's count, JUnit's test cases)
    from the folder's listing instead of asking the disk again; the listing must say
    what os.path.isfile says, links and special files included."""
    from atlaslint.engine import checked_files

    souls = tmp_path / "souls"
    cases = {
        "both": ("file", "file"),
        "soul-only": ("file", None),
        "metadata-only": (None, "file"),
        "linked-metadata": ("file", "link-to-file"),
        "broken-link": ("file", "broken-link"),
        "fifo": ("file", "fifo"),
        "folder-named-metadata": ("file", "folder"),
    }
    for slug, kinds in cases.items():
        folder = souls / slug
        folder.mkdir(parents=True)
        for name, kind in zip(("SOUL.md", "metadata.yaml"), kinds, strict=True):
            path = folder / name
            if kind == "file":
                path.write_text("x\n", encoding="utf-8")
            elif kind == "link-to-file":
                (tmp_path / f"{slug}.target").write_text("x\n", encoding="utf-8")
                os.symlink(tmp_path / f"{slug}.target", path)
            elif kind == "broken-link":
                os.symlink(tmp_path / "nowhere", path)
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "folder":
                path.mkdir()
    settings = resolve_settings([tmp_path])
    units = {u.fs_path.name: u for u in discovery.discover([(".", tmp_path)], settings).units}
    assert set(units) == set(cases)
    for slug, unit in units.items():
        by_isfile = tuple(
            name for name in ("SOUL.md", "metadata.yaml") if os.path.isfile(souls / slug / name)
        )
        assert unit.files == by_isfile, slug
        assert checked_files(unit) == checked_files(
            discovery.Unit(unit.kind, unit.display, unit.fs_path)  # not listed: asks the disk
        ), slug
    # Listed once: deleting a file afterwards does not change what the run found.
    (souls / "both" / "metadata.yaml").unlink()
    assert checked_files(units["both"]) == (
        ["souls/both/SOUL.md", "souls/both/metadata.yaml"],
        2,
    )
