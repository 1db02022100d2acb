"""Units of work and what checking one yields.

A unit is what one worker checks in isolation: a profile folder (SOUL.md and
metadata.yaml together), a framework file, or a record file. Results are plain
picklable data so they can cross process boundaries and live in the cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from atlaslint.diagnostics import Diagnostic
from atlaslint.positions import Span

PROFILE, FRAMEWORK, RECORD = "profile", "framework", "record"


@dataclass(frozen=True)
class Unit:
    """One thing to check. ``display`` is the path as the user named it."""

    kind: str
    display: str
    fs_path: Path
    report: bool = True
    stdin_text: str | None = None
    stdin_name: str | None = None
    """For a profile read from stdin: which of its files the text stands for."""
    files: tuple[str, ...] | None = field(default=None, compare=False)
    """A profile's SOUL.md and metadata.yaml that are files, as its folder's listing
    showed them (``None``: not listed; the disk is asked when the run lists them)."""

    @property
    def slug(self) -> str:
        from atlaslint.fspaths import real_path

        return os.path.basename(real_path(self.fs_path))

    def text_for(self, fs_path: Path) -> str | None:
        """The stdin text when it stands for ``fs_path`` (editors), else ``None``."""
        if self.stdin_text is None:
            return None
        if fs_path == self.fs_path or (
            self.stdin_name and fs_path == self.fs_path / self.stdin_name
        ):
            return self.stdin_text
        return None


@dataclass
class Ref:
    """A value another file may point at, with where it was written."""

    value: str
    path: str
    span: Span


@dataclass
class IndexEntry:
    """What cross-file rules need to know about one unit, without re-parsing it."""

    kind: str
    slug: str | None = None
    titles: list[Ref] = field(default_factory=list)
    related: list[Ref] = field(default_factory=list)
    profile_ref: Ref | None = None


@dataclass
class UnitResult:
    diagnostics: list[Diagnostic]
    index: IndexEntry
    notices: list[str] = field(default_factory=list)
    """One-line messages for stderr (e.g. the grammar server failed); the engine
    prints each distinct one once per run."""
    cacheable: bool = True
    """False when part of the checking could not run (a failed grammar request):
    such a result must not be cached as if it were complete."""
    failed: bool = False
    """A check the config requires could not run: the run exits 2."""
    suppressions: dict[str, dict[int, frozenset[str]]] = field(default_factory=dict)
    """Line suppressions of the unit's YAML files (path -> line -> rules), so that
    cross-file findings (xref) on those lines honour them too."""
