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
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from atlaslint.fspaths import real_path as real_text
from atlaslint.fspaths import relative_to
from atlaslint.fsutil import real_path
from atlaslint.settings import ALWAYS_SKIPPED, Settings
from atlaslint.units import FRAMEWORK, PROFILE, RECORD, Unit

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

PROFILE_FILES = ("SOUL.md", "metadata.yaml")
_PROFILE_SET = frozenset(PROFILE_FILES)


class PathError(Exception):
    """A named path that does not exist or cannot be read (exit 2)."""


def glob_match(relative: str, pattern: str) -> bool:
    """fnmatch where a leading ``**/`` also matches at the top level."""
    if fnmatch.fnmatch(relative, pattern):
        return True
    return pattern.startswith("**/") and fnmatch.fnmatch(relative, pattern[3:])


def _globs(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching what :func:`glob_match` matches for any of ``patterns``."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(os.path.normcase(pattern)))
        if pattern.startswith("**/"):
            parts.append(fnmatch.translate(os.path.normcase(pattern[3:])))
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


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
    _seen: set[tuple[str, str]] = field(default_factory=set)

    @property
    def keys(self) -> set[tuple[str, str]]:
        """``(kind, real path)`` of every unit found."""
        return self._seen

    def add(self, unit: Unit, real: str | None = None) -> None:
        """Add a unit unless already found (``real``: its real path, when known)."""
        key = (unit.kind, real if real is not None else real_text(unit.fs_path))
        if key not in self._seen:
            self._seen.add(key)
            self.units.append(unit)


class Walker:
    """Finds units under folders, honouring include/exclude relative to the root."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = real_path(settings.root)
        self._root = str(self.root)
        self._relatives: dict[str, str | None] = {}
        self._include = _globs(settings.include)
        self._exclude = _globs(settings.exclude)

    def _relative(self, path: Path) -> str | None:
        key = str(path)
        if key not in self._relatives:
            self._relatives[key] = relative_to(path, self._root)
        return self._relatives[key]

    def excluded(self, path: Path, is_dir: bool) -> bool:
        if path.name in ALWAYS_SKIPPED:
            return True
        return self._excluded_relative(self._relative(path), is_dir)

    def _excluded_relative(self, relative: str | None, is_dir: bool) -> bool:
        if relative is None or self._exclude is None:
            return False
        relative = os.path.normcase(relative)
        probe = relative + "/" if is_dir else relative
        return bool(self._exclude.match(probe) or self._exclude.match(relative))

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
        return self._included_relative(relative, path)

    def _included_relative(self, relative: str | None, path: Path | str) -> bool:
        if relative is None:
            relative = Path(path).as_posix()
        if self._include is None:
            return False
        # Also as seen from above the root, so that a root that *is* a `records` folder
        # still matches `**/records/*.json`.
        relative = os.path.normcase(relative)
        if self._include.match(relative):
            return True
        return bool(self._include.match(os.path.normcase(f"{self.root.name}/") + relative))

    def walk(self, folder: Path, display: str) -> Iterator[Unit]:
        """Units under ``folder``, sorted by path, never following linked folders."""
        for unit, _ in self.walk_real(folder, display):
            yield unit

    def walk_real(self, folder: Path, display: str) -> Iterator[tuple[Unit, str]]:
        """Units under ``folder`` with the real path of each (as :func:`real_path`).

        Paths relative to the root are worked out once per folder (from the walked
        folder's real path) instead of resolving every file: a linked folder is
        never entered, so below the walked folder only a linked file can move.
        """
        top = real_text(folder)
        start = os.fspath(folder)
        for current, dirs, files, links, profile_files in _scan(start):
            rel = current[len(start) :].lstrip(os.sep)
            real_dir = os.path.join(top, rel) if rel else top
            here = self._relative_text(real_dir)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in ALWAYS_SKIPPED
                and not self._excluded_relative(self._child(here, current, d, links), True)
            )
            shown = _join(display, *rel.split(os.sep)) if rel else display
            names = set(files)
            if names & _PROFILE_SET:
                for n in PROFILE_FILES:
                    if n not in names:
                        continue
                    relative = self._child(here, current, n, links)
                    if self._included_relative(
                        relative, os.path.join(current, n)
                    ) and not self._excluded_relative(relative, False):
                        yield Unit(PROFILE, shown, Path(current), files=profile_files), real_dir
                        break
            for name in sorted(files):
                if name in _PROFILE_SET or name in ALWAYS_SKIPPED:
                    continue
                path = Path(current, name)
                kind = kind_of_file(path, explicit=False)
                if kind is None:
                    continue
                relative = self._child(here, current, name, links)
                if self._excluded_relative(relative, False):
                    continue
                if self._included_relative(relative, path):
                    unit = Unit(kind, _join(shown, name) if shown else name, path)
                    real = real_text(path) if name in links else os.path.join(real_dir, name)
                    yield unit, real

    def _relative_text(self, real: str) -> str | None:
        """A real path relative to the root, or None outside it."""
        if real == self._root:
            return ""
        prefix = self._root if self._root.endswith(os.sep) else self._root + os.sep
        if not real.startswith(prefix):
            return None
        rest = real[len(prefix) :]
        return rest.replace(os.sep, "/") if os.sep != "/" else rest

    def _child(
        self, here: str | None, current: str, name: str, links: frozenset[str]
    ) -> str | None:
        """The root-relative path of ``current/name`` (resolving it only if a link)."""
        if name in links:
            return self._relative(Path(current, name))
        if here is None:
            return None
        return f"{here}/{name}" if here else name


PREFETCH_FROM = 64
"""Subfolders of one folder from which their listings may be read ahead by threads
(an atlas's folder of profiles). With the file system's caches cold, reading a
folder waits on the disk, and several waits at once take far less time (20,000
profile folders: 3.3 s alone, 1.3 s with 8 threads); with warm caches the threads
only contend for the interpreter (0.6 s alone, 0.75 s with them). So the first
:data:`PROBE` are listed alone and timed, and the rest are read ahead only if
those were slow."""
PROBE = 16
SLOW_LISTING = 40e-6
"""Seconds: a folder listed from warm caches takes about 10 microseconds here."""
PREFETCH_CHUNK = 256
PREFETCH_THREADS = 8


def _listing(folder: str) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except OSError:
        return None


def _listings(folders: list[str]) -> list[list[os.DirEntry[str]] | None]:
    return [_listing(folder) for folder in folders]


class _ReadAhead:
    """Listings of the subfolders of large folders, read ahead when the disk is slow."""

    def __init__(self) -> None:
        self.ahead: dict[str, tuple[Future[list[list[os.DirEntry[str]] | None]], int]] = {}
        self.threads: ThreadPoolExecutor | None = None
        self.probing: dict[str, list[str]] = {}  # probe folder -> the folders to read ahead
        self.probed: list[float] = []

    def listing(self, folder: str) -> list[os.DirEntry[str]] | None:
        found = self.ahead.pop(folder, None)
        if found is not None:
            return found[0].result()[found[1]]
        rest = self.probing.pop(folder, None)
        if rest is None:
            return _listing(folder)
        started = time.perf_counter()
        entries = _listing(folder)
        self.probed.append(time.perf_counter() - started)
        if len(self.probed) == PROBE:
            if sorted(self.probed)[PROBE // 2] > SLOW_LISTING:
                self._read_ahead(rest)
            self.probed.clear()
        return entries

    def children(self, children: list[str]) -> None:
        """A folder's subfolders, in the order they will be walked."""
        if len(children) < PREFETCH_FROM or self.probing:
            return
        rest = children[PROBE:]
        for child in children[:PROBE]:
            self.probing[child] = rest

    def _read_ahead(self, folders: list[str]) -> None:
        if self.threads is None:
            from concurrent.futures import ThreadPoolExecutor

            self.threads = ThreadPoolExecutor(PREFETCH_THREADS)
        for at in range(0, len(folders), PREFETCH_CHUNK):
            chunk = folders[at : at + PREFETCH_CHUNK]
            future = self.threads.submit(_listings, chunk)
            for i, folder in enumerate(chunk):
                self.ahead[folder] = (future, i)

    def close(self) -> None:
        if self.threads is not None:
            self.threads.shutdown(wait=False, cancel_futures=True)


def _scan(
    top: str,
) -> Iterator[tuple[str, list[str], list[str], frozenset[str], tuple[str, ...]]]:
    """``os.walk(top, followlinks=False)`` (top-down: prune ``dirs`` in place), plus
    the names that are symbolic links, known from the directory listing itself, and
    which of a profile's two files are files (as ``os.path.isfile`` tells, without
    asking the disk again where the listing tells: the run lists them per profile).

    Iterative, so a folder deep in the tree costs no chain of generators: an atlas of
    20,000 profile folders is listed in one loop. The folders of a large folder
    may be listed ahead by threads (:class:`_ReadAhead`); the walk, its order and
    its pruning are the same.
    """
    pending = [top]
    reader = _ReadAhead()
    try:
        while pending:
            folder = pending.pop()
            entries = reader.listing(folder)
            if entries is None:
                continue
            dirs: list[str] = []
            files: list[str] = []
            links = set()
            profile_files = set()
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                (dirs if is_dir else files).append(entry.name)
                try:
                    if entry.is_symlink():
                        links.add(entry.name)
                    if entry.name in _PROFILE_SET and entry.is_file():
                        profile_files.add(entry.name)
                except OSError:
                    pass
            frozen = frozenset(links)
            found = tuple(name for name in PROFILE_FILES if name in profile_files)
            yield folder, dirs, files, frozen, found
            children = [os.path.join(folder, name) for name in dirs if name not in frozen]
            pending.extend(reversed(children))
            reader.children(children)
    finally:
        reader.close()


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
            for unit, real in walker.walk_real(path, display):
                found.add(unit, real)
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
    return [unit for unit, _ in universe_real(settings)]


def universe_real(settings: Settings) -> list[tuple[Unit, str]]:
    """:func:`universe` with the real path of each unit."""
    walker = Walker(settings)
    root = walker.root
    return [
        (Unit(u.kind, u.display, u.fs_path, report=False), real)
        for u, real in walker.walk_real(root, str(root))
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
