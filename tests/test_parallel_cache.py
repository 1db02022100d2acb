"""--jobs and the result cache: the same bytes out whatever runs where, and a cache
that never serves a stale, corrupt or foreign result."""

from __future__ import annotations

import enum
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from atlaslint import cache as cache_module
from atlaslint import parallel
from atlaslint.cache import (
    ENTRIES,
    ENV_DIR,
    ENV_OFF,
    SHARDS,
    ResultCache,
    data_digest,
    safe_loads,
)
from atlaslint.config import resolve_settings
from atlaslint.discovery import discover
from atlaslint.units import PROFILE, Unit
from tests.conftest import edit, find

ATLASLINT = Path(sys.executable).with_name("atlaslint")


def user_env() -> dict[str, str]:
    """A user's environment: no cache variables set (conftest turns the cache off)."""
    return {k: v for k, v in os.environ.items() if k not in (ENV_DIR, ENV_OFF)}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed ``atlaslint`` as a whole process (the only honest test of --jobs)."""
    return subprocess.run(
        [str(ATLASLINT), *args], cwd=cwd, env=user_env(), capture_output=True, timeout=120
    )


def slot_of(profile: Path) -> bytes:
    """The cache slot of a profile folder."""
    return ResultCache.slot_of(Unit(PROFILE, "x", profile))


def shard_of(cache: Path, profile: Path) -> Path:
    return ResultCache(cache, b"", 0).shard_path(slot_of(profile)[0] % SHARDS)


def entries(cache: Path) -> dict[bytes, bytes]:
    """Every entry of the cache: slot -> stored payload."""
    found = {}
    for shard in (cache / ENTRIES).glob("*.pkl"):
        found.update({slot: value[-1] for slot, value in safe_loads(shard.read_bytes()).items()})
    return found


def rewrite_entry(cache: Path, profile: Path, payload: bytes) -> None:
    """Replace one stored entry (inside its shard) by ``payload``."""
    shard = shard_of(cache, profile)
    slots = safe_loads(shard.read_bytes())
    slots[slot_of(profile)] = (1, None, None, payload)
    shard.write_bytes(pickle.dumps(slots))


@pytest.fixture
def small(atlas) -> Path:
    root = atlas("carpenter", "auditor", "barista", "mediator")
    (root / ".atlaslint.yaml").write_text("exclude: []\n")
    return root


def test_jobs_and_cache_give_identical_json(corpus_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base = ("check", "--format", "json", str(corpus_dir))
    serial = run(*base, "--jobs", "1", "--no-cache", cwd=tmp_path)
    pooled = run(*base, "--jobs", "2", "--no-cache", cwd=tmp_path)
    cold = run(*base, "--cache-dir", str(cache), cwd=tmp_path)
    filled = entries(cache)
    warm = run(*base, "--cache-dir", str(cache), cwd=tmp_path)
    warm_serial = run(*base, "--jobs", "1", "--cache-dir", str(cache), cwd=tmp_path)
    assert serial.returncode == 0, serial.stderr
    assert len(filled) == 79  # one entry per profile, all written by the cold run
    assert entries(cache) == filled  # the warm runs rewrote nothing
    for other in (pooled, cold, warm, warm_serial):
        assert other.returncode == serial.returncode
        assert other.stdout == serial.stdout
    assert b'"errors": 0' in serial.stdout


def test_the_pool_is_used_and_keeps_task_order(small: Path, monkeypatch) -> None:
    settings = resolve_settings([small])
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units] * (parallel.MIN_PARALLEL)  # enough for a pool
    serial = parallel.run_tasks(tasks, settings, None, jobs=1)
    used = []
    real_pool_map = parallel._pool_map
    monkeypatch.setattr(parallel, "_pool_map", lambda *a: used.append(a[3]) or real_pool_map(*a))
    pooled = parallel.run_tasks(tasks, settings, None, jobs=2)
    assert used == [2]
    assert pooled == serial


def test_a_worker_that_dies_does_not_lose_the_run(small: Path, monkeypatch) -> None:
    settings = resolve_settings([small])
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units] * (parallel.MIN_PARALLEL)
    expected = parallel.run_tasks(tasks, settings, None, jobs=1)
    parent = os.getpid()
    real_compute = parallel.compute

    def dying(unit, mode, settings):
        if os.getpid() != parent:
            os._exit(3)  # a worker killed mid-run (out of memory, a signal)
        return real_compute(unit, mode, settings)

    monkeypatch.setattr(parallel, "compute", dying)
    assert parallel.run_tasks(tasks, settings, None, jobs=2) == expected


def test_a_corrupt_entry_is_ignored_and_rewritten(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    first = run(*args, cwd=small)
    good = entries(cache)
    rewrite_entry(cache, small / "carpenter", b"\x80\x05not a pickle at all")
    again = run(*args, cwd=small)
    assert again.stdout == first.stdout
    assert again.returncode == first.returncode
    assert entries(cache) == good  # the entry was rewritten as it was
    shard_of(cache, small / "barista").write_bytes(b"garbage, not a shard")
    third = run(*args, cwd=small)
    assert third.stdout == first.stdout
    assert entries(cache) == good  # the whole shard was rewritten
    odd = {slot_of(small / "carpenter"): ("not", "an", "entry"), b"x": 5}
    shard_of(cache, small / "carpenter").write_bytes(pickle.dumps(odd))
    assert run(*args, cwd=small).stdout == first.stdout
    assert entries(cache) == good


def test_an_entry_that_would_run_code_is_refused(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    first = run(*args, cwd=small)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    rewrite_entry(cache, small / "carpenter", pickle.dumps((4, b"", "check", "x", True, Evil())))
    again = run(*args, cwd=small)
    shard_of(cache, small / "auditor").write_bytes(pickle.dumps({b"x": Evil()}))
    third = run(*args, cwd=small)
    assert not marker.exists()
    assert again.stdout == first.stdout == third.stdout


def test_a_changed_file_invalidates_only_its_entry(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    run(*args, cwd=small)
    before = entries(cache)
    edit(small / "barista" / "SOUL.md", "## Core Mission", "## Core Misson")
    after_run = run(*args, cwd=small)
    after = entries(cache)
    changed = {slot for slot in after if after[slot] != before.get(slot)}
    assert changed == {slot_of(small / "barista")}
    diag = find(json.loads(after_run.stdout)["diagnostics"], "structure/unknown-section")
    assert [(d["path"], d["line"], d["column"]) for d in diag] == [("barista/SOUL.md", 7, 1)]
    assert after_run.stdout == run(*args[:-3], "--no-cache", ".", cwd=small).stdout


def test_changing_select_does_not_reuse_results(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache))
    run(*args, "--select", "structure", ".", cwd=small)
    before = entries(cache)
    narrowed = run(*args, "--select", "xref", ".", cwd=small)
    after = entries(cache)
    assert all(after[slot] != before[slot] for slot in before)  # every entry missed
    fresh = run("check", "--format", "json", "--no-cache", "--select", "xref", ".", cwd=small)
    assert narrowed.stdout == fresh.stdout


def test_a_setting_that_changes_results_is_honoured(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    assert b"syntax/too-large" not in run(*args, cwd=small).stdout
    (small / ".atlaslint.yaml").write_text("exclude: []\nmax-file-size: 2000\n")
    report = json.loads(run(*args, cwd=small).stdout)
    too_large = find(report["diagnostics"], "syntax/too-large")
    assert sorted(d["path"] for d in too_large) == [
        f"{slug}/SOUL.md" for slug in ("auditor", "barista", "carpenter", "mediator")
    ]


def test_a_rule_pack_edit_changes_the_key(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "words.yaml").write_text("rules: []\n")
    first = data_digest((str(pack),))
    assert data_digest((str(pack),)) == first
    (pack / "words.yaml").write_text("rules: [{id: style/x}]\n")
    assert data_digest((str(pack),)) != first


def test_pre_commit_run_reuses_indexes_of_a_full_run(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run("check", "--format", "json", "--cache-dir", str(cache), ".", cwd=small)
    before = entries(cache)
    edit(small / "mediator" / "metadata.yaml", "'Conciliator'", "'Carpenter'")
    one = run(
        "check", "--format", "json", "--cache-dir", str(cache), "mediator/metadata.yaml", cwd=small
    )
    after = entries(cache)
    assert {slot for slot in after if after[slot] != before.get(slot)} == {
        slot_of(small / "mediator")
    }
    duplicate = find(json.loads(one.stdout)["diagnostics"], "xref/duplicate-title")
    assert [d["path"] for d in duplicate] == ["mediator/metadata.yaml"]
    assert (
        one.stdout
        == run(
            "check", "--format", "json", "--no-cache", "mediator/metadata.yaml", cwd=small
        ).stdout
    )


def test_concurrent_runs_share_a_cache_safely(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    argv = [str(ATLASLINT), "check", "--format", "json", "--cache-dir", str(cache), "."]
    runs = [
        subprocess.Popen(
            argv, cwd=small, env=user_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    outputs = {r.communicate(timeout=120)[0] for r in runs}
    assert len(outputs) == 1
    assert not list((cache / ENTRIES).glob(".tmp-*"))
    assert len(entries(cache)) == 4
    assert run(*argv[1:], cwd=small).stdout == outputs.pop()


def test_no_cache_writes_nothing_and_default_folder_is_ignored_by_git(small: Path) -> None:
    run("check", "--no-cache", ".", cwd=small)
    assert not (small / ".atlaslint_cache").exists()
    env = {**user_env(), ENV_OFF: "1"}
    subprocess.run([str(ATLASLINT), "check", "."], cwd=small, env=env, capture_output=True)
    assert not (small / ".atlaslint_cache").exists()
    run("check", ".", cwd=small)
    folder = small / ".atlaslint_cache"
    assert len(entries(folder)) == 4
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_config_cache_dir_is_relative_to_the_config(small: Path) -> None:
    (small / ".atlaslint.yaml").write_text("exclude: []\ncache-dir: build/lint-cache\n")
    run("check", ".", cwd=small / "carpenter")
    assert len(entries(small / "build" / "lint-cache")) == 4


def test_pruning_drops_only_old_untouched_entries(small: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("atlaslint.cache.MIN_KEPT", 9)  # a shard keeps 10
    monkeypatch.setattr("atlaslint.cache.SHARDS", 1)
    monkeypatch.delenv(ENV_OFF)
    cache = tmp_path / "cache"
    settings = resolve_settings([small], overrides={"cache_dir": str(cache)})
    old = ResultCache.for_settings(settings)
    assert old is not None
    for i in range(10):  # entries of units long gone, written at times 0..9
        old._new.setdefault(0, {})[bytes([i]) * 16] = (i, None, None, b"old")
    old.flush()
    assert len(entries(cache)) == 10
    store = ResultCache.for_settings(settings)
    assert store is not None
    units = discover([(str(small), small)], settings).units
    parallel.run_tasks([(u, parallel.CHECK) for u in units], settings, store, jobs=1)
    store.flush()
    kept = entries(cache)
    # 14 entries, at most max(9, 2 x 4 touched) + 1 per shard: the 4 oldest untouched go.
    assert len(kept) == 10
    assert {slot_of(small / s) for s in ("carpenter", "auditor", "barista", "mediator")} <= set(
        kept
    )
    assert sorted(slot[0] for slot in kept if kept[slot] == b"old") == [4, 5, 6, 7, 8, 9]


def test_unchanged_files_are_not_read_again_but_any_write_is_seen(small: Path, monkeypatch):
    monkeypatch.setattr("atlaslint.cache.RACY_SECONDS", -3600.0)  # trust fresh files too
    monkeypatch.delenv(ENV_OFF)
    settings = resolve_settings([small], overrides={"cache_dir": str(small / "c")})
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units]

    def run_once() -> list:
        store = ResultCache.for_settings(settings)
        assert store is not None
        results = parallel.run_tasks(tasks, settings, store, jobs=1)
        store.flush()
        return results

    first = run_once()
    hashed = []
    real_digest = cache_module.content_digest
    monkeypatch.setattr(
        cache_module,
        "content_digest",
        lambda u, m, **hand: hashed.append(u.slug) or real_digest(u, m, **hand),
    )
    assert run_once() == first
    assert hashed == []  # every file's signature matched: no file was read
    soul = small / "barista" / "SOUL.md"
    before = soul.stat()
    edit(soul, "## Core Mission", "## Core Mizsion")
    os.utime(soul, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (soul.stat().st_size, soul.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    changed = run_once()
    assert hashed == ["barista"]  # the change time gave it away
    rules = [d.rule for r in changed for d in r.diagnostics if "barista" in d.path]
    assert "structure/unknown-section" in rules


def test_a_config_that_passed_is_not_validated_again(small: Path, tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\n"
        "import atlaslint.config as config\n"
        "calls = []\n"
        "real = config.validate\n"
        "config.validate = lambda *a: calls.append(a[1]) or real(*a)\n"
        "atexit.register(lambda: print('config.schema.json' in calls, file=sys.stderr))\n"
        "from atlaslint.cli import main\n"
        "main()\n"
    )
    argv = [sys.executable, "-c", probe, "check", "--format", "json", "."]

    def validated_config() -> bool:
        done = subprocess.run(argv, cwd=small, env=user_env(), capture_output=True, timeout=120)
        return done.stderr.decode().strip().splitlines()[-1] == "True"

    assert validated_config()  # first run: validated, and marked
    assert not validated_config()  # same text: the mark stands in for validation
    (small / ".atlaslint.yaml").write_text("exclude: []\nfail-on: sometimes\n")
    bad = run("check", ".", cwd=small)
    assert bad.returncode == 2
    assert b"invalid config" in bad.stderr and b"fail-on" in bad.stderr
    assert len(list((small / ".atlaslint_cache" / ENTRIES / "config").iterdir())) == 1


def test_entries_are_written_early_when_many_are_pending(small: Path, monkeypatch) -> None:
    monkeypatch.setattr("atlaslint.cache.FLUSH_BYTES", 1)  # every entry is "many"
    monkeypatch.delenv(ENV_OFF)
    settings = resolve_settings([small], overrides={"cache_dir": str(small / "c")})
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units]
    store = ResultCache.for_settings(settings)
    assert store is not None
    first = parallel.run_tasks(tasks, settings, store, jobs=1)
    assert len(entries(small / "c")) == 4  # written before the run's own flush
    assert store.flush() == 0
    computed = []
    real_compute = parallel.compute
    monkeypatch.setattr(parallel, "compute", lambda *a: computed.append(a[0]) or real_compute(*a))
    again = ResultCache.for_settings(settings)
    assert parallel.run_tasks(tasks, settings, again, jobs=1) == first
    assert computed == []


def test_a_result_checked_here_is_cached_without_a_round_trip(small: Path, monkeypatch) -> None:
    """In this process a result is both stored (pickled once, as its entry) and used as
    it is; only a worker's result, which crosses the pipe as its entry, is unpickled."""
    monkeypatch.delenv(ENV_OFF)
    settings = resolve_settings([small], overrides={"cache_dir": str(small / "c")})
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units]
    unpickled = []
    real_result_of = parallel.result_of
    monkeypatch.setattr(parallel, "result_of", lambda p: unpickled.append(p) or real_result_of(p))
    store = ResultCache.for_settings(settings)
    assert store is not None
    checked = parallel.run_tasks(tasks, settings, store, jobs=1)
    store.flush()  # counts shards written, and two units may share a shard
    assert len(entries(small / "c")) == len(tasks)
    assert unpickled == []
    reused = parallel.run_tasks(tasks, settings, ResultCache.for_settings(settings), jobs=1)
    assert reused == checked
    assert [d.rule for r in checked for d in r.diagnostics]  # findings went both ways


