"""The engine: discover units, check each, run cross-file rules, judge the findings.

Per-unit checking is a pure function of the unit's bytes and the settings, so it
can run in worker processes and be cached; cross-file rules run afterwards from
the small index every unit returns.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from atlaslint.checks.grammar import start_session as start_grammar
from atlaslint.checks.sink import Sink
from atlaslint.checks.xref import Guesser, check_xref, profile_slugs
from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.discovery import discover, universe_real
from atlaslint.fspaths import forget as forget_real_paths
from atlaslint.fspaths import real_path as real_text
from atlaslint.fsutil import real_path
from atlaslint.positions import Span
from atlaslint.settings import Settings
from atlaslint.suppress import filter_suppressed
from atlaslint.units import FRAMEWORK, PROFILE, RECORD, IndexEntry, Unit, UnitResult

if TYPE_CHECKING:
    from atlaslint.cache import ResultCache

Checker = Callable[[Unit, Settings], UnitResult]


_KIND_MODULES = {
    PROFILE: "atlaslint.kinds.profile",
    FRAMEWORK: "atlaslint.kinds.framework",
    RECORD: "atlaslint.kinds.record",
}
INDEXED_KINDS = (PROFILE, FRAMEWORK)
"""Kinds whose units cross-file rules read (a record names no other file)."""


def _kind_function(kind: str, verb: str) -> Callable | None:
    """``check_<kind>`` or ``index_<kind>`` (``verb``) of the kind's module, which is
    imported when the first unit of that kind comes: a run over profiles alone never
    loads the record or framework checks (2-3 ms of imports before any work could
    start)."""
    if verb == "index" and kind not in INDEXED_KINDS:
        return None
    module = _kind_module(kind)
    return None if module is None else getattr(module, f"{verb}_{kind}")


@functools.cache
def _kind_module(kind: str) -> ModuleType | None:
    name = _KIND_MODULES.get(kind)
    return None if name is None else importlib.import_module(name)


@dataclass
class RunResult:
    """Everything a report needs."""

    diagnostics: list[Diagnostic]
    files: int
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    internal_errors: int = 0
    failed: bool = False
    """A check the config requires could not run (exit code 2, the reason in notices)."""
    checked: list[str] = field(default_factory=list)
    """Every file checked, as displayed (one JUnit test case each)."""

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


def check_unit(unit: Unit, settings: Settings) -> UnitResult:
    """Check one unit; an internal error becomes a diagnostic, never a crash."""
    checker: Checker | None = _kind_function(unit.kind, "check")
    if checker is None:
        return UnitResult([], IndexEntry(unit.kind))
    try:
        return checker(unit, settings)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # one broken check must not lose every other finding
        # (BaseException: a panic in a Rust extension arrives as pyo3's PanicException)
        return UnitResult([internal_error(unit, exc, settings)], IndexEntry(unit.kind))


def _culprit(exc: BaseException) -> str:
    """The check that failed: the innermost frame in ``atlaslint/checks`` (else in
    ``atlaslint/kinds``, else anywhere in atlaslint, else the last frame)."""
    import traceback  # only when a check failed

    frames = traceback.extract_tb(exc.__traceback__)
    package = Path(__file__).resolve().parent
    for folder in (package / "checks", package / "kinds", package):
        for frame in reversed(frames):
            if Path(frame.filename).resolve().is_relative_to(folder):
                module = Path(frame.filename).resolve().relative_to(package).with_suffix("")
                name = ".".join(module.parts)
                return f"{name}.{frame.name} ({Path(frame.filename).name}:{frame.lineno})"
    last = frames[-1] if frames else None
    return f"{last.name} ({Path(last.filename).name}:{last.lineno})" if last else "unknown"


def internal_error(unit: Unit, exc: BaseException, settings: Settings) -> Diagnostic:
    """An exception in a unit's checks as an ``internal/error`` diagnostic naming the check."""
    path = unit.display if unit.kind != PROFILE else f"{unit.display.rstrip('/')}/SOUL.md"
    message = str(exc).splitlines()[0][:200] if str(exc) else ""
    sink = Sink(settings.registry)
    sink.emit(
        path,
        Span.point(1, 1),
        "internal/error",
        f"internal error in check {_culprit(exc)}: {type(exc).__name__}"
        + (f": {message}" if message else "")
        + " (please report it with this file)",
    )
    return sink.items[0]


def index_unit(unit: Unit, settings: Settings) -> UnitResult:
    """Only the index entry of a unit that is not reported on (for cross-file rules)."""
    indexer = _kind_function(unit.kind, "index")
    if indexer is None:
        return UnitResult([], IndexEntry(unit.kind))
    try:
        return UnitResult([], indexer(unit, settings))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a file we only index must not stop the run
        # An empty entry adds nothing to cross-file rules; the error is not cached.
        error = internal_error(unit, exc, settings)
        return UnitResult([error], IndexEntry(unit.kind), cacheable=False)


