"""Running many units: cache look-ups first, then the misses inline or over a process pool.

Results come back in the order of the tasks whatever the pool does, so the
output of ``--jobs N`` is byte-identical to ``--jobs 1``. A pool is started only
when there are enough misses to pay for it (:data:`MIN_PARALLEL`); each worker
receives the settings once, checks chunks of units and returns each small
:class:`UnitResult`, already pickled as its cache entry when it is to be cached
(so the pickling for the pipe and for the cache is one, done in parallel).
"""

from __future__ import annotations

import gc
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from atlaslint.cache import (
    CHECK,
    INDEX,
    Keying,
    Lookup,
    ResultCache,
    make_payload,
    result_of,
    unit_files,
)
from atlaslint.fsutil import drop_handed, prefetch
from atlaslint.settings import Settings
from atlaslint.units import Unit, UnitResult

MIN_PARALLEL = 24
"""Fewer misses than this are checked in-process: forking workers and importing
the parsers in each costs about as much as checking this many profiles."""
MAX_CHUNK = 64
"""Most units in one round trip to a worker (about a fifth of a second of work)."""
MIN_CHUNK = 4
"""Fewest units in one round trip: the last chunks of a run are this small, so that
the workers finish within a few units of each other."""

Task = tuple[Unit, str, "Lookup | None"]
"""A unit, CHECK or INDEX, and the cache miss to fill (None: not cached)."""
Outcome = tuple["UnitResult | None", "bytes | None", "Lookup | None"]
"""A result and, when it is to be cached, the cache entry holding it and its key
(from a worker, the entry alone: the result crosses the pipe only inside it)."""

_worker: tuple[Settings, Keying | None, Sequence[Task] | None] | None = None


def cpu_count() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def resolve_jobs(jobs: int | None) -> int:
    """``--jobs``: 0 or unset means one worker per core."""
    return cpu_count() if not jobs or jobs < 1 else jobs


def compute(unit: Unit, mode: str, settings: Settings) -> UnitResult:
    """Check (or only index) one unit."""
    from atlaslint.engine import check_unit, index_unit

    return check_unit(unit, settings) if mode == CHECK else index_unit(unit, settings)


def _solve(task: Task, settings: Settings, keying: Keying | None) -> Outcome:
    """Compute a task where it runs, with the cache entry of a result to cache.

    A unit the cache has never seen was not hashed by the parent: its files are
    hashed here, in parallel, and the bytes hashed are the bytes checked (each
    file is read once, and a file edited meanwhile is seen as changed next time,
    never cached as unchanged).
    """
    unit, mode, lookup = task
    try:
        if lookup is not None and lookup.key is None and lookup.cacheable and keying is not None:
            lookup = keying.fill(unit, lookup)  # hands the bytes it hashed to the check
        result = compute(unit, mode, settings)
    finally:
        drop_handed()
    if lookup is None or lookup.key is None or not result.cacheable:
        return result, None, None
    return result, make_payload(lookup.key, unit, mode, result), lookup


def _for_the_pipe(outcome: Outcome) -> Outcome:
    """A worker's outcome as it is sent: a result with a cache entry goes as the entry
    alone, so that it is pickled once, for both the pipe and the cache."""
    _, payload, lookup = outcome
    return (None, payload, lookup) if payload is not None else outcome


def _init_worker(settings: Settings, keying: Keying | None, tasks: Sequence[Task] | None) -> None:
    global _worker
    _worker = (settings, keying, tasks)


def _work(chunk: list[Task] | tuple[int, int]) -> list[Outcome]:
    """Solve a chunk of tasks: sent whole, or as ``(start, end)`` in the task list a
    forked worker inherited (nothing to pickle on the way in, so the first chunk
    reaches the workers at once)."""
    assert _worker is not None
    settings, keying, tasks = _worker
    if isinstance(chunk, tuple):
        assert tasks is not None
        start, end = chunk
        # The files of as many tasks after this chunk: the next chunk, which another
        # worker is likely to start while this one runs, finds them read already.
        # Chunks start in order and never grow, so this chunk was hinted by the worker
        # of the one before it (the first chunk hints itself too): a file is hinted
        # once, or twice where a chunk is shorter than the one before.
        _prefetch(tasks[start if start == 0 else end : end + (end - start)])
        chunk = list(tasks[start:end])
    else:
        _prefetch(chunk)
    return [_for_the_pipe(_solve(task, settings, keying)) for task in chunk]


def _prefetch(tasks: Sequence[Task]) -> None:
    """Have the disk read ahead the files of ``tasks`` (see :func:`prefetch`)."""
    prefetch(path for task in tasks for path in unit_files(task[0]))


def _solved_in_order(
    misses: list[Task], settings: Settings, keying: Keying | None
) -> Iterator[Outcome]:
    """The outcomes of ``misses`` checked here, one after another; the files of each
    window of :data:`MAX_CHUNK` units are hinted to the disk as its first starts."""
    for i, task in enumerate(misses):
        if i % MAX_CHUNK == 0:
            _prefetch(misses[i : i + MAX_CHUNK])
        yield _solve(task, settings, keying)