def by_name(self: enum.Enum, protocol: object) -> tuple:
    """How Python 3.11.2 (Debian 12's python3) pickles an enum member: a call of
    ``builtins.getattr``, which no restricted unpickler may allow."""
    return getattr, (type(self), self.name)


def test_results_with_findings_are_reused_where_python_pickles_enums_by_name(
    small: Path, monkeypatch
) -> None:
    monkeypatch.setattr(enum.Enum, "__reduce_ex__", by_name)
    monkeypatch.delenv(ENV_OFF)
    settings = resolve_settings([small], overrides={"cache_dir": str(small / "c")})
    tasks = [(u, parallel.CHECK) for u in discover([(str(small), small)], settings).units]
    store = ResultCache.for_settings(settings)
    first = parallel.run_tasks(tasks, settings, store, jobs=1)
    store.flush()
    assert any(d.severity for r in first for d in r.diagnostics)  # findings were stored
    computed = []
    real_compute = parallel.compute
    monkeypatch.setattr(parallel, "compute", lambda *a: computed.append(a[0]) or real_compute(*a))
    assert parallel.run_tasks(tasks, settings, ResultCache.for_settings(settings), jobs=1) == first
    assert computed == []


def test_a_run_collects_garbage_rarely_and_restores_the_setting(small: Path, monkeypatch) -> None:
    """Checking allocates millions of short-lived objects; the run raises the young
    generation's threshold while it lasts, and a library caller gets its own back."""
    import gc

    from atlaslint import engine

    seen = []
    real_run_units = engine.run_units
    monkeypatch.setattr(
        engine,
        "run_units",
        lambda *a, **k: seen.append(gc.get_threshold()) or real_run_units(*a, **k),
    )
    before = gc.get_threshold()
    settings = resolve_settings([small])
    engine.check_paths([(str(small), small)], settings)
    assert seen and seen[0][0] == engine.COLLECT_EVERY
    assert gc.get_threshold() == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_taken_are_kept_from_the_collector_until_the_run_ends(
    small: Path, jobs: int
) -> None:
    """The results a run holds are frozen (the collector never walks them again) from
    the next chunk on, whether checked here or by workers; afterwards a library
    caller's collector is as it was, nothing left frozen."""
    import gc

    settings = resolve_settings([small])
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units] * (2 * parallel.MIN_PARALLEL)
    assert len(tasks) > parallel.MAX_CHUNK
    frozen: list[int] = []
    before = gc.get_freeze_count()
    parallel.run_tasks(
        tasks, settings, None, jobs=jobs, on_result=lambda *_: frozen.append(gc.get_freeze_count())
    )
    assert before == 0 and gc.get_freeze_count() == 0
    assert frozen[parallel.MAX_CHUNK] > frozen[parallel.MAX_CHUNK - 1] > 0
    # a caller that froze its own heap (a server that forks) keeps it frozen
    gc.freeze()
    try:
        held = gc.get_freeze_count()
        parallel.run_tasks(tasks, settings, None, jobs=jobs)
        assert held > 0 and gc.get_freeze_count() > 0  # not thawed (a few freed since)
    finally:
        gc.unfreeze()