def judge(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Apply select/ignore, severity overrides and per-file ignores; sort."""
    root = settings.root.resolve()
    kept: list[Diagnostic] = []
    relative_cache: dict[str, str] = {}
    # A run reports tens of thousands of findings of a few dozen rules: each rule's
    # selectors and overrides are matched once.
    verdicts: dict[tuple[str, Severity], Severity | None] = {}
    for diag in diagnostics:
        key = (diag.rule, diag.severity)
        if key in verdicts:
            severity = verdicts[key]
        else:
            enabled = diag.rule == "internal/error" or settings.enabled(diag.rule)
            severity = verdicts[key] = (
                settings.severity_of(diag.rule, diag.severity) if enabled else None
            )
        if severity is None:
            continue
        if settings.per_file_ignores:
            relative = relative_cache.get(diag.path)
            if relative is None:
                try:
                    relative = real_path(diag.path).relative_to(root).as_posix()
                except ValueError:
                    relative = diag.path
                relative_cache[diag.path] = relative
            if settings.ignored_in_file(diag.rule, relative):
                continue
        kept.append(diag if severity == diag.severity else replace(diag, severity=severity))
    kept.sort(key=Diagnostic.sort_key)
    return kept


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each unit (for a progress bar)."""


def run_units(
    units: Sequence[Unit],
    settings: Settings,
    progress: Progress | None = None,
    cache: ResultCache | None = None,
    on_result: Callable[[int, UnitResult, bool], None] | None = None,
) -> list[UnitResult]:
    """Check units, in order: from the cache where it holds them, the rest in this
    process or over a process pool (``settings.jobs``); ``on_result`` as in
    :func:`~atlaslint.parallel.run_tasks`."""
    from atlaslint.parallel import CHECK, run_tasks

    tasks = [(u, CHECK) for u in units]
    return run_tasks(tasks, settings, cache, settings.jobs, progress, on_result)


GUESS_MEANWHILE_BELOW = 2_000
"""Atlases of fewer profiles guess "did you mean" slugs as results arrive; larger ones
guess them all at the end, shared among processes (:meth:`Guesser.prepare`). While
the pool runs, this process shares the cores with the workers, and a guess, which
compares an unknown slug with thousands of slugs, costs about twice its CPU alone:
at 20,000 profiles, 2.6 s as results arrived against 1.2 s at the end (halved again
by the processes). A small atlas's guesses are a few milliseconds either way."""


class _MeanwhileWork:
    """What the run needs from each result besides the result itself, done as the
    result arrives, while a pool checks the other units (this process would
    otherwise only wait; with a worker per core, the work still shares the cores).

    - the files each unit counts as checked (a look at the disk per file);
    - the "did you mean" guess for each unknown slug a checked unit names, when
      the checked units are the whole atlas, so the slugs that exist are known
      before any is checked (the guesses are used only if the slugs the results
      name are those), in an atlas of fewer than :data:`GUESS_MEANWHILE_BELOW`
      profiles. Not for results from the cache: those all come at once, and the
      guesser shares a large search among processes afterwards.
    """

    def __init__(self, targets: Sequence[Unit], slugs: set[str] | None) -> None:
        self.targets = targets
        self.listed: list[tuple[list[str], int] | None] = [None] * len(targets)
        self.guesses = Guesser(slugs) if slugs is not None else None

    def __call__(self, i: int, result: UnitResult, computed: bool) -> None:
        self.listed[i] = checked_files(self.targets[i])
        guesses = self.guesses
        if guesses is not None and computed:
            entry = result.index
            for ref in (*entry.related, *((entry.profile_ref,) if entry.profile_ref else ())):
                if ref.value not in guesses.slug_set:
                    guesses(ref.value)

    def listing(self) -> list[tuple[list[str], int]]:
        return [
            found if found is not None else checked_files(unit)
            for found, unit in zip(self.listed, self.targets, strict=True)
        ]


def _guesser(made: Guesser | None, slugs: set[str], cache: ResultCache | None) -> Guesser:
    """The "did you mean" guesser for the slugs that exist: the one made while the run
    went on if it was made for them, else a new one knowing the last run's answers."""
    if made is not None and made.slug_set == slugs:
        return made
    guesser = Guesser(slugs)
    if cache is not None:
        guesser.remember(cache.known_guesses(slugs))
    return guesser


def index_units(
    units: Sequence[Unit], settings: Settings, cache: ResultCache | None = None
) -> list[UnitResult]:
    """Index entries of units not reported on, in order (cached and parallel as above);
    a unit that could not be indexed has an empty entry and an ``internal/error``."""
    from atlaslint.parallel import INDEX, run_tasks

    return run_tasks([(u, INDEX) for u in units], settings, cache, settings.jobs)


def _open_cache(settings: Settings) -> ResultCache | None:
    from atlaslint.cache import ResultCache

    return ResultCache.for_settings(settings)


def _walks_root(named: Sequence[tuple[str, Path]], settings: Settings) -> bool:
    """Does a named folder cover the whole project root (so the universe is the targets)?"""
    root = str(real_path(settings.root))
    return any(path.is_dir() and real_text(path) == root for _, path in named)


def checked_files(unit: Unit) -> tuple[list[str], int]:
    """The files of a unit as displayed (a profile's existing SOUL.md and metadata.yaml;
    both when neither exists), and how many of them count as checked (at least one).
    A profile found by walking a folder knows them from the listing: 1,300 looks at
    the disk fewer in a run over 654 profiles, made while the workers check."""
    if unit.kind != PROFILE:
        return [unit.display], 1
    from atlaslint.kinds.profile import METADATA, SOUL, join

    if unit.stdin_text is not None and unit.stdin_name:
        return [join(unit.display, unit.stdin_name)], 1
    names = unit.files
    if names is None:
        base = os.fspath(unit.fs_path)
        names = tuple(n for n in (SOUL, METADATA) if os.path.isfile(os.path.join(base, n)))
    count = 1 if unit.stdin_text is not None else len(names) or 1
    return [join(unit.display, n) for n in names or (SOUL, METADATA)], count


COLLECT_EVERY = 20_000
"""Allocations between two young-generation collections during a run (Python's
default is 700). Checking allocates millions of small objects and frees nearly all
of them by reference counting (documents, trees and segments hold no cycles), so
the default's frequent collections found nothing to free yet took a tenth of a run;
memory stays the same (measured in the benchmarks' peak)."""


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Collect garbage rarely for the duration (workers forked meanwhile inherit it).

    The collector is on for the run even where the caller had it off (the
    command turns it off while it starts: :func:`atlaslint.cli.entry`), and left
    as it was found afterwards.
    """
    before = gc.get_threshold()
    enabled = gc.isenabled()
    gc.set_threshold(COLLECT_EVERY, *before[1:])
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not enabled:
            gc.disable()


def check_paths(
    named: Sequence[tuple[str, Path]],
    settings: Settings,
    progress: Progress | None = None,
    stdin: Unit | None = None,
) -> RunResult:
    """The whole run over the user's paths (or over one unit read from stdin)."""
    with few_collections():
        return _check_paths(named, settings, progress, stdin)


def _check_paths(
    named: Sequence[tuple[str, Path]],
    settings: Settings,
    progress: Progress | None,
    stdin: Unit | None,
) -> RunResult:
    forget_real_paths()
    found = discover(named, settings)
    if stdin is not None:
        found.add(stdin)
    targets = found.units
    grammar = start_grammar(settings, targets)  # picks and probes the server once
    cache = _open_cache(grammar.settings)  # keyed by the settings the units run with
    whole_atlas = _walks_root(named, settings)
    slugs = None
    if whole_atlas and stdin is None:  # a profile's slug is its folder's real name
        slugs = {os.path.basename(real) for kind, real in found.keys if kind == PROFILE}
        if len(slugs) >= GUESS_MEANWHILE_BELOW:
            slugs = None  # guessed at the end, over every core (check_xref)
    meanwhile = _MeanwhileWork(targets, slugs)
    if meanwhile.guesses is not None and cache is not None:
        meanwhile.guesses.remember(cache.known_guesses(meanwhile.guesses.slug_set))
    try:
        results = run_units(targets, grammar.settings, progress, cache, meanwhile)
    finally:
        grammar.close()
    diagnostics: list[Diagnostic] = []
    entries: list[tuple[IndexEntry, bool]] = []
    target_keys = found.keys
    for result in results:
        diagnostics.extend(result.diagnostics)
        entries.append((result.index, True))
    if any(u.kind in INDEXED_KINDS for u in targets) and not whole_atlas:
        others = [
            unit
            for unit, real in universe_real(settings)
            if unit.kind in INDEXED_KINDS and (unit.kind, real) not in target_keys
        ]
        for indexed in index_units(others, settings, cache):
            entries.append((indexed.index, False))
            diagnostics.extend(indexed.diagnostics)  # a file we only index failed to load
    if cache is not None:
        cache.flush()
    sink = Sink(settings.registry)
    from atlaslint.parallel import resolve_jobs

    guesses = _guesser(meanwhile.guesses, profile_slugs(entries), cache)
    check_xref(entries, sink, resolve_jobs(settings.jobs), guesses)
    if cache is not None:
        cache.remember_guesses(guesses.slug_set, guesses.known)
    lines = {path: found for r in results for path, found in r.suppressions.items()}
    diagnostics.extend(filter_suppressed(sink.items, lines))
    judged = judge(diagnostics, settings)
    if stdin is not None and stdin.kind == PROFILE:
        # An editor asked about one buffer: report that file, not its sibling on disk.
        from atlaslint.kinds.profile import METADATA, SOUL, join

        siblings = {join(stdin.display, n) for n in (SOUL, METADATA)} - set(checked_files(stdin)[0])
        judged = [d for d in judged if d.path not in siblings]
    listed = meanwhile.listing()  # one look at the disk per file
    return RunResult(
        diagnostics=judged,
        files=sum(count for _, count in listed),
        skipped=found.skipped,
        notices=list(dict.fromkeys([*grammar.notices, *(n for r in results for n in r.notices)])),
        internal_errors=sum(1 for d in judged if d.rule == "internal/error"),
        failed=grammar.failed or any(r.failed for r in results),
        checked=[path for paths, _ in listed for path in paths],
    )
