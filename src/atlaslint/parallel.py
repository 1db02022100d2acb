"""Running many units: cache look-ups first, then the misses inline or over a process pool.

Results come back in the order of the tasks whatever the pool does, so the
output of ``--jobs N`` is byte-identical to ``--jobs 1``. A pool is started only
when there are enough misses to pay for it (:data:`MIN_PARALLEL`); each worker
receives the settings and the cache once, checks chunks of units, writes their
cache entries itself and returns only the small :class:`UnitResult`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from atlaslint.cache import CHECK, INDEX, Lookup, ResultCache
from atlaslint.settings import Settings
from atlaslint.units import Unit, UnitResult

MIN_PARALLEL = 24
"""Fewer misses than this are checked in-process: forking workers and importing
the parsers in each costs about as much as checking this many profiles."""
CHUNKS_PER_WORKER = 6
"""Chunks handed to each worker: several, so that one slow chunk cannot leave the
others idle, but few, so that each round trip carries many units."""
MAX_CHUNK = 64

Task = tuple[Unit, str, Lookup | None]

_worker_settings: Settings | None = None
_worker_cache: ResultCache | None = None


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


def _solve(task: Task, settings: Settings, cache: ResultCache | None) -> UnitResult:
    unit, mode, lookup = task
    result = compute(unit, mode, settings)
    if cache is not None and lookup is not None:
        cache.store(lookup, unit, mode, result)
    return result


def _init_worker(settings: Settings, cache: ResultCache | None) -> None:
    global _worker_settings, _worker_cache
    _worker_settings, _worker_cache = settings, cache


def _work(task: Task) -> UnitResult:
    assert _worker_settings is not None
    return _solve(task, _worker_settings, _worker_cache)


def _context() -> Any:
    """fork where the platform has it (workers inherit the imported modules), else the
    platform's default start method."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _pool_map(
    misses: list[Task], settings: Settings, cache: ResultCache | None, workers: int
) -> list[UnitResult]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, min(MAX_CHUNK, math.ceil(len(misses) / (workers * CHUNKS_PER_WORKER))))
    results: list[UnitResult] = []
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(settings, cache),
        ) as pool:
            for result in pool.map(_work, misses, chunksize=chunk):
                results.append(result)
    except (BrokenProcessPool, OSError):
        # A worker died (killed, out of memory) or no process could be started:
        # finish in this process rather than lose the run.
        pass
    for task in misses[len(results) :]:
        results.append(_solve(task, settings, cache))
    return results


def run_tasks(
    tasks: Sequence[tuple[Unit, str]],
    settings: Settings,
    cache: ResultCache | None = None,
    jobs: int | None = None,
) -> list[UnitResult]:
    """Results for ``(unit, mode)`` tasks, in order; ``mode`` is CHECK or INDEX."""
    results: list[UnitResult | None] = [None] * len(tasks)
    misses: list[Task] = []
    positions: list[int] = []
    for i, (unit, mode) in enumerate(tasks):
        lookup = cache.lookup(unit, mode) if cache is not None else None
        if lookup is not None and lookup.result is not None:
            results[i] = lookup.result
            continue
        if cache is not None and lookup is not None and lookup.key is not None:
            cache.writes += 1
        misses.append((unit, mode, lookup))
        positions.append(i)
    workers = min(resolve_jobs(jobs), math.ceil(len(misses) / MIN_PARALLEL) or 1)
    if workers > 1:
        computed = _pool_map(misses, settings, cache, workers)
    else:
        computed = [_solve(task, settings, cache) for task in misses]
    for i, result in zip(positions, computed, strict=True):
        results[i] = result
    return [r for r in results if r is not None]


__all__ = ["CHECK", "INDEX", "cpu_count", "resolve_jobs", "run_tasks"]