def test_a_file_hashed_for_the_cache_is_not_read_again_and_is_what_is_checked(
    small: Path, monkeypatch
) -> None:
    """A cold run reads each file once: the bytes hashed for the key are the bytes
    checked, so even an edit between the two cannot be cached as the old content."""
    monkeypatch.delenv(ENV_OFF)
    settings = resolve_settings([small], overrides={"cache_dir": str(small / "c")})
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units]
    expected = parallel.run_tasks(tasks, settings, None, jobs=1)
    soul = small / "barista" / "SOUL.md"
    reads: list[str] = []
    import atlaslint.documents.source as source_module

    real_read = source_module.read_at_most
    monkeypatch.setattr(
        source_module, "read_at_most", lambda fd, *rest: reads.append(fd) or real_read(fd, *rest)
    )
    real_compute = parallel.compute

    def edited_meanwhile(unit, mode, settings):
        if unit.slug == "barista":  # after hashing, before checking
            edit(soul, "## Core Mission", "## Core Mizsion")
        return real_compute(unit, mode, settings)

    monkeypatch.setattr(parallel, "compute", edited_meanwhile)
    store = ResultCache.for_settings(settings)
    assert store is not None
    cold = parallel.run_tasks(tasks, settings, store, jobs=1)
    store.flush()
    assert reads == []  # every file came from the hash's read
    assert cold == expected  # the hashed (old) content was checked
    monkeypatch.setattr(parallel, "compute", real_compute)
    store = ResultCache.for_settings(settings)
    assert store is not None
    again = parallel.run_tasks(tasks, settings, store, jobs=1)
    rules = [d.rule for r in again for d in r.diagnostics if "barista" in d.path]
    assert "structure/unknown-section" in rules  # the edit is seen: not cached as old


