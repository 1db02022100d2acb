"""fsutil: atomic writes that keep the file's mode and never leave half a file."""

from __future__ import annotations

import os
import signal
import stat
import threading
from pathlib import Path

import pytest

from atlaslint import fsutil
from atlaslint.fsutil import atomic_write, read_regular, real_path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_replaces_the_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "SOUL.md"
    path.write_bytes(b"old\r\n")
    atomic_write(path, b"new\r\ncontent")
    assert path.read_bytes() == b"new\r\ncontent"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644, 0o755])
def test_keeps_the_original_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "metadata.yaml"
    path.write_bytes(b"a: 1\n")
    path.chmod(mode)
    atomic_write(path, b"a: 2\n")
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    fsutil._current_umask.cache_clear()
    try:
        atomic_write(tmp_path / "new.yaml", b"x")
    finally:
        os.umask(old)
        fsutil._current_umask.cache_clear()
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


def test_a_failed_write_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "SOUL.md"
    path.write_bytes(b"precious")

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, b"half")
    assert path.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []


def test_a_link_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_bytes(b"old")
    link = tmp_path / "SOUL.md"
    link.symlink_to("real.md")
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_refuses_to_replace_a_folder(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path / "x.yaml", b"data")
    assert (tmp_path / "x.yaml").is_dir()


def test_readers_see_the_old_or_the_new_bytes_never_a_mix(tmp_path: Path) -> None:
    path = tmp_path / "SOUL.md"
    versions = [b"a" * 200_000, b"b" * 300_000]
    path.write_bytes(versions[0])
    seen: set[bytes] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(path.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(60):
            atomic_write(path, versions[i % 2])
    finally:
        stop.set()
        reader.join()
    assert seen <= set(versions)


def test_real_path_does_not_raise_on_a_loop(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    assert real_path(tmp_path / "loop").name == "loop"


def test_read_regular_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.write_bytes(b"12345")
    os.mkfifo(tmp_path / "pipe")
    assert read_regular(small, 5) == b"12345"
    assert read_regular(small, 4) is None
    assert read_regular(tmp_path / "pipe", 100) is None  # and does not block
    assert read_regular(tmp_path, 100) is None
    assert read_regular(tmp_path / "missing", 100) is None


class Blocked(Exception):
    """Raised by an alarm in a call that should have returned at once."""


@pytest.mark.skipif(
    not hasattr(os, "posix_fadvise") or not hasattr(os, "mkfifo"), reason="POSIX only"
)
def test_prefetch_hints_regular_files_only_and_never_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO, a folder and a missing path are passed over (the FIFO without waiting
    for a writer); each regular file gets one WILLNEED hint for all of it, and its
    bytes are left as they were."""
    regular = tmp_path / "SOUL.md"
    regular.write_bytes(b"# Title\n")
    fifo = tmp_path / "metadata.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    hints: list[tuple[int, int, int, int]] = []

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        hints.append((os.fstat(fd).st_ino, offset, length, advice))

    def blocked(*_args: object) -> None:
        raise Blocked  # not an OSError, which prefetch passes over

    monkeypatch.setattr(fsutil.os, "posix_fadvise", advise)
    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(5)
    try:
        fsutil.prefetch([str(fifo), str(folder), str(tmp_path / "missing"), str(regular)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert hints == [(regular.stat().st_ino, 0, 0, os.POSIX_FADV_WILLNEED)]
    assert regular.read_bytes() == b"# Title\n"
