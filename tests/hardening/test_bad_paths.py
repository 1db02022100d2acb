"""Paths that do not exist, cannot be read, loop, or are folders named like files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from atlaslint.fsutil import real_path


def one_line_exit_2(run: Any, expected: str) -> None:
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr == f"atlaslint: {expected}\n"


def test_missing_path(tmp_path: Path, cli: Callable[..., Any]) -> None:
    one_line_exit_2(cli("check", "nothere", cwd=tmp_path), "nothere: no such file or directory")


def test_broken_link_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "gone.framework.yaml").symlink_to("nowhere.yaml")
    run = cli("check", "gone.framework.yaml", cwd=tmp_path)
    one_line_exit_2(run, "gone.framework.yaml: cannot read: broken symbolic link")


def test_looping_link_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "self.framework.yaml").symlink_to("self.framework.yaml")
    run = cli("check", "self.framework.yaml", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith("atlaslint: self.framework.yaml: cannot read: ")
    assert run.stderr.count("\n") == 1


def test_fifo_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    os.mkfifo(tmp_path / "pipe.framework.yaml")
    run = cli("check", "pipe.framework.yaml", cwd=tmp_path)
    one_line_exit_2(run, "pipe.framework.yaml: not a regular file or folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_named(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    folder = example_profile("customs-officer")
    (folder / "metadata.yaml").chmod(0)
    try:
        run = cli("check", "customs-officer/metadata.yaml", cwd=tmp_path)
    finally:
        (folder / "metadata.yaml").chmod(0o644)
    one_line_exit_2(run, "customs-officer/metadata.yaml: permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder")
def test_unreadable_folder_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "locked").mkdir(mode=0)
    try:
        run = cli("check", "locked", cwd=tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    one_line_exit_2(run, "locked: permission denied")


def test_symlink_loops_in_a_walked_folder(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    """Linked folders are not followed (so a loop cannot trap the walk); a looping
    or broken file link inside a profile is reported as unreadable."""
    example_profile("customs-officer")
    (tmp_path / "customs-officer" / "up").symlink_to("..")
    (tmp_path / "also").symlink_to(".")
    looped = example_profile("looped")
    (looped / "metadata.yaml").unlink()
    (looped / "metadata.yaml").symlink_to("metadata.yaml")
    broken = example_profile("broken")
    (broken / "SOUL.md").unlink()
    (broken / "SOUL.md").symlink_to("missing.md")
    run = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert run.exit_code == 1
    unreadable = [
        (d["path"], d["line"], d["column"])
        for d in run.diagnostics
        if d["rule"] == "syntax/unreadable"
    ]
    assert sorted(unreadable) == [("broken/SOUL.md", 1, 1), ("looped/metadata.yaml", 1, 1)]
    paths = {d["path"].split("/")[0] for d in run.diagnostics}
    assert paths <= {"customs-officer", "looped", "broken"}  # nothing through the links


def test_real_path_survives_a_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    resolved = real_path(tmp_path / "a")
    assert resolved.parent == real_path(tmp_path)


def test_folder_named_like_a_framework_is_not_a_file(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    (tmp_path / "x.framework.yaml").mkdir()
    (tmp_path / "y.record.json").mkdir()
    for named in (".", "x.framework.yaml"):
        run = cli("check", "--format", "json", named, cwd=tmp_path)
        assert run.exit_code == 0, run.stderr
        assert run.json["diagnostics"] == []
        assert run.json["summary"]["files"] == 0


def test_folder_named_like_a_profile_file(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    folder = example_profile("customs-officer")
    (folder / "metadata.yaml").unlink()
    (folder / "metadata.yaml").mkdir()
    run = cli("check", "--format", "json", "customs-officer", cwd=tmp_path)
    assert run.exit_code == 1
    [diag] = [d for d in run.diagnostics if d["path"] == "customs-officer/metadata.yaml"]
    assert (diag["rule"], diag["line"], diag["column"]) == ("syntax/unreadable", 1, 1)
    assert "folder" in diag["message"]


def test_fifo_in_a_profile_does_not_block(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    folder = example_profile("customs-officer")
    (folder / "metadata.yaml").unlink()
    os.mkfifo(folder / "metadata.yaml")
    run = cli("check", "customs-officer", cwd=tmp_path)  # text format shows source lines
    assert run.exit_code == 1
    assert "customs-officer/metadata.yaml:1:1: error syntax/unreadable" in run.stdout
