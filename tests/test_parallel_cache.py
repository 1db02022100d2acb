"""--jobs and the result cache: the same bytes out whatever runs where, and a cache
that never serves a stale, corrupt or foreign result."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from atlaslint import parallel
from atlaslint.cache import ENTRIES, ENV_DIR, ENV_OFF, ResultCache, data_digest
from atlaslint.config import resolve_settings
from atlaslint.discovery import discover
from atlaslint.units import PROFILE, Unit
from conftest import edit, find

ATLASLINT = Path(sys.executable).with_name("atlaslint")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed ``atlaslint`` as a whole process (the only honest test of --jobs)."""
    env = {k: v for k, v in os.environ.items() if k not in (ENV_DIR, ENV_OFF)}
    return subprocess.run(
        [str(ATLASLINT), *args], cwd=cwd, env=env, capture_output=True, timeout=120
    )


def entry_of(cache: Path, profile: Path) -> Path:
    """The cache entry of a profile folder."""
    return ResultCache(cache, b"", 0).entry_path(Unit(PROFILE, "x", profile))


def entries(cache: Path) -> dict[str, int]:
    """Entry file name -> modification time (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in (cache / ENTRIES).glob("*.pkl")}


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
    tasks = [(u, parallel.CHECK) for u in units] * 8  # enough misses for a pool
    serial = parallel.run_tasks(tasks, settings, None, jobs=1)
    used = []
    real_pool_map = parallel._pool_map
    monkeypatch.setattr(parallel, "_pool_map", lambda *a: used.append(a[-1]) or real_pool_map(*a))
    pooled = parallel.run_tasks(tasks, settings, None, jobs=2)
    assert used == [2]
    assert pooled == serial


def test_a_worker_that_dies_does_not_lose_the_run(small: Path, monkeypatch) -> None:
    settings = resolve_settings([small])
    units = discover([(str(small), small)], settings).units
    tasks = [(u, parallel.CHECK) for u in units] * 8
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
    entry = entry_of(cache, small / "carpenter")
    entry.write_bytes(b"\x80\x05not a pickle at all")
    again = run(*args, cwd=small)
    assert again.stdout == first.stdout
    assert again.returncode == first.returncode
    assert pickle.loads(entry.read_bytes())[0] == 2  # rewritten as a real entry


def test_an_entry_that_would_run_code_is_refused(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    first = run(*args, cwd=small)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    entry = entry_of(cache, small / "carpenter")
    entry.write_bytes(pickle.dumps((2, b"", "check", "carpenter", True, Evil())))
    again = run(*args, cwd=small)
    assert not marker.exists()
    assert again.stdout == first.stdout


def test_a_changed_file_invalidates_only_its_entry(small: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("check", "--format", "json", "--cache-dir", str(cache), ".")
    run(*args, cwd=small)
    before = entries(cache)
    edit(small / "barista" / "SOUL.md", "## Core Mission", "## Core Misson")
    after_run = run(*args, cwd=small)
    after = entries(cache)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {entry_of(cache, small / "barista").name}
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
    assert all(after[name] != before[name] for name in before)  # every entry missed
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
    assert {n for n in after if after[n] != before.get(n)} == {
        entry_of(cache, small / "mediator").name
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
        subprocess.Popen(argv, cwd=small, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = {r.communicate(timeout=120)[0] for r in runs}
    assert len(outputs) == 1
    assert not list((cache / ENTRIES).glob(".tmp-*"))
    assert run(*argv[1:], cwd=small).stdout == outputs.pop()


def test_no_cache_writes_nothing_and_default_folder_is_ignored_by_git(small: Path) -> None:
    run("check", "--no-cache", ".", cwd=small)
    assert not (small / ".atlaslint_cache").exists()
    env = {**os.environ, ENV_OFF: "1"}
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
    monkeypatch.setattr("atlaslint.cache.MIN_KEPT", 6)
    monkeypatch.delenv(ENV_OFF)
    cache = tmp_path / "cache"
    settings = resolve_settings([small], overrides={"cache_dir": str(cache)})
    store = ResultCache.for_settings(settings)
    assert store is not None
    store.prepare()
    for i in range(10):
        stale = store.entries / f"{i:032x}.pkl"
        stale.write_bytes(b"old")
        os.utime(stale, ns=(i * 10**9, i * 10**9))
    units = discover([(str(small), small)], settings).units
    parallel.run_tasks([(u, parallel.CHECK) for u in units], settings, store, jobs=1)
    assert store.prune() == 6  # 14 entries, limit max(6, 2 x 4 touched) = 8: 6 oldest go
    left = sorted(p.name for p in store.entries.glob("*.pkl"))
    assert len(left) == 8
    assert {store.entry_path(u).name for u in units} <= set(left)
    assert [n for n in left if n.startswith("0000")] == [f"{i:032x}.pkl" for i in (6, 7, 8, 9)]