def test_chunks_cover_every_task_in_order_and_shrink_to_a_few_units() -> None:
    """Guided chunks: all tasks once, in order, the largest first and the last ones
    small, so that no worker is left with a long chunk when the others are done."""
    from atlaslint.parallel import MAX_CHUNK, MIN_CHUNK, guided_chunks

    for count in (0, 1, 5, 24, 100, 654, 20_000):
        for workers in (2, 3, 8):
            chunks = guided_chunks(count, workers)
            assert [i for start, end in chunks for i in range(start, end)] == list(range(count))
            sizes = [end - start for start, end in chunks]
            assert sizes == sorted(sizes, reverse=True)
            assert all(MIN_CHUNK <= size <= MAX_CHUNK for size in sizes[:-1])
            if count >= 4 * workers * MIN_CHUNK:
                assert sizes[-workers:] == [MIN_CHUNK] * (workers - 1) + [sizes[-1]]
    assert guided_chunks(654, 2)[0] == (0, MAX_CHUNK)


def test_a_pool_without_fork_sends_whole_chunks_and_gives_the_same_results(
    tmp_path: Path, monkeypatch
) -> None:
    """Where workers are spawned (no fork: Windows), they do not inherit the task list:
    each chunk is sent whole, and the results are those of one process."""
    import multiprocessing

    from benchmarks.corpus import generate

    root = generate(2 * parallel.MIN_PARALLEL + 2, home=tmp_path)
    settings = resolve_settings([root])
    tasks = [(unit, parallel.CHECK) for unit in discover([(str(root), root)], settings).units]
    alone = parallel.run_tasks(tasks, settings, jobs=1)
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    spawned = parallel.run_tasks(tasks, settings, jobs=2)
    assert spawned == alone
    assert sum(len(result.diagnostics) for result in alone) > 0


