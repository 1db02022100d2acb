"""``--fix`` and ``--diff``: apply the safe fixes checks attach to their diagnostics.

A fix is a replacement of a diagnostic's exact span (:class:`~atlaslint.diagnostics.Fix`,
offsets into the normalised text). The fixes are always computed from a fresh check
of each unit (never from a result cache), so they match the bytes on disk. Then,
per file:

- a file that does not parse is never touched (its spans mean nothing);
- the diagnostics a run would report decide (select/ignore, severities set to off,
  per-file ignores and suppression comments all apply);
- non-overlapping fixes apply in one pass; the file is checked again and the next
  pass applies what the first had to leave (overlaps), until nothing is left, so a
  second run changes nothing;
- a pass whose result no longer parses is dropped (a fix must never break a file);
- the file is written atomically with its own BOM and line ends, its mode kept.

Grammar never offers fixes, so the fix passes run without LanguageTool.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from atlaslint.diagnostics import Diagnostic, Fix
from atlaslint.documents.source import SourceFile, decode, read_source
from atlaslint.settings import Settings
from atlaslint.units import PROFILE, Unit

MAX_PASSES = 8
"""Enough for any chain of overlapping fixes we ship; a bound against fixes that undo
each other."""


@dataclass
class FileFix:
    """One file's text before and after its fixes."""

    display: str
    fs_path: Path
    source: SourceFile
    after: str
    applied: int

    @property
    def before(self) -> str:
        return self.source.text or ""

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.display}",
                tofile=f"b/{self.display}",
            )
        )


@dataclass
class FixOutcome:
    """What ``--fix`` changed (or, with ``--diff``, would change)."""

    files: list[FileFix] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Files that could not be written, one line each."""

    @property
    def fixed(self) -> int:
        return sum(f.applied for f in self.files)

    def diff(self) -> str:
        return "".join(f.diff() for f in self.files)

    def summary(self, dry_run: bool) -> str:
        n, m = self.fixed, len(self.files)
        findings = f"{n} finding{'s' if n != 1 else ''}"
        files = f"{m} file{'s' if m != 1 else ''}"
        if dry_run:
            return f"Would fix {findings} in {files}." if n else "No fixes available."
        return f"Fixed {findings} in {files}." if n else "No fixes applied."


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """``text`` with every fix that overlaps no earlier one applied; how many applied.

    Identical fixes (two rules, one replacement) count once; a fix that changes
    nothing is not counted.
    """
    chosen: list[Fix] = []
    last_end = -1
    for fix in sorted(set(fixes), key=lambda f: (f.start, f.end, f.replacement)):
        if fix.start < last_end or not 0 <= fix.start <= fix.end <= len(text):
            continue
        if text[fix.start : fix.end] == fix.replacement:
            continue
        chosen.append(fix)
        last_end = max(fix.end, fix.start + 1) if fix.start == fix.end else fix.end
    parts, pos = [], 0
    for fix in chosen:
        parts += [text[pos : fix.start], fix.replacement]
        pos = fix.end
    parts.append(text[pos:])
    return "".join(parts), len(chosen)


def parses(path: str, source: SourceFile) -> bool:
    """Does the file read and parse without a syntax problem?"""
    if not source.ok:
        return False
    suffix = Path(path).suffix.lower()
    if suffix == ".md":
        from atlaslint.documents.markdown import load_markdown

        return not load_markdown(source).problems
    if suffix in (".yaml", ".yml"):
        from atlaslint.documents.yaml_loader import load_yaml

        return not load_yaml(source).problems
    if suffix == ".json":
        from atlaslint.documents.json_loader import load_json

        return not load_json(source).problems
    return False


def _files(unit: Unit) -> dict[str, tuple[Path, str | None]]:
    """A unit's files: display path -> (file on disk, its name for a stdin stand-in)."""
    if unit.kind != PROFILE:
        return {unit.display: (unit.fs_path, None)}
    from atlaslint.kinds.profile import METADATA, SOUL, join

    return {join(unit.display, n): (unit.fs_path / n, n) for n in (SOUL, METADATA)}


def _fixes(unit: Unit, settings: Settings, path: str) -> list[Fix]:
    """The fixes a fresh check of ``unit`` offers for the file ``path``, as the run
    would report them (judged: select/ignore, severities and per-file ignores)."""
    from atlaslint.engine import check_unit, judge

    diagnostics: list[Diagnostic] = check_unit(unit, settings).diagnostics
    return [
        d.fix
        for d in judge([d for d in diagnostics if d.path == path], settings)
        if d.fix is not None
    ]


def fix_unit(unit: Unit, settings: Settings) -> list[FileFix]:
    """Fix the files of one unit in memory; nothing is written here."""
    from atlaslint.engine import check_unit, judge

    first = judge(check_unit(unit, settings).diagnostics, settings)
    wanted = {d.path for d in first if d.fix is not None}
    out: list[FileFix] = []
    for path, (fs_path, name) in _files(unit).items():
        if path not in wanted:
            continue
        source = read_source(path, fs_path, settings.max_file_size)
        if not parses(path, source):
            continue
        text, applied = source.text or "", 0
        fixes = [d.fix for d in first if d.path == path and d.fix is not None]
        for _ in range(MAX_PASSES):
            new_text, count = apply_fixes(text, fixes)
            if not count or not parses(path, decode(path, new_text.encode("utf-8"))):
                break
            text, applied = new_text, applied + count
            again = replace(unit, stdin_text=text, stdin_name=name)
            fixes = _fixes(again, settings, path)
            if not fixes:
                break
        if applied and text != source.text:
            out.append(FileFix(path, fs_path, source, text, applied))
    return out


def fix_units(units: Sequence[Unit], settings: Settings, *, write: bool) -> FixOutcome:
    """Fix every unit's files; write them (atomically) unless ``write`` is false."""
    from atlaslint.fsutil import atomic_write

    fresh = replace(settings, languagetool={})  # grammar offers no fixes: no server
    outcome = FixOutcome()
    for unit in units:
        if unit.stdin_text is not None:
            continue
        for fixed in fix_unit(unit, fresh):
            if write:
                try:
                    atomic_write(fixed.fs_path, fixed.source.encode(fixed.after))
                except OSError as exc:
                    outcome.errors.append(
                        f"{fixed.display}: cannot write the fixes: {exc.strerror or exc}"
                    )
                    continue
            outcome.files.append(fixed)
    return outcome


def fix_paths(
    named: Sequence[tuple[str, Path]], settings: Settings, *, write: bool = True
) -> FixOutcome:
    """``--fix`` (``write``) or ``--diff`` over the user's paths."""
    from atlaslint.discovery import discover

    return fix_units(discover(named, settings).units, settings, write=write)
