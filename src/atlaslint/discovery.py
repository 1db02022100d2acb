"""From the paths a user names to units of work (SPEC §1.5).

A folder holding SOUL.md and/or metadata.yaml is a profile; ``*.framework.yaml``
is a framework; JSON named ``*.record.json``, in a ``records`` folder, or named
explicitly is a record. Walking skips VCS folders, virtual environments, the
cache and the configured excludes, and never follows a symlinked folder (so a
link loop cannot trap it).
"""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from atlaslint.fsutil import real_path
from atlaslint.settings import ALWAYS_SKIPPED, Settings
from atlaslint.units import FRAMEWORK, PROFILE, RECORD, Unit

PROFILE_FILES = ("SOUL.md", "metadata.yaml")


class PathError(Exception):
    """A named path that does not exist or cannot be read (exit 2)."""


def glob_match(relative: str, pattern: str) -> bool:
    """fnmatch where a leading ``**/`` also matches at the top level."""
    if fnmatch.fnmatch(relative, pattern):
        return True
    return pattern.startswith("**/") and fnmatch.fnmatch(relative, pattern[3:])


def kind_of_file(path: Path, explicit: bool) -> str | None:
    name = path.name
    if name in PROFILE_FILES:
        return PROFILE
    if name.endswith((".framework.yaml", ".framework.yml")):
        return FRAMEWORK
    if name.endswith(".json") and (
        explicit or name.endswith(".record.json") or path.absolute().parent.name == "records"
    ):
        return RECORD
    return None


def _join(display: str, *parts: str) -> str:
    if display in ("", "."):
        return "/".join(parts)
    return "/".join((display.rstrip("/"), *parts))


@dataclass
class Discovery:
    """Units found, in a stable order, plus the explicitly named files skipped."""

    units: list[Unit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    _seen: set[tuple[str, Path]] = field(default_factory=set)

    def add(self, unit: Unit) -> None:
        key = (unit.kind, real_path(unit.fs_path))
        if key not in self._seen:
            self._seen.add(key)
            self.units.append(unit)


class Walker:
    """Finds units under folders, honouring include/exclude relative to the root."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = real_path(settings.root)

    def _relative(self, path: Path) -> str | None:
        try:
            return real_path(path).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def excluded(self, path: Path, is_dir: bool) -> bool:
        if path.name in ALWAYS_SKIPPED:
            return True
        relative = self._relative(path)
        if relative is None or not self.settings.exclude:
            return False
        probe = relative + "/" if is_dir else relative
        return any(
            glob_match(probe, pattern) or glob_match(relative, pattern)
            for pattern in self.settings.exclude
        )

    def excluded_anywhere(self, path: Path) -> bool:
        """Is ``path`` or a folder above it (up to the root) excluded? (``--force-exclude``)"""
        if self.excluded(path, path.is_dir()):
            return True
        resolved = real_path(path)
        for parent in resolved.parents:
            if parent == self.root or self.root not in parent.parents:
                break
            if self.excluded(parent, True):
                return True
        return False

    def included(self, path: Path) -> bool:
        relative = self._relative(path)
        if relative is None:
            relative = path.as_posix()
        # Also as seen from above the root, so that a root that *is* a `records` folder
        # still matches `**/records/*.json`.
        above = f"{self.root.name}/{relative}"
        return any(
            glob_match(relative, pattern) or glob_match(above, pattern)
            for pattern in self.settings.include
        )

    def walk(self, folder: Path, display: str) -> Iterator[Unit]:
        """Units under ``folder``, sorted by path, never following linked folders."""
        for current, dirs, files in os.walk(folder, followlinks=False):
            base = Path(current)
            dirs[:] = sorted(d for d in dirs if not self.excluded(base / d, True))
            rel = os.path.relpath(current, folder)
            shown = display if rel == "." else _join(display, *Path(rel).parts)
            names = set(files)
            if names & set(PROFILE_FILES) and any(
                self.included(base / n) and not self.excluded(base / n, False)
                for n in PROFILE_FILES
                if n in names
            ):
                yield Unit(PROFILE, shown, base)
            for name in sorted(files):
                path = base / name
                if name in PROFILE_FILES or self.excluded(path, False):
                    continue
                kind = kind_of_file(path, explicit=False)
                if kind and self.included(path):
                    yield Unit(kind, _join(shown, name) if shown else name, path)


def _check_readable(display: str, path: Path) -> None:
    """A named file that cannot be opened stops the run (exit 2) with one line."""
    try:
        os.stat(path)
    except OSError as exc:
        reason = "broken symbolic link" if exc.errno == errno.ENOENT else exc.strerror
        raise PathError(f"{display}: cannot read: {reason}") from None
    if not os.access(path, os.R_OK):
        raise PathError(f"{display}: permission denied")


def discover(named: Iterable[tuple[str, Path]], settings: Settings) -> Discovery:
    """Units for the named paths; raises :class:`PathError` for a missing path."""
    found = Discovery()
    walker = Walker(settings)
    for display, path in named:
        if not os.path.lexists(path):
            raise PathError(f"{display}: no such file or directory")
        if settings.force_exclude and walker.excluded_anywhere(path):
            continue
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise PathError(f"{display}: permission denied")
            for unit in walker.walk(path, display):
                found.add(unit)
        elif path.is_file() or path.is_symlink():
            _check_readable(display, path)
            kind = kind_of_file(path, explicit=True)
            if kind is None:
                found.skipped.append(display)
            elif kind == PROFILE:
                parent = os.path.dirname(display)
                found.add(Unit(PROFILE, parent or ".", path.parent))
            else:
                found.add(Unit(kind, display, path))
        else:
            raise PathError(f"{display}: not a regular file or folder")
    return found


def universe(settings: Settings) -> list[Unit]:
    """Every profile and framework under the project root (for cross-file rules)."""
    walker = Walker(settings)
    root = walker.root
    return [
        Unit(u.kind, u.display, u.fs_path, report=False)
        for u in walker.walk(root, str(root))
        if u.kind in (PROFILE, FRAMEWORK)
    ]


def stdin_unit(filename: str, text: str) -> Unit | None:
    """The unit for text read from stdin that stands for ``filename`` (editors).

    The file need not exist on disk; for a profile, its sibling file is read from
    disk as usual. ``None`` when the name is of no known kind.
    """
    path = Path(filename)
    kind = kind_of_file(path, explicit=True)
    if kind is None:
        return None
    if kind == PROFILE:
        display = os.path.dirname(filename) or "."
        return Unit(PROFILE, display, path.parent, stdin_text=text, stdin_name=path.name)
    return Unit(kind, filename, path, stdin_text=text)
