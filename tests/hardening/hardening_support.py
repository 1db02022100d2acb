"""Helpers for the bad-input tests: where a diagnostic may point, file hashes, and
the bundled examples to start from."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PROFILE = REPO / "examples" / "profiles" / "customs-officer"
EXAMPLE_FRAMEWORK = (
    REPO / "examples" / "frameworks" / "customs-and-border-protection-officers.framework.yaml"
)


def file_lines(path: Path) -> list[str] | None:
    """The lines a position may point into, as atlaslint counts them (BOM dropped,
    CRLF and CR as line ends); ``None`` for what is not a readable regular file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > 10 * 1024 * 1024:
        return None
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_within_file(diag: dict, base: Path | None = None) -> None:
    """The diagnostic's span lies inside its file: line <= line count, column <= line
    length + 1 (end exclusive), and the end is not before the start."""
    path = Path(diag["path"])
    if base is not None and not path.is_absolute():
        path = base / path
    start = (diag["line"], diag["column"])
    end = (diag["end_line"], diag["end_column"])
    assert end >= start, diag
    lines = file_lines(path)
    if lines is None:  # unreadable, too large, a folder: only the file start exists
        assert start == (1, 1), diag
        return
    for line, column in (start, end):
        assert 1 <= line <= len(lines), (diag, len(lines))
        assert 1 <= column <= len(lines[line - 1]) + 1, (diag, lines[line - 1])


def snapshot(root: Path) -> dict[str, str]:
    """What every entry under ``root`` is: a hash of a regular file's bytes, a link's
    target, or the kind of a special file; links are never followed."""
    seen: dict[str, str] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            info = os.lstat(path)
            key = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                seen[key] = "link -> " + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                seen[key] = f"{digest.hexdigest()} {stat.S_IMODE(info.st_mode):o} {info.st_size}"
            else:
                seen[key] = f"mode {stat.S_IFMT(info.st_mode):o}"
    return seen


def assert_unchanged(before: dict[str, str], after: dict[str, str]) -> None:
    """Every entry that existed is byte-for-byte the same; the only new entries allowed
    are atlaslint's own cache (a run may create it under the project root, never touch
    an input)."""
    assert {key: after.get(key) for key in before} == before
    created = [key for key in after if key not in before]
    assert all(".atlaslint_cache" in key.split("/") for key in created), created