def test_each_units_files_are_hinted_to_the_disk_before_it_is_checked(
    small: Path, monkeypatch
) -> None:
    """In this process and in a worker's chunk, the files of the units ahead are handed
    to :func:`fsutil.prefetch` (the disk reads them while earlier units are checked)
    before any of them is checked; the results are unchanged. A forked worker hints
    the tasks after its chunk (the chunk itself only when it is the first: chunks
    start in order, so the worker of the one before has hinted it)."""
    settings = resolve_settings([small])
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units] * (parallel.MAX_CHUNK // len(units) + 2)
    expected = parallel.run_tasks(tasks, settings, None, jobs=1)
    events: list[tuple[str, str]] = []
    calls: list[int] = []

    def prefetch(paths) -> None:
        paths = list(paths)
        calls.append(len(paths))
        events.extend(("hint", p) for p in paths)

    monkeypatch.setattr(parallel, "prefetch", prefetch)
    real_compute = parallel.compute

    def compute(unit, mode, settings):
        events.extend(("check", p) for p in cache_module.unit_files(unit))
        return real_compute(unit, mode, settings)

    monkeypatch.setattr(parallel, "compute", compute)

    def hinted_first() -> None:
        hinted: set[str] = set()
        for event, path in events:
            if event == "hint":
                hinted.add(path)
            else:
                assert path in hinted, f"{path} checked before it was hinted"

    files = [len(cache_module.unit_files(unit)) for unit, _ in tasks]
    assert parallel.run_tasks(tasks, settings, None, jobs=1) == expected
    hinted_first()
    window = parallel.MAX_CHUNK
    assert calls == [sum(files[i : i + window]) for i in range(0, len(tasks), window)]
    events.clear()
    calls.clear()
    monkeypatch.setattr(parallel, "_worker", None)  # restored after the test
    parallel._init_worker(settings, None, [(u, m, None) for u, m in tasks])
    assert [r for r, _, _ in parallel._work((0, len(tasks)))] == expected
    hinted_first()
    assert calls == [sum(files)]  # the whole chunk at once
    calls.clear()
    assert [r for r, _, _ in parallel._work((8, 12))] == expected[8:12]
    assert calls == [sum(files[12:16])]  # as many tasks after it (the next chunk)


def test_only_the_commonest_kind_is_warmed_up_before_forking(tmp_path: Path, monkeypatch) -> None:
    """The parent checks one unit of the kind most tasks have before it forks (the
    workers inherit what that loaded); a framework among profiles is left to the
    worker that meets it, and every task's result is still delivered in order."""
    from benchmarks.corpus import generate

    root = generate(2 * parallel.MIN_PARALLEL + 2, home=tmp_path)
    settings = resolve_settings([root])
    units = discover([(str(root), root)], settings).units
    kinds = [unit.kind for unit in units]
    assert kinds[0] == "framework" and kinds.count("profile") > kinds.count("framework")
    solved_here: list[str] = []
    real_solve = parallel._solve

    def spied(task, settings, keying):
        solved_here.append(task[0].kind)
        return real_solve(task, settings, keying)

    monkeypatch.setattr(parallel, "_solve", spied)
    tasks = [(unit, parallel.CHECK) for unit in units]
    warmed = parallel._warm_up([(u, m, None) for u, m in tasks], settings, None)
    assert solved_here == ["profile"]
    assert list(warmed) == [kinds.index("profile")]
    assert parallel._warm_up([], settings, None) == {}
    alone = parallel.run_tasks(tasks, settings, jobs=1)
    assert parallel.run_tasks(tasks, settings, jobs=2) == alone