def guided_chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the chunks of ``count`` tasks, in order, shrinking as the run
    goes on (guided scheduling): each is a share of what remains, between
    :data:`MIN_CHUNK` and :data:`MAX_CHUNK`. Equal chunks would let one worker still
    check a whole chunk while the others have nothing left; here the last chunks are
    a few units each, and the first are large enough that round trips are few.
    """
    chunks: list[tuple[int, int]] = []
    start = 0
    while start < count:
        size = max(MIN_CHUNK, min(MAX_CHUNK, math.ceil((count - start) / (2 * workers))))
        end = min(count, start + size)
        chunks.append((start, end))
        start = end
    return chunks


def _context() -> Any:
    """fork where the platform has it (workers inherit the imported modules), else the
    platform's default start method."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _warm_up(misses: list[Task], settings: Settings, keying: Keying | None) -> dict[int, Outcome]:
    """Solve here, before forking, the first task of the commonest kind of task.

    That imports the parsers and compiles the schemas and rule packs that kind of
    unit needs, once, in this process: forked workers inherit all of it instead of
    each paying for it again, which is what makes a pool worth it for a few dozen
    units rather than a few hundred. (Whatever new checks a kind gains are warmed
    the same way, without a list to keep up to date.)

    Only that kind: while this process warms up, the other cores wait, and a kind
    with few units (a dozen frameworks among hundreds of profiles) costs less
    prepared by the one or two workers that meet it, at the same time as the others
    check profiles, than here before any of them starts (a framework of 46 KB:
    85 M of the 790 M instructions this process ran before forking, at 654 profiles).
    """
    kinds = Counter((task[0].kind, task[1]) for task in misses)
    if not kinds:
        return {}
    commonest = kinds.most_common(1)[0][0]
    for i, task in enumerate(misses):
        if (task[0].kind, task[1]) == commonest:
            return {i: _solve(task, settings, keying)}
    return {}


def _pool_map(
    misses: list[Task],
    settings: Settings,
    keying: Keying | None,
    workers: int,
) -> Iterator[Outcome]:
    """The outcomes of ``misses``, in order, as the pool delivers them."""
    context = _context()
    warmed = _warm_up(misses, settings, keying) if context.get_start_method() == "fork" else {}
    rest = [task for i, task in enumerate(misses) if i not in warmed]
    # Everything alive now (parsers, compiled schemas and rule packs) is inherited by
    # the workers: frozen, the collector never walks it there, so its pages stay
    # shared instead of being copied into every worker (:func:`run_tasks` thaws it
    # when the run ends).
    gc.freeze()
    computed = _run_pool(rest, settings, keying, workers, context)
    for i in range(len(misses)):
        yield warmed[i] if i in warmed else next(computed)


def _run_pool(
    misses: list[Task],
    settings: Settings,
    keying: Keying | None,
    workers: int,
    context: Any,
) -> Iterator[Outcome]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    inherited = context.get_start_method() == "fork"  # the workers hold ``misses``
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(settings, keying, misses if inherited else None),
        ) as pool:
            chunks = guided_chunks(len(misses), workers)
            futures = [
                pool.submit(_work, (start, end) if inherited else misses[start:end])
                for start, end in chunks
            ]
            for future in futures:  # in the order of the tasks, whatever order they end in
                for outcome in future.result():
                    done += 1
                    yield outcome
    except (BrokenProcessPool, OSError):
        # A worker died (killed, out of memory) or no process could be started:
        # finish in this process rather than lose the run.
        pass
    yield from _solved_in_order(misses[done:], settings, keying)


def run_tasks(
    tasks: Sequence[tuple[Unit, str]],
    settings: Settings,
    cache: ResultCache | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_result: Callable[[int, UnitResult, bool], None] | None = None,
) -> list[UnitResult]:
    """Results for ``(unit, mode)`` tasks, in order; ``mode`` is CHECK or INDEX.

    New results are handed to ``cache`` (:meth:`ResultCache.put`); the caller
    flushes it once the run is over. ``progress(done, total)`` follows the run;
    ``on_result(i, result, computed)`` sees each task's result as soon as it is
    known, ``computed`` false for one from the cache (while a pool still works on
    other units, what the caller does with a result overlaps with it instead of
    following it; on a machine with no core to spare it still takes CPU from the
    workers, so it should be light).
    """
    results: list[UnitResult | None] = [None] * len(tasks)
    misses: list[Task] = []
    positions: list[int] = []
    for i, (unit, mode) in enumerate(tasks):
        if cache is None:
            misses.append((unit, mode, None))
        else:
            lookup = cache.lookup(unit, mode)
            if lookup.result is not None:
                results[i] = lookup.result
                if on_result is not None:
                    on_result(i, lookup.result, False)
                continue
            misses.append((unit, mode, lookup))
        positions.append(i)
    total = len(tasks)
    done = total - len(misses)
    if progress is not None and done:
        progress(done, total)
    keying = cache.keying() if cache is not None else None
    workers = min(resolve_jobs(jobs), len(misses) // MIN_PARALLEL)
    if workers > 1:
        outcomes: Iterator[Outcome] = _pool_map(misses, settings, keying, workers)
    else:
        outcomes = _solved_in_order(misses, settings, keying)
    # The results taken so far are frozen every chunk (as is, before a pool forks,
    # everything the workers inherit), and thawed when the run ends: they live that
    # long and hold no cycles, and the collector, which walks every object younger
    # than its last look, found nothing in them but cost 0.55 s of this process's CPU
    # at 20,000 profiles (freezing is a list splice). Not for a caller that froze its
    # own heap: thawing at the end would thaw that too.
    freezing = gc.get_freeze_count() == 0
    try:
        for n, (i, outcome) in enumerate(zip(positions, outcomes, strict=True)):
            if freezing and n % MAX_CHUNK == 0:
                gc.freeze()
            result, payload, filled = outcome
            if payload is not None:
                if result is None:  # from a worker
                    result = result_of(payload)
                if cache is not None and filled is not None:
                    cache.put(filled, payload)
            assert result is not None
            results[i] = result
            if on_result is not None:
                on_result(i, result, True)
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        if freezing:
            gc.unfreeze()
    return [r for r in results if r is not None]


__all__ = ["CHECK", "INDEX", "cpu_count", "resolve_jobs", "run_tasks"]
